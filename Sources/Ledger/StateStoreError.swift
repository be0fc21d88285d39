import Ethereum

/// Why a state store could not open, read or write.
public enum StateStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file could not be opened or migrated.
    case open(path: String, reason: String)
    /// The database was written by a newer version (migrations this version does not know).
    case newerSchema(path: String)
    /// SQLite refused a read or write (`operation` says which).
    case database(operation: String, reason: String)
    /// A stored key is not a state key (or not a BLOB); `key` is its bytes as stored.
    case corruptKey(key: [UInt8], reason: String)
    /// The value stored under `key` is not a state value (or not a BLOB).
    case corruptValue(key: [UInt8], reason: String)
    /// A stored key decodes but is not in canonical form, so it could alias another row.
    case nonCanonicalKey(key: [UInt8])
    /// The head row (block number, digest) is malformed.
    case corruptHead(reason: String)
    /// State rows exist but no block was ever committed.
    case missingHead(rows: Int)
    /// The rebuilt state's digest differs from the one committed with the head.
    case digestMismatch(blockNumber: UInt64, committed: Hash32, rebuilt: Hash32)
    /// A commit for a block at or below the head.
    case blockNotAfterHead(blockNumber: UInt64, head: UInt64)
    /// A block number SQLite's signed 64-bit integers cannot hold.
    case blockNumberTooLarge(UInt64)

    /// The error in one line: what is wrong and where (path, operation, key bytes, block).
    public var description: String {
        switch self {
        case .open(let path, let reason): return "cannot open state store at \(path): \(reason)"
        case .newerSchema(let path): return "state store at \(path) has a schema newer than this version knows"
        case .database(let operation, let reason): return "state store \(operation) failed: \(reason)"
        case .corruptKey(let key, let reason): return "state row with key \(Hex.encode(key, prefix: true)): bad key: \(reason)"
        case .corruptValue(let key, let reason):
            return "state row with key \(Hex.encode(key, prefix: true)): bad value: \(reason)"
        case .nonCanonicalKey(let key): return "state row with key \(Hex.encode(key, prefix: true)): key not in canonical form"
        case .corruptHead(let reason): return "state store head row: \(reason)"
        case .missingHead(let rows): return "state store has \(rows) state rows but no committed block"
        case .digestMismatch(let block, let committed, let rebuilt):
            return "state after block \(block): digest \(rebuilt.hex) ≠ committed \(committed.hex)"
        case .blockNotAfterHead(let block, let head): return "commit of block \(block): not after head block \(head)"
        case .blockNumberTooLarge(let block): return "block number \(block) exceeds SQLite's 64-bit signed range"
        }
    }
}
