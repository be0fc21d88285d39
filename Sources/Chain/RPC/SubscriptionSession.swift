import Ethereum
import Synchronization

/// One WebSocket connection's JSON-RPC: `eth_subscribe`/`eth_unsubscribe` (`newHeads`, `logs`)
/// served here, every other method by the ``RPCHandler``.
///
/// The transport forwards each text frame to ``handle(text:)`` and sends back the answer, and for
/// every `ChainEvent` of `node.events()` sends the texts ``notifications(for:)`` gives.
public final class SubscriptionSession: Sendable {
    /// The handler serving the other methods.
    public let handler: RPCHandler
    /// The most subscriptions this connection may hold.
    public let maxSubscriptions: Int

    private enum Kind: Sendable {
        case newHeads
        case logs(LogCriteria)
    }

    /// In creation order, so notifications follow it.
    private let subscriptions = Mutex<[(id: String, kind: Kind)]>([])

    /// A session for one connection.
    public init(handler: RPCHandler, maxSubscriptions: Int = 100) {
        self.handler = handler
        self.maxSubscriptions = maxSubscriptions
    }

    /// Answers a text frame (a request or a batch); nil when nothing is to be sent back.
    public func handle(text: String, observer: RPCObserver? = nil) async -> String? {
        await handler.handle(Array(text.utf8), session: self, observer: observer)
    }

    /// Whether the connection holds any subscription (when none, events need not be read).
    public var hasSubscriptions: Bool { subscriptions.withLock { !$0.isEmpty } }

    /// The `eth_subscription` notifications a committed block gives this connection: per
    /// subscription in creation order, its header (`newHeads`), or one per matching log (`logs`).
    public func notifications(for event: ChainEvent) -> [String] {
        let current = subscriptions.withLock { $0 }
        guard !current.isEmpty else { return [] }
        var texts: [String] = []
        for (id, kind) in current {
            switch kind {
            case .newHeads:
                texts.append(Self.notification(id, .object(RPCJSON.header(event.block))))
            case .logs(let criteria):
                for log in event.logs where criteria.matches(log.log) {
                    texts.append(Self.notification(id, RPCJSON.log(log)))
                }
            }
        }
        return texts
    }

    /// `eth_subscribe` or `eth_unsubscribe`.
    func serve(_ method: String, _ params: RPCParams) throws(RPCError) -> JSONValue {
        if method == "eth_unsubscribe" {
            try params.expect(atMost: 1)
            guard case .string(let id) = try params.required(0, "subscription id") else {
                throw .invalidParams("\(params.label(0, "subscription id")) must be the id eth_subscribe returned")
            }
            return .bool(subscriptions.withLock { list in
                guard let index = list.firstIndex(where: { $0.id == id }) else { return false }
                list.remove(at: index)
                return true
            })
        }
        try params.expect(atMost: 2)
        guard case .string(let name) = try params.required(0, "subscription kind") else {
            throw .invalidParams("\(params.label(0, "subscription kind")) must be \"newHeads\" or \"logs\"")
        }
        let kind: Kind
        switch name {
        case "newHeads":
            try params.expect(atMost: 1)
            kind = .newHeads
        case "logs":
            let criteria = try RPCHandler.logCriteria(params.optional(1) ?? .object([:]),
                                                      name: params.label(1, "logs filter"), allowBlocks: false)
            kind = .logs(criteria)
        default:
            throw .invalidParams("unsupported subscription kind \"\(name)\": this node offers newHeads and logs")
        }
        return .string(try subscriptions.withLock { list throws(RPCError) in
            guard list.count < maxSubscriptions else {
                throw .limitExceeded("this connection holds \(maxSubscriptions) subscriptions: eth_unsubscribe some first")
            }
            var id = RPCIdentifier.make()
            while list.contains(where: { $0.id == id }) { id = RPCIdentifier.make() }
            list.append((id, kind))
            return id
        })
    }

    private static func notification(_ id: String, _ result: JSONValue) -> String {
        JSONValue.object([
            "jsonrpc": "2.0", "method": "eth_subscription",
            "params": .object(["subscription": .string(id), "result": result]),
        ]).serialized
    }
}
