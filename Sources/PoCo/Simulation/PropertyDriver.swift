import Ethereum

/// Drives the PoCo engine with random valid and invalid calls from many actors, from a seed, and
/// checks after every call that money is conserved and that a reverted call changed nothing.
/// Deterministic: the same seed gives the same calls and the same final state digest.
///
/// Conservation is checked on every call incrementally, from the receipt's changes and previous
/// values (O(changes)), against deposits − withdrawals counted from the calls themselves; every
/// `fullCheckInterval` calls the whole state is summed, and a reverted call is compared with the
/// whole state before it (doing that on every call would copy the state on every call).
public struct PropertyDriver {
    /// What a run did and found.
    public struct Report: Hashable, Sendable {
        public var operations = 0
        public var succeeded = 0
        public var reverted = 0
        public var dealsMatched = 0
        public var tasksCompleted = 0
        public var tasksClaimed = 0
        /// How often each revert reason occurred.
        public var revertReasons: [String: Int] = [:]
        /// Broken invariants, each with its operation number; empty when everything held.
        public var violations: [String] = []
        /// The state digest at the end of the run.
        public var digest: Hash32 = .zero
    }

    private struct Market {
        let appOwner: PrivateKey, datasetOwner: PrivateKey, scheduler: PrivateKey
        var app = Address.zero, dataset = Address.zero, workerpool = Address.zero
    }

    private struct OpenDeal {
        let id: Hash32, market: Int, botFirst: UInt256, botSize: UInt256
    }

    private struct OpenTask {
        let id: Hash32, market: Int
        var contributions: [(worker: Int, digest: Hash32)] = []
    }

    private var engine: PoCoEngine
    private var random: SplitMix64
    private let fullCheckInterval: Int
    private var report = Report()
    private var time: UInt64 = 1_700_000_000
    private var deposited = UInt256.zero
    private var withdrawn = UInt256.zero
    private var held = UInt256.zero
    private let governance: PrivateKey
    private var markets: [Market]
    private let requesters: [PrivateKey]
    private let workers: [PrivateKey]
    private var category = UInt256.zero
    private var deals: [OpenDeal] = []
    private var tasks: [OpenTask] = []

    /// Results workers compute: mostly the first, so that consensus forms.
    private static let digests = (0..<3).map { Keccak256.hash("property result \($0)") }

    /// A driver over a fresh chain. `fullCheckInterval` = 1 checks everything on every call.
    public init(seed: UInt64, fullCheckInterval: Int = 1) {
        func key(_ n: Int) -> PrivateKey { try! PrivateKey(Keccak256.hash("poco property actor \(n)").bytes) }
        governance = key(0)
        let config = PoCoConfig(
            chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
            appRegistry: try! Address(Array(Keccak256.hash("app registry").bytes[12...])),
            datasetRegistry: try! Address(Array(Keccak256.hash("dataset registry").bytes[12...])),
            workerpoolRegistry: try! Address(Array(Keccak256.hash("workerpool registry").bytes[12...])),
            governance: governance.address)
        engine = PoCoEngine.genesis(config: config)
        random = SplitMix64(seed: seed)
        self.fullCheckInterval = max(1, fullCheckInterval)
        markets = (0..<2).map { Market(appOwner: key(10 + 3 * $0), datasetOwner: key(11 + 3 * $0), scheduler: key(12 + 3 * $0)) }
        requesters = (0..<3).map { key(30 + $0) }
        workers = (0..<6).map { key(40 + $0) }
        setUp()
    }

    /// Applies random calls until `operations` calls have been applied in all (setup included;
    /// steps that only move the clock apply none) and returns the report.
    public mutating func run(operations: Int) -> Report {
        while report.operations < operations { step() }
        if engine.state.totalHeld != held { violate("full sum \(engine.state.totalHeld) ≠ tracked \(held) at the end") }
        report.digest = engine.state.digest
        return report
    }

    // MARK: - Applying and checking

    @discardableResult
    private mutating func apply(_ call: PoCoCall, from sender: Address, value: UInt256 = .zero) -> CallReceipt? {
        report.operations += 1
        let fullCheck = report.operations % fullCheckInterval == 0
        let before = fullCheck ? engine.state : nil
        do {
            let receipt = try engine.apply(call, CallContext(sender: sender, value: value, blockTime: time))
            report.succeeded += 1
            account(call, value: value, receipt: receipt)
            if fullCheck, engine.state.totalHeld != held {
                violate("full sum \(engine.state.totalHeld) ≠ tracked \(held)")
            }
            return receipt
        } catch {
            report.reverted += 1
            report.revertReasons[error.reason, default: 0] += 1
            if let before, engine.state != before { violate("a reverted \(call) changed the state") }
            return nil
        }
    }

    /// Updates the tracked sums from a receipt and checks conservation.
    private mutating func account(_ call: PoCoCall, value: UInt256, receipt: CallReceipt) {
        if case .escrow(let escrow) = call {
            switch escrow {
            case .deposit, .depositFor, .depositForArray:
                let change = receipt.payouts.reduce(UInt256.zero) { $0 &+ $1.wei }
                deposited = deposited &+ (value &- change).quotientAndRemainder(dividingBy: PoCoConstants.weiPerNRLC).quotient
            case .withdraw(let amount), .withdrawTo(let amount, _):
                withdrawn = withdrawn &+ amount
            }
        }
        for (change, previous) in zip(receipt.changes, receipt.previousValues) {
            guard case .account = change.key else { continue }
            held = held &- Self.total(previous) &+ Self.total(change.value)
        }
        for log in receipt.logs {
            switch log.event {
            case .ordersMatched: report.dealsMatched += 1
            case .taskFinalize: report.tasksCompleted += 1
            case .taskClaimed: report.tasksClaimed += 1
            default: break
            }
        }
        let expected = deposited &- withdrawn
        if held != expected { violate("held \(held) ≠ deposits − withdrawals \(expected) after \(call)") }
        if engine.state.uint(.totalSupply) != expected { violate("totalSupply ≠ deposits − withdrawals after \(call)") }
    }

    private static func total(_ value: StateValue?) -> UInt256 {
        if case .account(let account)? = value { return account.balance &+ account.frozen }
        return .zero
    }

    private mutating func violate(_ message: String) {
        report.violations.append("op \(report.operations): \(message)")
    }

    // MARK: - Setup

    private mutating func setUp() {
        if case .uint(let id)? = apply(.governance(.createCategory(name: "property", description: "fast",
                                                                   workClockTimeRef: 20)), from: governance.address)?.output {
            category = id
        }
        for index in markets.indices {
            let market = markets[index]
            if case .address(let a)? = apply(.registry(.createApp(owner: market.appOwner.address, name: "app", type: "WASM",
                                                                  multiaddr: [], checksum: .zero, mrenclave: [])),
                                             from: market.appOwner.address)?.output { markets[index].app = a }
            if case .address(let d)? = apply(.registry(.createDataset(owner: market.datasetOwner.address, name: "data",
                                                                      multiaddr: [], checksum: .zero)),
                                             from: market.datasetOwner.address)?.output { markets[index].dataset = d }
            if case .address(let w)? = apply(.registry(.createWorkerpool(owner: market.scheduler.address,
                                                                         description: "pool")),
                                             from: market.scheduler.address)?.output { markets[index].workerpool = w }
            for key in [market.appOwner, market.datasetOwner, market.scheduler] { deposit(key.address, nRLC: 1_000) }
        }
        for key in requesters + workers { deposit(key.address, nRLC: 1_000) }
    }

    private mutating func deposit(_ account: Address, nRLC: UInt64) {
        apply(.escrow(.deposit), from: account, value: UInt256(nRLC) &* PoCoConstants.weiPerNRLC)
    }

    // MARK: - Random operations

    private mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[random.index(below: items.count)]
    }

    /// Mostly one of the newest few (where the action is), sometimes any.
    private mutating func recent<T>(_ items: [T]) -> T? {
        chance(85) ? pick(Array(items.suffix(6))) : pick(items)
    }

    private mutating func recentIndex(_ count: Int) -> Int? {
        guard count > 0 else { return nil }
        return chance(85) ? count - 1 - random.index(below: min(count, 6)) : random.index(below: count)
    }

    private mutating func chance(_ percent: UInt64) -> Bool { random.next(below: 100) < percent }

    private mutating func small(_ bound: UInt64) -> UInt64 { random.next(below: bound) }

    private mutating func anyone() -> PrivateKey {
        let everyone = [governance] + markets.flatMap { [$0.appOwner, $0.datasetOwner, $0.scheduler] } + requesters + workers
        return pick(everyone)!
    }

    private mutating func step() {
        switch small(100) {
        case 0..<5: deposit(anyone().address, nRLC: small(300))
        case 5..<9:
            let who = anyone().address
            apply(.escrow(.withdraw(amount: UInt256(small(400)))), from: who)
        case 9..<13:
            let (from, to) = (anyone().address, anyone().address)
            apply(.token(.transfer(to: to, value: UInt256(small(200)))), from: from)
        case 13..<15:
            let (owner, spender) = (anyone().address, anyone().address)
            apply(.token(.approve(spender: spender, value: UInt256(small(100)))), from: owner)
            apply(.token(.transferFrom(from: owner, to: anyone().address, value: UInt256(small(120)))), from: spender)
        case 15..<25: matchOrders()
        case 25..<35: initialize()
        case 35..<58: contribute()
        case 58..<62: contributeAndFinalize()
        case 62..<75: reveal()
        case 75..<83: finalize()
        case 83..<86: reopen()
        case 86..<90: claim()
        case 90..<96: time += 1 + small(40)
        default: garbage()
        }
    }

    private mutating func matchOrders() {
        let marketIndex = Int(small(UInt64(markets.count)))
        let market = markets[marketIndex]
        guard let requester = pick(requesters) else { return }
        let domain = engine.config.domain
        let withDataset = chance(50)
        let volume = UInt256(1 + small(4))
        let trust = UInt256([1, 1, 3, 5, 10][Int(small(5))])
        let (appPrice, datasetPrice, poolPrice) = (UInt256(small(5)), UInt256(small(5)), UInt256(small(20)))
        let salt = Keccak256.hash((0..<4).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } })
        let app = AppOrder(app: market.app, appprice: appPrice, volume: UInt256(10), tag: .zero, datasetrestrict: .zero,
                           workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt)
            .signed(with: market.appOwner, in: domain)
        var dataset = DatasetOrder(dataset: .zero, datasetprice: 0, volume: 0, tag: .zero, apprestrict: .zero,
                                   workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
        if withDataset {
            dataset = DatasetOrder(dataset: market.dataset, datasetprice: datasetPrice, volume: UInt256(10), tag: .zero,
                                   apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt)
                .signed(with: market.datasetOwner, in: domain)
        }
        let pool = WorkerpoolOrder(workerpool: market.workerpool, workerpoolprice: poolPrice, volume: UInt256(10),
                                   tag: .zero, category: category, trust: trust, apprestrict: .zero,
                                   datasetrestrict: .zero, requesterrestrict: .zero, salt: salt)
            .signed(with: market.scheduler, in: domain)
        // Sometimes a price the request does not accept, or a forged request signature.
        let lowball = chance(10) ? UInt256.zero : UInt256(100)
        let signer = chance(5) ? workers[0] : requester
        let request = RequestOrder(app: market.app, appmaxprice: lowball, dataset: withDataset ? market.dataset : .zero,
                                   datasetmaxprice: 100, workerpool: market.workerpool, workerpoolmaxprice: 100,
                                   requester: requester.address, volume: volume, tag: .zero, category: category,
                                   trust: trust, beneficiary: requester.address, callback: .zero, params: "{}", salt: salt)
            .signed(with: signer, in: domain)
        let receipt = apply(.matching(.matchOrders(app, dataset, pool, request)), from: requester.address)
        if case .hash(let id)? = receipt?.output, let deal = engine.state.deal(id) {
            deals.append(OpenDeal(id: id, market: marketIndex, botFirst: deal.botFirst, botSize: deal.botSize))
        }
    }

    private mutating func initialize() {
        guard let deal = recent(deals) else { return }
        // Now and then one index past the deal's range.
        let index = deal.botFirst &+ UInt256(small(UInt64(deal.botSize.uint64Value ?? 1) + (chance(10) ? 1 : 0)))
        let receipt = apply(.lifecycle(.initialize(dealid: deal.id, index: index)), from: anyone().address)
        if case .hash(let id)? = receipt?.output { tasks.append(OpenTask(id: id, market: deal.market)) }
    }

    private mutating func authorization(worker: PrivateKey, task: OpenTask, forged: Bool) -> [UInt8] {
        let signer = forged ? worker : markets[task.market].scheduler
        let hash = PoCoIds.authorizationHash(worker: worker.address, taskid: task.id, enclaveChallenge: .zero)
        return EIP191.sign(message: hash.bytes, with: signer).bytes
    }

    private mutating func contribute() {
        guard let taskIndex = recentIndex(tasks.count) else { return }
        let workerIndex = Int(small(UInt64(workers.count)))
        let worker = workers[workerIndex]
        let task = tasks[taskIndex]
        let digest = chance(75) ? Self.digests[0] : pick(Self.digests)!
        let call = PoCoCall.lifecycle(.contribute(
            taskid: task.id, resultHash: PoCoIds.resultHash(taskid: task.id, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: worker.address, taskid: task.id, resultDigest: digest),
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization(worker: worker, task: task, forged: chance(5))))
        if apply(call, from: worker.address) != nil {
            tasks[taskIndex].contributions.append((workerIndex, digest))
        }
    }

    private mutating func contributeAndFinalize() {
        guard let task = recent(tasks), let worker = pick(workers) else { return }
        let digest = Self.digests[0]
        apply(.lifecycle(.contributeAndFinalize(
            taskid: task.id, resultDigest: digest, results: Array("ipfs://result".utf8), resultsCallback: [],
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization(worker: worker, task: task, forged: false))),
              from: worker.address)
    }

    private mutating func reveal() {
        guard let task = recent(tasks.suffix(30).filter { !$0.contributions.isEmpty }),
              let contribution = pick(task.contributions) else { return }
        // Sometimes the wrong digest.
        let digest = chance(10) ? Self.digests[2] : contribution.digest
        apply(.lifecycle(.reveal(taskid: task.id, resultDigest: digest)), from: workers[contribution.worker].address)
    }

    private mutating func finalize() {
        guard let task = recent(tasks) else { return }
        let sender = chance(90) ? markets[task.market].scheduler.address : anyone().address
        apply(.lifecycle(.finalize(taskid: task.id, results: Array("ipfs://result".utf8), resultsCallback: [])), from: sender)
    }

    private mutating func reopen() {
        guard let task = recent(tasks) else { return }
        apply(.lifecycle(.reopen(taskid: task.id)), from: markets[task.market].scheduler.address)
    }

    private mutating func claim() {
        guard let task = pick(tasks) else { return }
        apply(.lifecycle(.claim(taskid: task.id)), from: anyone().address)
    }

    /// Calls that must revert: unknown ids, empty signatures, mismatched arrays.
    private mutating func garbage() {
        let junk = Keccak256.hash(withUnsafeBytes(of: random.next()) { Array($0) })
        let who = anyone().address
        switch small(5) {
        case 0: apply(.lifecycle(.initialize(dealid: junk, index: 0)), from: who)
        case 1: apply(.lifecycle(.reveal(taskid: junk, resultDigest: junk)), from: who)
        case 2: apply(.lifecycle(.initializeArray(dealids: [junk], indexes: [])), from: who)
        case 3: apply(.lifecycle(.contribute(taskid: junk, resultHash: junk, resultSeal: junk, enclaveChallenge: .zero,
                                             enclaveSign: [], authorizationSign: [])), from: who)
        default: apply(.escrow(.withdraw(amount: .max)), from: who)
        }
    }
}
