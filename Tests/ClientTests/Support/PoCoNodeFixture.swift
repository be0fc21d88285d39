import Chain
import ChainTestSupport
import Client
import Hummingbird
import Logging
import Server

/// A dev chain node on an in-memory ledger, sealing as soon as transactions wait (a block
/// producer with block time zero, as `iexec node --dev` runs it), served on a loopback port (JSON-RPC over
/// HTTP and WebSocket, `/info`), with an `RPCPoCoChain` connected to it.
enum PoCoNodeFixture {
    /// Runs `body` with a client of a fresh node and the node, then stops the node's services.
    /// Without `sealing` no block producer runs: transactions wait until the test seals.
    static func withNode<Value: Sendable>(
        options: RPCChainOptions = RPCChainOptions(receiptTimeout: .seconds(10)), sealing: Bool = true,
        _ body: @escaping @Sendable (RPCPoCoChain, ChainNode) async throws -> Value
    ) async throws -> Value {
        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(blockTime: .zero, dev: true),
                                            clock: { DevChain.time })
        let server = NodeServer(node: node, rpc: ChainRPCService(node: node), configuration: NodeServerConfiguration(port: 0))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "poco-chain-rpc")
        logger.logLevel = .critical
        let application = server.makeApplication(logger: logger, onServerRunning: { port in portSink.yield(port) })
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await application.runService()
                return nil
            }
            if sealing {
                group.addTask {
                    try await BlockProducer(node: node).run()
                    return nil
                }
            }
            group.addTask {
                var portIterator = ports.makeAsyncIterator()
                guard let port = await portIterator.next(), port > 0 else { throw MarketFixtureError("the node did not start") }
                let chain = try await RPCPoCoChain.connect(url: "http://127.0.0.1:\(port)", options: options)
                return try await body(chain, node)
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw MarketFixtureError("the node stopped before the test ended")
        }
    }
}
