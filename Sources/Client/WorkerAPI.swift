import Ethereum
import Foundation

// The messages of the scheduler's worker API (`/scheduler/...`, docs/openapi/scheduler.yaml), shared
// by the scheduler that answers them and the workers that send them. JSON through Codable:
// addresses checksummed, hashes 0x-hex, amounts decimal strings.

/// What a worker says about itself when it logs in: a name for the operator, its ClassAd (the
/// machine's attributes and its own Requirements), and how many replicates it runs at once.
public struct WorkerDescription: Codable, Hashable, Sendable {
    /// A human name (host name by default).
    public var name: String
    /// The ClassAd text, e.g. `[ Cpus = 2; MemoryMB = 4096; Runtimes = {"wasm"}; Requirements = true ]`.
    public var classAd: String
    /// Replicates it runs at the same time.
    public var slots: Int

    /// A description.
    public init(name: String, classAd: String, slots: Int) {
        self.name = name
        self.classAd = classAd
        self.slots = slots
    }
}

/// `POST /scheduler/login`: a signed challenge (`GET /scheduler/challenge?address=`) and the worker.
public struct WorkerLogin: Codable, Hashable, Sendable {
    /// iExec's authorization string `"<challenge hash>_<signature>_<address>"`.
    public var authorization: String
    /// The worker logging in.
    public var worker: WorkerDescription

    /// A login.
    public init(authorization: String, worker: WorkerDescription) {
        self.authorization = authorization
        self.worker = worker
    }
}

/// The answer to a login: the bearer token of later calls and how often to call back.
public struct WorkerSession: Codable, Hashable, Sendable {
    /// `Authorization: Bearer <token>` on every other call.
    public var token: String
    /// The worker's address, as proven.
    public var worker: Address
    /// Seconds between heartbeats the scheduler expects.
    public var heartbeatInterval: Double
    /// Seconds of silence after which the scheduler counts the worker lost.
    public var lostAfter: Double

    /// A session.
    public init(token: String, worker: Address, heartbeatInterval: Double, lostAfter: Double) {
        self.token = token
        self.worker = worker
        self.heartbeatInterval = heartbeatInterval
        self.lostAfter = lostAfter
    }
}

/// Where an app or dataset lives and the checksum the chain holds for it.
public struct AssetLocation: Codable, Hashable, Sendable {
    /// The asset's registry entry.
    public var address: Address
    /// Its multiaddr as registered: a storage content id, or an http(s) URL.
    public var multiaddr: String
    /// Its on-chain checksum: the SHA-256 of its bytes.
    public var checksum: Hash32

    /// A location.
    public init(address: Address, multiaddr: String, checksum: Hash32) {
        self.address = address
        self.multiaddr = multiaddr
        self.checksum = checksum
    }
}

/// A replicate handed to a worker: everything it needs to run the task and contribute.
public struct ReplicateAssignment: Codable, Hashable, Sendable {
    /// The task.
    public var taskId: Hash32
    /// Its deal and index in the deal.
    public var dealId: Hash32
    /// The task's index in its deal.
    public var taskIndex: UInt64
    /// The app to run.
    public var app: AssetLocation
    /// The dataset, if the deal has one.
    public var dataset: AssetLocation?
    /// The deal's `params` (JSON text: args, input files, requirements — see `DealParams`).
    public var params: String
    /// The deal's category and its reference time (seconds): the app's time budget.
    public var category: UInt64
    /// The category's `workClockTimeRef`, seconds.
    public var timeref: UInt64
    /// The deal's trust; at 1 the worker contributes and finalizes at once.
    public var trust: UInt64
    /// The deal's tag (TEE, GPU… bits).
    public var tag: Hash32
    /// Who ordered the task and who receives the result (readers of the uploaded result).
    public var requester: Address
    /// The deal's beneficiary.
    public var beneficiary: Address
    /// The deal's callback address (zero for none).
    public var callback: Address
    /// The stake the worker locks when it contributes, nRLC.
    public var workerStake: UInt256
    /// The last block time at which a contribution is accepted.
    public var contributionDeadline: UInt64
    /// After this block time the task can only be claimed.
    public var finalDeadline: UInt64
    /// The enclave challenge (zero address: no TEE).
    public var enclaveChallenge: Address
    /// The scheduler's EIP-191 signature authorizing this worker on this task, hex.
    public var authorizationSign: String

    /// An assignment.
    public init(taskId: Hash32, dealId: Hash32, taskIndex: UInt64, app: AssetLocation, dataset: AssetLocation?,
                params: String, category: UInt64, timeref: UInt64, trust: UInt64, tag: Hash32, requester: Address,
                beneficiary: Address, callback: Address, workerStake: UInt256, contributionDeadline: UInt64,
                finalDeadline: UInt64, enclaveChallenge: Address, authorizationSign: String) {
        self.taskId = taskId
        self.dealId = dealId
        self.taskIndex = taskIndex
        self.app = app
        self.dataset = dataset
        self.params = params
        self.category = category
        self.timeref = timeref
        self.trust = trust
        self.tag = tag
        self.requester = requester
        self.beneficiary = beneficiary
        self.callback = callback
        self.workerStake = workerStake
        self.contributionDeadline = contributionDeadline
        self.finalDeadline = finalDeadline
        self.enclaveChallenge = enclaveChallenge
        self.authorizationSign = authorizationSign
    }
}

/// How far a worker got with a replicate, as it reports it.
public enum ReplicateProgress: String, Codable, Hashable, Sendable, CaseIterable {
    /// Downloading and running.
    case started
    /// Ran (or failed deterministically); `resultHash` set. The worker waits for `contribute`.
    case computed
    /// `contribute` (or `contributeAndFinalize`) mined; `transactionHash` set.
    case contributed
    /// `reveal` mined.
    case revealed
    /// The result is in storage; `resultLocation` set.
    case resultUploaded = "result-uploaded"
    /// The worker gave up on it (it says why in `failure`); it will not contribute.
    case failed
}

/// `POST /scheduler/replicates/{taskId}`: a worker's progress on one of its replicates.
public struct ReplicateReport: Codable, Hashable, Sendable {
    /// How far it got.
    public var progress: ReplicateProgress
    /// keccak256(taskId ‖ digest), with `computed` (the digest stays secret until reveal).
    public var resultHash: Hash32?
    /// The transaction that contributed or revealed.
    public var transactionHash: Hash32?
    /// Where the result was uploaded, with `resultUploaded`.
    public var resultLocation: String?
    /// The result's callback data (hex), with `resultUploaded`, when the deal has a callback:
    /// `finalize` passes it as `resultsCallback`.
    public var callbackData: String?
    /// Why it failed, with `failed`.
    public var failure: String?

    /// A report.
    public init(progress: ReplicateProgress, resultHash: Hash32? = nil, transactionHash: Hash32? = nil,
                resultLocation: String? = nil, callbackData: String? = nil, failure: String? = nil) {
        self.progress = progress
        self.resultHash = resultHash
        self.transactionHash = transactionHash
        self.resultLocation = resultLocation
        self.callbackData = callbackData
        self.failure = failure
    }
}

/// What the scheduler wants a worker to do next with a replicate.
public enum ReplicateAction: String, Codable, Hashable, Sendable, CaseIterable {
    /// Download, run, then report `computed`.
    case compute
    /// Send `contribute` with the computed result.
    case contribute
    /// Trust 1: upload the result, then send `contributeAndFinalize`.
    case contributeAndFinalize = "contribute-and-finalize"
    /// Nothing to do yet: call back later.
    case wait
    /// Consensus reached on this worker's result: send `reveal`.
    case reveal
    /// Upload the result (readable by the requester and the beneficiary), report its location.
    case upload
    /// Stop: the task no longer needs this replicate (consensus reached without it, deadline
    /// passed, worker counted lost). Nothing is owed.
    case abort
    /// The replicate is over (the task is finalized or failed).
    case done
}

/// An action for one replicate.
public struct ReplicateInstruction: Codable, Hashable, Sendable {
    /// The task.
    public var taskId: Hash32
    /// What to do.
    public var action: ReplicateAction

    /// An instruction.
    public init(taskId: Hash32, action: ReplicateAction) {
        self.taskId = taskId
        self.action = action
    }
}

/// A replicate the worker holds, with what to do next: the heartbeat's answer, and after a
/// restart the worker's way back to interrupted work.
public struct HeldReplicate: Codable, Hashable, Sendable {
    /// The assignment as first handed out.
    public var assignment: ReplicateAssignment
    /// What to do next.
    public var action: ReplicateAction

    /// A held replicate.
    public init(assignment: ReplicateAssignment, action: ReplicateAction) {
        self.assignment = assignment
        self.action = action
    }
}

/// What a finalized task's `results` bytes say: where its result lives. JSON
/// `{"storage":"iexec-swift","location":"<content id>"}` (iExec's `{"storage","location"}` shape).
public struct ResultLocation: Codable, Hashable, Sendable {
    /// The storage kind: `iexec-swift` for this project's content-addressed storage.
    public var storage: String
    /// The blob's content id in that storage.
    public var location: String

    /// The storage kind of this project's storage.
    public static let projectStorage = "iexec-swift"

    /// A location in this project's storage.
    public init(storage: String = ResultLocation.projectStorage, location: String) {
        self.storage = storage
        self.location = location
    }

    /// The `results` bytes of `finalize`: the JSON object, keys sorted.
    public var resultsBytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Two strings always encode.
        return (try? [UInt8](encoder.encode(self))) ?? []
    }

    /// Reads `results` bytes; nil when they are not this shape.
    public init?(resultsBytes: [UInt8]) {
        guard let value = try? JSONDecoder().decode(ResultLocation.self, from: Data(resultsBytes)) else { return nil }
        self = value
    }
}

/// The answer of the heartbeat and of `GET /scheduler/replicates`: the worker's replicates.
public struct HeldReplicates: Codable, Hashable, Sendable {
    /// Each replicate not yet over, with what to do next.
    public var replicates: [HeldReplicate]

    /// A list.
    public init(replicates: [HeldReplicate]) {
        self.replicates = replicates
    }
}
