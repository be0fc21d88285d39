import Chain
import Ethereum

/// The chain's JSON-RPC layer (`RPCHandler`, `SubscriptionSession`) behind the transport: the one
/// place that knows how they are called, and where each request is recorded for `/metrics` (the
/// handler reports every request it answers, with its method, outcome and time).
public struct ChainRPCService: JSONRPCService {
    /// The handler.
    public let handler: RPCHandler

    /// The service of `node`.
    public init(node: ChainNode, clientVersion: String = NodeServerConfiguration.defaultClientVersion) {
        handler = RPCHandler(node: node, clientVersion: clientVersion)
    }

    public func respond(toBody body: [UInt8], metrics: RPCMetrics) async -> [UInt8]? {
        await handler.handle(body, observer: Self.recorder(metrics))
    }

    public func makeSession() -> any JSONRPCSession { Session(session: SubscriptionSession(handler: handler)) }

    /// Records each observation in `metrics`.
    static func recorder(_ metrics: RPCMetrics) -> RPCObserver {
        { observation in
            metrics.record(method: observation.method, duration: observation.duration,
                           outcome: observation.failed ? .error : .success)
        }
    }

    struct Session: JSONRPCSession {
        let session: SubscriptionSession

        func respond(toText text: String, metrics: RPCMetrics) async -> String? {
            await session.handle(text: text, observer: ChainRPCService.recorder(metrics))
        }

        func notifications(for event: ChainEvent) async -> [String] { session.notifications(for: event) }
    }
}
