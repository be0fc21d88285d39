import Chain
import Ethereum
import Market
import PoCo

/// The market's view of the node it is served by: the node's PoCo state and head, the hub's logs
/// from the ledger, and the node's new blocks.
public struct ChainNodeMarketChain: MarketChain {
    /// The node.
    public let node: ChainNode
    /// The most logs one ledger query returns before the range is split in two.
    public let logQueryLimit: Int

    /// The market's chain over `node`; log queries over ranges with more than `logQueryLimit`
    /// hub logs are split (the node's own `eth_getLogs` limit by default).
    public init(node: ChainNode, logQueryLimit: Int? = nil) {
        self.node = node
        self.logQueryLimit = max(1, logQueryLimit ?? node.configuration.maxLogResults)
    }

    public var config: PoCoConfig { node.pocoConfig }

    public func headNumber() async -> UInt64 {
        await node.head.number
    }

    public func snapshot() async -> Market.ChainSnapshot {
        await Self.readSnapshot(of: node)
    }

    /// State and head read in one hop onto the node, so no block is committed between the two.
    private static func readSnapshot(of node: isolated ChainNode) -> Market.ChainSnapshot {
        Market.ChainSnapshot(state: node.pocoState, blockNumber: node.head.number, timestamp: node.head.header.timestamp)
    }

    public func logs(blocks range: ClosedRange<UInt64>) async throws(MarketError) -> [MarketLog] {
        try await hubLogs(range.lowerBound, range.upperBound, limit: logQueryLimit)
    }

    /// The hub's logs of blocks `from...to`; a range with more than `limit` is read in halves, and
    /// a single block is read whole (a block's logs cannot be split).
    private func hubLogs(_ from: UInt64, _ to: UInt64, limit: Int) async throws(MarketError) -> [MarketLog] {
        let filter = LogFilter(fromBlock: from, toBlock: to, addresses: [config.hub])
        do {
            return try await node.store.logs(filter, limit: from == to ? Int.max : limit).map { stored in
                MarketLog(blockNumber: stored.blockNumber, address: stored.log.address, topics: stored.log.topics,
                          data: stored.log.data)
            }
        } catch .tooManyResults where from < to {
            let middle = from + (to - from) / 2
            let first = try await hubLogs(from, middle, limit: limit)
            return try await first + hubLogs(middle + 1, to, limit: limit)
        } catch {
            throw .chainUnavailable("cannot read the hub's logs of blocks \(from)…\(to): \(error)")
        }
    }

    public func heads() async -> AsyncStream<UInt64> {
        let events = EventCursor(await node.events())
        return AsyncStream(unfolding: { await events.next()?.block.number })
    }
}

/// The node's event stream read by one consumer: the `unfolding` closure of `heads()`, which
/// `AsyncStream` calls one at a time — hence unchecked.
private final class EventCursor: @unchecked Sendable {
    private var iterator: AsyncStream<ChainEvent>.Iterator

    init(_ events: AsyncStream<ChainEvent>) {
        iterator = events.makeAsyncIterator()
    }

    func next() async -> ChainEvent? {
        await iterator.next()
    }
}
