import Client
import Ethereum
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Market
import PoCo
import Scheduler
import Testing

/// What a pool's operator relies on: its orders kept on the market, and its metrics.
@Suite("End to end: the pool's orders and metrics", .serialized, .timeLimit(.minutes(3)))
struct PoolOperationsTests {
    @Test("the order keeper keeps two orders open and replaces one a deal filled")
    func ordersAreKept() async throws {
        let cluster = try await Cluster.start()
        do {
            let market = MarketClient(baseURL: cluster.nodeURL, httpClient: cluster.http)
            let keeper = OrderKeeper(market: market, key: Cluster.key(Cluster.poolOwner), workerpool: cluster.workerpool,
                                     domain: cluster.chain.config.domain,
                                     policy: WorkerpoolOrderPolicy(price: 100, volume: 1, trust: 1, openOrders: 2))
            let open = OrderQuery(kind: .workerpool, workerpool: cluster.workerpool)
            #expect(try await keeper.replenish() == 2)
            #expect(try await keeper.replenish() == 0, "two are open already")
            let published = try await market.orders(open).orders
            #expect(published.count == 2)
            guard case .workerpool(let filled)? = published.first?.order else {
                Issue.record("the market lists no workerpool order")
                await cluster.shutdown()
                return
            }
            // A requester's deal takes one of them (volume 1): the market sees it FILLED.
            _ = try await cluster.makeDeal(volume: 1, trust: 1, params: PoolEndToEndTests.params, poolOrder: filled)
            #expect(try await cluster.waitUntil { try await market.orders(open).total == 1 })
            #expect(try await keeper.replenish() == 1)
            let now = try await market.orders(open).orders.map(\.orderHash)
            #expect(now.count == 2 && !now.contains(filled.hash(in: cluster.chain.config.domain)))
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("the scheduler's /metrics and /scheduler/status report the deal it ran")
    func metricsAndStatus() async throws {
        let cluster = try await Cluster.start()
        do {
            let (_, port) = try await cluster.startScheduler()
            _ = try await cluster.startWorker(4, schedulerPort: port)
            let deal = try await cluster.makeDeal(volume: 2, trust: 1, params: PoolEndToEndTests.params)
            #expect(try await cluster.waitFor(cluster.tasks(of: deal, volume: 2), status: .completed, timeout: 60))
            let metrics = try await fetch("http://127.0.0.1:\(port)/metrics")
            #expect(metrics.contains("iexec_scheduler_assignments_total 2"))
            #expect(metrics.contains(#"iexec_scheduler_transactions_total{function="initializeArray",outcome="mined"} 1"#))
            #expect(try await cluster.waitUntil {
                try await fetch("http://127.0.0.1:\(port)/metrics").contains(#"iexec_scheduler_tasks{phase="completed"} 2"#)
            })
            let status = try JSONValue(parsing: try await fetch("http://127.0.0.1:\(port)/scheduler/status"))
            #expect(status["deals"] == .number("1"))
            #expect(status["workers"]?["alive"] == .number("1"))
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    private func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}
