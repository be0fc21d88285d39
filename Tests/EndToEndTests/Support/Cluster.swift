import AsyncHTTPClient
import Chain
import ChainTestSupport
import Client
import Crypto
import Ethereum
import Foundation
import Logging
import Market
import PoCo
import Scheduler
import Server
import ServiceLifecycle
import Storage
import Synchronization
import Testing
import Worker

/// The whole system on loopback, every part a real service talking HTTP: a dev chain node (JSON-
/// RPC, market, storage; sealing as transactions arrive), a scheduler for one workerpool (its
/// SQLite store in the cluster's folder), and workers running apps in the real sandbox. Parts
/// can be killed (their task cancelled: no goodbye) and started again on the same folders.
///
/// Dev accounts: 1 owns the app, 2 the workerpool (the scheduler's key), 3 requests; 4…9 work.
/// Workers 5 and 6 start with a reputation of 150 (weight 49), the others are new (weight 2).
final class Cluster: Sendable {
    static let appOwner = 1
    static let poolOwner = 2
    static let requester = 3
    static let reputable = [5, 6]

    static let genesis: Genesis = {
        var genesis = Genesis.dev()
        for index in reputable { genesis.accounts[index].score = 150 }
        return genesis
    }()

    let directory: URL
    /// The HTTP client of every part, shut down before the servers: an idle keep-alive
    /// connection (HTTPClient.shared keeps them 10 minutes) would hold a server's graceful shutdown.
    let http: HTTPClient
    let node: ChainNode
    let nodeURL: String
    let chain: RPCPoCoChain
    let app: Address
    let workerpool: Address
    private let nodeGroup: ServiceGroup
    private let nodeTask: _Concurrency.Task<Void, any Error>
    private let parts = Mutex<[Running]>([])
    /// nRLC deposited by the test, for the conservation check.
    let deposited = Mutex<UInt256>(.zero)

    static var key: (Int) -> PrivateKey { { DevChain.keys[$0] } }

    private init(directory: URL, http: HTTPClient, node: ChainNode, nodeURL: String, chain: RPCPoCoChain, app: Address, workerpool: Address,
                 nodeGroup: ServiceGroup, nodeTask: _Concurrency.Task<Void, any Error>) {
        self.directory = directory
        self.http = http
        self.node = node
        self.nodeURL = nodeURL
        self.chain = chain
        self.app = app
        self.workerpool = workerpool
        self.nodeGroup = nodeGroup
        self.nodeTask = nodeTask
    }

    /// Starts a node, registers the π app (uploaded to the node's storage) and a workerpool,
    /// and funds the pool owner, the requester and the workers.
    static func start() async throws -> Cluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: genesis,
                                            configuration: NodeConfiguration(blockTime: .zero, dev: true),
                                            clock: { DevChain.time })
        let marketChain = ChainNodeMarketChain(node: node)
        let book = InMemoryOrderBook()
        let market = MarketService(book: book, chain: marketChain)
        let blobs = try FileBlobStore(root: directory.appendingPathComponent("storage"), sizeLimit: 1 << 30)
        let server = NodeServer(node: node, rpc: ChainRPCService(node: node), configuration: NodeServerConfiguration(port: 0),
                                routeGroups: [MarketRoutes(market: market),
                                              StorageRoutes(store: blobs, serverKey: key(0))])
        let tracker = MarketTrackerService(tracker: MarketStatusTracker(book: book, chain: marketChain, policy: MarketPolicy()))
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let group = NodeServices(server: server, followers: [tracker], logger: quietLogger("e2e.node")) { sink.yield($0) }
            .makeGroup(handlingSignals: false)
        let nodeTask = _Concurrency.Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ClusterError("the node did not start") }
        let url = "http://127.0.0.1:\(port)"
        let http = HTTPClient(eventLoopGroupProvider: .singleton,
                              configuration: HTTPClient.Configuration(certificateVerification: .fullVerification,
                                                                      timeout: .init(connect: .seconds(10), read: .seconds(60)),
                                                                      maximumAllowedIdleTimeInConnectionPool: .seconds(5)))
        let chain = try await RPCPoCoChain.connect(url: url, httpClient: http)
        let (app, workerpool) = try await register(on: chain, url: url, http: http)
        let cluster = Cluster(directory: directory, http: http, node: node, nodeURL: url, chain: chain, app: app, workerpool: workerpool,
                              nodeGroup: group, nodeTask: nodeTask)
        for index in [poolOwner, requester] + Array(4...9) { try await cluster.deposit(index, 1_000_000) }
        return cluster
    }

    private static func register(on chain: RPCPoCoChain, url: String, http: HTTPClient) async throws -> (Address, Address) {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/apps/wasm/pi.wasm")
        let bytes = try [UInt8](Data(contentsOf: file))
        let id = try await StorageClient(baseURL: url, key: key(appOwner), httpClient: http).upload(bytes: bytes)
        let app = try await created(chain.send(.registry(.createApp(
            owner: key(appOwner).address, name: "pi", type: "WASM", multiaddr: Array(id.description.utf8),
            checksum: try Hash32(Array(SHA256.hash(data: bytes))), mrenclave: [])), signer: key(appOwner)))
        let workerpool = try await created(chain.send(.registry(.createWorkerpool(
            owner: key(poolOwner).address, description: "e2e pool")), signer: key(poolOwner)))
        return (app, workerpool)
    }

    private static func created(_ receipt: PoCoReceipt) throws -> Address {
        guard let address = receipt.mintedAsset() else { throw ClusterError("no registry entry created") }
        return address
    }

    func deposit(_ index: Int, _ nRLC: UInt64) async throws {
        _ = try await chain.send(.escrow(.deposit), value: UInt256(nRLC) * PoCoConstants.weiPerNRLC, signer: Self.key(index))
        deposited.withLock { $0 += UInt256(nRLC) }
    }

    // MARK: Parts

    /// The scheduler's configuration in these tests: quick to count a worker lost.
    func schedulerConfiguration() -> SchedulerConfiguration {
        SchedulerConfiguration(workerpool: workerpool, heartbeatInterval: 0.5, workerLostAfter: 2, replicateTimeout: 60,
                               askWindow: 5)
    }

    /// Starts the scheduler on `port` (0: a free one) over its SQLite store in the cluster's
    /// folder; returns it running and the port it got.
    func startScheduler(port: Int = 0) async throws -> (Running, Int) {
        let store = try SQLiteSchedulerStore(path: directory.appendingPathComponent("scheduler.sqlite").path)
        let schedulerChain = try await RPCPoCoChain.connect(url: nodeURL, httpClient: http)
        let scheduler = try WorkerpoolScheduler(configuration: schedulerConfiguration(), chain: schedulerChain,
                                                key: Self.key(Self.poolOwner), store: store,
                                                clock: { Date().timeIntervalSince1970 })
        let server = ServiceServer(routeGroups: [SchedulerRoutes(scheduler: scheduler, servesMetrics: true)],
                                   services: [SchedulerService(scheduler: scheduler, chain: schedulerChain,
                                                               tick: .milliseconds(100))],
                                   port: port, serverName: "e2e-scheduler")
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let task = _Concurrency.Task { try await server.run(logger: quietLogger("e2e.scheduler"), handlingSignals: false) { sink.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw ClusterError("the scheduler did not start") }
        let running = Running(task: task, scheduler: scheduler)
        parts.withLock { $0.append(running) }
        return (running, bound)
    }

    /// Starts worker `index` (dev account) against the scheduler on `schedulerPort`.
    func startWorker(_ index: Int, schedulerPort: Int, misbehaviour: Misbehaviour = .none,
                     attributes: [String: String] = [:], slots: Int = 1,
                     sandbox: AppSandbox = AppSandbox(executors: [WasmExecutor()])) async throws -> (Running, WorkerAgent) {
        let workerChain = try await RPCPoCoChain.connect(url: nodeURL, httpClient: http)
        let key = Self.key(index)
        let agent = try WorkerAgent(
            configuration: WorkerConfiguration(name: "worker-\(index)", slots: slots,
                                               dataDirectory: directory.appendingPathComponent("worker-\(index)"),
                                               attributes: attributes, pollInterval: 0.1, misbehaviour: misbehaviour),
            key: key, scheduler: SchedulerClient(baseURL: "http://127.0.0.1:\(schedulerPort)", httpClient: http),
            chain: workerChain, storage: StorageClient(baseURL: nodeURL, key: key, httpClient: http), sandbox: sandbox)
        let task = _Concurrency.Task { try await agent.run() }
        let running = Running(task: task, scheduler: nil)
        parts.withLock { $0.append(running) }
        return (running, agent)
    }

    /// Stops every part, then the node; removes the folder.
    func shutdown() async {
        for part in parts.withLock({ $0 }) { await part.kill() }
        try? await http.shutdown()
        await nodeGroup.triggerGracefulShutdown()
        // A connection left open would hold the graceful shutdown: after 5 s, cancel the node.
        let task = nodeTask
        let watchdog = _Concurrency.Task {
            try await _Concurrency.Task.sleep(for: .seconds(5))
            task.cancel()
        }
        _ = await nodeTask.result
        watchdog.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Deals

    /// Registers another app of the app owner's at `multiaddr` with `checksum`.
    func registerApp(name: String, multiaddr: String, checksum: Hash32, type: String = "WASM") async throws -> Address {
        try await Self.created(chain.send(.registry(.createApp(
            owner: Self.key(Self.appOwner).address, name: name, type: type, multiaddr: Array(multiaddr.utf8),
            checksum: checksum, mrenclave: [])), signer: Self.key(Self.appOwner)))
    }

    /// Matches a deal of the π app (or `app`): `volume` tasks at `trust`, with `params`; returns its id.
    func makeDeal(volume: UInt64, trust: UInt64, params: String, app: Address? = nil, poolOrder published: WorkerpoolOrder? = nil,
                  category: UInt64 = 0, salt: Int = 0) async throws -> Hash32 {
        let app = app ?? self.app
        let domain = chain.config.domain
        let appOrder = AppOrder(app: app, appprice: 1, volume: UInt256(volume), tag: .zero, datasetrestrict: .zero,
                                workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("app \(salt)"))
            .signed(with: Self.key(Self.appOwner), in: domain)
        let poolOrder = published ?? WorkerpoolOrder(workerpool: workerpool, workerpoolprice: 100, volume: UInt256(volume), tag: .zero,
                                        category: UInt256(category), trust: UInt256(trust), apprestrict: .zero,
                                        datasetrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("pool \(salt)"))
            .signed(with: Self.key(Self.poolOwner), in: domain)
        let request = RequestOrder(app: app, appmaxprice: 1, dataset: .zero, datasetmaxprice: 0, workerpool: .zero,
                                   workerpoolmaxprice: 100, requester: Self.key(Self.requester).address,
                                   volume: UInt256(volume), tag: .zero, category: UInt256(category), trust: UInt256(trust),
                                   beneficiary: Self.key(Self.requester).address, callback: .zero, params: params,
                                   salt: Keccak256.hash("request \(salt)"))
            .signed(with: Self.key(Self.requester), in: domain)
        let noDataset = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero, apprestrict: .zero,
                                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
        let receipt = try await chain.send(.matching(.matchOrders(appOrder, noDataset, poolOrder, request)),
                                           signer: Self.key(Self.requester))
        guard let notice = receipt.logs.first(where: { $0.topics.first == Keccak256.hash("SchedulerNotice(address,bytes32)") })
        else { throw ClusterError("matchOrders made no deal") }
        return try Hash32(Array(notice.data.prefix(32)))
    }

    /// The task ids of a deal.
    func tasks(of deal: Hash32, volume: UInt64) -> [Hash32] {
        (0..<volume).map { PoCoIds.taskId(dealid: deal, index: UInt256($0)) }
    }

    /// Waits (polling the chain every 100 ms, at most `timeout` seconds) until every task has
    /// `status`; true when they did.
    func waitFor(_ tasks: [Hash32], status: TaskStatus, timeout: Double = 60) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var all = true
            for task in tasks where try await chain.task(task).status != status { all = false }
            if all { return true }
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits until `condition` holds (polled every 100 ms, at most `timeout` seconds).
    func waitUntil(timeout: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Money is conserved: the nRLC held by every dev account and the kitty equals what the
    /// test deposited, and so does the total supply.
    func checkConservation(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var held = UInt256.zero
        for key in DevChain.keys {
            let account = try await chain.account(key.address)
            held += account.balance + account.frozen
        }
        let kitty = try await chain.account(PoCoConstants.kittyAddress)
        let net = deposited.withLock { $0 }
        #expect(held + kitty.balance + kitty.frozen == net, "nRLC held ≠ nRLC deposited", sourceLocation: sourceLocation)
        #expect(try await chain.totalSupply() == net, "total supply ≠ nRLC deposited", sourceLocation: sourceLocation)
    }
}

/// A part of the cluster running in its own task: killing it cancels the task (the part says
/// no goodbye) and waits for it to end.
final class Running: Sendable {
    let task: _Concurrency.Task<Void, any Error>
    /// The scheduler, when the part is one.
    let scheduler: WorkerpoolScheduler?

    init(task: _Concurrency.Task<Void, any Error>, scheduler: WorkerpoolScheduler?) {
        self.task = task
        self.scheduler = scheduler
    }

    func kill() async {
        task.cancel()
        _ = await task.result
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}
