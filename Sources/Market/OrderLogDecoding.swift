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
