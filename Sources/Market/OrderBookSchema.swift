import Ethereum
import Foundation
import GRDB
import PoCo

/// The order book's tables, created and upgraded by GRDB migrations.
///
/// - `book`: one row (`id = 1`): `last_block` (the tracker's cursor, NULL before it first ran) and
///   `next_sequence` (one more than the largest sequence ever inserted; removals keep it).
/// - `orders`: one row per published order, keyed by `hash` (the EIP-712 order hash). `json` is
///   the signed order (`AnyPoCoOrder.json`), the source of truth; the other columns copy what
///   queries filter and sort by. Numbers that are compared are big-endian BLOBs of fixed width
///   (`remaining`, `price`, `category`, `trust`: 32 bytes; `sequence`: 8 bytes), so SQLite's
///   `memcmp` order of BLOBs is their numeric order. Fields an order type lacks are NULL (a dataset
///   order has no `category`); queries only test the fields of the kind they ask for.
///   `price` is `AnyPoCoOrder.bookPrice`.
///
/// Indexes: `(kind, status, price, sequence)` serves every book query's filter and order,
/// `(signer, status)` the per-signer cap, `(status, sequence)` the tracker's re-check.
enum OrderBookSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: order book") { db in
            try db.execute(sql: """
                CREATE TABLE book (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_block INTEGER,
                    next_sequence INTEGER NOT NULL
                );
                INSERT INTO book (id, last_block, next_sequence) VALUES (1, NULL, 0);
                CREATE TABLE orders (
                    hash BLOB NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    signer BLOB NOT NULL,
                    status TEXT NOT NULL,
                    remaining BLOB NOT NULL,
                    price BLOB NOT NULL,
                    sequence BLOB NOT NULL,
                    published_at INTEGER NOT NULL,
                    app BLOB,
                    dataset BLOB,
                    workerpool BLOB,
                    requester BLOB,
                    category BLOB,
                    trust BLOB,
                    tag BLOB NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE INDEX orders_by_book ON orders (kind, status, price, sequence);
                CREATE INDEX orders_by_signer ON orders (signer, status);
                CREATE INDEX orders_by_status ON orders (status, sequence);
                """)
        }
        return migrator
    }

    /// `tag_subset(a, b)`: 1 when every bit of the 32-byte BLOB `a` is set in `b` (`Tag.isSubset`),
    /// 0 otherwise; NULL when either is not a 32-byte BLOB.
    static let tagSubset = DatabaseFunction("tag_subset", argumentCount: 2, pure: true) { values in
        guard values.count == 2, let tag = hash32(values[0]), let bits = hash32(values[1]) else { return nil }
        return Tag.isSubset(tag, of: bits)
    }

    private static func hash32(_ value: DatabaseValue) -> Hash32? {
        guard let data = Data.fromDatabaseValue(value) else { return nil }
        return try? Hash32([UInt8](data))
    }

    /// Integers stored as SQLite INTEGER (signed 64 bits) keep their bits.
    static func integer(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
    /// The 8-byte big-endian BLOB of a sequence number, sorting as the number does.
    static func sequenceBlob(_ value: UInt64) -> Data { withUnsafeBytes(of: value.bigEndian) { Data($0) } }
}

/// The column values of one `orders` row, in `OrderRow.columns` order.
struct OrderRow {
    static let columns = [
        "hash", "kind", "signer", "status", "remaining", "price", "sequence", "published_at",
        "app", "dataset", "workerpool", "requester", "category", "trust", "tag", "json",
    ]
    /// What a query reads back to rebuild a `MarketOrder`.
    static let selection = "hash, signer, status, remaining, sequence, published_at, json"

    let values: [(any DatabaseValueConvertible)?]

    init(_ entry: MarketOrder) {
        var app: Address?, dataset: Address?, workerpool: Address?, requester: Address?
        var category: UInt256?, trust: UInt256?
        switch entry.order {
        case .app(let order): app = order.app
        case .dataset(let order): dataset = order.dataset
        case .workerpool(let order):
            (workerpool, category, trust) = (order.workerpool, order.category, order.trust)
        case .request(let order):
            (app, dataset, workerpool, requester) = (order.app, order.dataset, order.workerpool, order.requester)
            (category, trust) = (order.category, order.trust)
        }
        values = [
            Data(entry.orderHash.bytes), entry.kind.rawValue, Data(entry.signer.bytes), entry.status.rawValue,
            Data(entry.remaining.bigEndianBytes), Data(entry.order.bookPrice.bigEndianBytes),
            OrderBookSchema.sequenceBlob(entry.sequence), OrderBookSchema.integer(entry.publishedAt),
            app.map { Data($0.bytes) }, dataset.map { Data($0.bytes) }, workerpool.map { Data($0.bytes) },
            requester.map { Data($0.bytes) }, category.map { Data($0.bigEndianBytes) },
            trust.map { Data($0.bigEndianBytes) }, Data(entry.order.tag.bytes), entry.order.json,
        ]
    }

    /// Rebuilds the entry from a row read with `selection`; a row that does not decode is named
    /// by its hash in the error (never a trap: values are converted with `fromDatabaseValue`).
    static func entry(_ row: Row) throws(MarketError) -> MarketOrder {
        let hashBytes = [UInt8](column(row, "hash") as Data? ?? Data())
        let label = "order row \(Hex.encode(hashBytes))"
        guard let hash = try? Hash32(hashBytes) else { throw .storage("\(label): the hash is not 32 bytes") }
        guard let signerData: Data = column(row, "signer"), let signer = try? Address([UInt8](signerData)) else {
            throw .storage("\(label): the signer is not a 20-byte address")
        }
        guard let statusText: String = column(row, "status"), let status = OrderStatus(rawValue: statusText) else {
            throw .storage("\(label): unknown status")
        }
        guard let remainingData: Data = column(row, "remaining"), remainingData.count == 32,
              let remaining = try? UInt256(bigEndian: remainingData) else {
            throw .storage("\(label): the remaining volume is not a 32-byte number")
        }
        guard let sequenceData: Data = column(row, "sequence"), sequenceData.count == 8 else {
            throw .storage("\(label): the sequence is not an 8-byte number")
        }
        let sequence = sequenceData.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard let publishedAt: Int64 = column(row, "published_at") else {
            throw .storage("\(label): no publication time")
        }
        guard let json: String = column(row, "json"), let order = try? AnyPoCoOrder(json: json) else {
            throw .storage("\(label): the stored order JSON does not parse")
        }
        return MarketOrder(order: order, orderHash: hash, signer: signer, status: status, remaining: remaining,
                           sequence: sequence, publishedAt: UInt64(bitPattern: publishedAt))
    }

    private static func column<Value: DatabaseValueConvertible>(_ row: Row, _ name: String) -> Value? {
        guard let value = row[name] as DatabaseValue? else { return nil }
        return Value.fromDatabaseValue(value)
    }
}
