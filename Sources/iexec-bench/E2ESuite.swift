import Client
import Devnet
import Ethereum
import Foundation
import PoCo
import Worker

/// `iexec-bench e2e [--tasks N] [--workers W] [--slots S] [--deal-size D] [--samples K]`: the whole
/// system on an embedded devnet (node, market, storage, scheduler, workers talking HTTP on
/// loopback; ledger and stores in SQLite) running a trivial Wasm app (the π estimator on 100
/// samples), at trust 1 and at trust 100,000 — which takes exactly three agreeing replicas of
/// workers of reputation 150–950 (group weight w³ reaches it, w² does not).
///
/// For each mode: request→finalized latency of one task at a time (K deals of one task, each
/// sent when the previous one is finalized), then throughput: N tasks in deals of D sent at
/// once, counted as their `TaskFinalize` logs appear; the latency of those tasks under load too.
struct E2ESuite {
    var tasks = 1_000
    var workers = 4
    var slots = 4
    var dealSize = 100
    var samples = 30

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst().flatMap(Int.init), value > 0 else {
                throw BenchError("e2e: \(option) takes a positive number (options: --tasks, --workers, --slots, --deal-size, --samples)")
            }
            switch option {
            case "--tasks": tasks = value
            case "--workers": workers = value
            case "--slots": slots = value
            case "--deal-size": dealSize = value
            case "--samples": samples = value
            default: throw BenchError("e2e: unknown option \(option) (options: --tasks, --workers, --slots, --deal-size, --samples)")
            }
        }
    }

    static let app = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/apps/wasm/pi.wasm")

    func run() async throws -> [BenchResult] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-bench-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = DevnetConfiguration(
            dataDirectory: directory, port: 0, schedulerPort: 0, workers: workers, slotsPerWorker: slots, apps: [Self.app],
            workerpoolOrderVolume: 1_000_000, workerpoolOpenOrders: 1, workerpoolTrust: 1_000_000,
            schedulerTick: .milliseconds(50), workerPollInterval: 0.02, sandbox: { AppSandbox(executors: [WasmExecutor()]) })
        let devnet = try await Devnet.start(configuration)
        do {
            let results = try await measure(devnet.info)
            try await devnet.stop()
            return results
        } catch {
            try? await devnet.stop()
            throw error
        }
    }

    private func measure(_ info: DevnetInfo) async throws -> [BenchResult] {
        let chain = try await RPCPoCoChain.connect(url: info.nodeURL)
        let user = info.accounts.user
        let perTask = UInt64(11_000_000)
        let needed = UInt64((tasks + samples) * 2) * perTask
        _ = try await chain.send(.escrow(.deposit), value: UInt256(needed) * PoCoConstants.weiPerNRLC, signer: user)
        let maker = DealMaker(chain: chain, market: MarketClient(baseURL: info.nodeURL), requester: user)
        guard let app = info.state.apps.first?.address else { throw BenchError("e2e: the devnet registered no app") }
        var results: [BenchResult] = []
        for (mode, trust) in [("trust 1", UInt64(1)), ("3 replicas", UInt64(100_000))] {
            let watcher = FinalizeWatcher(chain: chain, from: try await chain.head().number)
            let single = try await latency(maker: maker, app: app, trust: trust, watcher: watcher, mode: mode)
            let loaded = try await throughput(maker: maker, app: app, trust: trust, watcher: watcher, mode: mode)
            results += [
                BenchResult(suite: "e2e", name: "\(mode): latency p50 (one task at a time)", value: single.p50 * 1000, unit: "ms",
                            extra: ["samples": samples]),
                BenchResult(suite: "e2e", name: "\(mode): latency p99 (one task at a time)", value: single.p99 * 1000, unit: "ms",
                            extra: ["samples": samples]),
                BenchResult(suite: "e2e", name: "\(mode): verified tasks/s", value: loaded.rate, unit: "tasks/s",
                            extra: ["tasks": tasks, "dealSize": dealSize, "workers": workers, "slots": slots,
                                    "contributionsPerTask": loaded.contributionsPerTask]),
                BenchResult(suite: "e2e", name: "\(mode): latency p50 under load", value: loaded.p50 * 1000, unit: "ms"),
                BenchResult(suite: "e2e", name: "\(mode): latency p99 under load", value: loaded.p99 * 1000, unit: "ms"),
            ]
        }
        return results
    }

    private func latency(maker: DealMaker, app: Address, trust: UInt64, watcher: FinalizeWatcher,
                         mode: String) async throws -> (p50: Double, p99: Double) {
        var latencies: [Double] = []
        for sample in 0..<samples {
            let start = Date()
            let deal = try await maker.deal(app: app, volume: 1, trust: trust, params: DealParams(args: ["100", "\(sample)"]),
                                            salt: "\(mode) latency \(sample)")
            let task = PoCoIds.taskId(dealid: deal, index: .zero)
            let done = try await watcher.waitFor([task], timeout: 60)
            guard let finished = done[task] else { throw BenchError("e2e \(mode): task \(task.hex) not finalized within 60 s") }
            latencies.append(finished.timeIntervalSince(start))
        }
        return (percentile(latencies, 0.5), percentile(latencies, 0.99))
    }

    private func throughput(maker: DealMaker, app: Address, trust: UInt64, watcher: FinalizeWatcher,
                            mode: String) async throws -> (rate: Double, p50: Double, p99: Double, contributionsPerTask: Double) {
        var submitted: [Hash32: Date] = [:]
        let start = Date()
        var left = tasks
        var index = 0
        while left > 0 {
            let volume = min(dealSize, left)
            let sent = Date()
            let deal = try await maker.deal(app: app, volume: UInt64(volume), trust: trust, params: DealParams(args: ["100", "\(index)"]),
                                            salt: "\(mode) load \(index)")
            for task in 0..<volume { submitted[PoCoIds.taskId(dealid: deal, index: UInt256(task))] = sent }
            left -= volume
            index += 1
        }
        let done = try await watcher.waitFor(Array(submitted.keys), timeout: Double(tasks) / 5 + 120)
        guard done.count == submitted.count else {
            throw BenchError("e2e \(mode): \(submitted.count - done.count) of \(submitted.count) tasks not finalized in time")
        }
        let end = done.values.max() ?? start
        let latencies = submitted.map { task, sent in done[task]!.timeIntervalSince(sent) }
        let contributions = try await watcher.contributions(of: Set(submitted.keys))
        return (Double(tasks) / end.timeIntervalSince(start), percentile(latencies, 0.5), percentile(latencies, 0.99),
                Double(contributions) / Double(tasks))
    }

    private func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}

/// Follows `TaskFinalize` logs (polling `eth_getLogs` every 10 ms) and notes when each task's
/// finalization was first seen.
final class FinalizeWatcher: @unchecked Sendable {
    private let chain: RPCPoCoChain
    private let start: UInt64
    private var cursor: UInt64
    private var seen: [Hash32: Date] = [:]

    init(chain: RPCPoCoChain, from block: UInt64) {
        self.chain = chain
        self.start = block
        self.cursor = block
    }

    /// When each of `tasks` was seen finalized; returns at once when all were, else at `timeout`.
    func waitFor(_ tasks: [Hash32], timeout: Double) async throws -> [Hash32: Date] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let head = try await chain.head().number
            if head >= cursor {
                let now = Date()
                for log in try await chain.logs(ChainLogFilter(fromBlock: cursor, toBlock: head, topics: [[HubEvent.finalizeTopic]])) {
                    if log.topics.count > 1, seen[log.topics[1]] == nil { seen[log.topics[1]] = now }
                }
                cursor = head + 1
            }
            if tasks.allSatisfy({ seen[$0] != nil }) { break }
            try await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        return tasks.reduce(into: [:]) { found, task in found[task] = seen[task] }
    }

    /// `TaskContribute` logs of `tasks` since the watcher started.
    func contributions(of tasks: Set<Hash32>) async throws -> Int {
        try await chain.logs(ChainLogFilter(fromBlock: start, topics: [[HubEvent.contributeTopic]]))
            .filter { $0.topics.count > 1 && tasks.contains($0.topics[1]) }.count
    }
}
