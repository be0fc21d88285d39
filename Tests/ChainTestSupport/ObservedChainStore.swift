import Chain
import Ethereum
import Synchronization

/// An in-memory ledger that tells what the node writes: its `initialize`, every `commit` and the
/// size of every `addPending`, kept in order (to count writes or replay a chain onto another store).
public final class ObservedChainStore: ChainStore {
    /// The arguments of `initialize`.
    public struct Initialization: Sendable {
        public var genesis: Genesis
        public var block: SealedBlock
        public var state: [StateChangeRecord]
        public var accounts: [(address: Address, account: NativeAccount)]
    }

    /// Everything written so far.
    public struct Writes: Sendable {
        public var initialization: Initialization?
        public var commits: [BlockCommit] = []
        /// The number of transactions of each `addPending` call.
        public var pendingBatches: [Int] = []
    }

    /// The store written through to.
    public let inner = InMemoryChainStore()
    /// What was written.
    public let writes = Mutex(Writes())

    /// An empty store.
    public init() {}

    public func load() async throws(ChainStoreError) -> ChainSnapshot? { try await inner.load() }
    public func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                           accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try await inner.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
        writes.withLock { $0.initialization = Initialization(genesis: genesis, block: block, state: state, accounts: accounts) }
    }
    public func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        try await inner.commit(commit)
        writes.withLock { $0.commits.append(commit) }
    }
    public func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) {
        writes.withLock { $0.pendingBatches.append(transactions.count) }
        try await inner.addPending(transactions)
    }
    public func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) { try await inner.removePending(hashes) }
    public func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? { try await inner.block(number: number) }
    public func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? { try await inner.block(hash: hash) }
    public func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        try await inner.transactions(inBlock: number)
    }
    public func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? {
        try await inner.transaction(hash: hash)
    }
    public func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        try await inner.logs(filter, limit: limit)
    }
}
