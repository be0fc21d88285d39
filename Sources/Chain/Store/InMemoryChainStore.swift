import Ethereum
import PoCo
import Synchronization

/// A `ChainStore` in memory, for tests: the same contract as the SQLite ledger, nothing on disk.
public final class InMemoryChainStore: ChainStore {
    private struct Contents {
        var genesis: Genesis?
        var blocks: [StoredBlock] = []
        var blockByHash: [Hash32: UInt64] = [:]
        var transactions: [[StoredTransaction]] = []
        var transactionByHash: [Hash32: (block: UInt64, index: Int)] = [:]
        var state: [[UInt8]: [UInt8]] = [:]
        var accounts: [Address: NativeAccount] = [:]
        var pending: [(hash: Hash32, raw: [UInt8])] = []
    }

    private let contents = Mutex(Contents())

    /// An empty store.
    public init() {}

    public func load() async throws(ChainStoreError) -> ChainSnapshot? {
        let contents = contents.withLock { $0 }
        guard let genesis = contents.genesis, let head = contents.blocks.last else { return nil }
        var storage: [StateKey: StateValue] = [:]
        for (key, value) in contents.state {
            do {
                storage[try StateKey(encoded: key)] = try StateValue(encoded: value)
            } catch {
                throw .corrupt(what: "state entry \(Hex.encode(key, prefix: true))", reason: "\(error)")
            }
        }
        return ChainSnapshot(genesis: genesis, head: head, state: PoCoState(storage: storage),
                             accounts: contents.accounts, pending: contents.pending.map(\.raw))
    }

    public func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                           accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try contents.withLock { contents throws(ChainStoreError) in
            guard contents.genesis == nil else { throw .alreadyInitialized }
            contents.genesis = genesis
            Self.apply(state, accounts: accounts, to: &contents)
            Self.append(block, to: &contents)
        }
    }

    public func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        try contents.withLock { contents throws(ChainStoreError) in
            guard let head = contents.blocks.last else { throw .notInitialized }
            guard commit.block.number == head.number + 1, commit.block.header.parentHash == head.hash else {
                throw .notExtendingHead(blockNumber: commit.block.number, head: head.number)
            }
            Self.apply(commit.stateChanges, accounts: commit.accountChanges, to: &contents)
            Self.append(commit.block, to: &contents)
            let mined = Set(commit.block.transactions.map(\.transaction.hash))
            contents.pending.removeAll { mined.contains($0.hash) }
        }
    }

    public func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) {
        contents.withLock { contents in
            var known = Set(contents.pending.map(\.hash))
            for transaction in transactions where contents.transactionByHash[transaction.hash] == nil {
                guard known.insert(transaction.hash).inserted else { continue }
                contents.pending.append((transaction.hash, transaction.rawBytes))
            }
        }
    }

    public func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) {
        let removed = Set(hashes)
        contents.withLock { $0.pending.removeAll { removed.contains($0.hash) } }
    }

    public func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? {
        contents.withLock { contents in
            number < UInt64(contents.blocks.count) ? contents.blocks[Int(number)] : nil
        }
    }

    public func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? {
        contents.withLock { contents in contents.blockByHash[hash].map { contents.blocks[Int($0)] } }
    }

    public func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        contents.withLock { contents in
            number < UInt64(contents.transactions.count) ? contents.transactions[Int(number)] : []
        }
    }

    public func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? {
        contents.withLock { contents in
            contents.transactionByHash[hash].map { contents.transactions[Int($0.block)][$0.index] }
        }
    }

    /// Scans the blocks in range (the SQLite store uses indexes; the answers are the same).
    public func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        try contents.withLock { contents throws(ChainStoreError) in
            guard filter.fromBlock <= filter.toBlock, filter.fromBlock < UInt64(contents.transactions.count) else { return [] }
            let last = min(filter.toBlock, UInt64(contents.transactions.count - 1))
            var found: [StoredLog] = []
            for number in filter.fromBlock...last {
                for transaction in contents.transactions[Int(number)] {
                    for log in transaction.logs where filter.matches(log.log) {
                        guard found.count < limit else { throw .tooManyResults(limit: limit) }
                        found.append(log)
                    }
                }
            }
            return found
        }
    }

    private static func apply(_ state: [StateChangeRecord], accounts: [(address: Address, account: NativeAccount)],
                              to contents: inout Contents) {
        for change in state { contents.state[change.key] = change.value }
        for (address, account) in accounts { contents.accounts[address] = account.isEmpty ? nil : account }
    }

    private static func append(_ block: SealedBlock, to contents: inout Contents) {
        contents.blockByHash[block.hash] = block.number
        contents.blocks.append(StoredBlock(block))
        let transactions = block.storedTransactions
        for transaction in transactions {
            contents.transactionByHash[transaction.hash] = (block.number, transaction.index)
        }
        contents.transactions.append(transactions)
    }
}
