import Chain
import Ethereum
import Foundation
import GRDB

/// A transaction's outcome as the ledger stores it: RLP `[status, gasUsed, cumulativeGasUsed,
/// logCount]`, with the revert reason's UTF-8 bytes as a fifth item when there is one (so that an
/// empty reason and no reason stay apart). The logs themselves live in the `logs` table.
enum OutcomeCoding {
    /// The stored fields; `logCount` says how many rows of `logs` belong to the transaction.
    struct Fields {
        var succeeded: Bool
        var gasUsed: UInt64
        var cumulativeGasUsed: UInt64
        var logCount: Int
        var revertReason: String?
    }

    static func encode(_ outcome: TransactionOutcome) -> [UInt8] {
        var items: [RLP.Item] = [
            .uint(UInt64(outcome.succeeded ? 1 : 0)), .uint(outcome.gasUsed), .uint(outcome.cumulativeGasUsed),
            .uint(UInt64(outcome.logs.count)),
        ]
        if let reason = outcome.revertReason { items.append(.bytes(Array(reason.utf8))) }
        return RLP.encode(.list(items))
    }

    /// Decodes ``encode(_:)``; the error says which field is wrong.
    static func decode(_ bytes: [UInt8]) throws(CodingFailure) -> Fields {
        let items: [RLP.Item]
        do { items = try RLP.decode(bytes).asList() } catch { throw CodingFailure("outcome is not an RLP list: \(error)") }
        guard items.count == 4 || items.count == 5 else {
            throw CodingFailure("outcome has \(items.count) fields, expected 4 or 5")
        }
        let status: UInt64, gasUsed: UInt64, cumulative: UInt64, logCount: UInt64
        do {
            status = try items[0].asUInt64()
            gasUsed = try items[1].asUInt64()
            cumulative = try items[2].asUInt64()
            logCount = try items[3].asUInt64()
        } catch {
            throw CodingFailure("outcome field is not an integer: \(error)")
        }
        guard status <= 1 else { throw CodingFailure("outcome status \(status) is neither 0 nor 1") }
        guard logCount <= UInt64(Int32.max) else { throw CodingFailure("outcome log count \(logCount) is out of range") }
        var reason: String?
        if items.count == 5 {
            guard case .bytes(let text) = items[4], let string = String(validating: text, as: UTF8.self) else {
                throw CodingFailure("outcome revert reason is not UTF-8 bytes")
            }
            reason = string
        }
        return Fields(succeeded: status == 1, gasUsed: gasUsed, cumulativeGasUsed: cumulative,
                      logCount: Int(logCount), revertReason: reason)
    }
}

/// Development balance overrides as RLP `[[address, balance], …]`.
enum OverridesCoding {
    static func encode(_ overrides: [BalanceOverride]) -> [UInt8]? {
        guard !overrides.isEmpty else { return nil }
        return RLP.encode(.list(overrides.map { .list([.address($0.address), .uint($0.balance)]) }))
    }

    static func decode(_ bytes: [UInt8]?) throws(CodingFailure) -> [BalanceOverride] {
        guard let bytes else { return [] }
        do {
            return try RLP.decode(bytes).asList().map { item throws(RLPError) in
                let fields = try item.asList()
                guard fields.count == 2 else { throw .wrongItemCount(expected: 2, actual: fields.count) }
                return BalanceOverride(address: try fields[0].asAddress(), balance: try fields[1].asUInt256())
            }
        } catch {
            throw CodingFailure("balance overrides do not decode: \(error)")
        }
    }
}

/// Why stored bytes do not decode, in words.
struct CodingFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Typed reads of one row's columns: anything of the wrong type is a corrupt row, named by `what`.
struct RowReader {
    let row: Row
    let what: String

    func blob(_ index: Int, _ column: String) throws(ChainStoreError) -> [UInt8] {
        let value: DatabaseValue = row[index]
        guard case .blob(let data) = value.storage else {
            throw .corrupt(what: what, reason: "\(column) stored as \(Self.describe(value)), not a BLOB")
        }
        return [UInt8](data)
    }

    func optionalBlob(_ index: Int, _ column: String) throws(ChainStoreError) -> [UInt8]? {
        let value: DatabaseValue = row[index]
        if value.isNull { return nil }
        return try blob(index, column)
    }

    func integer(_ index: Int, _ column: String) throws(ChainStoreError) -> UInt64 {
        let value: DatabaseValue = row[index]
        guard case .int64(let number) = value.storage, let unsigned = UInt64(exactly: number) else {
            throw .corrupt(what: what, reason: "\(column) stored as \(Self.describe(value)), not a non-negative INTEGER")
        }
        return unsigned
    }

    func index(_ index: Int, _ column: String) throws(ChainStoreError) -> Int {
        let number = try integer(index, column)
        guard number <= UInt64(Int32.max) else { throw .corrupt(what: what, reason: "\(column) \(number) is out of range") }
        return Int(number)
    }

    func hash(_ index: Int, _ column: String) throws(ChainStoreError) -> Hash32 {
        let bytes = try blob(index, column)
        guard let hash = try? Hash32(bytes) else {
            throw .corrupt(what: what, reason: "\(column) has \(bytes.count) bytes, expected 32")
        }
        return hash
    }

    func address(_ index: Int, _ column: String) throws(ChainStoreError) -> Address {
        let bytes = try blob(index, column)
        guard let address = try? Address(bytes) else {
            throw .corrupt(what: what, reason: "\(column) has \(bytes.count) bytes, expected 20")
        }
        return address
    }

    func text(_ index: Int, _ column: String) throws(ChainStoreError) -> String {
        let value: DatabaseValue = row[index]
        guard case .string(let text) = value.storage else {
            throw .corrupt(what: what, reason: "\(column) stored as \(Self.describe(value)), not TEXT")
        }
        return text
    }

    /// A stored value in one line, with its SQLite type (blobs in hex).
    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return "INTEGER \(number)"
        case .double(let number): return "REAL \(number)"
        case .string(let text): return "TEXT \(text.debugDescription)"
        case .blob(let data): return "BLOB \(Hex.encode(data, prefix: true))"
        }
    }
}

extension Data {
    /// The bytes as a BLOB argument.
    init(blob hash: Hash32) { self.init(hash.bytes) }
    init(blob address: Address) { self.init(address.bytes) }
}
