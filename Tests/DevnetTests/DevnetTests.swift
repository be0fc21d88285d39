import Client
import Devnet
import Ethereum
import Foundation
import Market
import PoCo
import Testing
import Worker

/// The embedded devnet: one process running node, market, storage, scheduler and workers that
/// talk HTTP on loopback; provisioned once, resumed from its files.
@Suite("Devnet")
struct DevnetTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/apps/wasm")

    static func configuration(in directory: URL, workers: Int) -> DevnetConfiguration {
        DevnetConfiguration(dataDirectory: directory, port: 0, schedulerPort: 0, workers: workers,
                            apps: [examples.appendingPathComponent("pi.wasm")], workerpoolOrderVolume: 20,
                            schedulerTick: .milliseconds(100), workerPollInterval: 0.1,
                            sandbox: { AppSandbox(executors: [WasmExecutor()]) })
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("devnet-\(UUID().uuidString)")
    }

    /// Σ (balance + frozen) of every devnet account and the kitty, and the total supply.
    static func escrowHeld(_ chain: RPCPoCoChain, _ accounts: DevnetAccounts) async throws -> (held: UInt256, supply: UInt256) {
        var held = UInt256.zero
        for key in accounts.keys {
            let account = try await chain.account(key.address)
            held += account.balance + account.frozen
        }
        let kitty = try await chain.account(PoCoConstants.kittyAddress)
        return (held + kitty.balance + kitty.frozen, try await chain.totalSupply())
    }

    @Test func runsADealEndToEndAndResumesFromItsFiles() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await Devnet.start(Self.configuration(in: directory, workers: 2))
        let info = first.info
        let chain = try await RPCPoCoChain.connect(url: info.nodeURL)
        let market = MarketClient(baseURL: info.nodeURL)
        #expect(info.state.apps.map(\.name) == ["pi"])
        let app = try #require(info.state.apps.first)
        let onChain = try await chain.app(app.address)
        #expect(onChain.owner == info.accounts.appOwner.address)
        #expect(try await chain.workerpool(info.state.workerpool).owner == info.accounts.workerpoolOwner.address)
        #expect(try await chain.account(info.accounts.worker(1).address).balance == UInt256(1_000_000_000_000 as UInt64))
        #expect(try await chain.score(info.accounts.worker(0).address) == UInt256(150))
        let pools = try await market.orders(OrderQuery(kind: .workerpool, workerpool: info.state.workerpool))
        #expect(pools.total == 2)

        // Account 0 buys two tasks of π at trust 1 with the market's orders.
        let user = info.accounts.user
        _ = try await chain.send(.escrow(.deposit), value: UInt256(1_000_000_000 as UInt64) * PoCoConstants.weiPerNRLC, signer: user)
        let deal = try await DealMaker(chain: chain, market: market, requester: user)
            .deal(app: app.address, volume: 2, params: DealParams(args: ["2000", "3"]))
        let tasks = (0..<2).map { PoCoIds.taskId(dealid: deal, index: UInt256($0)) }
        var completed = false
        for _ in 0..<300 where !completed {
            var statuses: [TaskStatus] = []
            for task in tasks { statuses.append(try await chain.task(task).status) }
            completed = statuses.allSatisfy { $0 == .completed }
            if !completed { try await _Concurrency.Task.sleep(for: .milliseconds(100)) }
        }
        #expect(completed, "the devnet's workers completed both tasks")
        // Paid: 2 tasks × (app 0.001 RLC + workerpool 0.01 RLC) left the requester's escrow.
        #expect(try await chain.account(user.address).balance == UInt256(1_000_000_000 - 2 * 11_000_000 as UInt64))
        let deposited = UInt256(1_000_000_000_000 as UInt64) * 3 + UInt256(1_000_000_000 as UInt64)
        let before = try await Self.escrowHeld(chain, info.accounts)
        #expect(before.held == deposited && before.supply == deposited, "money is conserved")
        try await first.stop()

        // Restarted with a third worker: same chain, workerpool and app; only the new stake is added.
        let second = try await Devnet.start(Self.configuration(in: directory, workers: 3))
        #expect(second.info.state.workerpool == info.state.workerpool)
        #expect(second.info.state.apps == info.state.apps)
        let resumed = try await RPCPoCoChain.connect(url: second.info.nodeURL)
        #expect(try await resumed.task(tasks[0]).status == .completed)
        #expect(try await resumed.account(second.info.accounts.worker(2).address).balance == UInt256(1_000_000_000_000 as UInt64))
        let after = try await Self.escrowHeld(resumed, second.info.accounts)
        #expect(after.held == deposited + UInt256(1_000_000_000_000 as UInt64) && after.supply == after.held)
        try await second.stop()
    }

    @Test func refusesABadConfigurationOrAForeignStateFile() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = Self.configuration(in: directory, workers: 2)
        configuration.misbehaviours = [5: .lie]
        await #expect(throws: DevnetError.configuration("misbehaving worker 5 does not exist (workers are 0…1)")) {
            try await Devnet.start(configuration)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: directory.appendingPathComponent("devnet.json"))
        let error = await #expect(throws: DevnetError.self) { try await Devnet.start(Self.configuration(in: directory, workers: 1)) }
        #expect(error?.description.contains("devnet.json is unreadable") == true)
    }
}
