import AsyncHTTPClient
import Chain
import Client
import Ethereum
import Foundation
import Logging
import PoCo
import Scheduler
import Server
import ServiceLifecycle
import Synchronization
import Worker

/// The whole system in one process, every part the real one talking HTTP over loopback: a
/// development chain node (JSON-RPC, market, storage; SQLite files), the scheduler of a
/// workerpool whose orders stay published, and workers running apps in the sandbox. The first
/// start funds the stakes, registers the workerpool and the sample apps and publishes their
/// orders (`devnet.json` remembers them); later starts resume the ledger.
///
/// A `Service`: it runs until graceful shutdown (or cancellation), then stops the workers, the
/// scheduler and the node, in that order, each finishing what it was doing.
public final class Devnet: Service {
    /// Its configuration.
    public let configuration: DevnetConfiguration
    private let onReady: @Sendable (DevnetInfo) async -> Void
    private let logger: Logger
    /// The node, once started: tests and benchmarks read the chain in-process.
    public let node = Mutex<ChainNode?>(nil)

    /// A devnet; `onReady` is called once every part runs, with the endpoints.
    public init(configuration: DevnetConfiguration, logger: Logger = Devnet.quietLogger,
                onReady: @escaping @Sendable (DevnetInfo) async -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.onReady = onReady
    }

    /// A logger that only reports critical problems (the parts' chatter stays out of a terminal).
    public static var quietLogger: Logger {
        var logger = Logger(label: "iexec.devnet")
        logger.logLevel = .critical
        return logger
    }

    public func run() async throws {
        try configuration.validate()
        let directory = configuration.dataDirectory
        let nodeDirectory = directory.appendingPathComponent("node").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let accounts = try DevnetAccounts(workers: configuration.workers)
        // The devnet's storage signs receipts with account 0: public, like every devnet key.
        let (nodePorts, nodePortSink) = AsyncStream.makeStream(of: Int.self)
        let stack = try await NodeStack.open(
            dataDir: nodeDirectory, genesis: DevnetAccounts.genesis(workerScore: configuration.workerScore),
            configuration: NodeConfiguration(blockTime: .milliseconds(configuration.blockTimeMilliseconds), dev: true),
            server: NodeServerConfiguration(host: configuration.host, port: configuration.port),
            storageKey: accounts.user, logger: logger) { _, port in nodePortSink.yield(port) }
        defer { stack.close() }
        node.withLock { $0 = stack.node }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
            certificateVerification: .fullVerification, timeout: .init(connect: .seconds(10), read: .seconds(60)),
            maximumAllowedIdleTimeInConnectionPool: .seconds(5)))
        let nodeGroup = stack.services.makeGroup(handlingSignals: false)
        let (stops, stopSink) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { nodeScope in
            nodeScope.addTask {
                defer { stopSink.yield() }
                try await nodeGroup.run()
            }
            do {
                var ports = nodePorts.makeAsyncIterator()
                guard let port = await ports.next() else { throw DevnetError.startup("the node did not start") }
                let nodeURL = "http://\(configuration.host):\(port)"
                try await runParts(nodeURL: nodeURL, accounts: accounts, http: http, stops: stops, stopSink: stopSink)
            } catch {
                try? await http.shutdown()
                await nodeGroup.triggerGracefulShutdown()
                throw error
            }
            try? await http.shutdown()
            await nodeGroup.triggerGracefulShutdown()
            try await nodeScope.waitForAll()
        }
    }

    /// Provisions the chain, runs the scheduler and the workers until shutdown, and stops them.
    private func runParts(nodeURL: String, accounts: DevnetAccounts, http: HTTPClient,
                          stops: AsyncStream<Void>, stopSink: AsyncStream<Void>.Continuation) async throws {
        let directory = configuration.dataDirectory
        let chain = try await RPCPoCoChain.connect(url: nodeURL, httpClient: http)
        let market = MarketClient(baseURL: nodeURL, httpClient: http)
        let state = try await DevnetProvisioning(
            configuration: configuration, accounts: accounts, chain: chain,
            storage: { StorageClient(baseURL: nodeURL, key: $0, httpClient: http) }, market: market
        ).provision(stateFile: directory.appendingPathComponent("devnet.json"))

        let schedulerDirectory = directory.appendingPathComponent("scheduler")
        try FileManager.default.createDirectory(at: schedulerDirectory, withIntermediateDirectories: true)
        let store = try SQLiteSchedulerStore(path: schedulerDirectory.appendingPathComponent("scheduler.sqlite").path)
        let owner = accounts.workerpoolOwner
        let scheduler = try WorkerpoolScheduler(
            configuration: SchedulerConfiguration(workerpool: state.workerpool, heartbeatInterval: configuration.heartbeatInterval,
                                                  workerLostAfter: configuration.workerLostAfter),
            chain: chain, key: owner, store: store, clock: { Date().timeIntervalSince1970 })
        let keeper = OrderKeeper(
            market: market, key: owner, workerpool: state.workerpool, domain: chain.config.domain,
            policy: WorkerpoolOrderPolicy(price: UInt256(configuration.workerpoolPrice), volume: UInt256(configuration.workerpoolOrderVolume),
                                          trust: UInt256(configuration.workerpoolTrust), openOrders: configuration.workerpoolOpenOrders))
        try await keeper.replenish()
        let schedulerServer = ServiceServer(
            routeGroups: [SchedulerRoutes(scheduler: scheduler, servesMetrics: true)],
            services: [SchedulerService(scheduler: scheduler, chain: chain, tick: configuration.schedulerTick, keeper: keeper)],
            host: configuration.host, port: configuration.schedulerPort, serverName: "iexec-devnet-scheduler")
        let (schedulerPorts, schedulerPortSink) = AsyncStream.makeStream(of: Int.self)
        let schedulerGroup = schedulerServer.makeGroup(logger: logger, handlingSignals: false) { schedulerPortSink.yield($0) }

        try await withThrowingTaskGroup(of: Void.self) { schedulerScope in
            schedulerScope.addTask {
                defer { stopSink.yield() }
                try await schedulerGroup.run()
            }
            var ports = schedulerPorts.makeAsyncIterator()
            guard let schedulerPort = await ports.next() else { throw DevnetError.startup("the scheduler did not start") }
            let schedulerURL = "http://\(configuration.host):\(schedulerPort)"
            let workers = try (0..<configuration.workers).map { index in
                try makeWorker(index, key: accounts.worker(index), schedulerURL: schedulerURL, nodeURL: nodeURL,
                           config: chain.config, http: http)
            }
            let workerGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: workers.map { .init(service: $0) }, gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { workerScope in
                workerScope.addTask {
                    defer { stopSink.yield() }
                    try await workerGroup.run()
                }
                let info = DevnetInfo(
                    nodeURL: nodeURL, schedulerURL: schedulerURL, chainId: chain.config.chainId, hub: chain.config.hub,
                    accounts: accounts, state: state,
                    workers: (0..<configuration.workers).map {
                        (accounts.worker($0).address, (configuration.misbehaviours[$0] ?? .none).rawValue)
                    },
                    dataDirectory: directory)
                await onReady(info)
                await Self.waitForStop(stops)
                await workerGroup.triggerGracefulShutdown()
                try await workerScope.waitForAll()
            }
            await schedulerGroup.triggerGracefulShutdown()
            try await schedulerScope.waitForAll()
        }
    }

    private func makeWorker(_ index: Int, key: PrivateKey, schedulerURL: String, nodeURL: String, config: PoCoConfig,
                            http: HTTPClient) throws -> WorkerAgent {
        let chain = RPCPoCoChain(url: nodeURL, config: config, httpClient: http)
        return try WorkerAgent(
            configuration: WorkerConfiguration(
                name: "devnet-worker-\(index)", slots: configuration.slotsPerWorker,
                dataDirectory: configuration.dataDirectory.appendingPathComponent("workers/worker-\(index)"),
                pollInterval: configuration.workerPollInterval, misbehaviour: configuration.misbehaviours[index] ?? .none),
            key: key, scheduler: SchedulerClient(baseURL: schedulerURL, httpClient: http), chain: chain,
            storage: StorageClient(baseURL: nodeURL, key: key, httpClient: http), sandbox: configuration.sandbox())
    }

    /// Returns when graceful shutdown is triggered, the task is cancelled, or a part stopped.
    private static func waitForStop(_ stops: AsyncStream<Void>) async {
        await withTaskGroup(of: Void.self) { race in
            race.addTask { try? await gracefulShutdown() }
            race.addTask {
                var iterator = stops.makeAsyncIterator()
                _ = await iterator.next()
            }
            await race.next()
            race.cancelAll()
        }
    }
}
