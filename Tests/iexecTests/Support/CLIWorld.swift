import AsyncHTTPClient
import Chain
import Client
import Ethereum
import Foundation
import Logging
import Market
import Server
import ServiceLifecycle
import Storage
import Testing

@testable import iexec

/// What the CLI's tests run against: a dev chain node on loopback (JSON-RPC, market, storage;
/// sealing as transactions arrive), a project folder whose chain.json names it, and a keystore
/// folder holding the ten dev accounts (password `test`).
///
/// Commands run in-process (`run(_:_:)` parses the arguments exactly as the binary would and
/// returns the `--raw` fields); they reach the node over HTTP like any user.
final class CLIWorld: Sendable {
    static let password = "test"

    /// The project folder (chain.json → the node, chain "local").
    let project: URL
    let keystoredir: URL
    let nodeURL: String
    /// The test's own view of the chain (its own HTTP client, shut down first).
    let chain: RPCPoCoChain
    let node: ChainNode
    private let http: HTTPClient
    private let group: ServiceGroup
    private let task: _Concurrency.Task<Void, any Error>
    private let root: URL

    static let keys: [PrivateKey] = (try? HDWallet.devAccounts()) ?? []
    /// The dev accounts' keystores, encrypted once per test process with a cheap PBKDF2 (scrypt,
    /// even light, costs a third of a second per key in a debug build; these keys are public).
    static let keystores: [Data] = keys.compactMap { try? Keystore.encrypt($0, password: password, kdf: .pbkdf2(c: 16)).jsonData }

    private init(root: URL, nodeURL: String, chain: RPCPoCoChain, node: ChainNode, http: HTTPClient, group: ServiceGroup,
                 task: _Concurrency.Task<Void, any Error>) {
        self.root = root
        self.project = root.appendingPathComponent("project")
        self.keystoredir = root.appendingPathComponent("keystore")
        self.nodeURL = nodeURL
        self.chain = chain
        self.node = node
        self.http = http
        self.group = group
        self.task = task
    }

    /// Starts the node and prepares the folders.
    static func start(genesis: Genesis = .dev()) async throws -> CLIWorld {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: genesis,
                                            configuration: NodeConfiguration(blockTime: .zero, dev: true))
        let marketChain = ChainNodeMarketChain(node: node)
        let book = InMemoryOrderBook()
        let blobs = try FileBlobStore(root: root.appendingPathComponent("storage"), sizeLimit: 1 << 30)
        let server = NodeServer(node: node, rpc: ChainRPCService(node: node), configuration: NodeServerConfiguration(port: 0),
                                routeGroups: [MarketRoutes(market: MarketService(book: book, chain: marketChain)),
                                              StorageRoutes(store: blobs, serverKey: keys[0])])
        let tracker = MarketTrackerService(tracker: MarketStatusTracker(book: book, chain: marketChain, policy: MarketPolicy()))
        var logger = Logger(label: "cli-test.node")
        logger.logLevel = .critical
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let group = NodeServices(server: server, followers: [tracker], logger: logger) { sink.yield($0) }
            .makeGroup(handlingSignals: false)
        let task = _Concurrency.Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CLIError("the test node did not start") }
        let url = "http://127.0.0.1:\(port)"
        let http = HTTPClient(eventLoopGroupProvider: .singleton,
                              configuration: HTTPClient.Configuration(certificateVerification: .fullVerification,
                                                                      maximumAllowedIdleTimeInConnectionPool: .seconds(5)))
        let chain = try await RPCPoCoChain.connect(url: url, httpClient: http)
        let world = CLIWorld(root: root, nodeURL: url, chain: chain, node: node, http: http, group: group, task: task)
        try FileManager.default.createDirectory(at: world.project, withIntermediateDirectories: true)
        try ProjectFiles(directory: world.project.path)
            .write("chain.json", ["default": "local", "chains": ["local": ["host": url]]])
        try FileManager.default.createDirectory(at: world.keystoredir, withIntermediateDirectories: true)
        for (key, keystore) in zip(keys, keystores) {
            try keystore.write(to: world.keystoredir.appendingPathComponent(Keystore.fileName(for: key.address)))
        }
        return world
    }

    /// Stops the node (cancelled after 5 s if a client's keep-alive connection holds it) and
    /// removes the folders.
    func shutdown() async {
        try? await http.shutdown()
        await group.triggerGracefulShutdown()
        let task = self.task
        let watchdog = _Concurrency.Task {
            try await _Concurrency.Task.sleep(for: .seconds(5))
            task.cancel()
        }
        _ = await task.result
        watchdog.cancel()
        try? FileManager.default.removeItem(at: root)
    }

    /// `--project` and the wallet options that make dev account `index` sign.
    func wallet(_ index: Int) -> [String] {
        ["--project", project.path, "--wallet-address", Self.keys[index].address.checksummed,
         "--keystoredir", keystoredir.path, "--password", Self.password]
    }

    /// `--project` alone, for commands that sign nothing.
    var inProject: [String] { ["--project", project.path] }

    /// Parses `arguments` as `command` would be and runs it; the `--raw` fields.
    func run<Command: AsyncIexecCommand>(_ command: Command.Type, _ arguments: [String]) async throws -> [String: Any] {
        try await Command.parse(arguments).execute().fields
    }

    /// Runs `body` with a started world, shutting it down whatever happens.
    static func with<T>(genesis: Genesis = .dev(), _ body: (CLIWorld) async throws -> T) async throws -> T {
        let world = try await start(genesis: genesis)
        do {
            let result = try await body(world)
            await world.shutdown()
            return result
        } catch {
            await world.shutdown()
            throw error
        }
    }
}

extension CLIWorld {
    /// The project's files.
    var files: ProjectFiles { ProjectFiles(directory: project.path) }
}
