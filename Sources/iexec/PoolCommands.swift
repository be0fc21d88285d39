import ArgumentParser
import Client
import Ethereum
import Foundation
import Logging
import Scheduler
import Server
import ServiceLifecycle
import Synchronization
import Worker

/// `iexec scheduler`: a workerpool's manager, serving its workers' API until SIGINT or SIGTERM.
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run a workerpool: follow its deals, hand replicates to workers, finalize or claim every task (docs/scheduler.md).")

    @Option(help: "The workerpool's address (its owner's key is the keystore's).")
    var workerpool: String
    @Option(help: "The workerpool owner's keystore file.")
    var keystore: String
    @Option(help: "The keystore's password; prompted (no echo) when absent.")
    var password: String?
    @Option(help: "The chain node's URL.")
    var node: String = "http://127.0.0.1:8545"
    @Option(help: "The market's URL, where the pool's orders are kept published (default: the node's).")
    var market: String?
    @Option(help: "Folder of the scheduler's store (<data-dir>/scheduler.sqlite); created if needed.")
    var dataDir: String
    @Option(help: "TCP port of the workers' API; 0 picks a free one.")
    var port: Int = 7000
    @Option(help: "Interface to listen on (0.0.0.0 lets workers on other machines in).")
    var host: String = "127.0.0.1"
    @Option(help: "Seconds of silence after which a worker is lost and its replicates go to others.")
    var workerLostAfter: Double = 30
    @Option(help: "Tasks per initializeArray / claimArray transaction.")
    var batchSize: Int = 50
    @Option(help: "Workerpool orders kept open on the market; 0 publishes none.")
    var orders: Int = 0
    @Option(help: "Price per task of the published orders, nRLC.")
    var price: UInt64 = 1
    @Option(help: "Tasks per published order.")
    var volume: UInt64 = 100
    @Option(help: "Category of the published orders.")
    var category: UInt64 = 0
    @Option(help: "Highest trust the published orders accept.")
    var trust: UInt64 = 100
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        guard (try? Address(hex: workerpool)) != nil else { throw ValidationError("--workerpool must be an address (0x and 40 hex digits)") }
        guard workerLostAfter > 0 else { throw ValidationError("--worker-lost-after must be positive") }
        guard (1...1_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1…1000") }
        guard orders >= 0 else { throw ValidationError("--orders must be ≥ 0") }
    }

    func run() async throws {
        try await Node.reportingFailure(raw: output.raw) { try await serve() }
    }

    func serve() async throws {
        let pool = try Address(hex: workerpool)
        let key = try Wallet.open(keystore: keystore, password: password)
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(directory: dataDir)
        defer { withExtendedLifetime(lock) {} }
        let chain = try await RPCPoCoChain.connect(url: node)
        let owner = try await chain.workerpool(pool).owner
        guard owner == key.address else {
            throw CLIError("workerpool \(pool.checksummed) belongs to \(owner.checksummed), not to the keystore's \(key.address.checksummed)")
        }
        let store = try SQLiteSchedulerStore(path: URL(fileURLWithPath: dataDir).appendingPathComponent("scheduler.sqlite").path)
        let scheduler = try WorkerpoolScheduler(
            configuration: SchedulerConfiguration(workerpool: pool, workerLostAfter: workerLostAfter, batchSize: batchSize),
            chain: chain, key: key, store: store, clock: { Date().timeIntervalSince1970 })
        let keeper = orders > 0 ? OrderKeeper(
            market: MarketClient(baseURL: market ?? node), key: key, workerpool: pool, domain: chain.config.domain,
            policy: WorkerpoolOrderPolicy(price: UInt256(price), volume: UInt256(volume), category: UInt256(category),
                                          trust: UInt256(trust), openOrders: orders)) : nil
        let server = ServiceServer(routeGroups: [SchedulerRoutes(scheduler: scheduler, servesMetrics: true)],
                                   services: [SchedulerService(scheduler: scheduler, chain: chain, keeper: keeper)],
                                   host: host, port: port, serverName: "iexec-scheduler")
        var logger = Logger(label: "iexec.scheduler")
        logger.logLevel = .warning
        let listening = Mutex(false)
        do {
            try await server.run(logger: logger) { boundPort in
                listening.withLock { $0 = true }
                let url = "http://\(self.host):\(boundPort)/scheduler"
                let fields: [String: Any] = ["url": url, "workerpool": pool.checksummed, "node": self.node,
                                             "dataDir": self.dataDir, "ok": true]
                Node.emit(self.output.raw ? JSONText.object(fields) : """
                    iexec scheduler: workerpool \(pool.checksummed) on \(self.node)
                    worker API   \(url)  (status: \(url)/status, metrics: http://\(self.host):\(boundPort)/metrics)
                    store        \(self.dataDir)/scheduler.sqlite
                    Stop with Ctrl-C (SIGINT) or SIGTERM.
                    """)
            }
        } catch where !listening.withLock({ $0 }) {
            throw CLIError("cannot listen on \(host):\(port): \(error)")
        }
        if !output.raw { FileHandle.standardError.write(Data("iexec scheduler: stopped\n".utf8)) }
    }
}

/// `iexec worker`: a worker agent computing for a scheduler until SIGINT or SIGTERM.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work for a workerpool: pull replicates, run apps in the sandbox, contribute and reveal (docs/worker.md).")

    @Option(help: "The scheduler's URL.")
    var scheduler: String = "http://127.0.0.1:7000"
    @Option(help: "The chain node's URL (JSON-RPC and storage).")
    var node: String = "http://127.0.0.1:8545"
    @Option(help: "The worker's keystore file (its address stakes and earns).")
    var keystore: String
    @Option(help: "The keystore's password; prompted (no echo) when absent.")
    var password: String?
    @Option(help: "Replicates run at the same time.")
    var slots: Int = 1
    @Option(help: "Folder of the worker's replicates, downloads and work; created if needed.")
    var dataDir: String
    @Option(name: .customLong("attribute"), help: "An extra ClassAd attribute NAME=EXPRESSION (e.g. Price=2, Speed=40); repeatable.")
    var attributes: [String] = []
    @Option(help: .hidden)
    var misbehave: String = Misbehaviour.none.rawValue
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be 1…256") }
        guard Misbehaviour(rawValue: misbehave) != nil else { throw ValidationError("--misbehave must be none, lie or never-reveal") }
        for attribute in attributes where !attribute.contains("=") {
            throw ValidationError("--attribute must be NAME=EXPRESSION, not \(attribute)")
        }
    }

    func run() async throws {
        try await Node.reportingFailure(raw: output.raw) { try await work() }
    }

    func work() async throws {
        let key = try Wallet.open(keystore: keystore, password: password)
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(directory: dataDir)
        defer { withExtendedLifetime(lock) {} }
        let chain = try await RPCPoCoChain.connect(url: node)
        var extra: [String: String] = [:]
        for attribute in attributes {
            let parts = attribute.split(separator: "=", maxSplits: 1)
            extra[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1])
        }
        let probe = NativeExecutor.probe()
        let sandbox = AppSandbox.standard()
        let agent = try WorkerAgent(
            configuration: WorkerConfiguration(slots: slots, dataDirectory: URL(fileURLWithPath: dataDir), attributes: extra,
                                               misbehaviour: Misbehaviour(rawValue: misbehave) ?? .none),
            key: key, scheduler: SchedulerClient(baseURL: scheduler), chain: chain, storage: StorageClient(baseURL: node, key: key),
            sandbox: sandbox)
        let runtimes = sandbox.runtimes.map(\.rawValue).joined(separator: ", ")
        let fields: [String: Any] = ["worker": key.address.checksummed, "scheduler": scheduler, "runtimes": runtimes,
                                     "slots": slots, "native": probe.description, "ok": true]
        Node.emit(output.raw ? JSONText.object(fields) : """
            iexec worker \(key.address.checksummed): \(slots) slot(s), runtimes \(runtimes)
            scheduler \(scheduler), node \(node)
            native sandbox: \(probe.description)
            Stop with Ctrl-C (SIGINT) or SIGTERM.
            """)
        var logger = Logger(label: "iexec.worker")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: agent)], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        try await group.run()
        if !output.raw { FileHandle.standardError.write(Data("iexec worker: stopped\n".utf8)) }
    }
}
