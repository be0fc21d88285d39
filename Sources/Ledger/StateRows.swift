import Ethereum
import PoCo

/// One stored row: canonical key bytes and value bytes.
struct StateRow: Sendable {
    var key: [UInt8]
    var value: [UInt8]
}

/// The canonical rows of a block's changes, and the state rebuilt from stored rows; shared by every
/// store so they write and check the same bytes.
enum StateRows {
    /// Each change as (key bytes, value bytes or nil for a removal), in the changes' order.
    static func encode(_ changes: [StateChange]) -> [(key: [UInt8], value: [UInt8]?)] {
        changes.map { (key: $0.key.encoded, value: $0.value?.encoded) }
    }

    /// Decodes every row and checks the result against the head: rows need a head, and the
    /// rebuilt state's digest must be the committed one.
    static func rebuild(_ rows: [StateRow], head: CommittedHead?) throws(StateStoreError) -> StoredState {
        var storage: [StateKey: StateValue] = [:]
        storage.reserveCapacity(rows.count)
        for row in rows {
            let key: StateKey
            do throws(StateDecodingError) { key = try StateKey(encoded: row.key) } catch {
                throw .corruptKey(key: row.key, reason: error.description)
            }
            // Canonical keys are what makes distinct rows distinct keys.
            guard key.encoded == row.key else { throw .nonCanonicalKey(key: row.key) }
            do throws(StateDecodingError) { storage[key] = try StateValue(encoded: row.value) } catch {
                throw .corruptValue(key: row.key, reason: error.description)
            }
        }
        let state = PoCoState(storage: storage)
        guard let head else {
            guard rows.isEmpty else { throw .missingHead(rows: rows.count) }
            return StoredState(state: state, head: nil)
        }
        let rebuilt = state.digest
        guard rebuilt == head.digest else {
            throw .digestMismatch(blockNumber: head.blockNumber, committed: head.digest, rebuilt: rebuilt)
        }
        return StoredState(state: state, head: head)
    }
}
