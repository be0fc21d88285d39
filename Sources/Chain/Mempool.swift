import Ethereum

/// A transaction waiting in the ``Mempool``, with the sender recovered once at admission.
public struct PendingTransaction: Sendable, Hashable {
    /// The signed transaction as received.
    public let transaction: SignedTransaction
    /// The address its signature recovers.
    public let sender: Address
    /// Its place in arrival order (0 for the first admitted, increasing; never reused).
    public let arrival: UInt64
}

/// The pending transactions of the chain: admission rules, block-ready ordering and removal.
///
/// A value type with no clock, randomness or I/O: the same admissions and removals give the same
/// batches. Persisting it is the ledger's job (``allRaw`` and ``init(restoring:configuration:accountNonce:onRefusal:)``).
public struct Mempool: Sendable {
    /// The rules transactions are admitted under.
    public let configuration: MempoolConfiguration
    /// Every pending transaction by hash.
    private var byHash: [Hash32: PendingTransaction] = [:]
    /// Each sender's pending transactions by nonce.
    private var bySender: [Address: [UInt64: Hash32]] = [:]
    /// The arrival number the next admitted transaction gets.
    private var nextArrival: UInt64 = 0

    /// An empty mempool.
    public init(configuration: MempoolConfiguration) {
        self.configuration = configuration
    }

    /// Re-admits `raws` (as ``allRaw`` gave them, in arrival order) under `configuration`.
    ///
    /// Transactions refused now (typically nonce too low: mined before the node stopped) are dropped
    /// and reported to `onRefusal` with their index in `raws`.
    public init(
        restoring raws: [[UInt8]], configuration: MempoolConfiguration,
        accountNonce: (Address) -> UInt64,
        onRefusal: (_ index: Int, _ error: MempoolError) -> Void = { _, _ in }
    ) {
        self.init(configuration: configuration)
        for (index, raw) in raws.enumerated() {
            do throws(MempoolError) {
                _ = try admit(raw: raw, accountNonce: accountNonce)
            } catch {
                onRefusal(index, error)
            }
        }
    }

    /// How many transactions are pending.
    public var count: Int { byHash.count }

    /// The pending transaction with this hash, if any.
    public func pending(_ hash: Hash32) -> PendingTransaction? { byHash[hash] }

    /// Whether `sender` has a transaction with `nonce` pending.
    public func hasPending(sender: Address, nonce: UInt64) -> Bool { bySender[sender]?[nonce] != nil }

    /// How many transactions `sender` has pending.
    public func pendingCount(of sender: Address) -> Int { bySender[sender]?.count ?? 0 }

    /// Every pending transaction's raw bytes, in arrival order: what the ledger persists.
    public var allRaw: [[UInt8]] {
        byHash.values.sorted { $0.arrival < $1.arrival }.map(\.transaction.rawBytes)
    }

    /// Decodes `raw` and admits it, or says which rule refuses it.
    ///
    /// - Parameter accountNonce: the sender's next nonce in the current state (its mined transaction count).
    /// - Returns: the transaction hash (what `eth_sendRawTransaction` answers).
    @discardableResult
    public mutating func admit(
        raw: [UInt8], accountNonce: (Address) -> UInt64
    ) throws(MempoolError) -> Hash32 {
        // Cheap checks first: recovering the sender is the costly step.
        let transaction = try Self.parse(raw: raw, maxRawSize: configuration.maxRawSize)
        try precheck(transaction)
        return try admit(transaction, sender: try Self.recoverSender(transaction), accountNonce: accountNonce)
    }

    /// Decodes raw bytes and recovers the sender without touching a mempool: the costly half of
    /// admission, which callers may run in parallel before ``admit(_:sender:accountNonce:)``.
    ///
    /// Checks the size limit, the encoding, and the signature; the chain-specific rules come at admission.
    public static func decode(
        raw: [UInt8], maxRawSize: Int
    ) throws(MempoolError) -> (transaction: SignedTransaction, sender: Address) {
        let transaction = try parse(raw: raw, maxRawSize: maxRawSize)
        return (transaction, try recoverSender(transaction))
    }

    private static func parse(raw: [UInt8], maxRawSize: Int) throws(MempoolError) -> SignedTransaction {
        guard raw.count <= maxRawSize else { throw .oversized(size: raw.count, limit: maxRawSize) }
        do throws(TransactionError) {
            return try SignedTransaction(raw: raw)
        } catch {
            throw .invalidTransaction(error)
        }
    }

    private static func recoverSender(_ transaction: SignedTransaction) throws(MempoolError) -> Address {
        do throws(TransactionError) {
            return try transaction.sender()
        } catch {
            throw .invalidTransaction(error)
        }
    }

    /// Admits a decoded transaction whose sender was recovered by ``decode(raw:maxRawSize:)``.
    @discardableResult
    public mutating func admit(
        _ transaction: SignedTransaction, sender: Address, accountNonce: (Address) -> UInt64
    ) throws(MempoolError) -> Hash32 {
        guard transaction.rawBytes.count <= configuration.maxRawSize else {
            throw .oversized(size: transaction.rawBytes.count, limit: configuration.maxRawSize)
        }
        try precheck(transaction)
        try checkNonce(transaction.transaction.nonce, of: sender, next: accountNonce(sender))
        try checkCapacity(for: sender)

        let pending = PendingTransaction(transaction: transaction, sender: sender, arrival: nextArrival)
        nextArrival += 1
        byHash[transaction.hash] = pending
        bySender[sender, default: [:]][transaction.transaction.nonce] = transaction.hash
        return transaction.hash
    }

    /// Removes these transactions (typically those a block just included); unknown hashes are ignored.
    public mutating func remove(hashes: some Sequence<Hash32>) {
        for hash in hashes {
            guard let pending = byHash.removeValue(forKey: hash) else { continue }
            let nonce = pending.transaction.transaction.nonce
            bySender[pending.sender]?[nonce] = nil
            if bySender[pending.sender]?.isEmpty == true { bySender[pending.sender] = nil }
        }
    }

    /// The rules that need no sender: not already pending, signed for this chain, not a creation.
    private func precheck(_ transaction: SignedTransaction) throws(MempoolError) {
        guard byHash[transaction.hash] == nil else { throw .alreadyKnown(transaction.hash) }
        guard let chainId = transaction.chainId else { throw .missingChainId }
        guard chainId == configuration.chainId else {
            throw .wrongChainId(expected: configuration.chainId, actual: chainId)
        }
        guard transaction.transaction.to != nil else { throw .contractCreation }
    }

    /// Refuses a nonce already used, too far ahead, or already taken by a pending transaction.
    private func checkNonce(_ nonce: UInt64, of sender: Address, next: UInt64) throws(MempoolError) {
        guard nonce >= next else { throw .nonceTooLow(sender: sender, nonce: nonce, next: next) }
        // Subtracting (nonce ≥ next here) avoids overflow on `next + maxNonceAhead`.
        guard nonce - next <= configuration.maxNonceAhead else {
            throw .nonceTooFarAhead(
                sender: sender, nonce: nonce, next: next, maxAhead: configuration.maxNonceAhead)
        }
        if let existing = bySender[sender]?[nonce] {
            throw .replacementNotSupported(sender: sender, nonce: nonce, pending: existing)
        }
    }

    /// Refuses when the sender or the whole mempool is at its limit.
    private func checkCapacity(for sender: Address) throws(MempoolError) {
        guard pendingCount(of: sender) < configuration.maxPerSender else {
            throw .senderLimitReached(sender: sender, limit: configuration.maxPerSender)
        }
        guard count < configuration.maxCount else { throw .full(limit: configuration.maxCount) }
    }
}

extension Mempool {
    /// Up to `maxCount` transactions ready to execute now, in the order a block should apply them.
    ///
    /// A sender's transactions are ready from its next nonce upwards without a gap: a missing nonce
    /// holds back every later one. Senders take turns (round robin), in the arrival order of their
    /// first ready transaction, so one busy sender cannot fill a block ahead of the others. Nothing is
    /// removed: call ``remove(hashes:)`` once the block is committed.
    public func nextBatch(maxCount: Int, accountNonce: (Address) -> UInt64) -> [SignedTransaction] {
        guard maxCount > 0 else { return [] }
        // Dictionary order varies between runs; sorting by arrival (unique) makes the result deterministic.
        var queues: [(firstArrival: UInt64, chain: [SignedTransaction])] = []
        for (sender, byNonce) in bySender {
            var chain: [SignedTransaction] = []
            var nonce = accountNonce(sender)
            while chain.count < maxCount, let hash = byNonce[nonce], let pending = byHash[hash] {
                chain.append(pending.transaction)
                guard nonce < UInt64.max else { break }
                nonce += 1
            }
            if let first = chain.first, let arrival = byHash[first.hash]?.arrival {
                queues.append((arrival, chain))
            }
        }
        queues.sort { $0.firstArrival < $1.firstArrival }
        var batch: [SignedTransaction] = []
        var round = 0
        while batch.count < maxCount {
            var tookAny = false
            for queue in queues where round < queue.chain.count {
                batch.append(queue.chain[round])
                tookAny = true
                if batch.count == maxCount { break }
            }
            guard tookAny else { break }
            round += 1
        }
        return batch
    }
}
