import Chain
import ChainTestSupport
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import Logging
import HummingbirdTesting
import Server
import ServiceLifecycle
import Testing

@Suite("Server: the node's services (HTTP server + block producer) start and stop together")
struct LifecycleTests {
    @Test("the group serves, produces blocks on demand, and a graceful shutdown loses no acknowledged transaction")
    func runAndStop() async throws {
        let fixture = try await ServerFixture.make()
        let node = fixture.node
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let services = NodeServices(server: fixture.server) { port in portSink.yield(port) }
        let group = services.makeGroup(handlingSignals: false)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            #expect(port > 0)

            let answer = try await TestClient.withClient(host: "localhost", port: port) { client in
                try await client.post("/", headers: [.contentType: "application/json"],
                                      body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#))
            }
            #expect(answer.status == .ok)

            // The producer (block time 0) seals as soon as transactions wait.
            let bob = DevChain.keys[2].address
            var hashes: [Hash32] = []
            for nonce in 0..<5 as Range<UInt64> {
                let transfer = DevChain.transaction(from: 1, nonce: nonce, to: bob, value: 1, gasLimit: 21_000)
                hashes.append(try await node.sendRawTransaction(transfer.rawBytes))
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while await node.metrics.transactionsIncluded < 5, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await node.metrics.transactionsIncluded == 5)

            // More transactions, then stop at once: each is either mined or still pending in the ledger.
            for nonce in 5..<25 as Range<UInt64> {
                let transfer = DevChain.transaction(from: 1, nonce: nonce, to: bob, value: 1, gasLimit: 21_000)
                hashes.append(try await node.sendRawTransaction(transfer.rawBytes))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()

            let snapshot = try #require(try await fixture.store.load())
            #expect(snapshot.head == (await node.head))
            let pending = Set(try snapshot.pending.map { try SignedTransaction(raw: $0).hash })
            for hash in hashes {
                let mined = try await fixture.store.transaction(hash: hash) != nil
                #expect(mined || pending.contains(hash), "transaction \(hash.hex) was lost")
            }
        }
    }

    @Test("a graceful shutdown closes open WebSocket connections with a normal close frame")
    func shutdownClosesWebSockets() async throws {
        let fixture = try await ServerFixture.make()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let (connected, connectedSink) = AsyncStream.makeStream(of: Void.self)
        let group = NodeServices(server: fixture.server) { port in portSink.yield(port) }.makeGroup(handlingSignals: false)
        let logger = Logger(label: "ws-test")
        try await withTimeout {
            try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                var portIterator = ports.makeAsyncIterator()
                let port = try #require(await portIterator.next())
                tasks.addTask {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/", logger: logger) { inbound, _, _ in
                        connectedSink.yield()
                        for try await _ in inbound.messages(maxSize: 1 << 16) {}
                    }
                }
                var connectedIterator = connected.makeAsyncIterator()
                _ = await connectedIterator.next()
                await group.triggerGracefulShutdown()
                var frames: [WebSocketCloseFrame] = []
                for try await frame in tasks { if let frame { frames.append(frame) } }
                #expect(frames.map(\.closeCode) == [.normalClosure])
            }
        }
    }
}
