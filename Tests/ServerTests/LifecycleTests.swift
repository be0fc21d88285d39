import Chain
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
            let bob = ServerFixture.keys[2].address
            var hashes: [Hash32] = []
            for nonce in 0..<5 as Range<UInt64> {
                let transfer = ServerFixture.transaction(from: 1, nonce: nonce, to: bob, value: 1, gasLimit: 21_000)
                hashes.append(try await node.sendRawTransaction(transfer.rawBytes))
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while await node.metrics.transactionsIncluded < 5, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await node.metrics.transactionsIncluded == 5)

            // More transactions, then stop at once: each is either mined or still pending in the ledger.
            for nonce in 5..<25 as Range<UInt64> {
                let transfer = ServerFixture.transaction(from: 1, nonce: nonce, to: bob, value: 1, gasLimit: 21_000)
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

    @Test("a shutdown arriving during a block commit lets the commit finish when writes are uninterrupted")
    func shutdownDuringCommit() async throws {
        let slow = SlowCommitStore()
        let node = try await ChainNode.open(store: UninterruptedWrites(slow), genesis: Genesis.dev(),
                                            configuration: NodeConfiguration(dev: true), clock: { 1_700_000_000 })
        let server = NodeServer(node: node, rpc: EchoRPC(node: node), configuration: NodeServerConfiguration(port: 0))
        let group = NodeServices(server: server).makeGroup(handlingSignals: false)
        try await withTimeout {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let transfer = ServerFixture.transaction(from: 1, nonce: 0, to: ServerFixture.keys[2].address, value: 1,
                                                         gasLimit: 21_000)
                _ = try await node.sendRawTransaction(transfer.rawBytes)
                var started = slow.commitsStarted.makeAsyncIterator()
                _ = await started.next()
                // The producer is now inside the commit (which takes 200 ms): stop the node.
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                let stored = try await slow.transaction(hash: transfer.hash)
                #expect(stored?.blockNumber == 1)
                #expect(try await slow.load()?.head.number == 1)
            }
        }
    }
}

/// A ledger whose commits take 200 ms and, like GRDB, abort when their task is cancelled.
final class SlowCommitStore: ChainStore {
    let base = InMemoryChainStore()
    let commitsStarted: AsyncStream<Void>
    private let started: AsyncStream<Void>.Continuation

    init() { (commitsStarted, started) = AsyncStream.makeStream(of: Void.self) }

    func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        started.yield()
        do { try await _Concurrency.Task.sleep(for: .milliseconds(200)) } catch {
            throw .database(operation: "commit", reason: "\(error)")
        }
        try await base.commit(commit)
    }

    func load() async throws(ChainStoreError) -> ChainSnapshot? { try await base.load() }
    func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                    accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try await base.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
    }
    func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) { try await base.addPending(transactions) }
    func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) { try await base.removePending(hashes) }
    func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? { try await base.block(number: number) }
    func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? { try await base.block(hash: hash) }
    func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        try await base.transactions(inBlock: number)
    }
    func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? { try await base.transaction(hash: hash) }
    func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] { try await base.logs(filter, limit: limit) }
}
