import Chain
import ChainTestSupport
import Ethereum
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Synchronization

/// A dev-genesis node over an in-memory ledger with a fixed clock, and a server in front of it.
struct ServerFixture {
    let store: InMemoryChainStore
    let node: ChainNode
    let server: NodeServer

    static func make(rpc: ((ChainNode) -> any JSONRPCService)? = nil, maxBodySize: Int = 1 << 20) async throws -> ServerFixture {
        let store = InMemoryChainStore()
        let node = try await ChainNode.open(store: store, genesis: Genesis.dev(),
                                            configuration: NodeConfiguration(dev: true), clock: { 1_700_000_000 })
        let service = rpc?(node) ?? EchoRPC(node: node)
        let server = NodeServer(node: node, rpc: service,
                                configuration: NodeServerConfiguration(port: 0, maxBodySize: maxBodySize))
        return ServerFixture(store: store, node: node, server: server)
    }

}

extension TestResponse {
    /// The body parsed as JSON.
    var json: JSONValue { get throws { try JSONValue(parsing: Array(body.readableBytesView)) } }
    var text: String { String(buffer: body) }
}

/// A stand-in JSON-RPC layer for transport tests: `eth_blockNumber` and `eth_chainId` from the
/// node, `slow_sleep` (sleeps `params[0]` ms), notifications answered with nothing, anything else
/// "method not found". On WebSocket, `eth_subscribe` to `newHeads` pushes each block's number.
struct EchoRPC: JSONRPCService {
    let node: ChainNode

    func respond(toBody body: [UInt8], metrics: RPCMetrics) async -> [UInt8]? {
        await answer(body, metrics: metrics, subscribe: nil).map { Array($0.utf8) }
    }

    func makeSession() -> any JSONRPCSession { Session(rpc: self) }

    func answer(_ body: [UInt8], metrics: RPCMetrics, subscribe: (() -> String)?) async -> String? {
        guard let request = try? JSONValue(parsing: body), case .string(let method)? = request["method"] else {
            return JSONRPCTransportError.response(code: -32700, message: "parse error")
        }
        let start = ContinuousClock.now
        let result: JSONValue?
        switch method {
        case "eth_blockNumber": result = .string("0x" + String(await node.head.number, radix: 16))
        case "eth_chainId": result = .string("0x" + String(node.chainId, radix: 16))
        case "slow_sleep":
            if case .array(let params)? = request["params"], case .number(let ms)? = params.first, let value = Int(ms) {
                try? await Task.sleep(for: .milliseconds(value))
            }
            result = .null
        case "eth_subscribe" where subscribe != nil: result = .string(subscribe!())
        default: result = nil
        }
        metrics.record(method: method, duration: ContinuousClock.now - start, outcome: result == nil ? .error : .success)
        guard let id = request["id"] else { return nil }
        var response: [String: JSONValue] = ["jsonrpc": "2.0", "id": id]
        if let result {
            response["result"] = result
        } else {
            response["error"] = .object(["code": -32601, "message": .string("method not found: \(method)")])
        }
        return JSONValue.object(response).serialized
    }

    final class Session: JSONRPCSession {
        let rpc: EchoRPC
        let subscriptions = Mutex<[String]>([])

        init(rpc: EchoRPC) { self.rpc = rpc }

        func respond(toText text: String, metrics: RPCMetrics) async -> String? {
            await rpc.answer(Array(text.utf8), metrics: metrics) {
                self.subscriptions.withLock { ids in
                    ids.append("0x\(ids.count + 1)")
                    return ids[ids.count - 1]
                }
            }
        }

        func notifications(for event: ChainEvent) async -> [String] {
            subscriptions.withLock { $0 }.map { id in
                JSONValue.object([
                    "jsonrpc": "2.0", "method": "eth_subscription",
                    "params": .object(["subscription": .string(id),
                                       "result": .object(["number": .string("0x" + String(event.block.number, radix: 16)),
                                                          "hash": .string(event.block.hash.hex)])]),
                ]).serialized
            }
        }
    }
}

/// Runs `body`, failing with `TimedOut` if it takes longer than `limit` (a WebSocket test waiting
/// for a message that never comes must fail, not hang).
@discardableResult
func withTimeout<Value: Sendable>(_ limit: Duration = .seconds(20),
                                  _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await _Concurrency.Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(limit: limit) }
        return value
    }
}

/// A test step that did not finish in time.
struct TimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "timed out after \(limit)" }
}
