import Chain
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging

/// How the node's HTTP/WebSocket front listens and what it accepts.
public struct NodeServerConfiguration: Sendable {
    /// The interface to bind (127.0.0.1 keeps the node local; 0.0.0.0 exposes it).
    public var host: String
    /// The port; 0 picks a free one (see `onServerRunning`).
    public var port: Int
    /// The largest JSON-RPC request body accepted over HTTP, in bytes.
    public var maxBodySize: Int
    /// The largest JSON-RPC message accepted over WebSocket, in bytes.
    public var maxWebSocketMessageSize: Int
    /// What `/info` reports as `clientVersion`.
    public var clientVersion: String

    /// The version string of this node.
    public static let defaultClientVersion = "iexec-swift/0.1.0"

    /// A configuration; 16 MiB bodies let a benchmark send batches of thousands of transactions.
    public init(host: String = "127.0.0.1", port: Int = 8545, maxBodySize: Int = 16 << 20,
                maxWebSocketMessageSize: Int = 16 << 20, clientVersion: String = NodeServerConfiguration.defaultClientVersion) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxWebSocketMessageSize = maxWebSocketMessageSize
        self.clientVersion = clientVersion
    }
}

/// Routes the node's front serves beside JSON-RPC: the market (`/market`), the storage (`/storage`).
public protocol NodeRouteGroup: Sendable {
    /// Each path it serves with its methods, so a wrong method gets 405 with `Allow`. A segment
    /// written `{name}` stands for any one segment (`/storage/blobs/{cid}`).
    var allowedMethods: [String: [HTTPRequest.Method]] { get }
    /// Adds its routes.
    func addRoutes(to router: Router<BasicRequestContext>)
}

/// The node's front: JSON-RPC over HTTP (`POST /`) and WebSocket (upgrade on `/`, same port),
/// `GET /info`, `GET /metrics`, and the route groups it was given (market, storage).
public struct NodeServer: Sendable {
    /// The chain it serves.
    public let node: ChainNode
    /// The JSON-RPC layer.
    public let rpc: any JSONRPCService
    /// RPC latency and counts, exposed on `/metrics`.
    public let metrics: RPCMetrics
    /// Where and how it listens.
    public let configuration: NodeServerConfiguration
    /// The other services it serves (market, storage).
    public let routeGroups: [any NodeRouteGroup]

    /// A front for `node` answering JSON-RPC through `rpc`, and the routes of `routeGroups`.
    public init(node: ChainNode, rpc: any JSONRPCService, configuration: NodeServerConfiguration = NodeServerConfiguration(),
                metrics: RPCMetrics = RPCMetrics(), routeGroups: [any NodeRouteGroup] = []) {
        self.node = node
        self.rpc = rpc
        self.configuration = configuration
        self.metrics = metrics
        self.routeGroups = routeGroups
    }

    /// The HTTP routes (the WebSocket upgrade is the server builder's, see ``makeApplication(logger:onServerRunning:)``).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        var allowedMethods: [String: [HTTPRequest.Method]] = ["/": [.post], "/info": [.get], "/metrics": [.get]]
        for group in routeGroups { allowedMethods.merge(group.allowedMethods) { $0 + $1 } }
        router.add(middleware: JSONErrorMiddleware(allowedMethods: allowedMethods))
        router.post("/") { request, _ in try await self.answerRPC(request) }
        router.get("/info") { _, _ in
            let info = await NodeInfo.current(of: self.node, clientVersion: self.configuration.clientVersion)
            return Self.json(.ok, info.json.serialized)
        }
        router.get("/metrics") { _, _ in
            let text = MetricsExposition.render(node: await self.node.metrics, rpc: self.metrics)
            return Response(status: .ok, headers: [.contentType: MetricsExposition.contentType],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        for group in routeGroups { group.addRoutes(to: router) }
        return router
    }

    /// The Hummingbird application: a `Service` to run in a `ServiceGroup`.
    ///
    /// - Parameter onServerRunning: called once the socket is bound, with the port it got.
    public func makeApplication(
        logger: Logger = Logger(label: "iexec.node.server"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let webSocket = WebSocketServerConfiguration(
            maxFrameSize: configuration.maxWebSocketMessageSize, autoPing: .enabled(timePeriod: .seconds(30)))
        return Application(
            router: makeRouter(),
            server: .http1WebSocketUpgrade(configuration: .init(ws: webSocket)) { request, _, _ in
                // Only `/` speaks JSON-RPC over WebSocket.
                guard Self.path(of: request) == "/" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await WebSocketRPCConnection(server: self).run(inbound: inbound, outbound: outbound)
                }
            },
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: configuration.clientVersion),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    // MARK: - JSON-RPC over HTTP

    private func answerRPC(_ request: Request) async throws -> Response {
        if let type = request.headers[.contentType], !type.lowercased().contains("json") {
            return Self.json(.unsupportedMediaType, JSONRPCTransportError.response(
                code: -32600, message: "invalid request: Content-Type is \(type); send application/json"))
        }
        let limit = configuration.maxBodySize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return Self.json(.contentTooLarge, JSONRPCTransportError.bodyTooLarge(limit: limit))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return Self.json(.contentTooLarge, JSONRPCTransportError.bodyTooLarge(limit: limit))
        }
        guard let answer = await rpc.respond(toBody: Array(buffer.readableBytesView), metrics: metrics) else {
            return Response(status: .noContent)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }

    // MARK: - Helpers

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The request's path without its query.
    static func path(of request: HTTPRequest) -> String {
        let target = request.path ?? "/"
        return target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
    }
}

/// Renders errors as JSON (`{"status":404,"error":"…"}`) and tells a wrong method (405, with
/// `Allow`) from an unknown path (404).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    /// The methods each known path answers; `{name}` segments match any one segment.
    let allowedMethods: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let path = request.uri.path
            if error.status == .notFound, let allowed = methods(for: path) {
                var response = Self.render(.methodNotAllowed,
                                           "\(request.method) \(path) is not supported: use \(allowed.map(\.rawValue).joined(separator: ", "))")
                response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                return response
            }
            let message = error.status == .notFound ? "no such endpoint: \(request.method) \(path)" : error.status.reasonPhrase
            return Self.render(error.status, message)
        } catch {
            return Self.render(.internalServerError, "internal error: \(error)")
        }
    }

    /// The methods of the first pattern `path` matches, nil when none does.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        if let exact = allowedMethods[path] { return exact }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        for (pattern, methods) in allowedMethods {
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count == segments.count else { continue }
            if zip(parts, segments).allSatisfy({ $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }) { return methods }
        }
        return nil
    }

    static func render(_ status: HTTPResponse.Status, _ message: String) -> Response {
        NodeServer.json(status, JSONValue.object(["status": .number(String(status.code)), "error": .string(message)]).serialized)
    }
}
