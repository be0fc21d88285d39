import Client
import Devnet
import Ethereum
import Foundation
import PoCo
import Testing
import Worker

@testable import iexec

/// `iexec app run` against a node with a market: orders published by the test (app owner 1,
/// workerpool owner 2), requests made by account 3.
@Suite("iexec app run", .serialized)
struct AppRunCommandTests {
    static let appPrice: UInt64 = 1_000
    static let poolPrice: UInt64 = 2_000

    /// An app and a workerpool with open orders (category 0, trust `trust`); the pool owner staked.
    struct Market {
        var app: Address
        var pool: Address
    }

    static func market(_ world: CLIWorld, trust: UInt64 = 0) async throws -> Market {
        let app = try await world.registerApp(owner: 1)
        let pool = try await world.registerWorkerpool(owner: 2)
        try await world.deposit(2, nRLC: 1_000_000)
        try await world.publishAppOrder(app, owner: 1, price: appPrice)
        try await world.publishWorkerpoolOrder(pool, owner: 2, price: poolPrice, trust: trust)
        return Market(app: app, pool: pool)
    }

    @Test func makesTheDealAndLocksItsPriceThenWatchesUntilItsTimeout() async throws {
        try await CLIWorld.with { world in
            let market = try await Self.market(world)
            try await world.deposit(3, nRLC: 100_000)
            let before = try await world.escrow([1, 2, 3])
            let supply = try await world.chain.totalSupply()

            let fields = try await world.run(AppCommand.Run.self, [
                market.app.checksummed, "--args", "1000 '4 2'", "--input-files", "https://a.example/x.txt, https://b.example/y",
                "--volume", "2", "--raw",
            ] + world.wallet(3))

            let dealid = try Hash32(hex: try #require(fields["dealid"] as? String))
            let deal = try await world.chain.deal(dealid)
            let requester = world.key(3).address
            #expect(deal.app.pointer == market.app)
            #expect(deal.workerpool.pointer == market.pool)
            #expect(deal.requester == requester)
            #expect(deal.beneficiary == requester)
            #expect(deal.botSize == 2)
            #expect(deal.category == 0)
            let params = try DealParams(parsing: deal.params)
            #expect(params.args == ["1000", "4 2"])
            #expect(params.inputFiles == ["https://a.example/x.txt", "https://b.example/y"])
            #expect(fields["tasks"] as? [String] == [0, 1].map { PoCoIds.taskId(dealid: dealid, index: UInt256($0)).hex })
            #expect(fields["price"] as? String == "3000")

            // The requester's 2 × 3000 nRLC and the pool's stake (30 % of 2 × 2000) are frozen; nothing created.
            let after = try await world.escrow([1, 2, 3])
            let owner = world.key(2).address
            #expect(after[requester]?.balance == (before[requester]?.balance ?? .zero) - 6_000)
            #expect(after[requester]?.frozen == (before[requester]?.frozen ?? .zero) + 6_000)
            #expect(after[owner]?.balance == (before[owner]?.balance ?? .zero) - 1_200)
            #expect(after[owner]?.frozen == (before[owner]?.frozen ?? .zero) + 1_200)
            #expect(try await world.chain.totalSupply() == supply)
            #expect(Self.total(after) == Self.total(before))

            // With no workerpool running, --watch ends at its timeout with the task still UNSET.
            let watched = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--watch", "--timeout", "1", "--raw"]
                                                  + world.wallet(3))
            let watch = try #require(watched["watch"] as? [String: Any])
            #expect(watch["timedOut"] as? Bool == true)
            let tasks = try #require(watch["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["status"] as? String } == ["UNSET"])
        }
    }

    @Test func explainsWhatIsMissingOrRefusedAndSendsNothing() async throws {
        try await CLIWorld.with { world in
            let market = try await Self.market(world)
            try await world.deposit(3, nRLC: 100_000)
            try await world.deposit(4, nRLC: 5_000)
            let before = try await world.escrow([3, 4])
            let head = try await world.chain.head().number

            // No workerpool order of that category and trust: what is open is listed.
            let noPool = await #expect(throws: CLIError.self) {
                _ = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--category", "1", "--trust", "3"] + world.wallet(3))
            }
            #expect(noPool?.description.contains("no open workerpool order in category 1 with trust ≥ 3") == true)
            #expect(noPool?.description.contains("category 0, trust 0") == true)

            // An app without an order.
            let lonely = try await world.registerApp(owner: 1, name: "no order")
            let noApp = await #expect(throws: CLIError.self) {
                _ = try await world.run(AppCommand.Run.self, [lonely.checksummed] + world.wallet(3))
            }
            #expect(noApp?.description.contains("no open app order for app \(lonely.checksummed)") == true)

            // 2 tasks × 3000 nRLC with 5000 deposited.
            let poor = await #expect(throws: CLIError.self) {
                _ = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--volume", "2"] + world.wallet(4))
            }
            #expect(poor?.description.contains("iexec account deposit") == true)
            #expect(poor?.description.contains("6000 nRLC") == true)

            // A max price below the only workerpool order's price; params that are not an object.
            let dear = await #expect(throws: CLIError.self) {
                _ = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--workerpool-max-price", "1999"] + world.wallet(3))
            }
            #expect(dear?.description.contains("above --workerpool-max-price") == true)
            let bad = await #expect(throws: CLIError.self) {
                _ = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--params", "[1]"] + world.wallet(3))
            }
            #expect(bad?.description.contains("--params is not a JSON object") == true)

            // Only the registration of the lonely app was mined; no escrow moved.
            #expect(try await world.chain.head().number == head + 1)
            #expect(try await world.escrow([3, 4]) == before)

            // The app of deployed.json is the default.
            try world.files.setDeployed("app", chainId: world.chain.config.chainId, address: market.app)
            let fields = try await world.run(AppCommand.Run.self, world.wallet(3))
            #expect(fields["app"] as? String == market.app.checksummed)
        }
    }

    static func total(_ accounts: [Address: PoCo.Account]) -> UInt256 {
        accounts.values.reduce(UInt256.zero) { $0 + $1.balance + $1.frozen }
    }
}

/// The whole flow on an embedded devnet (node, market, storage, scheduler, three workers running
/// the π sample app): `app run --watch` until the tasks are completed by agreeing workers, then
/// `task show --download` verified against the on-chain digest and against a local run of the app.
@Suite("iexec app run on a devnet")
struct AppRunDevnetTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/apps/wasm")

    @Test func runsWatchesAndDownloadsAVerifiedResult() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-run-devnet-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let devnet = try await Devnet.start(DevnetConfiguration(
            dataDirectory: root.appendingPathComponent("devnet"), port: 0, schedulerPort: 0, workers: 3,
            apps: [Self.examples.appendingPathComponent("pi.wasm")], workerpoolOrderVolume: 20,
            schedulerTick: .milliseconds(100), workerPollInterval: 0.1, sandbox: { AppSandbox(executors: [WasmExecutor()]) }))
        do {
            try await flow(devnet.info, root: root)
        } catch {
            try? await devnet.stop()
            throw error
        }
        try await devnet.stop()
    }

    func flow(_ info: DevnetInfo, root: URL) async throws {
        let project = root.appendingPathComponent("project")
        let keystores = root.appendingPathComponent("keystore")
        try FileManager.default.createDirectory(at: keystores, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try ProjectFiles(directory: project.path).write("chain.json", ["default": "devnet", "chains": ["devnet": ["host": info.nodeURL]]])
        let user = info.accounts.user
        try Keystore.encrypt(user, password: "devnet", kdf: .light).jsonData
            .write(to: keystores.appendingPathComponent(Keystore.fileName(for: user.address)))
        let wallet = ["--project", project.path, "--wallet-address", user.address.checksummed,
                      "--keystoredir", keystores.path, "--password", "devnet"]
        let chain = try await RPCPoCoChain.connect(url: info.nodeURL)
        _ = try await chain.send(.escrow(.deposit), value: UInt256(1_000_000_000 as UInt64) * PoCoConstants.weiPerNRLC, signer: user)
        let app = try #require(info.state.apps.first { $0.name == "pi" })

        let fields = try await AppCommand.Run.parse([app.address.checksummed, "--args", "2000 3", "--trust", "100", "--volume", "2",
                                                     "--watch", "--timeout", "60", "--raw"] + wallet).execute().fields
        let watch = try #require(fields["watch"] as? [String: Any])
        #expect(watch["timedOut"] as? Bool == false)
        #expect(watch["completed"] as? Int == 2)
        for task in try #require(watch["tasks"] as? [[String: Any]]) {
            // Trust 100 with workers of score 150: two agreeing contributions make the consensus.
            #expect((task["contributions"] as? Int ?? 0) >= 2)
            #expect((task["reveals"] as? Int ?? 0) >= 2)
            #expect(task["finalized"] as? Bool == true)
        }
        let taskid = try #require((fields["tasks"] as? [String])?.first)

        // The app run locally in a worker's sandbox gives the digest the workers agreed on.
        let local = root.appendingPathComponent("local")
        let outcome = try await AppSandbox(executors: [WasmExecutor()]).execute(ExecutionRequest(
            app: Self.examples.appendingPathComponent("pi.wasm"), arguments: ["2000", "3"], inputDirectory: nil,
            outputDirectory: local, limits: ExecutionLimits(wallClockSeconds: 60)))
        let package = try ResultPackage.make(outputDirectory: local, outcome: outcome)

        let directory = root.appendingPathComponent("result")
        let shown = try await TaskCommand.Show.parse([taskid, "--download", directory.path, "--raw"] + wallet).execute().fields
        #expect(shown["status"] as? String == "COMPLETED")
        #expect(shown["resultDigest"] as? String == package.digest.hex)
        let files = try #require((shown["downloaded"] as? [String: Any])?["files"] as? [String])
        #expect(files.contains("computed.json"))
        for file in files {
            #expect(try Data(contentsOf: directory.appendingPathComponent(file)) == (try Data(contentsOf: local.appendingPathComponent(file))))
        }
    }
}
