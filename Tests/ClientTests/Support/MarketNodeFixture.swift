import Chain
import ChainTestSupport
import Client
import Ethereum
import Foundation
import Hummingbird
import Logging
import Market
import PoCo
import Server
import Synchronization

/// A chain node with a market: the node on an in-memory ledger (kept across restarts by reusing
/// `store`), the book in memory or in a SQLite file, the node's server with the market's routes on
/// a loopback port and the status tracker running beside it.
struct MarketNodeFixture {
    let store: InMemoryChainStore
    let node: ChainNode
    let book: ObservedOrderBook
    let market: MarketService
    let policy: MarketPolicy
    /// The next nonce of each dev account, so that transactions built before being sent chain up.
    let nonces = NonceCounter()

    static let genesis = DevChain.genesis
    static var config: PoCoConfig { genesis.config }
    static var domain: PoCoDomain { config.domain }

    /// Opens (or, with `store`, resumes) the node and a market over `book`.
    static func open(store: InMemoryChainStore = InMemoryChainStore(), book: any OrderBook = InMemoryOrderBook(),
                     policy: MarketPolicy = MarketPolicy()) async throws -> MarketNodeFixture {
        let node = try await ChainNode.open(store: store, genesis: genesis, configuration: NodeConfiguration(dev: true),
                                            clock: { DevChain.time })
        let observed = ObservedOrderBook(book)
        let market = MarketService(book: observed, chain: ChainNodeMarketChain(node: node), policy: policy,
                                   clock: { DevChain.time })
        return MarketNodeFixture(store: store, node: node, book: observed, market: market, policy: policy)
    }

    /// Serves the market on 127.0.0.1 (a free port) with the status tracker running, runs `body`
    /// with a client of it, then stops both.
    func serve<Value: Sendable>(_ body: @escaping @Sendable (MarketClient) async throws -> Value) async throws -> Value {
        // The node's own front (JSON-RPC, /info, /metrics) with the market as a route group, and
        // the tracker as the node runs it; the test seals blocks itself (no block producer).
        let server = NodeServer(node: node, rpc: ChainRPCService(node: node),
                                configuration: NodeServerConfiguration(port: 0), routeGroups: [MarketRoutes(market: market)])
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        // Stopping by cancellation makes the server log "errors" that are not: keep the test output clean.
        var logger = Logger(label: "market-flow")
        logger.logLevel = .critical
        let application = server.makeApplication(logger: logger, onServerRunning: { port in portSink.yield(port) })
        let tracker = MarketTrackerService(
            tracker: MarketStatusTracker(book: book, chain: ChainNodeMarketChain(node: node), policy: policy))
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await application.runService()
                return nil
            }
            group.addTask {
                try await tracker.run()
                return nil
            }
            group.addTask {
                var portIterator = ports.makeAsyncIterator()
                guard let port = await portIterator.next(), port > 0 else { throw MarketFixtureError("the server did not start") }
                // The tracker's first pass sets the book's cursor to the head: wait for it.
                await book.waitUntilProcessed(await node.head.number)
                return try await body(MarketClient(baseURL: "http://127.0.0.1:\(port)"))
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw MarketFixtureError("the server stopped before the test ended")
        }
    }

    // MARK: - Chain

    /// `key`'s next transaction to `to`.
    func transaction(from key: Int, to: Address, value: UInt256 = .zero, data: [UInt8]) async -> SignedTransaction {
        let onChain = await node.nextNonce(DevChain.address(key), includingPending: true)
        let nonce = nonces.next(key, atLeast: onChain)
        return DevChain.transaction(from: key, nonce: nonce, to: to, value: value, data: data, gasLimit: 10_000_000)
    }

    /// Sends the transactions, seals them in one block, checks each succeeded, and waits until the
    /// status tracker has read the block.
    @discardableResult
    func mine(_ transactions: [SignedTransaction]) async throws -> StoredBlock {
        for result in await node.sendRawTransactions(transactions.map(\.rawBytes)) { _ = try result.get() }
        guard let block = try await node.seal() else { throw MarketFixtureError("nothing was sealed") }
        for transaction in transactions {
            guard let stored = try await store.transaction(hash: transaction.hash), stored.included.outcome.succeeded else {
                throw MarketFixtureError("transaction \(transaction.hash.hex) failed")
            }
        }
        await book.waitUntilProcessed(block.number)
        return block
    }

    /// The address a registry call would create now (read with a call, then sent for real).
    func created(by key: Int, registry: Address, data: [UInt8]) async throws -> Address {
        let output = try await node.call(CallRequest(from: DevChain.address(key), to: registry, data: data))
        return try Address(Array(output.suffix(20)))
    }

    /// Registers an app (owner `key`); returns it with its transaction.
    func createApp(_ key: Int, name: String) async throws -> (Address, SignedTransaction) {
        let data = DevChain.calldata("createApp(address,string,string,bytes,bytes32,bytes)",
                                     [.address(DevChain.address(key)), .string(name), .string("DOCKER"), .bytes([1]),
                                      .bytes32(.zero), .bytes([])])
        return (try await created(by: key, registry: Self.config.appRegistry, data: data),
                await transaction(from: key, to: Self.config.appRegistry, data: data))
    }

    /// Registers a dataset (owner `key`).
    func createDataset(_ key: Int, name: String) async throws -> (Address, SignedTransaction) {
        let data = DevChain.calldata("createDataset(address,string,bytes,bytes32)",
                                     [.address(DevChain.address(key)), .string(name), .bytes([2]), .bytes32(.zero)])
        return (try await created(by: key, registry: Self.config.datasetRegistry, data: data),
                await transaction(from: key, to: Self.config.datasetRegistry, data: data))
    }

    /// Registers a workerpool (owner `key`).
    func createWorkerpool(_ key: Int, name: String) async throws -> (Address, SignedTransaction) {
        let data = DevChain.calldata("createWorkerpool(address,string)", [.address(DevChain.address(key)), .string(name)])
        return (try await created(by: key, registry: Self.config.workerpoolRegistry, data: data),
                await transaction(from: key, to: Self.config.workerpoolRegistry, data: data))
    }

    /// Deposits `nRLC` into `key`'s escrow account.
    func deposit(_ key: Int, nRLC: UInt64) async -> SignedTransaction {
        await transaction(from: key, to: Self.config.hub, value: UInt256(nRLC) * UInt256(1_000_000_000),
                          data: DevChain.calldata("deposit()"))
    }

    /// Withdraws `nRLC` from `key`'s escrow account.
    func withdraw(_ key: Int, nRLC: UInt64) async -> SignedTransaction {
        await transaction(from: key, to: Self.config.hub, data: DevChain.calldata("withdraw(uint256)", [.uint(UInt256(nRLC))]))
    }

    /// `matchOrders` of the four orders, sent by `key`.
    func matchOrders(_ key: Int, _ app: AppOrder, _ dataset: DatasetOrder, _ workerpool: WorkerpoolOrder,
                     _ request: RequestOrder) async -> SignedTransaction {
        let types = [AppOrder.abiType, DatasetOrder.abiType, WorkerpoolOrder.abiType, RequestOrder.abiType]
            .map(\.canonical).joined(separator: ",")
        let data = DevChain.calldata("matchOrders(\(types))",
                                     [app.abiValue, dataset.abiValue, workerpool.abiValue, request.abiValue])
        return await transaction(from: key, to: Self.config.hub, data: data)
    }

    /// `manageAppOrder` CLOSE, sent by the owner `key`.
    func closeAppOrder(_ key: Int, _ order: AppOrder) async -> SignedTransaction {
        let data = DevChain.calldata("manageAppOrder((\(AppOrder.abiType.canonical),uint8,bytes))",
                                     [.tuple([order.abiValue, .uint(UInt256(UInt64(OrderOperationType.close.rawValue))),
                                              .bytes([])])])
        return await transaction(from: key, to: Self.config.hub, data: data)
    }

    /// Native coin of `keys`' accounts and the hub, in wei.
    func nativeTotal(_ keys: [Int]) async -> UInt256 {
        var total = await node.account(Self.config.hub).balance
        for key in keys { total = total + (await node.account(DevChain.address(key)).balance) }
        return total
    }

    /// Escrow (balance + frozen) of `keys`' accounts, in nRLC.
    func escrowTotal(_ keys: [Int]) async -> UInt256 {
        let state = await node.pocoState
        return keys.reduce(UInt256.zero) { total, key in
            let account = state.account(DevChain.address(key))
            return total + account.balance + account.frozen
        }
    }

    static func salt(_ byte: UInt8) -> Hash32 {
        // 32 bytes from a fixed-size array: cannot fail.
        try! Hash32([UInt8](repeating: byte, count: 32))
    }

    /// A temporary directory for a SQLite book.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("market-flow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Hands out consecutive nonces per dev account, from the node's count.
final class NonceCounter: Sendable {
    private let next = Mutex<[Int: UInt64]>([:])

    func next(_ key: Int, atLeast onChain: UInt64) -> UInt64 {
        next.withLock { next in
            let nonce = max(next[key] ?? 0, onChain)
            next[key] = nonce + 1
            return nonce
        }
    }
}

/// A book that tells the test when the status tracker has read a block: each `apply` through a
/// block (the tracker's pass) wakes those waiting for it.
final class ObservedOrderBook: OrderBook {
    private let inner: any OrderBook
    private typealias Waiter = (id: UInt64, block: UInt64, continuation: CheckedContinuation<Void, Never>)
    private let waiters = Mutex<[Waiter]>([])

    init(_ inner: any OrderBook) { self.inner = inner }

    /// Returns once the book's cursor is at `block` or beyond, or the task is cancelled.
    func waitUntilProcessed(_ block: UInt64) async {
        let id = UInt64.random(in: .min ... .max)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.withLock { $0.append((id, block, continuation)) }
                // The cursor may have moved before the registration; a cancellation too.
                wakeReached()
                if _Concurrency.Task.isCancelled { resume { $0.id == id } }
            }
        } onCancel: {
            resume { $0.id == id }
        }
    }

    private func wakeReached() {
        guard let cursor = try? inner.lastProcessedBlock() else { return }
        resume { $0.block <= cursor }
    }

    private func resume(where matching: (Waiter) -> Bool) {
        let ready = waiters.withLock { waiters in
            let ready = waiters.filter(matching)
            waiters.removeAll(where: matching)
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    func apply(_ updates: [OrderUpdate], throughBlock block: UInt64?) throws(MarketError) {
        try inner.apply(updates, throughBlock: block)
        wakeReached()
    }

    func insert(_ order: MarketOrder) throws(MarketError) { try inner.insert(order) }
    func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder? { try inner.order(orderHash) }
    func query(_ query: OrderQuery) throws(MarketError) -> OrderPage { try inner.query(query) }
    func orders(withStatus statuses: Set<OrderStatus>) throws(MarketError) -> [MarketOrder] {
        try inner.orders(withStatus: statuses)
    }
    func activeOrderCount(signer: Address) throws(MarketError) -> Int { try inner.activeOrderCount(signer: signer) }
    func remove(_ orderHash: Hash32) throws(MarketError) -> Bool { try inner.remove(orderHash) }
    func lastProcessedBlock() throws(MarketError) -> UInt64? { try inner.lastProcessedBlock() }
    func nextSequence() throws(MarketError) -> UInt64 { try inner.nextSequence() }
}

struct MarketFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
