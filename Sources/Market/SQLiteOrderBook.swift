import Ethereum
import Foundation
import GRDB
import PoCo

/// The production `OrderBook`: one SQLite file (e.g. `<data-dir>/market.sqlite`) in WAL mode
/// through a GRDB `DatabasePool`, so queries run beside the single writer, and the book and the
/// tracker's cursor survive restarts (tables: `OrderBookSchema`).
///
/// It follows `OrderBook`'s contract exactly as `InMemoryOrderBook` does: filters are those of
/// `OrderQuery.selects` and the order that of `OrderQuery.ranks`, evaluated in SQL on indexed
/// columns (tag bits through the SQL function `tag_subset`), so `total` and pages need no
/// filtering in Swift. Every method is one SQLite transaction; failures are `MarketError.storage`
/// with SQLite's message.
public final class SQLiteOrderBook: OrderBook {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the book at `path` and brings its schema up to date.
    ///
    /// - Throws: `.storage` when the file cannot be opened as a database, or was written by a
    ///   newer version of the book.
    public init(path: String) throws(MarketError) {
        self.path = path
        var configuration = Configuration()
        // Another connection (a reader checkpointing) may hold the lock a moment.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in db.add(function: OrderBookSchema.tagSubset) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = OrderBookSchema.migrator
            if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw MarketError.storage("\(path) was written by a newer version of the order book; upgrade")
            }
            try migrator.migrate(pool)
        } catch let error as MarketError {
            throw error
        } catch {
            throw .storage("cannot open \(path): \(Self.message(error))")
        }
    }

    /// Closes the database; later calls fail. Without it the file closes when the book is freed.
    public func close() throws(MarketError) {
        do { try pool.close() } catch { throw .storage("close \(path): \(Self.message(error))") }
    }

    public func insert(_ order: MarketOrder) throws(MarketError) {
        let row = OrderRow(order)
        let placeholders = Array(repeating: "?", count: OrderRow.columns.count).joined(separator: ", ")
        let sql = "INSERT INTO orders (\(OrderRow.columns.joined(separator: ", "))) VALUES (\(placeholders))"
        try write("insert order \(order.orderHash.hex)") { db in
            let hash = Data(order.orderHash.bytes)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM orders WHERE hash = ?", arguments: [hash]) == true {
                throw MarketError.alreadyPublished(order.orderHash)
            }
            try db.execute(sql: sql, arguments: StatementArguments(row.values))
            let next = UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT next_sequence FROM book") ?? 0)
            // The largest sequence has no successor: the counter stays at its largest value.
            let after = order.sequence == .max ? order.sequence : order.sequence + 1
            if after > next {
                try db.execute(sql: "UPDATE book SET next_sequence = ? WHERE id = 1",
                               arguments: [OrderBookSchema.integer(after)])
            }
        }
    }

    public func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder? {
        let rows = try read("read order \(orderHash.hex)") { db in
            try Row.fetchAll(db, sql: "SELECT \(OrderRow.selection) FROM orders WHERE hash = ?",
                             arguments: [Data(orderHash.bytes)])
        }
        return try rows.first.map { row throws(MarketError) in try OrderRow.entry(row) }
    }

    public func query(_ query: OrderQuery) throws(MarketError) -> OrderPage {
        let query = try query.validated()
        let filter = BookFilter(query)
        // A page past Int64's range is past the last order.
        let (offset, overflow) = query.page.multipliedReportingOverflow(by: query.pageSize)
        let direction = query.kind == .request ? "DESC" : "ASC"
        let (total, rows) = try read("query the \(query.kind.rawValue) book") { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE \(filter.sql)",
                                         arguments: filter.arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(OrderRow.selection) FROM orders WHERE \(filter.sql)
                ORDER BY price \(direction), sequence ASC, hash ASC LIMIT ? OFFSET ?
                """, arguments: filter.arguments + [query.pageSize, overflow ? Int.max : offset])
            return (total, rows)
        }
        return OrderPage(orders: try entries(rows), total: total, page: query.page, pageSize: query.pageSize)
    }

    public func orders(withStatus statuses: Set<OrderStatus>) throws(MarketError) -> [MarketOrder] {
        let names = statuses.map(\.rawValue).sorted()
        guard !names.isEmpty else { return [] }
        let rows = try read("list orders by status") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(OrderRow.selection) FROM orders WHERE status IN (\(Self.placeholders(names.count)))
                ORDER BY sequence ASC, hash ASC
                """, arguments: StatementArguments(names))
        }
        return try entries(rows)
    }

    public func activeOrderCount(signer: Address) throws(MarketError) -> Int {
        try read("count the orders of \(signer.checksummed)") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE signer = ? AND status IN (?, ?)",
                             arguments: [Data(signer.bytes), OrderStatus.open.rawValue, OrderStatus.dead.rawValue]) ?? 0
        }
    }

    @discardableResult
    public func remove(_ orderHash: Hash32) throws(MarketError) -> Bool {
        try write("remove order \(orderHash.hex)") { db in
            try db.execute(sql: "DELETE FROM orders WHERE hash = ?", arguments: [Data(orderHash.bytes)])
            return db.changesCount > 0
        }
    }

    public func apply(_ updates: [OrderUpdate], throughBlock block: UInt64?) throws(MarketError) {
        try write("apply \(updates.count) status updates") { db in
            let statement = try db.cachedStatement(sql: "UPDATE orders SET status = ?, remaining = ? WHERE hash = ?")
            for update in updates {
                try statement.execute(arguments: [update.status.rawValue, Data(update.remaining.bigEndianBytes),
                                                  Data(update.orderHash.bytes)])
            }
            if let block {
                try db.execute(sql: "UPDATE book SET last_block = ? WHERE id = 1",
                               arguments: [OrderBookSchema.integer(block)])
            }
        }
    }

    public func lastProcessedBlock() throws(MarketError) -> UInt64? {
        try read("read the tracker's cursor") { db in
            try Int64.fetchOne(db, sql: "SELECT last_block FROM book WHERE id = 1").map { UInt64(bitPattern: $0) }
        }
    }

    public func nextSequence() throws(MarketError) -> UInt64 {
        try read("read the next sequence") { db in
            UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT next_sequence FROM book WHERE id = 1") ?? 0)
        }
    }

    // MARK: - Plumbing

    private func entries(_ rows: [Row]) throws(MarketError) -> [MarketOrder] {
        var entries: [MarketOrder] = []
        entries.reserveCapacity(rows.count)
        for row in rows { entries.append(try OrderRow.entry(row)) }
        return entries
    }

    /// One write transaction: all of `body` or, when it throws, nothing.
    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(MarketError) -> T {
        do { return try pool.write(body) } catch let error as MarketError { throw error } catch {
            throw .storage("\(operation): \(Self.message(error))")
        }
    }

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(MarketError) -> T {
        do { return try pool.read(body) } catch {
            throw .storage("\(operation): \(Self.message(error))")
        }
    }

    /// SQLite's own message when there is one.
    private static func message(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? String(describing: error)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// `OrderQuery.selects` as an SQL condition: only the fields the query's kind has are tested, so
/// the NULL columns of other kinds never exclude anything.
struct BookFilter {
    private(set) var clauses: [String] = []
    private(set) var arguments: StatementArguments = []

    init(_ query: OrderQuery) {
        add("kind = ?", query.kind.rawValue)
        let statuses = query.statuses.map(\.rawValue).sorted()
        clauses.append("status IN (\(SQLiteOrderBook.placeholders(statuses.count)))")
        arguments += StatementArguments(statuses)
        if let signer = query.signer { add("signer = ?", Data(signer.bytes)) }
        if let minVolume = query.minVolume { add("remaining >= ?", Data(minVolume.bigEndianBytes)) }
        if let minTag = query.minTag { add("tag_subset(?, tag)", Data(minTag.bytes)) }
        if let maxTag = query.maxTag { add("tag_subset(tag, ?)", Data(maxTag.bytes)) }
        let kind = query.kind
        if kind == .app || kind == .request, let app = query.app { add("app = ?", Data(app.bytes)) }
        if kind == .dataset || kind == .request, let dataset = query.dataset { add("dataset = ?", Data(dataset.bytes)) }
        if kind == .workerpool || kind == .request, let workerpool = query.workerpool {
            add("workerpool = ?", Data(workerpool.bytes))
        }
        if kind == .request, let requester = query.requester { add("requester = ?", Data(requester.bytes)) }
        if kind == .workerpool || kind == .request {
            if let category = query.category { add("category = ?", Data(category.bigEndianBytes)) }
            if let minTrust = query.minTrust { add("trust >= ?", Data(minTrust.bigEndianBytes)) }
        }
    }

    /// The conditions joined with AND.
    var sql: String { clauses.joined(separator: " AND ") }

    private mutating func add(_ clause: String, _ value: some DatabaseValueConvertible) {
        clauses.append(clause)
        arguments += [value]
    }
}
