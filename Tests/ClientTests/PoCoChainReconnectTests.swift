import Chain
import ChainTestSupport
import Client
import Hummingbird
import Logging
import Server
import Testing

/// `RPCPoCoChain.heads()` outlives its node's server: the WebSocket drops when the server stops,
/// and the stream goes on with the heads of a server started again on the same port.
@Suite struct PoCoChainReconnectTests {
    @Test func headsContinueAfterTheServerRestarts() async throws {
        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: true), clock: { DevChain.time })
        // Polling is hourly, and between two WebSocket attempts 50 ms at most: heads come by the socket.
        let first = try await Self.startServer(node, port: 0)
        let options = RPCChainOptions(receiptTimeout: .seconds(5), headPollInterval: .seconds(3_600),
                                      webSocketRetryInterval: .milliseconds(50))
        let chain = RPCPoCoChain(url: "http://127.0.0.1:\(first.port)", config: DevChain.genesis.config, options: options)
        var heads = chain.heads().makeAsyncIterator()
        let before = try await Self.sealUntilAHead(node, &heads)

        first.server.cancel()
        _ = await first.server.result
        let second = try await Self.startServer(node, port: first.port)
        defer { second.server.cancel() }
        let after = try await Self.sealUntilAHead(node, &heads)
        #expect(after.number > before.number)
        #expect(after.number <= (await node.head.number))
    }

    /// Seals blocks until the stream reports one (when the watcher is subscribed is not observable).
    static func sealUntilAHead(_ node: ChainNode, _ heads: inout AsyncStream<ChainHead>.Iterator) async throws -> ChainHead {
        let sealer = _Concurrency.Task {
            while !_Concurrency.Task.isCancelled {
                _ = try? await node.seal(force: true)
                try? await _Concurrency.Task.sleep(for: .milliseconds(30))
            }
        }
        defer { sealer.cancel() }
        return try #require(await heads.next())
    }

    /// The node's server on `port` (0: any free one), running until its task is cancelled.
    static func startServer(_ node: ChainNode, port: Int) async throws
        -> (server: _Concurrency.Task<Void, any Error>, port: Int) {
        let server = NodeServer(node: node, rpc: ChainRPCService(node: node), configuration: NodeServerConfiguration(port: port))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "poco-chain-reconnect")
        logger.logLevel = .critical
        let application = server.makeApplication(logger: logger, onServerRunning: { port in portSink.yield(port) })
        let task = _Concurrency.Task { try await application.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw MarketFixtureError("the node's server did not start on port \(port)")
        }
        return (task, bound)
    }
}
