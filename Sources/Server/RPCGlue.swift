import Chain
import Ethereum

/// The chain's JSON-RPC layer (`RPCHandler`, `SubscriptionSession`) behind the transport: the one
/// place that knows how they are called, and where each request is measured for `/metrics`.
///
/// `RPCHandler` answers a whole body (a batch's `eth_sendRawTransaction`s are admitted together),
/// so the method names come from reading the request here: a single request is timed on its own;
/// each request of a batch is recorded with an equal share of the batch's time, and its outcome is
/// read from the batch's response by id.
public struct ChainRPCService: JSONRPCService {
    /// The handler.
    public let handler: RPCHandler

    /// The service of `node`.
    public init(node: ChainNode, clientVersion: String = NodeServerConfiguration.defaultClientVersion) {
        handler = RPCHandler(node: node, clientVersion: clientVersion)
    }

    public func respond(toBody body: [UInt8], metrics: RPCMetrics) async -> [UInt8]? {
        let start = ContinuousClock.now
        let answer = await handler.handle(body)
        RPCMeasurement.record(request: body, response: answer, elapsed: ContinuousClock.now - start, metrics: metrics)
        return answer
    }

    public func makeSession() -> any JSONRPCSession { Session(session: SubscriptionSession(handler: handler)) }

    struct Session: JSONRPCSession {
        let session: SubscriptionSession

        func respond(toText text: String, metrics: RPCMetrics) async -> String? {
            let start = ContinuousClock.now
            let answer = await session.handle(text: text)
            RPCMeasurement.record(request: Array(text.utf8), response: answer.map { Array($0.utf8) },
                                  elapsed: ContinuousClock.now - start, metrics: metrics)
            return answer
        }

        func notifications(for event: ChainEvent) async -> [String] { session.notifications(for: event) }
    }
}

/// Reads method names and outcomes from a request and its response.
enum RPCMeasurement {
    static func record(request: [UInt8], response: [UInt8]?, elapsed: Duration, metrics: RPCMetrics) {
        guard let document = try? JSONValue(parsing: request) else {
            metrics.record(method: "invalid", duration: elapsed, outcome: .error)
            return
        }
        guard case .array(let items) = document else {
            // RPCHandler writes `{"jsonrpc":"2.0","id":…,"result":…}` or `…,"error":…}`: the prefix
            // tells them apart without parsing a large result (eth_getLogs).
            var failed = false
            if let response {
                let success = "{\"jsonrpc\":\"2.0\",\"id\":\((document["id"] ?? .null).serialized),\"result\":"
                failed = !response.starts(with: success.utf8)
            }
            metrics.record(method: method(of: document), duration: elapsed, outcome: failed ? .error : .success)
            return
        }
        guard !items.isEmpty else {
            metrics.record(method: "invalid", duration: elapsed, outcome: .error)
            return
        }
        let failed = response.map(failedIDs) ?? []
        let share = elapsed / items.count
        for item in items {
            let outcome: RPCOutcome = item["id"].map { failed.contains($0) } == true ? .error : .success
            metrics.record(method: method(of: item), duration: share, outcome: outcome)
        }
    }

    /// The request's method name, or `invalid` when it has none.
    static func method(of request: JSONValue) -> String {
        if case .string(let name)? = request["method"] { return name }
        return "invalid"
    }

    /// The ids of the error responses in a response or batch of responses.
    static func failedIDs(in response: [UInt8]) -> Set<JSONValue> {
        guard let document = try? JSONValue(parsing: response) else { return [] }
        let responses: [JSONValue]
        if case .array(let items) = document { responses = items } else { responses = [document] }
        return Set(responses.compactMap { $0["error"] == nil ? nil : ($0["id"] ?? .null) })
    }
}
