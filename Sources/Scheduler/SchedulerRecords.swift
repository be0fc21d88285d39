import Client
import Ethereum
import PoCo

/// Where a task stands for the scheduler (iexec-core's task states, folded onto PoCo's).
public enum TaskPhase: String, Codable, Hashable, Sendable, CaseIterable {
    /// Seen in a `SchedulerNotice`, not initialized on chain yet.
    case received
    /// ACTIVE on chain: replicates are handed out until the prediction says enough.
    case running
    /// REVEALING: the winners are asked to reveal.
    case consensusReached = "consensus-reached"
    /// At least one winner revealed: one of them is asked to upload the result.
    case revealed
    /// The result is uploaded: `finalize` is due.
    case uploaded
    /// COMPLETED on chain.
    case completed
    /// FAILED on chain (claimed: the requester was refunded).
    case failed

    /// Completed or failed: nothing more will happen to it.
    public var isFinal: Bool { self == .completed || self == .failed }
}

/// Where one worker's replicate of a task stands.
public enum ReplicatePhase: String, Codable, Hashable, Sendable, CaseIterable {
    /// Handed out; the worker downloads and runs.
    case assigned
    /// The worker ran it and reported its result hash; it is told to contribute.
    case computed
    /// Its contribution is on chain.
    case contributed
    /// Its reveal is on chain.
    case revealed
    /// It uploaded the result.
    case uploaded
    /// The worker went silent before contributing: its slot in the prediction is freed.
    case lost
    /// The task no longer needed it (consensus reached without it, deadline passed).
    case aborted
    /// The worker reported it could not run it.
    case failed
    /// It was a consensus winner that did not reveal in time (`reopen` rejected it).
    case rejected
    /// The task is over.
    case done

    /// Counted in the consensus prediction: handed out and not yet contributed.
    public var isPending: Bool { self == .assigned || self == .computed }
    /// Holding one of the worker's slots (running the app).
    public var holdsSlot: Bool { self == .assigned || self == .computed }
    /// Nothing more will happen to it.
    public var isFinal: Bool { [.lost, .aborted, .failed, .rejected, .done].contains(self) }
}

/// A deal of the scheduler's workerpool, with what its tasks need from the chain.
public struct DealRecord: Codable, Hashable, Sendable {
    /// The deal id.
    public var id: Hash32
    /// The app and where it lives.
    public var app: AssetLocation
    /// The app's registered type: `WASM` or `NATIVE` (the runtime a worker needs).
    public var appType: String
    /// The dataset, if any.
    public var dataset: AssetLocation?
    /// Category id and its reference time (seconds).
    public var category: UInt64
    /// The category's `workClockTimeRef`.
    public var timeref: UInt64
    /// The deal's trust (≥ 1).
    public var trust: UInt64
    /// Tag bits.
    public var tag: Hash32
    /// The raw params.
    public var params: String
    /// Who asked and who gets the result.
    public var requester: Address
    /// The deal's beneficiary.
    public var beneficiary: Address
    /// The callback address (zero for none).
    public var callback: Address
    /// The deal's start time: deadlines count from it.
    public var startTime: UInt64
    /// The first task index and the number of tasks.
    public var botFirst: UInt64
    /// The number of tasks.
    public var botSize: UInt64
    /// The stake each contributor locks, nRLC.
    public var workerStake: UInt256

    /// A deal record.
    public init(id: Hash32, app: AssetLocation, appType: String, dataset: AssetLocation?, category: UInt64,
                timeref: UInt64, trust: UInt64, tag: Hash32, params: String, requester: Address, beneficiary: Address,
                callback: Address, startTime: UInt64, botFirst: UInt64, botSize: UInt64, workerStake: UInt256) {
        self.id = id
        self.app = app
        self.appType = appType
        self.dataset = dataset
        self.category = category
        self.timeref = timeref
        self.trust = trust
        self.tag = tag
        self.params = params
        self.requester = requester
        self.beneficiary = beneficiary
        self.callback = callback
        self.startTime = startTime
        self.botFirst = botFirst
        self.botSize = botSize
        self.workerStake = workerStake
    }

    /// Contributions are accepted before this block time (start + 7 · timeref).
    public var contributionDeadline: UInt64 { startTime &+ PoCoConstants.contributionDeadlineRatio &* timeref }
    /// The task can only be claimed from this block time on (start + 10 · timeref).
    public var finalDeadline: UInt64 { startTime &+ PoCoConstants.finalDeadlineRatio &* timeref }

    /// The runtime a worker needs for the app: `native` for a `NATIVE` app, `wasm` otherwise.
    public var appRuntime: String { appType.uppercased() == "NATIVE" ? "native" : "wasm" }
}

/// A task of one of the pool's deals.
public struct TaskRecord: Codable, Hashable, Sendable {
    /// keccak256(dealId ‖ index).
    public var id: Hash32
    /// Its deal.
    public var dealId: Hash32
    /// Its index in the deal.
    public var index: UInt64
    /// Where it stands.
    public var phase: TaskPhase
    /// The consensus result hash, once reached.
    public var consensus: Hash32?
    /// The reveal deadline of the current consensus.
    public var revealDeadline: UInt64?
    /// The winner asked to upload the result.
    public var uploader: Address?
    /// Where the uploaded result is.
    public var resultLocation: String?
    /// The callback data the uploader reported (hex), for `finalize`'s `resultsCallback`.
    public var callbackData: String?
    /// The last chain error met acting on it (for the operator).
    public var lastError: String?

    /// A new task in `received`.
    public init(id: Hash32, dealId: Hash32, index: UInt64) {
        self.id = id
        self.dealId = dealId
        self.index = index
        self.phase = .received
    }
}

/// One worker's replicate of a task.
public struct ReplicateRecord: Codable, Hashable, Sendable {
    /// The task.
    public var taskId: Hash32
    /// The worker.
    public var worker: Address
    /// Where it stands.
    public var phase: ReplicatePhase
    /// The worker's consensus weight when it got the replicate.
    public var weight: UInt64
    /// The result hash the worker reported or contributed.
    public var resultHash: Hash32?
    /// The assignment handed out (kept so that a restarted worker gets the same one back).
    public var authorizationSign: String
    /// Wall-clock seconds of the assignment and of the last news from the worker about it.
    public var assignedAt: Double
    /// Last news about it.
    public var updatedAt: Double

    /// A replicate record.
    public init(taskId: Hash32, worker: Address, phase: ReplicatePhase, weight: UInt64, resultHash: Hash32?,
                authorizationSign: String, assignedAt: Double, updatedAt: Double) {
        self.taskId = taskId
        self.worker = worker
        self.phase = phase
        self.weight = weight
        self.resultHash = resultHash
        self.authorizationSign = authorizationSign
        self.assignedAt = assignedAt
        self.updatedAt = updatedAt
    }
}
