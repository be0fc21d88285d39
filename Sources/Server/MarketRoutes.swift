import Ethereum
import HTTPTypes
import Hummingbird
import Market
import PoCo

/// The market's HTTP API under `/market` (described in docs/openapi/market.yaml): publish, query,
/// read and unpublish orders, the unpublish challenge, and matching advice. Every answer is JSON;
/// a refusal is `{"status", "error"}` with `MarketError.httpStatus` (400 for a malformed request,
/// 413 for a body over `maxBodySize`).
public struct MarketRoutes: NodeRouteGroup {
    /// The market served.
    public let market: MarketService
    /// The largest request body accepted, in bytes.
    public let maxBodySize: Int

    /// The default body limit: a request order with long `params` is a few KiB.
    public static let defaultMaxBodySize = 64 << 10

    /// The paths and the methods each answers, for `JSONErrorMiddleware`'s 405s.
    public static let pathMethods: [String: [HTTPRequest.Method]] = [
        "/market/orders": [.get, .post],
        "/market/orders/{orderHash}": [.get, .delete],
        "/market/challenge": [.get],
        "/market/match": [.post],
    ]

    /// Routes answering for `market`.
    public init(market: MarketService, maxBodySize: Int = MarketRoutes.defaultMaxBodySize) {
        self.market = market
        self.maxBodySize = maxBodySize
    }

    /// `pathMethods`.
    public var allowedMethods: [String: [HTTPRequest.Method]] { Self.pathMethods }

    /// Adds the routes to `router`.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/market/orders") { request, _ in await answer { () async throws(HTTPFailure) in try await publish(request) } }
        router.get("/market/orders") { request, _ in await answer { () async throws(HTTPFailure) in try await list(request) } }
        router.get("/market/orders/:orderHash") { request, context in
            await answer { () async throws(HTTPFailure) in try await show(request, context) }
        }
        router.delete("/market/orders/:orderHash") { request, context in
            await answer { () async throws(HTTPFailure) in try await unpublish(request, context) }
        }
        router.get("/market/challenge") { request, _ in await answer { () async throws(HTTPFailure) in try await challenge(request) } }
        router.post("/market/match") { request, _ in await answer { () async throws(HTTPFailure) in try await match(request) } }
    }

    // MARK: - Handlers

    private func publish(_ request: Request) async throws(HTTPFailure) -> Response {
        let body = try MarketRequest.object(try await readBody(request), members: ["type", "order"])
        let order = try MarketRequest.publishedOrder(body)
        // Publishing twice is not an error: the client learns the order is there (200, not 201).
        do throws(MarketError) {
            let (entry, isNew) = try await market.publication(of: order)
            return Self.json(isNew ? .created : .ok, MarketJSON.publication(entry))
        } catch {
            throw HTTPFailure(error)
        }
    }

    private func list(_ request: Request) async throws(HTTPFailure) -> Response {
        let query = try MarketRequest.orderQuery(request.uri.queryParameters)
        let page: OrderPage
        do throws(MarketError) { page = try await market.orders(query) } catch { throw HTTPFailure(error) }
        return Self.json(.ok, MarketJSON.page(page))
    }

    private func show(_ request: Request, _ context: BasicRequestContext) async throws(HTTPFailure) -> Response {
        let hash = try MarketRequest.orderHash(context)
        try MarketRequest.noQuery(request)
        return Self.json(.ok, MarketJSON.order(try await existingOrder(hash)))
    }

    private func unpublish(_ request: Request, _ context: BasicRequestContext) async throws(HTTPFailure) -> Response {
        let hash = try MarketRequest.orderHash(context)
        try MarketRequest.noQuery(request)
        guard let authorization = request.headers[.authorization], !authorization.isEmpty else {
            throw HTTPFailure(MarketError.unauthorized(
                "send the header Authorization: <challenge hash>_<signature>_<address> (GET /market/challenge?address=…)"))
        }
        do throws(MarketError) {
            try await market.unpublish(hash, authorization: authorization)
        } catch {
            throw HTTPFailure(error)
        }
        return Self.json(.ok, .object(["orderHash": .string(hash.hex), "removed": .bool(true)]))
    }

    private func challenge(_ request: Request) async throws(HTTPFailure) -> Response {
        let address = try MarketRequest.challengeAddress(request.uri.queryParameters)
        return Self.json(.ok, await market.challenge(for: address).jsonValue)
    }

    private func match(_ request: Request) async throws(HTTPFailure) -> Response {
        let body = try MarketRequest.object(try await readBody(request), members: ["order"])
        let order = try MarketRequest.requestOrder(body)
        do throws(MarketError) {
            return Self.json(.ok, try await market.match(order).jsonValue)
        } catch {
            throw HTTPFailure(error)
        }
    }

    // MARK: - Helpers

    private func existingOrder(_ hash: Hash32) async throws(HTTPFailure) -> MarketOrder {
        do throws(MarketError) { return try await market.order(hash) } catch { throw HTTPFailure(error) }
    }

    /// The body, refused with 413 past `maxBodySize` (by its declared length or as it streams).
    private func readBody(_ request: Request) async throws(HTTPFailure) -> [UInt8] {
        let tooLarge = HTTPFailure(status: .contentTooLarge,
                                   message: "request body larger than \(maxBodySize) bytes; an order is a few KiB")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize { throw tooLarge }
        do {
            return Array(try await request.body.collect(upTo: maxBodySize).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        } catch {
            throw HTTPFailure(status: .badRequest, message: "cannot read the request body: \(error)")
        }
    }

    /// The handler's answer, or its refusal rendered as JSON.
    private func answer(_ handler: () async throws(HTTPFailure) -> Response) async -> Response {
        do {
            return try await handler()
        } catch {
            return JSONErrorMiddleware.render(error.status, error.message)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        NodeServer.json(status, value.serialized)
    }
}

/// A refusal of a market route: its status and message.
struct HTTPFailure: Error {
    let status: HTTPResponse.Status
    let message: String

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }

    /// The market's refusal with its own status.
    init(_ error: MarketError) {
        self.init(status: HTTPResponse.Status(code: error.httpStatus), message: error.description)
    }
}
