import Ethereum
import PoCo

/// The last block a store committed: its number and the digest of the state after it.
public struct CommittedHead: Hashable, Sendable {
    /// The block's number.
    public var blockNumber: UInt64
    /// `PoCoState.digest` of the state after the block, as the committer computed it.
    public var digest: Hash32

    /// A head at `blockNumber` with the state's `digest`.
    public init(blockNumber: UInt64, digest: Hash32) {
        self.blockNumber = blockNumber
        self.digest = digest
    }
}

/// What a store gives back: the whole PoCo state and the block it is the state after
/// (nil head: nothing committed yet, and the state is empty).
public struct StoredState: Equatable, Sendable {
    /// The state after the head block.
    public var state: PoCoState
    /// The last committed block, nil when the store is empty.
    public var head: CommittedHead?

    /// A stored state at `head`.
    public init(state: PoCoState, head: CommittedHead?) {
        self.state = state
        self.head = head
    }
}

/// The ledger's persistent PoCo state: written one block at a time, each block all-or-nothing,
/// and read back whole when the node starts.
///
/// Implementations: `SQLiteStateStore` (production, SQLite through GRDB) and `InMemoryStateStore`
/// (tests). Both keep the canonical bytes `StateKey.encoded` → `StateValue.encoded`.
public protocol StateStore: Sendable {
    /// The last committed block, without reading the state (nil when nothing was committed).
    func head() async throws(StateStoreError) -> CommittedHead?

    /// Rebuilds the whole committed state. Fails, naming the row, on bytes that are not a state
    /// key or value, and on a state whose digest is not the one committed with the head.
    func load() async throws(StateStoreError) -> StoredState

    /// Writes one block's changes (in order; a nil value removes the key) and the new head in one
    /// transaction: after an error nothing of the block is stored. `blockNumber` must be above the
    /// head's; `digest` is the state's digest after the block (checked by `load`).
    func commit(blockNumber: UInt64, changes: [StateChange], digest: Hash32) async throws(StateStoreError)
}
