import Ethereum

/// Methods on blocks, transactions and receipts.
extension RPCHandler {
    func transactionByHash(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let hash = try params.hash(0, "transaction hash")
        if let stored = try await storedTransaction(hash) { return RPCJSON.transaction(stored) }
        if let pending = await node.pendingTransaction(hash) {
            return RPCJSON.transaction(pending.transaction, sender: pending.sender, at: nil)
        }
        // A transaction mined between the two reads is in the ledger now.
        return try await storedTransaction(hash).map(RPCJSON.transaction) ?? .null
    }

    func receipt(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let hash = try params.hash(0, "transaction hash")
        return try await storedTransaction(hash).map(RPCJSON.receipt) ?? .null
    }

    func blockByNumber(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let spec = try BlockSpec(params.required(0, "block"), name: params.label(0, "block"))
        let full = try params.bool(1, "full transactions", default: false)
        let block: StoredBlock?
        switch spec {
        // Blocks are final at once, and a pending block is the head's successor not yet sealed: the head stands for it.
        case .latest, .pending, .safe, .finalized: block = await node.head
        case .earliest: block = try await storedBlock(number: 0)
        case .number(let number): block = try await storedBlock(number: number)
        case .hash(let hash): block = try await storedBlock(hash: hash)
        }
        guard let block else { return .null }
        return try await blockJSON(block, full: full)
    }

    func blockByHash(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let hash = try params.hash(0, "block hash")
        let full = try params.bool(1, "full transactions", default: false)
        guard let block = try await storedBlock(hash: hash) else { return .null }
        return try await blockJSON(block, full: full)
    }

    /// A block with its transactions' hashes, or with the transactions themselves when `full`.
    func blockJSON(_ block: StoredBlock, full: Bool) async throws(RPCError) -> JSONValue {
        guard full else { return RPCJSON.block(block, transactions: block.transactionHashes.map(RPCJSON.hash)) }
        let transactions: [StoredTransaction]
        do throws(ChainStoreError) { transactions = try await node.store.transactions(inBlock: block.number) } catch {
            throw RPCError(error)
        }
        return RPCJSON.block(block, transactions: transactions.map(RPCJSON.transaction))
    }

    func storedTransaction(_ hash: Hash32) async throws(RPCError) -> StoredTransaction? {
        do throws(ChainStoreError) { return try await node.store.transaction(hash: hash) } catch { throw RPCError(error) }
    }
}
