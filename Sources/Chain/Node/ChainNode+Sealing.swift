import Ethereum
import Foundation
import PoCo

extension ChainNode {
    /// Admits raw transactions and records them durably; the result for each, in order: its hash
    /// (acknowledged: it will be in a block, or pending after any restart) or why it was refused.
    ///
    /// Decoding and signature recovery (the costly part) run outside the actor, spread over the cores.
    public nonisolated func sendRawTransactions(_ raws: [[UInt8]]) async -> [Result<Hash32, NodeError>] {
        let decoded = await Self.decodeAll(raws, maxRawSize: configuration.maxRawTransactionSize, config: pocoConfig,
                                           blockGasLimit: configuration.blockGasLimit)
        var (results, admitted) = await admit(decoded)
        guard !admitted.isEmpty else { return results }
        do {
            try await store.addPending(admitted.map(\.transaction))
        } catch {
            let stillPending = await forget(admitted.map(\.transaction.hash))
            for (index, transaction) in admitted where stillPending.contains(transaction.hash) {
                results[index] = .failure(.ledger(error))
            }
        }
        return results
    }

    /// One raw transaction (see ``sendRawTransactions(_:)``).
    public nonisolated func sendRawTransaction(_ raw: [UInt8]) async throws(NodeError) -> Hash32 {
        guard let result = await sendRawTransactions([raw]).first else { throw .halted(reason: "no result") }
        return try result.get()
    }

    /// A decoded transaction awaiting the actor's checks: its call decoded (or why not) outside the actor.
    private struct Candidate: Sendable {
        var executable: ExecutableTransaction
        /// Why the call cannot run, reported after the mempool's own rules.
        var callError: NodeError?
    }

    private static func decodeAll(
        _ raws: [[UInt8]], maxRawSize: Int, config: PoCoConfig, blockGasLimit: UInt64
    ) async -> [Result<Candidate, NodeError>] {
        @Sendable func decode(_ raw: [UInt8]) -> Result<Candidate, NodeError> {
            let transaction: SignedTransaction, sender: Address
            do throws(MempoolError) { (transaction, sender) = try Mempool.decode(raw: raw, maxRawSize: maxRawSize) } catch {
                return .failure(.rejected(error))
            }
            var candidate = Candidate(executable: ExecutableTransaction(transaction: transaction, sender: sender))
            // A creation is the mempool's to refuse, with its own message.
            guard let to = transaction.transaction.to else { return .success(candidate) }
            do throws(BindingError) {
                let call = try ChainCall(to: to, data: transaction.transaction.data, config: config)
                candidate.executable.call = call
                let gasLimit = transaction.transaction.gasLimit
                if gasLimit < call.gasUsed {
                    candidate.callError = .gasTooLow(needed: call.gasUsed, limit: gasLimit)
                } else if gasLimit > blockGasLimit {
                    candidate.callError = .gasAboveBlockLimit(limit: gasLimit, blockLimit: blockGasLimit)
                }
            } catch {
                candidate.callError = .invalidCall(error)
            }
            return .success(candidate)
        }
        let chunk = 64
        guard raws.count > chunk else { return raws.map(decode) }
        return await withTaskGroup(of: (Int, [Result<Candidate, NodeError>]).self) { group in
            for start in stride(from: 0, to: raws.count, by: chunk) {
                let slice = raws[start..<min(start + chunk, raws.count)]
                group.addTask { (start, slice.map(decode)) }
            }
            var parts: [(Int, [Result<Candidate, NodeError>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// The chain's rules on decoded transactions; admitted ones enter the mempool.
    private func admit(
        _ candidates: [Result<Candidate, NodeError>]
    ) -> (results: [Result<Hash32, NodeError>], admitted: [(index: Int, transaction: SignedTransaction)]) {
        var results: [Result<Hash32, NodeError>] = []
        var admitted: [(index: Int, transaction: SignedTransaction)] = []
        for (index, item) in candidates.enumerated() {
            do throws(NodeError) {
                let candidate = try item.get()
                let (transaction, sender) = (candidate.executable.transaction, candidate.executable.sender)
                // The mempool's rules (encoding, chain id, nonce, capacity) come first, then the chain's.
                do throws(MempoolError) {
                    try mempool.admit(transaction, sender: sender, accountNonce: { world.account($0).nonce })
                } catch {
                    throw .rejected(error)
                }
                let balance = world.account(sender).balance
                let refusal = candidate.callError ?? (balance >= transaction.transaction.value ? nil
                    : .insufficientFunds(sender: sender, balance: balance, value: transaction.transaction.value))
                if let refusal {
                    mempool.remove(hashes: [transaction.hash])
                    throw refusal
                }
                decodedCalls[transaction.hash] = candidate.executable.call
                results.append(.success(transaction.hash))
                admitted.append((index, transaction))
            } catch {
                results.append(.failure(error))
            }
        }
        if !admitted.isEmpty { signalWork() }
        return (results, admitted)
    }

    /// Removes transactions whose pending record failed; returns those that were still pending.
    private func forget(_ hashes: [Hash32]) -> Set<Hash32> {
        let stillPending = Set(hashes.filter { mempool.pending($0) != nil })
        mempool.remove(hashes: stillPending)
        for hash in stillPending { decodedCalls[hash] = nil }
        return stillPending
    }

    func signalWork() { workSignal.yield() }

    /// Seals the next block from the pending transactions and commits it.
    ///
    /// - Parameter force: seal even when nothing waits (an empty block: `evm_mine`, a timed producer).
    /// - Returns: the committed block, or nil when nothing waited and `force` is false.
    /// - Throws: `.halted` once a commit has failed (the in-memory state is then ahead of the ledger;
    ///   a restart resumes from the ledger).
    @discardableResult
    public func seal(force: Bool = false) async throws(NodeError) -> StoredBlock? {
        await acquireSealing()
        defer { releaseSealing() }
        if let haltReason { throw .halted(reason: haltReason) }
        var batch: [ExecutableTransaction] = []
        var gas: UInt64 = 0
        for transaction in mempool.nextBatch(maxCount: configuration.maxTransactionsPerBlock,
                                             accountNonce: { world.account($0).nonce }) {
            // A prefix of the round-robin batch keeps each sender's nonces contiguous.
            let (sum, overflow) = gas.addingReportingOverflow(transaction.transaction.gasLimit)
            guard !overflow, sum <= configuration.blockGasLimit, let pending = mempool.pending(transaction.hash) else { break }
            gas = sum
            batch.append(ExecutableTransaction(transaction: transaction, sender: pending.sender,
                                               call: decodedCalls[transaction.hash]))
        }
        guard force || !batch.isEmpty || !pendingOverrides.isEmpty else { return nil }
        let environment = BlockEnvironment(
            number: head.number + 1, parentHash: head.hash,
            timestamp: nextBlockTimestamp, miner: configuration.miner,
            gasLimit: configuration.blockGasLimit)
        // Taken now: an override arriving while this block executes belongs to the next one.
        let overrides = pendingOverrides
        pendingOverrides.removeAll()
        var builder = BlockBuilder(environment: environment, overrides: overrides, world: &world)
        // Slices, with a yield between them, so that admissions (cheap on the actor) are not held up
        // for a whole block's execution; the sealing lock keeps other seals out meanwhile.
        for start in stride(from: 0, to: batch.count, by: Self.executionSlice) {
            do throws(BlockExecutionError) {
                try builder.apply(batch[start..<min(start + Self.executionSlice, batch.count)], world: &world)
            } catch {
                haltReason = "block \(environment.number) failed to execute: \(error)"
                throw .execution(error)
            }
            if start + Self.executionSlice < batch.count { await _Concurrency.Task.yield() }
        }
        let commit = builder.seal(world: &world)
        do {
            try await store.commit(commit)
        } catch {
            haltReason = "block \(environment.number) could not be written: \(error)"
            throw .ledger(error)
        }
        let mined = commit.block.transactions.map(\.transaction.hash)
        mempool.remove(hashes: mined)
        for hash in mined { decodedCalls[hash] = nil }
        head = StoredBlock(commit.block)
        counters.headNumber = head.number
        counters.blocksSealed += 1
        counters.transactionsIncluded += UInt64(commit.block.transactions.count)
        publish(ChainEvent(block: head, transactions: commit.block.storedTransactions, logs: commit.block.storedLogs))
        // Transactions may still wait (a full block, or arrivals during the commit).
        if mempool.count > 0 { signalWork() }
        return head
    }

    /// The timestamp a block sealed now gets: the clock plus the `evm_increaseTime` offset, never
    /// below the head's (what calls simulated now see as `block.timestamp` too).
    var nextBlockTimestamp: UInt64 { max(clock() &+ timeOffset, head.header.timestamp) }

    /// Transactions executed between two yields of the actor.
    static let executionSlice = 256

    private func acquireSealing() async {
        guard sealing else {
            sealing = true
            return
        }
        await withCheckedContinuation { sealQueue.append($0) }
    }

    private func releaseSealing() {
        if sealQueue.isEmpty {
            sealing = false
        } else {
            sealQueue.removeFirst().resume()
        }
    }

    private func publish(_ event: ChainEvent) {
        for (id, subscriber) in subscribers {
            if case .terminated = subscriber.yield(event) { subscribers[id] = nil }
        }
    }
}
