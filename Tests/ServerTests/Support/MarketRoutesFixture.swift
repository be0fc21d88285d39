import ChainTestSupport
import Ethereum
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Market
import PoCo
import Server

/// A market over an in-memory book and an in-memory chain where dev account 1 owns a registered
/// app, served by `MarketRoutes` alone.
struct MarketRoutesFixture {
    let chain: InMemoryMarketChain
    let book: InMemoryOrderBook
    let market: MarketService
    let app: Address
    let maxBodySize: Int

    static let owner = DevChain.keys[1]
    static let stranger = DevChain.keys[2]
    static let config = DevChain.genesis.config
    static var domain: PoCoDomain { config.domain }

    static func make(maxBodySize: Int = MarketRoutes.defaultMaxBodySize) throws -> MarketRoutesFixture {
        let chain = InMemoryMarketChain(config: config)
        let receipt = try chain.apply(.registry(.createApp(owner: owner.address, name: "app", type: "DOCKER", multiaddr: [1],
                                                           checksum: .zero, mrenclave: [])), from: owner.address)
        guard case .address(let app) = receipt.output else { throw FixtureError("createApp gave \(receipt.output)") }
        let book = InMemoryOrderBook()
        let market = MarketService(book: book, chain: chain, clock: { DevChain.time })
        return MarketRoutesFixture(chain: chain, book: book, market: market, app: app, maxBodySize: maxBodySize)
    }

    /// An app order of the fixture's app; `salt` tells orders apart.
    func appOrder(volume: UInt256 = 5, price: UInt256 = 3, salt: UInt8 = 1, signedBy key: PrivateKey = owner) -> AppOrder {
        AppOrder(app: app, appprice: price, volume: volume, tag: .zero, datasetrestrict: .zero, workerpoolrestrict: .zero,
                 requesterrestrict: .zero, salt: Self.salt(salt), sign: [])
            .signed(with: key, in: Self.domain)
    }

    /// A request for the fixture's app by `requester`, signed by it.
    func requestOrder(requester: PrivateKey = stranger, volume: UInt256 = 1) -> RequestOrder {
        RequestOrder(app: app, appmaxprice: 10, dataset: .zero, datasetmaxprice: 0, workerpool: .zero,
                     workerpoolmaxprice: 10, requester: requester.address, volume: volume, tag: .zero, category: 0,
                     trust: 0, beneficiary: requester.address, callback: .zero, params: "{}", salt: Self.salt(9), sign: [])
            .signed(with: requester, in: Self.domain)
    }

    static func salt(_ byte: UInt8) -> Hash32 {
        // 32 bytes from a fixed-size array: cannot fail.
        try! Hash32([UInt8](repeating: byte, count: 32))
    }

    /// Runs `body` against the routes in Hummingbird's in-process test server.
    func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let router = Router(context: BasicRequestContext.self)
        MarketRoutes(market: market, maxBodySize: maxBodySize).addRoutes(to: router)
        return try await Application(router: router).test(.router, body)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestClientProtocol {
    /// A JSON request.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        if json != nil { fields[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: fields,
                                 body: json.map { ByteBuffer(string: $0.serialized) })
    }
}
