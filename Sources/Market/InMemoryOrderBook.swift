import Ethereum
import PoCo
import Synchronization

/// The order book in memory, for tests: `OrderBook`'s contract with nothing kept across restarts.
public final class InMemoryOrderBook: OrderBook {
    private struct Contents {
        var orders: [Hash32: MarketOrder] = [:]
        var lastBlock: UInt64?
        var sequence: UInt64 = 0
    }

    private let contents = Mutex(Contents())

    /// An empty book.
    public init() {}

    public func insert(_ order: MarketOrder) throws(MarketError) {
        let inserted = contents.withLock { contents in
            guard contents.orders[order.orderHash] == nil else { return false }
            contents.orders[order.orderHash] = order
            contents.sequence = max(contents.sequence, order.sequence + 1)
            return true
        }
        if !inserted { throw .alreadyPublished(order.orderHash) }
    }

    public func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder? {
        contents.withLock { $0.orders[orderHash] }
    }

    public func query(_ query: OrderQuery) throws(MarketError) -> OrderPage {
        let query = try query.validated()
        let selected = contents.withLock { $0.orders.values.filter(query.selects) }
            .sorted(by: query.ranks)
        let start = min(selected.count, query.page * query.pageSize)
        let end = min(selected.count, start + query.pageSize)
        return OrderPage(orders: Array(selected[start..<end]), total: selected.count,
                         page: query.page, pageSize: query.pageSize)
    }

    public func orders(withStatus statuses: Set<OrderStatus>) throws(MarketError) -> [MarketOrder] {
        contents.withLock { $0.orders.values.filter { statuses.contains($0.status) } }
            .sorted { $0.sequence < $1.sequence }
    }

    public func activeOrderCount(signer: Address) throws(MarketError) -> Int {
        contents.withLock { contents in
            contents.orders.values.count { $0.signer == signer && ($0.status == .open || $0.status == .dead) }
        }
    }

    public func remove(_ orderHash: Hash32) throws(MarketError) -> Bool {
        contents.withLock { $0.orders.removeValue(forKey: orderHash) != nil }
    }

    public func apply(_ updates: [OrderUpdate], throughBlock block: UInt64?) throws(MarketError) {
        contents.withLock { contents in
            for update in updates {
                contents.orders[update.orderHash]?.status = update.status
                contents.orders[update.orderHash]?.remaining = update.remaining
            }
            if let block { contents.lastBlock = block }
        }
    }

    public func lastProcessedBlock() throws(MarketError) -> UInt64? {
        contents.withLock { $0.lastBlock }
    }

    public func nextSequence() throws(MarketError) -> UInt64 {
        contents.withLock { $0.sequence }
    }
}
