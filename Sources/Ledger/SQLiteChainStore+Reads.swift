import Chain
import Ethereum
import Foundation
import GRDB
import PoCo

extension SQLiteChainStore {
    /// The genesis, head block, state, accounts and pending transactions (in arrival order), read
    /// in one transaction; nil for a file never initialized. A row that does not decode throws
    /// `.corrupt` naming it.
    public func load() async throws(ChainStoreError) -> ChainSnapshot? {
        // One read transaction: every part is of the same commit.
        try await read("load") { db -> ChainSnapshot? in
            guard let chain = try Row.fetchOne(db, sql: "SELECT genesis, head FROM chain WHERE id = 1") else { return nil }
            let reader = RowReader(row: chain, what: "chain row")
            let json = try reader.text(0, "genesis")
            let genesis: Genesis
            do { genesis = try Genesis(json: Array(json.utf8)) } catch {
                throw ChainStoreError.corrupt(what: "chain row", reason: "genesis: \(error)")
            }
            let headNumber = try reader.integer(1, "head")
            guard let head = try Self.block(db, number: headNumber) else {
                throw ChainStoreError.corrupt(what: "chain row", reason: "head block \(headNumber) is not stored")
            }
            return ChainSnapshot(genesis: genesis, head: head, state: try Self.state(db),
                                 accounts: try Self.accounts(db), pending: try Self.pending(db))
        }
    }

    /// The block at `number`, nil above the head; its header must hash to its stored hash.
    public func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? {
        try await read("read block \(number)") { db in try Self.block(db, number: number) }
    }

    /// The block with this hash, nil if none.
    public func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? {
        try await read("read block \(hash.hex)") { db -> StoredBlock? in
            let statement = try db.cachedStatement(sql: "SELECT number, hash, header, size, overrides FROM blocks WHERE hash = ?")
            guard let row = try Row.fetchOne(statement, arguments: [Data(blob: hash)]) else { return nil }
            return try Self.decodeBlock(db, row)
        }
    }

    /// The transactions of block `number` in order, with their outcomes and logs (empty above the head).
    public func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        guard let key = Int64(exactly: number) else { return [] }
        return try await read("read the transactions of block \(number)") { db -> [StoredTransaction] in
            let statement = try db.cachedStatement(sql: """
                SELECT t.block_number, t.tx_index, t.hash, t.sender, t.raw, t.outcome, t.first_log_index, b.hash
                FROM transactions AS t JOIN blocks AS b ON b.number = t.block_number
                WHERE t.block_number = ? ORDER BY t.tx_index
                """)
            let rows = try Row.fetchAll(statement, arguments: [key])
            guard !rows.isEmpty else { return [] }
            let logs = try Self.logs(db, sql: "WHERE l.block_number = ? ORDER BY l.log_index", [key])
            var byTransaction: [Int: [StoredLog]] = [:]
            for log in logs { byTransaction[log.transactionIndex, default: []].append(log) }
            return try rows.map { row throws(ChainStoreError) in
                let reader = RowReader(row: row, what: "a transaction row of block \(number)")
                let index = try reader.index(1, "tx_index")
                return try Self.decodeTransaction(row, logs: byTransaction[index] ?? [])
            }
        }
    }

    /// The mined transaction with this hash, with its outcome and logs; nil if none.
    public func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? {
        try await read("read transaction \(hash.hex)") { db -> StoredTransaction? in
            let statement = try db.cachedStatement(sql: """
                SELECT t.block_number, t.tx_index, t.hash, t.sender, t.raw, t.outcome, t.first_log_index, b.hash
                FROM transactions AS t JOIN blocks AS b ON b.number = t.block_number WHERE t.hash = ?
                """)
            guard let row = try Row.fetchOne(statement, arguments: [Data(blob: hash)]) else { return nil }
            let reader = RowReader(row: row, what: "transaction \(hash.hex)")
            let number = try reader.integer(0, "block_number")
            let first = try reader.index(6, "first_log_index")
            let outcomeBytes = try reader.blob(5, "outcome")
            let outcome: OutcomeCoding.Fields
            do throws(CodingFailure) { outcome = try OutcomeCoding.decode(outcomeBytes) } catch {
                throw ChainStoreError.corrupt(what: reader.what, reason: error.reason)
            }
            let logs = try Self.logs(db, sql: "WHERE l.block_number = ? AND l.log_index >= ? AND l.log_index < ? ORDER BY l.log_index",
                                     [Int64(number), first, first + outcome.logCount])
            return try Self.decodeTransaction(row, logs: logs)
        }
    }

    /// The logs `filter` matches, in chain order, found by an index search (see `LogQuery`);
    /// `.tooManyResults` when more than `limit` match.
    public func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        guard let query = LogQuery(filter, limit: limit) else { return [] }
        // Not cached: filters' list lengths make endless variants of the statement.
        let logs = try await read("query logs") { db in
            try Self.fetchLogs(try db.makeStatement(sql: query.sql), query.arguments)
        }
        guard logs.count <= limit else { throw .tooManyResults(limit: limit) }
        return logs
    }

    /// The plan SQLite follows for `filter`'s query (`EXPLAIN QUERY PLAN` details), for tests.
    func logsQueryPlan(_ filter: LogFilter, limit: Int = 1_000) async throws(ChainStoreError) -> [String] {
        guard let query = LogQuery(filter, limit: limit) else { return [] }
        return try await read("explain a log query") { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: query.arguments).map { $0["detail"] as String }
        }
    }

    // MARK: - Rows

    static func block(_ db: Database, number: UInt64) throws -> StoredBlock? {
        guard let key = Int64(exactly: number) else { return nil }
        let statement = try db.cachedStatement(sql: "SELECT number, hash, header, size, overrides FROM blocks WHERE number = ?")
        guard let row = try Row.fetchOne(statement, arguments: [key]) else { return nil }
        return try decodeBlock(db, row)
    }

    /// A `blocks` row with its transactions' hashes; the header must hash to the stored hash.
    static func decodeBlock(_ db: Database, _ row: Row) throws -> StoredBlock {
        var reader = RowReader(row: row, what: "block row")
        let number = try reader.integer(0, "number")
        reader = RowReader(row: row, what: "block \(number)")
        let hash = try reader.hash(1, "hash")
        let header: BlockHeader
        do { header = try BlockHeader(encoded: try reader.blob(2, "header")) } catch let error as ChainStoreError {
            throw error
        } catch {
            throw ChainStoreError.corrupt(what: reader.what, reason: "header does not decode: \(error)")
        }
        guard header.number == number, header.hash == hash else {
            throw ChainStoreError.corrupt(what: reader.what, reason: "header is of block \(header.number) with hash \(header.hash.hex), not \(hash.hex)")
        }
        let size = try reader.index(3, "size")
        let overrideBytes = try reader.optionalBlob(4, "overrides")
        let overrides: [BalanceOverride]
        do throws(CodingFailure) { overrides = try OverridesCoding.decode(overrideBytes) } catch {
            throw ChainStoreError.corrupt(what: reader.what, reason: error.reason)
        }
        let hashes = try db.cachedStatement(sql: "SELECT hash FROM transactions WHERE block_number = ? ORDER BY tx_index")
        var transactionHashes: [Hash32] = []
        let cursor = try Row.fetchCursor(hashes, arguments: [Int64(number)])
        while let hashRow = try cursor.next() {
            transactionHashes.append(try RowReader(row: hashRow, what: "a transaction of block \(number)").hash(0, "hash"))
        }
        return StoredBlock(header: header, hash: hash, transactionHashes: transactionHashes, size: size,
                           balanceOverrides: overrides)
    }

    /// A row of `block_number, tx_index, hash, sender, raw, outcome, first_log_index, block hash`
    /// with its logs; the raw bytes must hash to the stored hash.
    static func decodeTransaction(_ row: Row, logs: [StoredLog]) throws(ChainStoreError) -> StoredTransaction {
        var reader = RowReader(row: row, what: "transaction row")
        let storedHash = try reader.hash(2, "hash")
        reader = RowReader(row: row, what: "transaction \(storedHash.hex)")
        let number = try reader.integer(0, "block_number")
        let index = try reader.index(1, "tx_index")
        let transaction: SignedTransaction
        do { transaction = try SignedTransaction(raw: try reader.blob(4, "raw")) } catch let error as ChainStoreError {
            throw error
        } catch {
            throw .corrupt(what: reader.what, reason: "raw bytes do not decode: \(error)")
        }
        guard transaction.hash == storedHash else {
            throw .corrupt(what: reader.what, reason: "raw bytes hash to \(transaction.hash.hex)")
        }
        let outcomeBytes = try reader.blob(5, "outcome")
        let outcome: OutcomeCoding.Fields
        do throws(CodingFailure) { outcome = try OutcomeCoding.decode(outcomeBytes) } catch {
            throw .corrupt(what: reader.what, reason: error.reason)
        }
        let firstLogIndex = try reader.index(6, "first_log_index")
        guard logs.count == outcome.logCount,
              logs.enumerated().allSatisfy({ $0.element.logIndex == firstLogIndex + $0.offset && $0.element.transactionIndex == index }) else {
            throw .corrupt(what: reader.what, reason: "has \(logs.count) stored logs from index \(firstLogIndex), its outcome says \(outcome.logCount)")
        }
        let included = IncludedTransaction(
            transaction: transaction, sender: try reader.address(3, "sender"),
            outcome: TransactionOutcome(succeeded: outcome.succeeded, gasUsed: outcome.gasUsed,
                                        cumulativeGasUsed: outcome.cumulativeGasUsed, logs: logs.map(\.log),
                                        revertReason: outcome.revertReason))
        return StoredTransaction(included: included, blockNumber: number, blockHash: try reader.hash(7, "block hash"),
                                 index: index, firstLogIndex: firstLogIndex)
    }

    /// Logs of `SELECT … FROM logs AS l CROSS JOIN blocks AS b … <clause>`.
    static func logs(_ db: Database, sql clause: String, _ arguments: StatementArguments) throws -> [StoredLog] {
        let sql = "SELECT \(LogQuery.columns) FROM logs AS l CROSS JOIN blocks AS b ON b.number = l.block_number " + clause
        return try fetchLogs(try db.cachedStatement(sql: sql), arguments)
    }

    static func fetchLogs(_ statement: Statement, _ arguments: StatementArguments) throws -> [StoredLog] {
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var logs: [StoredLog] = []
        while let row = try cursor.next() {
            var reader = RowReader(row: row, what: "log row")
            let number = try reader.integer(0, "block_number")
            let logIndex = try reader.index(1, "log_index")
            reader = RowReader(row: row, what: "log \(logIndex) of block \(number)")
            var topics: [Hash32] = []
            for column in 5...8 {
                guard !(row[column] as DatabaseValue).isNull else { break }
                topics.append(try reader.hash(column, "topic\(column - 5)"))
            }
            // Topics are contiguous: a value after a NULL is a damaged row.
            if topics.count < 3, ((topics.count + 6)...8).contains(where: { !(row[$0] as DatabaseValue).isNull }) {
                throw ChainStoreError.corrupt(what: reader.what, reason: "topic\(topics.count) is NULL but a later topic is not")
            }
            let log = ReceiptLog(address: try reader.address(4, "address"), topics: topics, data: try reader.blob(9, "data"))
            logs.append(StoredLog(log: log, blockNumber: number, blockHash: try reader.hash(10, "block hash"),
                                  transactionHash: try reader.hash(3, "tx_hash"),
                                  transactionIndex: try reader.index(2, "tx_index"), logIndex: logIndex))
        }
        return logs
    }

    /// Every state row decoded; keys must be in canonical form (so distinct rows are distinct keys).
    static func state(_ db: Database) throws -> PoCoState {
        var storage: [StateKey: StateValue] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT key, value FROM state")
        while let row = try cursor.next() {
            let keyValue: DatabaseValue = row[0]
            let what: String
            if case .blob(let data) = keyValue.storage {
                what = "state row with key \(Hex.encode(data, prefix: true))"
            } else {
                what = "state row with key \(RowReader.describe(keyValue))"
            }
            let reader = RowReader(row: row, what: what)
            let keyBytes = try reader.blob(0, "key")
            let key: StateKey
            do { key = try StateKey(encoded: keyBytes) } catch {
                throw ChainStoreError.corrupt(what: what, reason: "bad key: \(error)")
            }
            guard key.encoded == keyBytes else { throw ChainStoreError.corrupt(what: what, reason: "key not in canonical form") }
            do { storage[key] = try StateValue(encoded: try reader.blob(1, "value")) } catch let error as ChainStoreError {
                throw error
            } catch {
                throw ChainStoreError.corrupt(what: what, reason: "bad value: \(error)")
            }
        }
        return PoCoState(storage: storage)
    }

    static func accounts(_ db: Database) throws -> [Address: NativeAccount] {
        var accounts: [Address: NativeAccount] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT address, account FROM accounts")
        while let row = try cursor.next() {
            let address = try RowReader(row: row, what: "account row").address(0, "address")
            let reader = RowReader(row: row, what: "account row \(address.checksummed)")
            do { accounts[address] = try NativeAccount(encoded: try reader.blob(1, "account")) } catch let error as ChainStoreError {
                throw error
            } catch {
                throw ChainStoreError.corrupt(what: reader.what, reason: "account does not decode: \(error)")
            }
        }
        return accounts
    }

    static func pending(_ db: Database) throws -> [[UInt8]] {
        var raws: [[UInt8]] = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT arrival, raw FROM pending ORDER BY arrival")
        while let row = try cursor.next() {
            let arrival = (row[0] as Int64?).map(String.init) ?? "?"
            raws.append(try RowReader(row: row, what: "pending row \(arrival)").blob(1, "raw"))
        }
        return raws
    }
}
