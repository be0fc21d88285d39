import Ethereum

/// A simulated PoCo chain on the real engine: an app and a workerpool registered, signed app and
/// workerpool orders of large volume (their signatures are checked once per deal), one request
/// order per deal of `tasksPerDeal` tasks, then for each task `initialize`, `contribute` with the
/// scheduler's EIP-191 authorization, `reveal` by every winner and `finalize` by the scheduler
/// (`contributeAndFinalize` at trust 1), and `claim` for tasks that could not reach consensus.
/// Scores, stakes and rewards are the engine's; earnings are read from its balances.
///
/// Time is a block clock: a block every `blockInterval` seconds; each step of a task (initialize,
/// each wave of contributions, the reveals, finalize) takes the next block. Deals are in category
/// L (timeref 10,800 s); a new deal starts when the current one is used up or 6 timerefs old, so
/// every task ends well before its contribution deadline (7 timerefs after its deal's start).
public struct PoCoEngineLedger: PoCoSabotageLedger {
    /// Seconds between blocks (Bellecour's block time).
    public static let blockInterval: UInt64 = 5
    /// The deals' category: L, timeref 10,800 s.
    public static let category: UInt256 = 3
    /// nRLC each worker deposits before the run.
    public static let workerDeposit: UInt256 = 10_000_000_000_000

    /// The engine, with everything the run did.
    public private(set) var engine: PoCoEngine
    /// The current block's time.
    public private(set) var time: UInt64 = 1_700_000_000
    /// Every worker's address, by worker number.
    public let workers: [Address]
    /// The deals' trust.
    public let trust: UInt64
    /// The workerpool price and policies (the workerpool keeps iExec's default policies: 30 %, 1 %).
    public let price: PriceModel
    /// The volume of each request order, hence of each deal.
    public let tasksPerDeal: Int

    private let scheduler: PrivateKey
    private let requester: PrivateKey
    private let appOrder: AppOrder
    private let workerpoolOrder: WorkerpoolOrder
    private let noDatasetOrder = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero,
                                              apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                                              salt: .zero)
    private let workerIndex: [Address: Int]
    /// Deals matched so far.
    public private(set) var deals = 0
    private var deal: (id: Hash32, start: UInt64, size: Int, used: Int)?
    private var tasksLeft: Int
    private var taskIndex = 0
    private var taskid = Hash32.zero
    /// The open task's contributions: worker number, result, and the digest it committed to.
    private var contributions: [(worker: Int, result: ReplicaResult, digest: Hash32)] = []
    private var finalizedAtOnce = false
    private var abandoned: [(taskid: Hash32, finalDeadline: UInt256)] = []

    /// A chain ready for `tasks` tasks at `trust` with `workers` funded workers.
    public init(workers count: Int, trust: UInt64, tasks: Int, price: PriceModel = PriceModel(),
                tasksPerDeal: Int = 1000) throws(SimulationError) {
        guard tasks >= 1 else { throw .invalidTaskCount(tasks) }
        guard trust >= 1 else { throw .invalidTrust(trust) }
        self.trust = trust
        self.price = price
        self.tasksPerDeal = max(1, tasksPerDeal)
        tasksLeft = tasks
        let config = PoCoConfig(
            chainId: 134, hub: Self.address("hub"), appRegistry: Self.address("app registry"),
            datasetRegistry: Self.address("dataset registry"), workerpoolRegistry: Self.address("workerpool registry"),
            governance: Self.address("governance"))
        engine = PoCoEngine.genesis(config: config)
        scheduler = Self.key("scheduler")
        requester = Self.key("requester")
        let appOwner = Self.key("app owner")
        workers = (0..<max(0, count)).map { Self.address("worker \($0)") }
        workerIndex = Dictionary(uniqueKeysWithValues: workers.enumerated().map { ($1, $0) })

        let app = try Self.created(&engine, .registry(.createApp(
            owner: appOwner.address, name: "sabotage", type: "WASM", multiaddr: Array("/wasm/sabotage".utf8),
            checksum: Keccak256.hash("sabotage"), mrenclave: [])), by: appOwner.address, at: time)
        let pool = try Self.created(&engine, .registry(.createWorkerpool(owner: scheduler.address,
                                                                         description: "sabotage pool")),
                                    by: scheduler.address, at: time)
        let volume = UInt256(UInt64(1) << 40)
        appOrder = AppOrder(app: app, appprice: .zero, volume: volume, tag: .zero, datasetrestrict: .zero,
                            workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("sabotage app")
        ).signed(with: appOwner, in: config.domain)
        workerpoolOrder = WorkerpoolOrder(
            workerpool: pool, workerpoolprice: UInt256(UInt64(price.taskPrice)), volume: volume, tag: .zero,
            category: Self.category, trust: UInt256(trust), apprestrict: .zero, datasetrestrict: .zero,
            requesterrestrict: .zero, salt: Keccak256.hash("sabotage pool")
        ).signed(with: scheduler, in: config.domain)

        // The requester pays every task (twice over: a deal cut short by time leaves tasks locked);
        // the scheduler stakes 30 % of the price per task of a deal.
        let taskPrice = UInt256(UInt64(price.taskPrice))
        try deposit(taskPrice &* UInt256(UInt64(2 * tasks)), for: requester.address)
        try deposit(taskPrice &* UInt256(UInt64(tasks)), for: scheduler.address)
        for worker in workers { try deposit(Self.workerDeposit, for: worker) }
    }

    /// Number of workers.
    public var workerCount: Int { workers.count }
    /// The engine's score of the worker (saturated to UInt64).
    public func score(of worker: Int) -> UInt64 {
        guard workers.indices.contains(worker) else { return 0 }
        let score = engine.state.score(workers[worker])
        return score.w1 | score.w2 | score.w3 == 0 ? score.w0 : .max
    }

    /// Whether the worker's free balance covers a stake.
    public func canStake(_ worker: Int) -> Bool {
        workers.indices.contains(worker)
            && engine.state.account(workers[worker]).balance >= UInt256(UInt64(price.workerStake))
    }

    /// Advances the clock by one block.
    public mutating func nextBlock() {
        time += Self.blockInterval
    }

    /// Starts a deal when needed, then initializes the task (sent by the scheduler).
    public mutating func openTask(_ index: Int) throws(SimulationError) {
        taskIndex = index
        contributions.removeAll(keepingCapacity: true)
        finalizedAtOnce = false
        let timeref: UInt64 = 10_800
        if deal == nil || deal?.used == deal?.size || time - (deal?.start ?? 0) >= 6 * timeref {
            try startDeal()
        }
        guard var current = deal else { return }
        nextBlock()
        let receipt = try call(.lifecycle(.initialize(dealid: current.id, index: UInt256(UInt64(current.used)))),
                               from: scheduler.address, "initialize")
        guard case .hash(let id) = receipt.output else {
            throw .engineReverted(call: "initialize", task: index, reason: "returned \(receipt.output), not a taskid")
        }
        taskid = id
        current.used += 1
        tasksLeft -= 1
        deal = current
    }

    /// `contribute` (or `contributeAndFinalize` at trust 1) from the worker, with the scheduler's
    /// authorization; true once the task has left ACTIVE.
    public mutating func contribute(worker: Int, result: ReplicaResult) throws(SimulationError) -> Bool {
        guard workers.indices.contains(worker) else {
            throw .workerCountMismatch(ledger: workers.count, population: worker + 1)
        }
        let address = workers[worker]
        let digest = Self.digest(of: result, taskid: taskid)
        let authorization = EIP191.sign(
            message: PoCoIds.authorizationHash(worker: address, taskid: taskid, enclaveChallenge: .zero).bytes,
            with: scheduler).bytes
        contributions.append((worker, result, digest))
        if trust == 1 {
            try call(.lifecycle(.contributeAndFinalize(taskid: taskid, resultDigest: digest, results: [],
                                                       resultsCallback: [], enclaveChallenge: .zero, enclaveSign: [],
                                                       authorizationSign: authorization)),
                     from: address, "contributeAndFinalize")
            finalizedAtOnce = true
            return true
        }
        try call(.lifecycle(.contribute(
            taskid: taskid, resultHash: PoCoIds.resultHash(taskid: taskid, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: address, taskid: taskid, resultDigest: digest),
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization)), from: address, "contribute")
        return engine.state.task(taskid)?.status != .active
    }

    /// Every winner reveals in the next block, the scheduler finalizes in the one after; returns the
    /// result whose digest the engine recorded.
    public mutating func finalizeTask() throws(SimulationError) -> ReplicaResult {
        if !finalizedAtOnce {
            guard let consensus = engine.state.task(taskid)?.consensusValue else {
                throw .engineReverted(call: "finalize", task: taskIndex, reason: "the task is gone")
            }
            nextBlock()
            for contribution in contributions
            where PoCoIds.resultHash(taskid: taskid, resultDigest: contribution.digest) == consensus {
                try call(.lifecycle(.reveal(taskid: taskid, resultDigest: contribution.digest)),
                         from: workers[contribution.worker], "reveal")
            }
            nextBlock()
            try call(.lifecycle(.finalize(taskid: taskid, results: [], resultsCallback: [])),
                     from: scheduler.address, "finalize")
        }
        let digest = engine.state.task(taskid)?.resultDigest
        guard let accepted = contributions.first(where: { $0.digest == digest }) else {
            throw .engineReverted(call: "finalize", task: taskIndex, reason: "no contribution carries the final digest")
        }
        return accepted.result
    }

    /// Leaves the task to `claim` at the end of the run.
    public mutating func abandonTask() throws(SimulationError) {
        guard let task = engine.state.task(taskid) else { return }
        abandoned.append((taskid, task.finalDeadline))
    }

    /// Claims every abandoned task once the clock has passed its final deadline.
    public mutating func close() throws(SimulationError) {
        guard let latest = abandoned.map(\.finalDeadline).max() else { return }
        time = max(time, latest.w0) + Self.blockInterval
        try call(.lifecycle(.claimArray(taskids: abandoned.map(\.taskid))), from: requester.address, "claimArray")
        abandoned.removeAll()
    }

    /// balance + frozen − the deposit, per worker.
    public func earnings() -> [Int64] {
        workers.map { worker in
            let account = engine.state.account(worker)
            let held = account.balance &+ account.frozen
            return held >= Self.workerDeposit
                ? Int64(truncatingIfNeeded: (held &- Self.workerDeposit).w0)
                : -Int64(truncatingIfNeeded: (Self.workerDeposit &- held).w0)
        }
    }

    /// The worker (by number) behind an address, nil for any other account.
    public func worker(at address: Address) -> Int? { workerIndex[address] }

    // MARK: Steps

    private mutating func startDeal() throws(SimulationError) {
        deals += 1
        let size = min(tasksPerDeal, max(1, tasksLeft))
        let request = RequestOrder(
            app: appOrder.app, appmaxprice: .zero, dataset: .zero, datasetmaxprice: .zero,
            workerpool: workerpoolOrder.workerpool, workerpoolmaxprice: workerpoolOrder.workerpoolprice,
            requester: requester.address, volume: UInt256(UInt64(size)), tag: .zero, category: Self.category,
            trust: UInt256(trust), beneficiary: requester.address, callback: .zero, params: "",
            salt: Keccak256.hash("sabotage deal \(deals)")
        ).signed(with: requester, in: engine.config.domain)
        nextBlock()
        let receipt = try call(.matching(.matchOrders(appOrder, noDatasetOrder, workerpoolOrder, request)),
                               from: requester.address, "matchOrders")
        guard case .hash(let id) = receipt.output else {
            throw .engineReverted(call: "matchOrders", task: taskIndex, reason: "returned \(receipt.output), not a dealid")
        }
        deal = (id, time, size, 0)
    }

    private mutating func deposit(_ nRLC: UInt256, for account: Address) throws(SimulationError) {
        try call(.escrow(.deposit), from: account, value: nRLC &* PoCoConstants.weiPerNRLC, "deposit")
    }

    @discardableResult
    private mutating func call(_ call: PoCoCall, from sender: Address, value: UInt256 = .zero, _ name: String)
        throws(SimulationError) -> CallReceipt {
        try Self.apply(&engine, call, from: sender, value: value, at: time, name, task: taskIndex)
    }

    private static func apply(_ engine: inout PoCoEngine, _ call: PoCoCall, from sender: Address, value: UInt256 = .zero,
                              at time: UInt64, _ name: String, task: Int) throws(SimulationError) -> CallReceipt {
        do throws(PoCoError) {
            return try engine.apply(call, CallContext(sender: sender, value: value, blockTime: time))
        } catch {
            throw .engineReverted(call: name, task: task, reason: error.reason)
        }
    }

    // MARK: Fixed identities

    /// The digest a worker computes: keccak256(taskid ‖ kind ‖ worker) — the same for every honest
    /// worker, the same for every colluding liar, unique for a non-colluding liar.
    static func digest(of result: ReplicaResult, taskid: Hash32) -> Hash32 {
        switch result {
        case .correct: return Keccak256.hash(taskid.bytes + [0])
        case .colludedWrong: return Keccak256.hash(taskid.bytes + [1])
        case .wrong(let worker): return Keccak256.hash(taskid.bytes + [2] + UInt256(UInt64(max(0, worker))).bigEndianBytes)
        }
    }

    private static func address(_ name: String) -> Address {
        (try? Address(Array(Keccak256.hash("iexec-swift sabotage \(name)").bytes[12...]))) ?? .zero
    }

    private static func key(_ role: String) -> PrivateKey {
        // keccak256 of a fixed string is a valid secp256k1 key but with probability ~2^-128.
        guard let key = try? PrivateKey(Keccak256.hash("iexec-swift sabotage key: \(role)").bytes) else {
            preconditionFailure("the fixed key string for \(role) is not a valid secp256k1 key")
        }
        return key
    }

    /// Registers an asset before the run; returns its address.
    private static func created(_ engine: inout PoCoEngine, _ call: PoCoCall, by sender: Address, at time: UInt64)
        throws(SimulationError) -> Address {
        let receipt = try apply(&engine, call, from: sender, at: time, "create asset", task: 0)
        guard case .address(let address) = receipt.output else {
            throw .engineReverted(call: "create asset", task: 0, reason: "returned \(receipt.output), not an address")
        }
        return address
    }
}
