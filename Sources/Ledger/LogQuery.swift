import Chain
import Ethereum
import Foundation
import GRDB

/// The SQL for one `eth_getLogs` filter.
///
/// Each condition is an `IN` list on its column; the block range bounds `block_number`. The index
/// is chosen, not left to the planner (which has no statistics on a young chain and may prefer
/// the primary key's block range, reading every log of the range): the most selective constrained
/// column by the shape of PoCo's events — indexed arguments (topic1, topic2, topic3: ids, owners)
/// before the event signature (topic0) before the emitter (four system contracts emit everything).
/// Each index holds `(column, block_number, log_index)`, so the search reads only matching
/// entries within the range. With no condition the primary key's block range is read.
struct LogQuery: Sendable {
    /// The statement and its arguments; it asks for `limit + 1` rows at most.
    let sql: String
    let arguments: StatementArguments

    static let columns = "l.block_number, l.log_index, l.tx_index, l.tx_hash, l.address, l.topic0, l.topic1, l.topic2, l.topic3, l.data, b.hash"

    /// The query for `filter`, or nil when nothing can match (empty range, a constrained topic
    /// position past the fourth).
    init?(_ filter: LogFilter, limit: Int) {
        guard filter.fromBlock <= filter.toBlock, let from = Int64(exactly: filter.fromBlock) else { return nil }
        let to = Int64(clamping: filter.toBlock)
        for (position, accepted) in filter.topics.enumerated() where position >= 4 && !accepted.isEmpty { return nil }

        var conditions = ["l.block_number BETWEEN ? AND ?"]
        var values: [(any DatabaseValueConvertible)?] = [from, to]
        var constrained: Set<String> = []
        let addresses = Self.unique(filter.addresses.map(\.bytes))
        if !addresses.isEmpty {
            conditions.append("l.address IN (\(Self.placeholders(addresses.count)))")
            values += addresses.map { Data($0) }
            constrained.insert("address")
        }
        for (position, accepted) in filter.topics.prefix(4).enumerated() where !accepted.isEmpty {
            let topics = Self.unique(accepted.map(\.bytes))
            conditions.append("l.topic\(position) IS NOT NULL AND l.topic\(position) IN (\(Self.placeholders(topics.count)))")
            values += topics.map { Data($0) }
            constrained.insert("topic\(position)")
        }
        let index = ["topic1", "topic2", "topic3", "topic0", "address"].first { constrained.contains($0) }
        // CROSS JOIN keeps `logs` the outer loop: blocks are looked up per matching log only.
        let source = index.map { "logs AS l INDEXED BY logs_by_\($0)" } ?? "logs AS l"
        // One row past the limit tells "more than limit" from "exactly limit".
        values.append(limit >= Int.max ? Int64.max : Int64(max(limit, 0) + 1))
        sql = """
            SELECT \(Self.columns) FROM \(source) CROSS JOIN blocks AS b ON b.number = l.block_number \
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY l.block_number, l.log_index LIMIT ?
            """
        arguments = StatementArguments(values)
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// The values once each, in their first order.
    private static func unique(_ values: [[UInt8]]) -> [[UInt8]] {
        var seen: Set<[UInt8]> = []
        return values.filter { seen.insert($0).inserted }
    }
}
