import Client
import Ethereum
import Market
import PoCo

/// The workerpool orders a scheduler keeps on the market: their terms and how many stay open.
public struct WorkerpoolOrderPolicy: Hashable, Sendable {
    /// Price per task, nRLC.
    public var price: UInt256
    /// Tasks per order.
    public var volume: UInt256
    /// The category served.
    public var category: UInt256
    /// The highest trust accepted.
    public var trust: UInt256
    /// The tag bits offered (e.g. GPU).
    public var tag: Hash32
    /// Orders kept open at once.
    public var openOrders: Int

    /// A policy; by default one open order of 100 tasks at 1 nRLC, category 0, trust up to 100, no tag.
    public init(price: UInt256 = 1, volume: UInt256 = 100, category: UInt256 = 0, trust: UInt256 = 100,
                tag: Hash32 = .zero, openOrders: Int = 1) {
        self.price = price
        self.volume = volume
        self.category = category
        self.trust = trust
        self.tag = tag
        self.openOrders = max(0, openOrders)
    }
}

/// Keeps `policy.openOrders` workerpool orders of the pool published on the market: each call
/// of `replenish()` counts the pool's OPEN orders in the book and signs and publishes as many
/// new ones (fresh salts) as are missing — a filled, cancelled or dead order is replaced.
public struct OrderKeeper: Sendable {
    let market: MarketClient
    let key: PrivateKey
    let workerpool: Address
    let domain: PoCoDomain
    /// The terms of the orders.
    public let policy: WorkerpoolOrderPolicy

    /// A keeper publishing on `market` for `workerpool`, signing with its owner's `key` in `domain`.
    public init(market: MarketClient, key: PrivateKey, workerpool: Address, domain: PoCoDomain,
                policy: WorkerpoolOrderPolicy) {
        self.market = market
        self.key = key
        self.workerpool = workerpool
        self.domain = domain
        self.policy = policy
    }

    /// Publishes the orders missing; returns how many were published.
    ///
    /// - Throws: `ClientError` when the market cannot be read or refuses an order (its reason:
    ///   e.g. the owner's stake is below one task's scheduler stake).
    @discardableResult
    public func replenish() async throws(ClientError) -> Int {
        let listing = try await market.orders(OrderQuery(kind: .workerpool, workerpool: workerpool, statuses: [.open],
                                                         pageSize: max(1, policy.openOrders)))
        let missing = policy.openOrders - listing.total
        guard missing > 0 else { return 0 }
        for _ in 0..<missing {
            var random = SystemRandomNumberGenerator()
            let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            let order = WorkerpoolOrder(workerpool: workerpool, workerpoolprice: policy.price, volume: policy.volume,
                                        tag: policy.tag, category: policy.category, trust: policy.trust,
                                        apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero,
                                        salt: try! Hash32(salt))  // 32 bytes: always a Hash32
            _ = try await market.publish(AnyPoCoOrder.workerpool(order).signed(with: key, in: domain))
        }
        return missing
    }
}
