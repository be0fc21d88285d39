import Ethereum
import PoCo

/// Where a published order stands, kept true from the chain (see `MarketStatusTracker`).
public enum OrderStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Matchable: volume left, not cancelled, its owner can pay.
    case open = "OPEN"
    /// Its whole volume was consumed by deals (`OrdersMatched`).
    case filled = "FILLED"
    /// Closed on chain by its owner (`manageXOrder` CLOSE → `ClosedXOrder`).
    case canceled = "CANCELED"
    /// Its owner can no longer pay: the requester's balance is below the cost of the remaining
    /// volume, or the workerpool owner's below the scheduler stake. Becomes OPEN again when they can.
    case dead = "DEAD"
}

/// A published order as the book holds it: the signed order, who signed it, and what the chain
/// says of it.
public struct MarketOrder: Hashable, Sendable {
    /// The signed order.
    public var order: AnyPoCoOrder
    /// Its EIP-712 hash in the chain's domain (the key of the book and of `consumed` on chain).
    public var orderHash: Hash32
    /// The address that signed it: the asset's owner, or the requester.
    public var signer: Address
    /// OPEN, FILLED, CANCELED or DEAD.
    public var status: OrderStatus
    /// Volume minus what the chain has consumed.
    public var remaining: UInt256
    /// Publication order in this book: the tie-breaker "oldest first" among equal prices.
    public var sequence: UInt64
    /// Timestamp (unix seconds) of the chain's head when the order was published.
    public var publishedAt: UInt64

    /// A book entry.
    public init(order: AnyPoCoOrder, orderHash: Hash32, signer: Address, status: OrderStatus,
                remaining: UInt256, sequence: UInt64, publishedAt: UInt64) {
        self.order = order
        self.orderHash = orderHash
        self.signer = signer
        self.status = status
        self.remaining = remaining
        self.sequence = sequence
        self.publishedAt = publishedAt
    }

    /// app, dataset, workerpool or request.
    public var kind: OrderKind { order.kind }
}

extension AnyPoCoOrder {
    /// The order's kind (the four books).
    public var kind: OrderKind {
        switch self {
        case .app: return .app
        case .dataset: return .dataset
        case .workerpool: return .workerpool
        case .request: return .request
        }
    }

    /// The price a book sorts by: the asking price of an app, dataset or workerpool order (lowest
    /// first), and for a request the most it pays the workerpool (highest first: what a
    /// workerpool looks for).
    public var bookPrice: UInt256 {
        switch self {
        case .app(let order): return order.appprice
        case .dataset(let order): return order.datasetprice
        case .workerpool(let order): return order.workerpoolprice
        case .request(let order): return order.workerpoolmaxprice
        }
    }

    /// The order's requirement tag.
    public var tag: Hash32 {
        switch self {
        case .app(let order): return order.tag
        case .dataset(let order): return order.tag
        case .workerpool(let order): return order.tag
        case .request(let order): return order.tag
        }
    }
}

/// The fields a query can filter the books by; a nil field does not filter. Fields that an
/// order type does not have (a dataset order has no category) never exclude it.
public struct OrderQuery: Hashable, Sendable {
    /// Which book.
    public var kind: OrderKind
    /// The app (app and request orders).
    public var app: Address?
    /// The dataset (dataset and request orders).
    public var dataset: Address?
    /// The workerpool (workerpool orders; request orders naming it).
    public var workerpool: Address?
    /// The requester (request orders).
    public var requester: Address?
    /// The signer (any order): the owner or requester.
    public var signer: Address?
    /// The category (workerpool and request orders).
    public var category: UInt256?
    /// Orders whose tag has at least these bits (e.g. the workerpool orders that can run a TEE task).
    public var minTag: Hash32?
    /// Orders whose tag is a subset of these bits (e.g. the requests a workerpool can serve).
    public var maxTag: Hash32?
    /// Orders with at least this trust (workerpool and request orders).
    public var minTrust: UInt256?
    /// Orders with at least this much volume left.
    public var minVolume: UInt256?
    /// Which statuses to list; OPEN by default.
    public var statuses: Set<OrderStatus>
    /// Zero-based page number.
    public var page: Int
    /// Orders per page, 1…`OrderQuery.maxPageSize`.
    public var pageSize: Int

    /// The largest page a query may ask for.
    public static let maxPageSize = 1000

    /// A query of `kind`'s open orders, first page of 20.
    public init(kind: OrderKind, app: Address? = nil, dataset: Address? = nil, workerpool: Address? = nil,
                requester: Address? = nil, signer: Address? = nil, category: UInt256? = nil,
                minTag: Hash32? = nil, maxTag: Hash32? = nil, minTrust: UInt256? = nil,
                minVolume: UInt256? = nil, statuses: Set<OrderStatus> = [.open], page: Int = 0, pageSize: Int = 20) {
        self.kind = kind
        self.app = app
        self.dataset = dataset
        self.workerpool = workerpool
        self.requester = requester
        self.signer = signer
        self.category = category
        self.minTag = minTag
        self.maxTag = maxTag
        self.minTrust = minTrust
        self.minVolume = minVolume
        self.statuses = statuses
        self.page = page
        self.pageSize = pageSize
    }
}

/// One page of a query's result, best first: lowest price first for app, dataset and workerpool
/// orders, highest `workerpoolmaxprice` first for requests; then oldest (lowest `sequence`) first.
public struct OrderPage: Hashable, Sendable {
    /// The orders on this page.
    public var orders: [MarketOrder]
    /// How many orders match the query in all pages.
    public var total: Int
    /// This page's number.
    public var page: Int
    /// The page size asked for.
    public var pageSize: Int

    /// A page.
    public init(orders: [MarketOrder], total: Int, page: Int, pageSize: Int) {
        self.orders = orders
        self.total = total
        self.page = page
        self.pageSize = pageSize
    }
}

/// A change the status tracker makes to a book entry.
public struct OrderUpdate: Hashable, Sendable {
    /// The order.
    public var orderHash: Hash32
    /// Its new status.
    public var status: OrderStatus
    /// Its new remaining volume.
    public var remaining: UInt256

    /// An update.
    public init(orderHash: Hash32, status: OrderStatus, remaining: UInt256) {
        self.orderHash = orderHash
        self.status = status
        self.remaining = remaining
    }
}
