import Ethereum
import PoCo

/// The order book: published orders and where the status tracker has read the chain up to.
///
/// `SQLiteOrderBook` is the production book (it survives restarts); `InMemoryOrderBook` is the
/// same contract in memory, for tests. Every method is atomic: it changes everything it says or,
/// when it throws, nothing.
public protocol OrderBook: Sendable {
    /// Adds an order. Throws `MarketError.alreadyPublished` when its hash is in the book.
    func insert(_ order: MarketOrder) throws(MarketError)
    /// The order with this hash, or nil.
    func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder?
    /// One page of the orders the query selects, best first (see `OrderPage`).
    func query(_ query: OrderQuery) throws(MarketError) -> OrderPage
    /// Every order whose status is one of `statuses`, oldest first (the tracker re-checks them).
    func orders(withStatus statuses: Set<OrderStatus>) throws(MarketError) -> [MarketOrder]
    /// How many OPEN or DEAD orders `signer` has in the book (the per-address cap).
    func activeOrderCount(signer: Address) throws(MarketError) -> Int
    /// Removes an order (unpublish). Returns false when it was not in the book.
    @discardableResult
    func remove(_ orderHash: Hash32) throws(MarketError) -> Bool
    /// Applies status updates (unknown hashes are ignored) and, when given, records that the
    /// chain has been read through block `block`: both or neither.
    func apply(_ updates: [OrderUpdate], throughBlock block: UInt64?) throws(MarketError)
    /// The last block the status tracker has read, or nil before it first ran.
    func lastProcessedBlock() throws(MarketError) -> UInt64?
    /// The next publication sequence number (one more than the largest ever given).
    func nextSequence() throws(MarketError) -> UInt64
}

extension OrderQuery {
    /// Whether `entry` is selected by this query's filters (paging aside). Both books follow it:
    /// the in-memory one applies it directly, the SQLite one is tested against it.
    public func selects(_ entry: MarketOrder) -> Bool {
        guard entry.kind == kind, statuses.contains(entry.status) else { return false }
        if let signer, entry.signer != signer { return false }
        if let minVolume, entry.remaining < minVolume { return false }
        if let minTag, !Tag.isSubset(minTag, of: entry.order.tag) { return false }
        if let maxTag, !Tag.isSubset(entry.order.tag, of: maxTag) { return false }
        switch entry.order {
        case .app(let order):
            if let app, order.app != app { return false }
        case .dataset(let order):
            if let dataset, order.dataset != dataset { return false }
        case .workerpool(let order):
            if let workerpool, order.workerpool != workerpool { return false }
            if let category, order.category != category { return false }
            if let minTrust, order.trust < minTrust { return false }
        case .request(let order):
            if let app, order.app != app { return false }
            if let dataset, order.dataset != dataset { return false }
            if let workerpool, order.workerpool != workerpool { return false }
            if let requester, order.requester != requester { return false }
            if let category, order.category != category { return false }
            if let minTrust, order.trust < minTrust { return false }
        }
        return true
    }

    /// Whether `lhs` comes before `rhs` in this book: best price first (lowest asked, or highest
    /// offered for requests), then oldest.
    public func ranks(_ lhs: MarketOrder, before rhs: MarketOrder) -> Bool {
        let (left, right) = (lhs.order.bookPrice, rhs.order.bookPrice)
        if left != right { return kind == .request ? left > right : left < right }
        return lhs.sequence < rhs.sequence
    }

    /// Checks the paging fields.
    public func validated() throws(MarketError) -> OrderQuery {
        guard page >= 0 else { throw .invalidQuery("page must be 0 or more, got \(page)") }
        guard (1...Self.maxPageSize).contains(pageSize) else {
            throw .invalidQuery("pageSize must be 1…\(Self.maxPageSize), got \(pageSize)")
        }
        guard !statuses.isEmpty else { throw .invalidQuery("status must name at least one status") }
        return self
    }
}
