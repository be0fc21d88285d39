import Ethereum
import Foundation
import GRDB
import PoCo

/// The production `StateStore`: an SQLite file in WAL mode through a GRDB `DatabasePool`, so
/// readers (RPC views) run beside the single writer; each block is one write transaction.
public struct SQLiteStateStore: StateStore {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    /// `busyTimeout`: how long a write waits for a lock another connection holds before failing.
    public init(path: String, busyTimeout: TimeInterval = 5) throws(StateStoreError) {
        self.path = path
        var configuration = Configuration()
        // The default (.immediateError) fails at once when another connection holds the lock.
        configuration.busyMode = .timeout(busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .open(path: path, reason: String(describing: error))
        }
        let migrator = StateStoreSchema.migrator
        do {
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded { throw StateStoreError.newerSchema(path: path) }
            try migrator.migrate(pool)
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .open(path: path, reason: String(describing: error))
        }
    }

    /// Closes the database; later calls fail. Without it the pool closes when the last copy goes.
    public func close() throws(StateStoreError) {
        do { try pool.close() } catch { throw .database(operation: "close", reason: String(describing: error)) }
    }

    /// The last committed block (see `StateStore.head`).
    public func head() async throws(StateStoreError) -> CommittedHead? {
        try await read("read head") { db throws(StateStoreError) in try Self.readHead(db) }
    }

    /// The whole committed state and its head, checked against the committed digest (see `StateStore.load`).
    public func load() async throws(StateStoreError) -> StoredState {
        // One read transaction: the rows and the head are of the same commit.
        let (rows, head) = try await read("load") { db throws(StateStoreError) in
            var rows: [StateRow] = []
            do {
                let cursor = try Row.fetchCursor(db, sql: "SELECT key, value FROM state")
                while let row = try cursor.next() {
                    let key = try Self.blob(row[0], column: "key", key: nil)
                    rows.append(StateRow(key: key, value: try Self.blob(row[1], column: "value", key: key)))
                }
            } catch let error as StateStoreError {
                throw error
            } catch {
                throw .database(operation: "load", reason: String(describing: error))
            }
            return (rows, try Self.readHead(db))
        }
        return try StateRows.rebuild(rows, head: head)
    }

    /// Writes one block's changes and head atomically (see `StateStore.commit`).
    public func commit(blockNumber: UInt64, changes: [StateChange], digest: Hash32) async throws(StateStoreError) {
        guard let number = Int64(exactly: blockNumber) else { throw .blockNumberTooLarge(blockNumber) }
        // Encoded before taking the write lock.
        let encoded = StateRows.encode(changes).map { (key: Data($0.key), value: $0.value.map { Data($0) }) }
        let digestData = Data(digest.bytes)
        try await write("commit block \(blockNumber)") { db throws(StateStoreError) in
            if let head = try Self.readHead(db), blockNumber <= head.blockNumber {
                throw .blockNotAfterHead(blockNumber: blockNumber, head: head.blockNumber)
            }
            do {
                let upsert = try db.cachedStatement(
                    sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                let delete = try db.cachedStatement(sql: "DELETE FROM state WHERE key = ?")
                for change in encoded {
                    if let value = change.value {
                        try upsert.execute(arguments: [change.key, value])
                    } else {
                        try delete.execute(arguments: [change.key])
                    }
                }
                try db.execute(
                    sql: """
                        INSERT INTO head (id, blockNumber, digest) VALUES (1, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET blockNumber = excluded.blockNumber, digest = excluded.digest
                        """,
                    arguments: [number, digestData])
            } catch {
                throw .database(operation: "commit block \(blockNumber)", reason: String(describing: error))
            }
        }
    }

    // MARK: - Rows

    /// The head row, or nil before the first commit.
    private static func readHead(_ db: Database) throws(StateStoreError) -> CommittedHead? {
        let row: Row?
        do { row = try Row.fetchOne(db, sql: "SELECT blockNumber, digest FROM head WHERE id = 1") } catch {
            throw .database(operation: "read head", reason: String(describing: error))
        }
        guard let row else { return nil }
        let numberValue: DatabaseValue = row[0]
        guard case .int64(let number) = numberValue.storage, let blockNumber = UInt64(exactly: number) else {
            throw .corruptHead(reason: "block number \(describe(numberValue)) is not a non-negative integer")
        }
        let digestValue: DatabaseValue = row[1]
        guard case .blob(let data) = digestValue.storage, let digest = try? Hash32(Array(data)) else {
            throw .corruptHead(reason: "digest \(describe(digestValue)) is not 32 bytes")
        }
        return CommittedHead(blockNumber: blockNumber, digest: digest)
    }

    /// The bytes of a BLOB column; anything else is a corrupt row, named by its key.
    private static func blob(_ value: DatabaseValue, column: String, key: [UInt8]?) throws(StateStoreError) -> [UInt8] {
        if case .blob(let data) = value.storage { return Array(data) }
        let reason = "\(column) stored as \(describe(value)), not a BLOB"
        if let key { throw .corruptValue(key: key, reason: reason) }
        // A key that is not a BLOB is named by the bytes of its text form (empty for NULL).
        let textForm: String
        switch value.storage {
        case .string(let text): textForm = text
        case .int64(let number): textForm = String(number)
        case .double(let number): textForm = String(number)
        case .null, .blob: textForm = ""
        }
        throw .corruptKey(key: Array(textForm.utf8), reason: reason)
    }

    /// A stored value in one line, with its SQLite type (blobs in hex).
    private static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return "INTEGER \(number)"
        case .double(let number): return "REAL \(number)"
        case .string(let text): return "TEXT \(text.debugDescription)"
        case .blob(let data): return "BLOB \(Hex.encode(data, prefix: true))"
        }
    }

    // MARK: - Running on the pool

    /// Runs `body` in one read transaction (a consistent view of one commit).
    private func read<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws(StateStoreError) -> T
    ) async throws(StateStoreError) -> T {
        do {
            return try await pool.read { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .database(operation: operation, reason: String(describing: error))
        }
    }

    /// Runs `body` in one write transaction: committed if it returns, rolled back if it throws.
    private func write(
        _ operation: String, _ body: @escaping @Sendable (Database) throws(StateStoreError) -> Void
    ) async throws(StateStoreError) {
        do {
            try await pool.write { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .database(operation: operation, reason: String(describing: error))
        }
    }
}
