import Chain
import Ethereum

/// What the HTTP and WebSocket front needs from the JSON-RPC layer.
///
/// The transport only moves bytes: it hands a request body (or a WebSocket text message) over and
/// sends back what it gets. `RPCGlue.swift` adapts the chain's `RPCHandler` to this; tests can
/// plug a stand-in.
public protocol JSONRPCService: Sendable {
    /// Answers one HTTP body (a request or a batch); nil when there is nothing to send back (only
    /// notifications). Records each request's method, latency and outcome in `metrics`.
    func respond(toBody body: [UInt8], metrics: RPCMetrics) async -> [UInt8]?

    /// A session for one WebSocket connection (its subscriptions live and die with it).
    func makeSession() -> any JSONRPCSession
}

/// One WebSocket connection's JSON-RPC state: its subscriptions.
public protocol JSONRPCSession: Sendable {
    /// Answers one text message (a request or a batch, `eth_subscribe` included); nil when there is
    /// nothing to send back.
    func respond(toText text: String, metrics: RPCMetrics) async -> String?

    /// The `eth_subscription` messages `event` triggers for this session's subscriptions, in order.
    func notifications(for event: ChainEvent) async -> [String]
}

/// JSON-RPC error responses the transport writes itself (before a request reaches the handler).
public enum JSONRPCTransportError {
    /// `-32600 Invalid Request`: the body is larger than the server accepts.
    public static func bodyTooLarge(limit: Int) -> String {
        response(code: -32600, message: "invalid request: the request body is larger than the \(limit)-byte limit; send smaller batches")
    }

    /// `-32700 Parse error`: a message that is not UTF-8 text.
    public static func notText() -> String {
        response(code: -32700, message: "parse error: the message is not UTF-8 text")
    }

    /// A response with `id` null carrying error `code` and `message`.
    public static func response(code: Int, message: String) -> String {
        JSONValue.object([
            "jsonrpc": .string("2.0"), "id": .null,
            "error": .object(["code": .number(String(code)), "message": .string(message)]),
        ]).serialized
    }
}
