import Client
import ClassAd
import Ethereum
import Market
import PoCo

/// The workerpool manager: follows the pool's deals on chain, hands replicates to the workers
/// that pull them, and drives each task to COMPLETED (or, past its final deadline, to a claim
/// that refunds the requester). One actor owns the deals, tasks and replicates; each operation
/// writes its changes to the store before it answers.
///
/// The worker-facing half is here (login, heartbeat, ask, report); following the chain and
/// sending the pool's transactions is in `WorkerpoolScheduler+Chain.swift`.
public actor WorkerpoolScheduler {
    /// The configuration.
    public nonisolated let configuration: SchedulerConfiguration
    let chain: any PoCoChain
    /// The workerpool owner's key: signs authorizations and the scheduler's transactions.
    let key: PrivateKey
    let store: any SchedulerStore
    /// Wall-clock seconds, for worker liveness (PoCo deadlines use block time).
    let clock: @Sendable () -> Double

    var cursor: UInt64?
    var head: ChainHead?
    var deals: [Hash32: DealRecord] = [:]
    var taskAds: [Hash32: Result<TaskAd, SchedulerError>] = [:]
    var tasks: [Hash32: TaskRecord] = [:]
    var replicates: [Hash32: [Address: ReplicateRecord]] = [:]
    var roster = WorkerRoster()
    var challenges: ChallengeLedger
    var pending = SchedulerChanges()
    var syncing = false
    /// Counters for `/metrics`.
    public internal(set) var counters = SchedulerCounters()

    /// A scheduler for `configuration.workerpool`, signing with `key` (the pool's owner), resuming
    /// from what `store` holds.
    ///
    /// - Throws: `SchedulerError.store` when the store cannot be read.
    public init(configuration: SchedulerConfiguration, chain: any PoCoChain, key: PrivateKey,
                store: any SchedulerStore, clock: @escaping @Sendable () -> Double) throws(SchedulerError) {
        self.configuration = configuration
        self.chain = chain
        self.key = key
        self.store = store
        self.clock = clock
        self.challenges = ChallengeLedger(capacity: 10_000, domainName: Self.loginDomainName,
                                          lifetime: UInt64(configuration.challengeLifetime))
        let snapshot = try store.load()
        cursor = snapshot.cursor
        for deal in snapshot.deals { deals[deal.id] = deal }
        for task in snapshot.tasks { tasks[task.id] = task }
        for replicate in snapshot.replicates { replicates[replicate.taskId, default: [:]][replicate.worker] = replicate }
    }

    /// The EIP-712 domain name of the login challenge.
    public static let loginDomainName = "iExec Scheduler"

    // MARK: Sessions

    /// A challenge for `address` to sign (EIP-712) and send to `login`.
    public func challenge(for address: Address) -> SignedChallenge {
        challenges.issue(for: address, chainId: chain.config.chainId, now: UInt64(clock()))
    }

    /// Logs a worker in: checks its signed challenge and its ClassAd, reads its score on chain.
    ///
    /// - Throws: `.unauthorized` for a bad or used challenge, `.badRequest` for an unreadable
    ///   ClassAd or no slots, `.chain` when its score cannot be read.
    public func login(_ login: WorkerLogin) async throws(SchedulerError) -> WorkerSession {
        let worker: Address
        do {
            worker = try challenges.redeem(login.authorization, now: UInt64(clock()))
        } catch {
            throw .unauthorized(error.description)
        }
        let ad: ClassAd
        do {
            ad = try ClassAdParser.parseAd(login.worker.classAd)
        } catch {
            throw .badRequest("the worker's classAd does not parse: \(error)")
        }
        guard (1...1024).contains(login.worker.slots) else {
            throw .badRequest("slots must be between 1 and 1024, got \(login.worker.slots)")
        }
        let score = try await score(of: worker)
        let token = roster.login(WorkerEntry(address: worker, description: login.worker, ad: ad, score: score,
                                             lastSeen: clock()))
        counters.logins += 1
        return WorkerSession(token: token, worker: worker, heartbeatInterval: configuration.heartbeatInterval,
                             lostAfter: configuration.workerLostAfter)
    }

    /// A heartbeat: the worker is alive; answers its replicates with what to do next (also the
    /// way a restarted worker finds its interrupted work).
    public func heartbeat(token: String) throws(SchedulerError) -> [HeldReplicate] {
        let worker = try roster.authenticate(token, now: clock())
        return held(by: worker)
    }

    /// The replicates `worker` holds that are not over, with the next action of each. A replicate
    /// the worker has and this list lacks is over for the scheduler: the worker drops it.
    func held(by worker: Address) -> [HeldReplicate] {
        var answer: [HeldReplicate] = []
        for (taskId, byWorker) in replicates {
            guard let replicate = byWorker[worker], !replicate.phase.isFinal, let task = tasks[taskId],
                  let deal = deals[task.dealId] else { continue }
            let action = action(for: replicate, task: task, deal: deal)
            answer.append(HeldReplicate(assignment: assignment(replicate, task: task, deal: deal), action: action))
        }
        return answer.sorted { $0.assignment.taskId.bytes.lexicographicallyPrecedes($1.assignment.taskId.bytes) }
    }

    // MARK: Assignment

    /// A replicate for the asking worker, or nil when none is due to it now: it has no free
    /// slot, no running task needs more contributions, none matches its ClassAd, or better-ranked
    /// idle workers cover what the prediction still needs.
    public func askForReplicate(token: String) throws(SchedulerError) -> ReplicateAssignment? {
        let now = clock()
        let workerAddress = try roster.authenticate(token, now: now)
        roster[workerAddress]?.lastAsked = now
        guard let worker = roster[workerAddress], let head else { return nil }
        var busy: [Address: Int] = [:]
        for byWorker in replicates.values {
            for replicate in byWorker.values where replicate.phase.holdsSlot { busy[replicate.worker, default: 0] += 1 }
        }
        guard busy[workerAddress, default: 0] < worker.description.slots else { return nil }
        let idle = roster.idle(now: now, window: configuration.askWindow)
        for task in tasks.values.filter({ $0.phase == .running }).sorted(by: Self.schedulingOrder) {
            guard let deal = deals[task.dealId], head.timestamp < deal.contributionDeadline,
                  case .success(let taskAd)? = taskAd(for: deal) else { continue }
            let existing = replicates[task.id]?[workerAddress]
            if let existing, existing.phase != .lost { continue }
            let replicas = scheduledReplicas(of: task.id)
            guard ConsensusPrediction.needsMoreContributions(trust: deal.trust, replicas),
                  taskAd.matches(worker.ad) else { continue }
            let candidates = idle.filter { entry in
                entry.address == workerAddress
                    || (replicates[task.id]?[entry.address] == nil && taskAd.matches(entry.ad)
                        && busy[entry.address, default: 0] < entry.description.slots)
            }
            let chosen = Self.chosen(WorkerRanking.ranked(candidates, weights: taskAd.weights), trust: deal.trust,
                                     replicas: replicas)
            guard chosen.contains(workerAddress) else { continue }
            let replicate = ReplicateRecord(
                taskId: task.id, worker: workerAddress, phase: .assigned, weight: worker.weight, resultHash: nil,
                authorizationSign: authorization(worker: workerAddress, taskId: task.id),
                assignedAt: now, updatedAt: now)
            record(replicate)
            flush()
            counters.assignments += 1
            return assignment(replicate, task: task, deal: deal)
        }
        return nil
    }

    /// Oldest deal first, then task index: tasks are served in the order they were bought.
    static func schedulingOrder(_ left: TaskRecord, _ right: TaskRecord) -> Bool {
        if left.dealId != right.dealId { return left.dealId.bytes.lexicographicallyPrecedes(right.dealId.bytes) }
        return left.index < right.index
    }

    /// The shortest prefix of `ranked` whose replicates, added as pending, satisfy the prediction
    /// (all of them if none does).
    static func chosen(_ ranked: [WorkerEntry], trust: UInt64, replicas: [ScheduledReplica<Hash32>]) -> Set<Address> {
        var replicas = replicas
        var chosen: Set<Address> = []
        for candidate in ranked {
            guard ConsensusPrediction.needsMoreContributions(trust: trust, replicas) else { break }
            chosen.insert(candidate.address)
            replicas.append(ScheduledReplica(weight: candidate.weight))
        }
        return chosen
    }

    /// The task's replicates as the prediction sees them: pending ones with their weight,
    /// contributed ones with their result; lost, failed, aborted and rejected ones left out.
    func scheduledReplicas(of taskId: Hash32) -> [ScheduledReplica<Hash32>] {
        (replicates[taskId] ?? [:]).values.compactMap { replicate in
            switch replicate.phase {
            case .assigned, .computed: return ScheduledReplica(weight: replicate.weight)
            case .contributed, .revealed, .uploaded, .done:
                return ScheduledReplica(weight: replicate.weight, contribution: replicate.resultHash)
            case .lost, .aborted, .failed, .rejected: return nil
            }
        }
    }

    /// The scheduler's EIP-191 signature letting `worker` contribute to `taskId` (no enclave).
    func authorization(worker: Address, taskId: Hash32) -> String {
        let hash = PoCoIds.authorizationHash(worker: worker, taskid: taskId, enclaveChallenge: .zero)
        return Hex.encode(EIP191.sign(message: hash.bytes, with: key).bytes)
    }

    func assignment(_ replicate: ReplicateRecord, task: TaskRecord, deal: DealRecord) -> ReplicateAssignment {
        ReplicateAssignment(taskId: task.id, dealId: deal.id, taskIndex: task.index, app: deal.app, dataset: deal.dataset,
                            params: deal.params, category: deal.category, timeref: deal.timeref, trust: deal.trust,
                            tag: deal.tag, requester: deal.requester, beneficiary: deal.beneficiary,
                            callback: deal.callback, workerStake: deal.workerStake,
                            contributionDeadline: deal.contributionDeadline, finalDeadline: deal.finalDeadline,
                            enclaveChallenge: .zero, authorizationSign: replicate.authorizationSign)
    }

    func taskAd(for deal: DealRecord) -> Result<TaskAd, SchedulerError>? {
        if let cached = taskAds[deal.id] { return cached }
        let ad: Result<TaskAd, SchedulerError>
        do throws(SchedulerError) {
            ad = .success(try TaskAd(deal: deal, appRuntime: deal.appRuntime))
        } catch {
            ad = .failure(error)
        }
        taskAds[deal.id] = ad
        return ad
    }

    // MARK: Reports

    /// A worker's news about one of its replicates; answers what to do next.
    ///
    /// - Throws: `.unauthorized`, `.unknownReplicate` when the worker holds no replicate of the
    ///   task, `.badRequest` when `computed` comes without a result hash or `result-uploaded`
    ///   without a location.
    public func report(token: String, taskId: Hash32, _ report: ReplicateReport) throws(SchedulerError)
        -> ReplicateInstruction {
        let now = clock()
        let worker = try roster.authenticate(token, now: now)
        guard var replicate = replicates[taskId]?[worker], var task = tasks[taskId], let deal = deals[task.dealId] else {
            throw .unknownReplicate(task: taskId, worker: worker)
        }
        guard !task.phase.isFinal else {
            // Too late: the task is over; nothing changes.
            return ReplicateInstruction(taskId: taskId, action: action(for: replicate, task: task, deal: deal))
        }
        replicate.updatedAt = now
        switch report.progress {
        case .started:
            break
        case .computed:
            guard let resultHash = report.resultHash else { throw .badRequest("computed needs resultHash") }
            replicate.resultHash = resultHash
            if replicate.phase == .assigned || replicate.phase == .lost { replicate.phase = .computed }
        case .contributed:
            if replicate.phase.isPending { replicate.phase = .contributed }
            if let hash = report.resultHash { replicate.resultHash = hash }
        case .revealed:
            if replicate.phase == .contributed { replicate.phase = .revealed }
        case .resultUploaded:
            guard let location = report.resultLocation, !location.isEmpty else {
                throw .badRequest("result-uploaded needs resultLocation")
            }
            if task.uploader == worker || task.uploader == nil {
                task.resultLocation = location
                task.callbackData = report.callbackData
                if task.phase == .revealed || task.phase == .consensusReached { task.phase = .uploaded }
                // contributeAndFinalize (trust 1): the worker finalizes itself; the location is for the record.
                record(task)
            }
            if replicate.phase == .revealed || replicate.phase == .contributed { replicate.phase = .uploaded }
        case .failed:
            if replicate.phase.isPending { replicate.phase = .failed }
            counters.failedReplicates += 1
        }
        record(replicate)
        if report.progress == .revealed, task.uploader == nil, task.phase == .revealed || task.phase == .consensusReached {
            task.uploader = worker
            record(task)
        }
        flush()
        return ReplicateInstruction(taskId: taskId, action: action(for: replicate, task: task, deal: deal))
    }

    /// What the holder of `replicate` should do next.
    func action(for replicate: ReplicateRecord, task: TaskRecord, deal: DealRecord) -> ReplicateAction {
        if task.phase.isFinal {
            return [.contributed, .revealed, .uploaded, .rejected, .done].contains(replicate.phase) ? .done : .abort
        }
        switch replicate.phase {
        case .assigned:
            return .compute
        case .computed:
            guard task.phase == .running, let head, head.timestamp < deal.contributionDeadline else { return .abort }
            let others = (replicates[task.id] ?? [:]).values.contains {
                $0.worker != replicate.worker && ($0.phase == .contributed || $0.phase == .revealed || $0.phase == .uploaded)
            }
            return deal.trust <= 1 && !others ? .contributeAndFinalize : .contribute
        case .contributed:
            guard task.phase != .running else { return .wait }
            return replicate.resultHash == task.consensus ? .reveal : .done
        case .revealed:
            return task.uploader == replicate.worker && task.resultLocation == nil ? .upload : .wait
        case .uploaded:
            return .wait
        case .lost, .aborted, .failed:
            return .abort
        case .rejected, .done:
            return .done
        }
    }

    // MARK: Liveness

    /// Counts lost the workers silent for longer than `workerLostAfter`, and the replicates
    /// assigned longer than `replicateTimeout` ago without a result: their slots in the
    /// prediction are freed so that other workers get the task.
    public func sweep() {
        let now = clock()
        let lost = Set(roster.sweep(now: now, lostAfter: configuration.workerLostAfter))
        counters.workersLost += lost.count
        for (taskId, byWorker) in replicates {
            for (worker, replicate) in byWorker where replicate.phase.isPending {
                let silent = replicate.phase == .assigned && now - replicate.updatedAt > configuration.replicateTimeout
                guard lost.contains(worker) || silent else { continue }
                var changed = replicate
                changed.phase = .lost
                changed.updatedAt = now
                replicates[taskId]?[worker] = changed
                pending.replicates[ReplicateKey(taskId: taskId, worker: worker)] = changed
                counters.replicatesLost += 1
            }
        }
        flush()
    }

    // MARK: Bookkeeping

    func record(_ replicate: ReplicateRecord) {
        replicates[replicate.taskId, default: [:]][replicate.worker] = replicate
        pending.replicates[ReplicateKey(taskId: replicate.taskId, worker: replicate.worker)] = replicate
    }

    func record(_ task: TaskRecord) {
        tasks[task.id] = task
        pending.tasks[task.id] = task
    }

    /// Writes the pending changes. A store failure is counted and kept pending for the next flush
    /// (the in-memory state stays ahead; nothing is dropped).
    func flush() {
        guard !pending.isEmpty else { return }
        do {
            try store.save(pending)
            pending = SchedulerChanges()
        } catch {
            counters.storeErrors += 1
        }
    }

    /// `worker`'s PoCo score.
    func score(of worker: Address) async throws(SchedulerError) -> UInt64 {
        do {
            let values = try await chain.view(.viewScore(worker))
            guard case .uint(let score)? = values.first else { throw SchedulerError.chain("viewScore answered \(values)") }
            return score.clampedToUInt64
        } catch let error as SchedulerError {
            throw error
        } catch {
            throw .chain("cannot read the score of \(worker.checksummed): \(error)")
        }
    }

    /// A summary for `/metrics` and the status route.
    public func status() -> SchedulerStatus {
        var tasksByPhase: [TaskPhase: Int] = [:]
        for task in tasks.values { tasksByPhase[task.phase, default: 0] += 1 }
        var replicatesByPhase: [ReplicatePhase: Int] = [:]
        for byWorker in replicates.values { for replicate in byWorker.values { replicatesByPhase[replicate.phase, default: 0] += 1 } }
        return SchedulerStatus(cursor: cursor, head: head, deals: deals.count, tasksByPhase: tasksByPhase,
                               replicatesByPhase: replicatesByPhase, workersAlive: roster.aliveCount,
                               workersIdle: roster.idle(now: clock(), window: configuration.askWindow).count,
                               workersKnown: roster.workers.count, counters: counters)
    }

    /// The task records (open and, until the scheduler restarts, closed ones).
    public func task(_ id: Hash32) -> TaskRecord? { tasks[id] }

    /// The replicates of a task.
    public func replicates(of taskId: Hash32) -> [ReplicateRecord] {
        (replicates[taskId] ?? [:]).values.sorted { $0.assignedAt < $1.assignedAt }
    }
}

/// Counters of what the scheduler did since it started.
public struct SchedulerCounters: Hashable, Sendable {
    /// Worker logins.
    public var logins = 0
    /// Replicates handed out.
    public var assignments = 0
    /// Workers counted lost.
    public var workersLost = 0
    /// Replicates freed because their worker was lost or silent.
    public var replicatesLost = 0
    /// Replicates their worker reported failed.
    public var failedReplicates = 0
    /// Transactions mined, by function.
    public var transactions: [String: Int] = [:]
    /// Transactions that reverted or could not be sent, by function.
    public var transactionErrors: [String: Int] = [:]
    /// Store writes that failed (retried with the next write).
    public var storeErrors = 0
    /// Catch-ups with the chain that failed (retried with the next head).
    public var syncErrors = 0
    /// Order top-ups that failed (retried later).
    public var orderErrors = 0
}

/// A summary of the scheduler's state.
public struct SchedulerStatus: Hashable, Sendable {
    /// The last block processed.
    public var cursor: UInt64?
    /// The chain head last seen.
    public var head: ChainHead?
    /// Deals known.
    public var deals: Int
    /// Tasks by phase.
    public var tasksByPhase: [TaskPhase: Int]
    /// Replicates by phase.
    public var replicatesByPhase: [ReplicatePhase: Int]
    /// Workers logged in and not lost.
    public var workersAlive: Int
    /// Workers alive that asked for work within the ask window (ready to take a replicate).
    public var workersIdle: Int
    /// Workers logged in since the start.
    public var workersKnown: Int
    /// What it did.
    public var counters: SchedulerCounters
}
