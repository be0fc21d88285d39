import Chain
import Ethereum
import Foundation
import GRDB
import PoCo

/// The production ``ChainStore``: one SQLite file (e.g. `<data-dir>/chain.sqlite`) in WAL mode
/// through a GRDB `DatabasePool`, so readers (RPC queries) run beside the single writer.
///
/// Every write — `initialize`, each block's `commit`, each `addPending`/`removePending` call — is
/// one SQLite transaction: after a crash at any moment the file holds the last committed block
/// whole, and nothing of a block whose commit failed (tables: ``ChainStoreSchema``).
///
/// Durability (``Synchronous``):
/// - `.normal` (default, `PRAGMA synchronous = NORMAL`): a commit is in the WAL file when the call
///   returns, so it survives the process being killed (`kill -9`, a crash) at any moment. After a
///   power loss or OS crash the last few commits may be lost (never half of one): the WAL is only
///   synced to disk at checkpoints.
/// - `.full` (`PRAGMA synchronous = FULL`): the WAL is synced to disk at every commit, so a commit
///   that returned also survives a power loss, at the cost of one `fsync` per block or `addPending`.
public struct SQLiteChainStore: ChainStore {
    /// How far a returned commit is durable (see the type's documentation).
    public enum Synchronous: Sendable, Hashable {
        /// Survives a killed process; a power loss may drop the latest commits.
        case normal
        /// Survives a power loss too: one `fsync` per commit.
        case full
    }

    /// The database file.
    public let path: String
    /// The durability the writer connection runs with.
    public let synchronous: Synchronous
    let pool: DatabasePool

    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - synchronous: `.normal` survives a killed process, `.full` also a power loss.
    ///   - busyTimeout: how long a write waits for a lock another connection holds before failing.
    /// - Throws: `.open` (not a database, unwritable), `.newerSchema` (written by a newer version).
    public init(path: String, synchronous: Synchronous = .normal, busyTimeout: TimeInterval = 5) throws(ChainStoreError) {
        self.path = path
        self.synchronous = synchronous
        var configuration = Configuration()
        // The default (.immediateError) fails at once when another connection holds the lock.
        configuration.busyMode = .timeout(busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .open(path: path, reason: String(describing: error))
        }
        let migrator = ChainStoreSchema.migrator
        do {
            if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) { throw ChainStoreError.newerSchema(path: path) }
            try migrator.migrate(pool)
            // GRDB sets NORMAL when it opens the pool in WAL mode: FULL goes on afterwards.
            if synchronous == .full {
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch let error as ChainStoreError {
            throw error
        } catch {
            throw .open(path: path, reason: String(describing: error))
        }
    }

    /// Closes the database; later calls fail. Without it the pool closes when the last copy goes.
    public func close() throws(ChainStoreError) {
        do { try pool.close() } catch { throw .database(operation: "close", reason: String(describing: error)) }
    }

    // MARK: - Writes

    /// Writes the genesis (as its JSON), block 0 and the full state after it, in one transaction.
    /// Throws `.alreadyInitialized` when the file already holds a chain.
    public func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                           accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        let rows = try BlockRows(block)
        let changes = StateRowChanges(state: state, accounts: accounts)
        let genesisJSON = genesis.json
        try await write("initialize") { db in
            guard try Self.readHead(db) == nil else { throw ChainStoreError.alreadyInitialized }
            try db.execute(sql: "INSERT INTO chain (id, genesis, head) VALUES (1, ?, ?)", arguments: [genesisJSON, rows.number])
            try rows.insert(into: db)
            try changes.apply(to: db)
        }
    }

    /// Writes the block — header, transactions with their outcomes, logs, state and account
    /// changes, the new head — and deletes its transactions from the pending table, in one write
    /// transaction. Throws `.notInitialized`, or `.notExtendingHead` when the block's number or
    /// parent hash does not follow the head (nothing is written then).
    public func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        let block = commit.block
        // Everything is turned into arguments before the write lock is taken.
        let rows = try BlockRows(block)
        let changes = StateRowChanges(state: commit.stateChanges, accounts: commit.accountChanges)
        try await write("commit block \(block.number)") { db in
            guard let head = try Self.readHead(db) else { throw ChainStoreError.notInitialized }
            guard head.number < UInt64.max, block.number == head.number + 1, block.header.parentHash == head.hash else {
                throw ChainStoreError.notExtendingHead(blockNumber: block.number, head: head.number)
            }
            try rows.insert(into: db)
            if !rows.transactions.isEmpty {
                // One statement forgets every pending copy of the block's transactions.
                try db.cachedStatement(sql: """
                    DELETE FROM pending WHERE hash IN (SELECT hash FROM transactions WHERE block_number = ?)
                    """).execute(arguments: [rows.number])
            }
            try changes.apply(to: db)
            try db.cachedStatement(sql: "UPDATE chain SET head = ? WHERE id = 1").execute(arguments: [rows.number])
        }
    }

    /// Records acknowledged transactions as pending, in arrival order, in one transaction; hashes
    /// already pending or already mined are ignored.
    public func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) {
        guard !transactions.isEmpty else { return }
        let rows = transactions.map { (hash: Data(blob: $0.hash), raw: Data($0.rawBytes)) }
        try await write("record \(rows.count) pending transactions") { db in
            // Known pending hashes hit the unique index (ignored); mined ones are skipped; the
            // position column keeps the arrival order within a statement.
            var position: Int64 = 0
            try MultiRowInsert.run(
                db, "INSERT OR IGNORE INTO pending (hash, raw) SELECT v.column1, v.column2 FROM (VALUES", columns: 3,
                rows: rows,
                suffix: """
                    ) AS v WHERE NOT EXISTS (SELECT 1 FROM transactions AS t WHERE t.hash = v.column1) ORDER BY v.column3
                    """
            ) { row, values in
                values += [row.hash.databaseValue, row.raw.databaseValue, position.databaseValue]
                position += 1
            }
        }
    }

    /// Deletes these hashes from the pending table, in one transaction (unknown ones are ignored).
    public func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) {
        guard !hashes.isEmpty else { return }
        let keys = hashes.map { Data(blob: $0) }
        try await write("remove \(keys.count) pending transactions") { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM pending WHERE hash = ?")
            for key in keys { try delete.execute(arguments: [key]) }
        }
    }

    // MARK: - Head

    /// The head's number and hash, nil before `initialize`.
    static func readHead(_ db: Database) throws -> (number: UInt64, hash: Hash32)? {
        let statement = try db.cachedStatement(sql: """
            SELECT c.head, b.hash FROM chain AS c LEFT JOIN blocks AS b ON b.number = c.head WHERE c.id = 1
            """)
        guard let row = try Row.fetchOne(statement) else { return nil }
        let reader = RowReader(row: row, what: "chain row")
        let number = try reader.integer(0, "head")
        guard !(row[1] as DatabaseValue).isNull else {
            throw ChainStoreError.corrupt(what: "chain row", reason: "head block \(number) is not stored")
        }
        return (number, try reader.hash(1, "head block hash"))
    }

    // MARK: - Running on the pool

    /// Runs `body` in one read transaction (a consistent view of one commit).
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(ChainStoreError) -> T {
        do {
            return try await pool.read { db in try body(db) }
        } catch let error as ChainStoreError {
            throw error
        } catch {
            throw .database(operation: operation, reason: String(describing: error))
        }
    }

    /// Runs `body` in one write transaction: committed if it returns, rolled back if it throws.
    ///
    /// Task cancellation does not abort a write: GRDB's async `write` interrupts SQLite when its task
    /// is cancelled, and a node shutting down would then lose the block it was committing. The
    /// completion-based `asyncWrite` runs to the end; the caller waits for it either way.
    func write(_ operation: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws(ChainStoreError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                pool.asyncWrite({ db in try body(db) }, completion: { _, result in continuation.resume(with: result) })
            }
        } catch let error as ChainStoreError {
            throw error
        } catch {
            throw .database(operation: operation, reason: String(describing: error))
        }
    }

    /// `synchronous` as the writer connection reports it (0 OFF, 1 NORMAL, 2 FULL), for tests.
    func writerSynchronousLevel() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}

/// One block as statement arguments: prepared before the write lock, inserted with cached statements.
struct BlockRows: Sendable {
    struct Transaction: Sendable {
        var index: Int64
        var hash: Data
        var sender: Data
        var raw: Data
        var outcome: Data
        var firstLogIndex: Int64
    }

    struct Log: Sendable {
        var logIndex: Int64
        var transactionIndex: Int64
        var transactionHash: Data
        var address: Data
        var topics: [Data?]
        var data: Data
    }

    var number: Int64
    var hash: Data
    var header: Data
    var size: Int64
    var overrides: Data?
    var transactions: [Transaction] = []
    var logs: [Log] = []

    init(_ block: SealedBlock) throws(ChainStoreError) {
        guard let number = Int64(exactly: block.number) else {
            throw .database(operation: "write block \(block.number)", reason: "the block number exceeds SQLite's integers")
        }
        let header = block.header.encoded
        self.number = number
        hash = Data(blob: block.hash)
        self.header = Data(header)
        size = Int64(block.encodedSize(headerByteCount: header.count))
        overrides = OverridesCoding.encode(block.balanceOverrides).map { Data($0) }
        transactions.reserveCapacity(block.transactions.count)
        var nextLog: Int64 = 0
        for (index, included) in block.transactions.enumerated() {
            let transactionHash = Data(blob: included.transaction.hash)
            transactions.append(Transaction(
                index: Int64(index), hash: transactionHash, sender: Data(blob: included.sender),
                raw: Data(included.transaction.rawBytes), outcome: Data(OutcomeCoding.encode(included.outcome)),
                firstLogIndex: nextLog))
            for log in included.outcome.logs {
                var topics: [Data?] = log.topics.prefix(4).map { Data(blob: $0) }
                topics += Array(repeating: nil, count: 4 - topics.count)
                logs.append(Log(logIndex: nextLog, transactionIndex: Int64(index), transactionHash: transactionHash,
                                address: Data(blob: log.address), topics: topics, data: Data(log.data)))
                nextLog += 1
            }
        }
    }

    func insert(into db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO blocks (number, hash, header, size, overrides) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [number, hash, header, size, overrides])
        try MultiRowInsert.run(
            db, "INSERT INTO transactions (block_number, tx_index, hash, sender, raw, outcome, first_log_index) VALUES",
            columns: 7, rows: transactions
        ) { transaction, values in
            values += [number.databaseValue, transaction.index.databaseValue, transaction.hash.databaseValue,
                       transaction.sender.databaseValue, transaction.raw.databaseValue, transaction.outcome.databaseValue,
                       transaction.firstLogIndex.databaseValue]
        }
        try MultiRowInsert.run(
            db, "INSERT INTO logs (block_number, log_index, tx_index, tx_hash, address, topic0, topic1, topic2, topic3, data) VALUES",
            columns: 10, rows: logs
        ) { log, values in
            values += [number.databaseValue, log.logIndex.databaseValue, log.transactionIndex.databaseValue,
                       log.transactionHash.databaseValue, log.address.databaseValue]
            values += log.topics.map { $0?.databaseValue ?? .null }
            values.append(log.data.databaseValue)
        }
    }
}

/// Writes rows many per statement (`VALUES (…), (…), …`, `IN (…)`): one statement execution per
/// chunk rather than per row, each chunk size's statement prepared once and cached.
enum MultiRowInsert {
    /// Rows per statement: 64 rows of 10 columns stay far below SQLite's 32,766 parameters.
    static let chunk = 64

    /// `prefix (?, …), (?, …) suffix` with `columns` placeholders per row.
    static func run<Row>(_ db: Database, _ prefix: String, columns: Int, rows: some Collection<Row>, suffix: String = "",
                         values: (Row, inout [DatabaseValue]) -> Void) throws {
        let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        try chunked(db, rows: rows, columns: columns, values: values) { count in
            prefix + " " + Array(repeating: tuple, count: count).joined(separator: ", ") + suffix
        }
    }

    /// `prefix (?, ?, …))`: a list of single values, for `… IN (…)`.
    static func list<Row>(_ db: Database, _ prefix: String, rows: some Collection<Row>,
                          values: (Row, inout [DatabaseValue]) -> Void) throws {
        try chunked(db, rows: rows, columns: 1, values: values) { count in
            prefix + " (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
        }
    }

    private static func chunked<Row>(_ db: Database, rows: some Collection<Row>, columns: Int,
                                     values: (Row, inout [DatabaseValue]) -> Void, sql: (Int) -> String) throws {
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(min(rows.count, chunk) * columns)
        var index = rows.startIndex
        while index != rows.endIndex {
            let end = rows.index(index, offsetBy: chunk, limitedBy: rows.endIndex) ?? rows.endIndex
            arguments.removeAll(keepingCapacity: true)
            for row in rows[index..<end] { values(row, &arguments) }
            try db.cachedStatement(sql: sql(rows.distance(from: index, to: end))).execute(arguments: StatementArguments(arguments))
            index = end
        }
    }
}

/// A block's state and account changes as statement arguments (nil value: delete the row).
struct StateRowChanges: Sendable {
    var state: [(key: Data, value: Data?)]
    var accounts: [(address: Data, account: Data?)]

    init(state changes: [StateChangeRecord], accounts accountChanges: [(address: Address, account: NativeAccount)]) {
        state = changes.map { (Data($0.key), $0.value.map { Data($0) }) }
        // An empty account is not stored (as it is absent from the state root).
        accounts = accountChanges.map { (Data(blob: $0.address), $0.account.isEmpty ? nil : Data($0.account.encoded)) }
    }

    func apply(to db: Database) throws {
        try Self.apply(state, to: db, table: "state", key: "key", value: "value")
        try Self.apply(accounts.map { ($0.address, $0.account) }, to: db, table: "accounts", key: "address", value: "account")
    }

    /// Upserts and deletes in their order: each run of consecutive upserts (or deletes) is written
    /// in multi-row statements, so a key changed twice ends with its last change.
    private static func apply(_ changes: [(Data, Data?)], to db: Database, table: String, key: String, value: String) throws {
        var start = 0
        while start < changes.count {
            let upsert = changes[start].1 != nil
            var end = start + 1
            while end < changes.count, (changes[end].1 != nil) == upsert { end += 1 }
            let run = changes[start..<end]
            if upsert {
                try MultiRowInsert.run(
                    db, "INSERT INTO \(table) (\(key), \(value)) VALUES", columns: 2, rows: run,
                    suffix: " ON CONFLICT (\(key)) DO UPDATE SET \(value) = excluded.\(value)"
                ) { change, values in
                    values += [change.0.databaseValue, change.1?.databaseValue ?? .null]
                }
            } else {
                try MultiRowInsert.list(db, "DELETE FROM \(table) WHERE \(key) IN", rows: run) { change, values in
                    values.append(change.0.databaseValue)
                }
            }
            start = end
        }
    }
}
