import Chain
import Ethereum

/// A ledger whose writes, once started, finish whatever happens to the task that asked for them.
///
/// GRDB aborts a write whose task is cancelled (it interrupts SQLite and rolls back), and graceful
/// shutdown cancels the block producer. The node treats a failed block commit as fatal (it stops
/// sealing), so without this wrapper a SIGINT arriving during a commit ends the node with
/// "CancellationError" instead of the block. Each write here runs in a task of its own that
/// cancellation does not reach; the caller still waits for it. Reads pass through unchanged.
public struct UninterruptedWrites: ChainStore {
    /// The ledger written to.
    public let base: any ChainStore

    /// `base` with uninterrupted writes.
    public init(_ base: any ChainStore) {
        self.base = base
    }

    public func load() async throws(ChainStoreError) -> ChainSnapshot? { try await base.load() }

    public func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                           accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try await Self.shielded { [base] () async throws(ChainStoreError) in
            try await base.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
        }
    }

    public func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        try await Self.shielded { [base] () async throws(ChainStoreError) in try await base.commit(commit) }
    }

    public func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) {
        try await Self.shielded { [base] () async throws(ChainStoreError) in try await base.addPending(transactions) }
    }

    public func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) {
        try await Self.shielded { [base] () async throws(ChainStoreError) in try await base.removePending(hashes) }
    }

    public func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? { try await base.block(number: number) }
    public func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? { try await base.block(hash: hash) }

    public func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        try await base.transactions(inBlock: number)
    }

    public func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? {
        try await base.transaction(hash: hash)
    }

    public func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        try await base.logs(filter, limit: limit)
    }

    /// Runs `write` in an unstructured task (not cancelled with its caller) and waits for it.
    static func shielded(_ write: @escaping @Sendable () async throws(ChainStoreError) -> Void) async throws(ChainStoreError) {
        let outcome = await Task { () async -> Result<Void, ChainStoreError> in
            do throws(ChainStoreError) {
                try await write()
                return .success(())
            } catch {
                return .failure(error)
            }
        }.value
        try outcome.get()
    }
}
