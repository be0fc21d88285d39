import Client
import Ethereum
import PoCo

// Following the chain and sending the pool's transactions: notices → deals and tasks, task
// events → phases, then initialize, reopen, finalize and claim what is due.
extension WorkerpoolScheduler {
    /// Brings the scheduler up to `head`: reads the pool's notices and its tasks' events since
    /// the last block processed (in ranges of `logRange` blocks; the cursor moves with each range,
    /// written with its changes), then sends the transactions due at `head`'s time, and reads
    /// the blocks that mined them. A call while another runs returns at once (the next head
    /// catches up).
    ///
    /// - Throws: `.chain` when the node cannot be read; nothing is lost (the cursor did not move
    ///   past what was processed).
    public func sync(to head: ChainHead) async throws(SchedulerError) {
        guard !syncing else { return }
        syncing = true
        defer { syncing = false }
        try await catchUp(to: head)
        guard await act(at: head) else { return }
        do {
            try await catchUp(to: try await chain.head())
        } catch let error as SchedulerError {
            throw error
        } catch {
            throw .chain("cannot read the head: \(error)")
        }
    }

    /// Processes the logs of the blocks after the cursor, up to `head`.
    func catchUp(to head: ChainHead) async throws(SchedulerError) {
        if self.head == nil || self.head! < head { self.head = head }
        var from = cursor.map { $0 + 1 } ?? configuration.fromBlock
        while from <= head.number {
            let to = min(head.number, from + configuration.logRange - 1)
            let logs: [ChainLog]
            do {
                logs = try await chain.logs(ChainLogFilter(fromBlock: from, toBlock: to, address: chain.config.hub,
                                                           topics: [HubEvent.topics]))
            } catch {
                throw .chain("cannot read the hub's logs of blocks \(from)…\(to): \(error)")
            }
            let events = logs.compactMap(HubEvent.init).filter(isFollowed)
            var fetched: [DealRecord] = []
            for case .notice(_, let dealId) in events where deals[dealId] == nil && !fetched.contains(where: { $0.id == dealId }) {
                fetched.append(try await fetchDeal(dealId))
            }
            var consensusDeadlines: [Hash32: UInt64] = [:]
            for case .consensus(let taskId, _) in events {
                consensusDeadlines[taskId] = try await revealDeadline(of: taskId)
            }
            for deal in fetched { accept(deal) }
            var finalized: Set<Hash32> = []
            for event in events {
                apply(event, revealDeadlines: consensusDeadlines)
                if case .finalize(let taskId) = event { finalized.insert(taskId) }
            }
            cursor = to
            pending.cursor = to
            flush()
            await refreshScores(afterTasks: finalized)
            from = to + 1
        }
    }

    // MARK: Reading

    /// The deal `dealId` with its app, dataset and category, read on chain.
    func fetchDeal(_ dealId: Hash32) async throws(SchedulerError) -> DealRecord {
        do {
            let deal = try await chain.deal(dealId)
            let app = try await chain.app(deal.app.pointer)
            let category = try await chain.category(deal.category)
            var dataset: AssetLocation?
            if deal.dataset.pointer != .zero {
                let entry = try await chain.dataset(deal.dataset.pointer)
                dataset = AssetLocation(address: deal.dataset.pointer, multiaddr: String(decoding: entry.multiaddr, as: UTF8.self),
                                        checksum: entry.checksum)
            }
            return DealRecord(
                id: dealId,
                app: AssetLocation(address: deal.app.pointer, multiaddr: String(decoding: app.multiaddr, as: UTF8.self),
                                   checksum: app.checksum),
                appType: app.type, dataset: dataset, category: deal.category.clampedToUInt64,
                timeref: category.workClockTimeRef.clampedToUInt64, trust: max(deal.trust.clampedToUInt64, 1),
                tag: deal.tag, params: deal.params, requester: deal.requester, beneficiary: deal.beneficiary,
                callback: deal.callback, startTime: deal.startTime.clampedToUInt64,
                botFirst: deal.botFirst.clampedToUInt64, botSize: deal.botSize.clampedToUInt64,
                workerStake: deal.workerStake)
        } catch {
            throw .chain("cannot read deal \(dealId.hex): \(error)")
        }
    }

    func revealDeadline(of taskId: Hash32) async throws(SchedulerError) -> UInt64 {
        do {
            return try await chain.task(taskId).revealDeadline.clampedToUInt64
        } catch {
            throw .chain("cannot read task \(taskId.hex): \(error)")
        }
    }

    /// Reads again the scores of the workers that took part in `finalized` tasks (finalize
    /// raised the winners' and cut the losers').
    func refreshScores(afterTasks finalized: Set<Hash32>) async {
        let workers = Set(finalized.flatMap { (replicates[$0] ?? [:]).keys })
        for worker in workers where roster[worker] != nil {
            if let score = try? await score(of: worker) { roster[worker]?.score = score }
        }
    }

    // MARK: Applying events

    /// Adds a noticed deal and its tasks in `received`.
    func accept(_ deal: DealRecord) {
        deals[deal.id] = deal
        pending.deals[deal.id] = deal
        for index in deal.botFirst..<(deal.botFirst &+ deal.botSize) {
            let id = PoCoIds.taskId(dealid: deal.id, index: UInt256(index))
            guard tasks[id] == nil else { continue }
            record(TaskRecord(id: id, dealId: deal.id, index: index))
        }
    }

    /// Whether the scheduler follows `event`: every task event (the tasks it does not know are
    /// ignored later), deal notices for its own workerpool only.
    nonisolated func isFollowed(_ event: HubEvent) -> Bool {
        if case .notice(let workerpool, _) = event { return workerpool == configuration.workerpool }
        return true
    }

    /// Moves a task and its replicates as the chain says.
    func apply(_ event: HubEvent, revealDeadlines: [Hash32: UInt64]) {
        guard let taskId = event.taskId, var task = tasks[taskId] else { return }
        switch event {
        case .notice:
            return
        case .initialize:
            if task.phase == .received { task.phase = .running }
        case .contribute(_, let worker, let resultHash):
            var replicate = replicates[taskId]?[worker] ?? ReplicateRecord(
                taskId: taskId, worker: worker, phase: .assigned,
                weight: roster[worker]?.weight ?? ConsensusPrediction.weight(score: 0), resultHash: nil,
                authorizationSign: "", assignedAt: clock(), updatedAt: clock())
            if replicate.phase.isPending || replicate.phase == .lost || replicate.phase == .failed {
                replicate.phase = .contributed
            }
            replicate.resultHash = resultHash
            record(replicate)
        case .consensus(_, let value):
            task.phase = .consensusReached
            task.consensus = value
            task.revealDeadline = revealDeadlines[taskId]
            task.uploader = nil
            for replicate in (replicates[taskId] ?? [:]).values where replicate.phase.isPending {
                var aborted = replicate
                aborted.phase = .aborted
                record(aborted)
            }
        case .reveal(_, let worker, _):
            if var replicate = replicates[taskId]?[worker], replicate.phase == .contributed {
                replicate.phase = .revealed
                record(replicate)
            }
            if task.phase == .consensusReached { task.phase = .revealed }
            if task.uploader == nil { task.uploader = worker }
        case .reopen:
            for replicate in (replicates[taskId] ?? [:]).values
            where replicate.phase == .contributed && replicate.resultHash == task.consensus {
                var rejected = replicate
                rejected.phase = .rejected
                record(rejected)
            }
            task.phase = .running
            task.consensus = nil
            task.revealDeadline = nil
            task.uploader = nil
        case .finalize:
            task.phase = .completed
            closeReplicates(of: taskId)
        case .claimed:
            task.phase = .failed
            closeReplicates(of: taskId)
        }
        record(task)
    }

    func closeReplicates(of taskId: Hash32) {
        for replicate in (replicates[taskId] ?? [:]).values where !replicate.phase.isFinal {
            var closed = replicate
            closed.phase = replicate.phase.isPending ? .aborted : .done
            record(closed)
        }
    }

    // MARK: Acting

    /// Sends what is due at `head`'s time: initialize received tasks (claiming at once those
    /// already past their final deadline), reopen consensuses nobody revealed, finalize uploaded
    /// results, claim tasks past their final deadline. True when a transaction was mined.
    func act(at head: ChainHead) async -> Bool {
        let now = head.timestamp
        var toInitialize: [TaskRecord] = []
        var toInitializeAndClaim: [TaskRecord] = []
        var toReopen: [TaskRecord] = []
        var toFinalize: [TaskRecord] = []
        var toClaim: [TaskRecord] = []
        for task in tasks.values.sorted(by: Self.schedulingOrder) where !task.phase.isFinal {
            guard let deal = deals[task.dealId] else { continue }
            if now >= deal.finalDeadline {
                if task.phase == .received { toInitializeAndClaim.append(task) } else { toClaim.append(task) }
                continue
            }
            switch task.phase {
            case .received:
                toInitialize.append(task)
            case .consensusReached:
                if let deadline = task.revealDeadline, deadline <= now { toReopen.append(task) }
            case .uploaded:
                if readyToFinalize(task, now: now) { toFinalize.append(task) }
            case .running, .revealed, .completed, .failed:
                break
            }
        }
        let before = counters.transactions.values.reduce(0, +)
        for batch in toInitialize.chunked(configuration.batchSize) {
            let call = PoCoCall.lifecycle(.initializeArray(dealids: batch.map(\.dealId),
                                                           indexes: batch.map { UInt256($0.index) }))
            if await send([call], named: "initializeArray").first == true {
                for var task in batch where tasks[task.id]?.phase == .received {
                    task.phase = .running
                    record(task)
                }
            } else {
                await initializeOneByOne(batch)
            }
        }
        for batch in toInitializeAndClaim.chunked(configuration.batchSize) {
            _ = await send([.lifecycle(.initializeAndClaimArray(dealids: batch.map(\.dealId),
                                                                 indexes: batch.map { UInt256($0.index) }))],
                           named: "initializeAndClaimArray")
        }
        _ = await send(toReopen.map { .lifecycle(.reopen(taskid: $0.id)) }, named: "reopen")
        _ = await send(toFinalize.map { task in
            let callback = task.callbackData.flatMap { try? Hex.decode($0) } ?? []
            let results = ResultLocation(location: task.resultLocation ?? "").resultsBytes
            return .lifecycle(.finalize(taskid: task.id, results: results, resultsCallback: callback))
        }, named: "finalize")
        for batch in toClaim.chunked(configuration.batchSize) {
            _ = await send([.lifecycle(.claimArray(taskids: batch.map(\.id)))], named: "claimArray")
        }
        flush()
        return counters.transactions.values.reduce(0, +) > before
    }

    /// PoCo's finalize condition as far as the scheduler knows: every winner revealed, or at
    /// least one and the reveal deadline passed.
    func readyToFinalize(_ task: TaskRecord, now: UInt64) -> Bool {
        let winners = (replicates[task.id] ?? [:]).values.filter {
            $0.resultHash == task.consensus && [.contributed, .revealed, .uploaded, .done].contains($0.phase)
        }
        let revealed = winners.count(where: { $0.phase == .revealed || $0.phase == .uploaded })
        guard revealed > 0 else { return false }
        return revealed == winners.count || (task.revealDeadline.map { $0 <= now } ?? false)
    }

    /// After a batch refused (a task initialized meanwhile, e.g. by a previous run of this
    /// scheduler): one `initialize` per task, and a task found ACTIVE counts as initialized.
    func initializeOneByOne(_ batch: [TaskRecord]) async {
        for task in batch {
            let sent = await send([.lifecycle(.initialize(dealid: task.dealId, index: UInt256(task.index)))],
                                  named: "initialize").first == true
            var active = sent
            if !active, let onChain = try? await chain.task(task.id) { active = onChain.status != .unset }
            if active, var current = tasks[task.id], current.phase == .received {
                current.phase = .running
                record(current)
            }
        }
    }

    /// Sends `calls` from the pool's owner; true for each that was mined, and the failures
    /// counted and noted on their tasks.
    @discardableResult
    func send(_ calls: [PoCoCall], named function: String) async -> [Bool] {
        guard !calls.isEmpty else { return [] }
        let results: [Result<PoCoReceipt, ChainClientError>]
        do {
            results = try await chain.send(calls, signer: key)
        } catch {
            counters.transactionErrors[function, default: 0] += calls.count
            return calls.map { _ in false }
        }
        return results.map { result in
            switch result {
            case .success:
                counters.transactions[function, default: 0] += 1
                return true
            case .failure:
                counters.transactionErrors[function, default: 0] += 1
                return false
            }
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        let step = Swift.max(1, size)
        return stride(from: 0, to: count, by: step).map { Array(self[$0..<Swift.min($0 + step, count)]) }
    }
}
