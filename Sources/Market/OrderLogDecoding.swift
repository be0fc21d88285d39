import Ethereum
import PoCo

/// What the hub's logs say about orders: which volumes were consumed (`OrdersMatched`) and which
/// orders their owners closed (`ClosedAppOrder` … `ClosedRequestOrder`).
struct OrderLogDigest: Hashable, Sendable {
    /// Orders named by an `OrdersMatched` or a `Closed…Order` log.
    var touched: Set<Hash32> = []
    /// Orders named by a `Closed…Order` log.
    var closed: Set<Hash32> = []

    /// topic0 of `OrdersMatched`, from the engine's own event signature.
    static let ordersMatchedTopic = Keccak256.hash(
        PoCoEvent.ordersMatched(dealid: .zero, appHash: .zero, datasetHash: .zero, workerpoolHash: .zero,
                                requestHash: .zero, volume: .zero).signature)
    /// topic0 of the four `Closed…Order` events.
    static let closedTopics = Set(OrderKind.allCases.map { Keccak256.hash(PoCoEvent.closedOrder($0, hash: .zero).signature) })

    /// No logs: nothing touched.
    init() {}

    /// Reads the logs the hub emitted; logs of other contracts and malformed logs are skipped
    /// (no real hub emits them, and anyone can emit look-alike events from another address).
    init(logs: [MarketLog], hub: Address) {
        for log in logs where log.address == hub {
            guard let topic = log.topics.first else { continue }
            if topic == Self.ordersMatchedTopic {
                // Every argument is in data: dealid, app, dataset, workerpool, request hashes, volume.
                let hashes = (1...4).compactMap { Self.word($0, of: log.data) }
                guard hashes.count == 4 else { continue }
                touched.formUnion(hashes.filter { $0 != .zero })
            } else if Self.closedTopics.contains(topic), let hash = Self.word(0, of: log.data) {
                touched.insert(hash)
                closed.insert(hash)
            }
        }
    }

    /// The `index`th 32-byte word of ABI data, or nil past its end.
    private static func word(_ index: Int, of data: [UInt8]) -> Hash32? {
        let start = index * 32
        guard start + 32 <= data.count else { return nil }
        return try? Hash32(Array(data[start..<start + 32]))
    }
}

/// What each order's owner must hold for the order to stay OPEN (else it is DEAD).
enum OrderFunding {
    /// The nRLC the payer must have free for the order's `remaining` volume, or nil for app and
    /// dataset orders (never DEAD). A cost past 2²⁵⁶ is `UInt256.max`: no balance covers it.
    ///
    /// - request: (appmaxprice + datasetmaxprice + workerpoolmaxprice) · remaining, the most its
    ///   deals can cost the requester.
    /// - workerpool: the scheduler stake of one task, workerpoolprice · 30 / 100.
    static func requirement(of order: AnyPoCoOrder, remaining: UInt256) -> UInt256? {
        switch order {
        case .app, .dataset:
            return nil
        case .request(let request):
            let (pair, overflow1) = request.appmaxprice.addingReportingOverflow(request.datasetmaxprice)
            let (price, overflow2) = pair.addingReportingOverflow(request.workerpoolmaxprice)
            let (cost, overflow3) = price.multipliedReportingOverflow(by: remaining)
            return overflow1 || overflow2 || overflow3 ? .max : cost
        case .workerpool(let workerpool):
            let (stake, overflow) = workerpool.workerpoolprice.multipliedReportingOverflow(
                by: UInt256(PoCoConstants.workerpoolStakeRatio))
            // Divide the full product as the engine does; a product past 2²⁵⁶ divides to more than any balance.
            return overflow ? .max : stake / 100
        }
    }

    /// Who pays for `order` in `state`: the requester, or the workerpool's current owner (nil when
    /// the workerpool is not registered: nobody can pay then). nil for app and dataset orders.
    static func payer(of order: AnyPoCoOrder, in state: PoCoState) -> Address? {
        switch order {
        case .app, .dataset: return nil
        case .request(let request): return request.requester
        case .workerpool(let workerpool): return state.workerpool(workerpool.workerpool)?.owner
        }
    }
}
