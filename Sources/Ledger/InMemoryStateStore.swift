import Ethereum
import PoCo
import Synchronization

/// A `StateStore` in memory, for tests: the same rows, checks and errors as `SQLiteStateStore`,
/// gone with the object.
public final class InMemoryStateStore: StateStore {
    private struct Contents {
        var rows: [[UInt8]: [UInt8]] = [:]
        var head: CommittedHead?
    }

    private let contents = Mutex(Contents())

    /// An empty store.
    public init() {}

    /// The last committed block (see `StateStore.head`).
    public func head() async throws(StateStoreError) -> CommittedHead? {
        contents.withLock { $0.head }
    }

    /// The whole committed state and its head, checked against the committed digest (see `StateStore.load`).
    public func load() async throws(StateStoreError) -> StoredState {
        let (rows, head) = contents.withLock { contents in
            (contents.rows.map { StateRow(key: $0.key, value: $0.value) }, contents.head)
        }
        return try StateRows.rebuild(rows, head: head)
    }

    /// Writes one block's changes and head atomically (see `StateStore.commit`).
    public func commit(blockNumber: UInt64, changes: [StateChange], digest: Hash32) async throws(StateStoreError) {
        guard blockNumber <= UInt64(Int64.max) else { throw .blockNumberTooLarge(blockNumber) }
        let encoded = StateRows.encode(changes)
        let result: Result<Void, StateStoreError> = contents.withLock { contents in
            if let head = contents.head, blockNumber <= head.blockNumber {
                return .failure(.blockNotAfterHead(blockNumber: blockNumber, head: head.blockNumber))
            }
            // Nothing below can fail, so the block lands whole.
            for change in encoded {
                contents.rows[change.key] = change.value
            }
            contents.head = CommittedHead(blockNumber: blockNumber, digest: digest)
            return .success(())
        }
        try result.get()
    }
}
