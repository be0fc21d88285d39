import Chain
import Ethereum
import Foundation
import Ledger
import PoCo

/// `iexec-bench chain`: pre-signed mixed PoCo transactions through a node, durably committed.
///
/// Phases: the machine's secp256k1 recover rate on all cores (the ceiling: every transaction's
/// sender is recovered once); then the node itself, transactions handed to `sendRawTransactions`
/// in batches while a `BlockProducer` seals on demand.
struct ChainSuite {
    var senders = 200
    var perSender = 120
    var batch = 500
    var connections = 4
    /// Runs only the HTTP phase (for profiling).
    var httpOnly = false

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--http-only" {
                httpOnly = true
                continue
            }
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                throw BenchError("\(flag) needs a positive integer")
            }
            switch flag {
            case "--senders": senders = value
            case "--per-sender": perSender = value
            case "--batch": batch = value
            case "--connections": connections = value
            default: throw BenchError("unknown option \(flag) (options: --senders N --per-sender N --batch N --connections N --http-only)")
            }
        }
    }

    func run() async throws -> [BenchResult] {
        var results: [BenchResult] = []
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if httpOnly { return try await runOverHTTP(await ChainWorkload.make(senders: senders, perSender: perSender), batch: batch) }
        let ceiling = await recoverRate(cores: cores)
        results.append(BenchResult(suite: "chain", name: "secp256k1 recover, \(cores) cores (ceiling)", value: ceiling, unit: "ops/s"))
        let workload = await ChainWorkload.make(senders: senders, perSender: perSender)
        results.append(contentsOf: try await runPhases(workload))
        results.append(contentsOf: try await runInProcess(workload))
        results.append(contentsOf: try await runOverHTTP(workload, batch: batch))
        // Latency below saturation: a smaller workload at a steady 2,000 tx/s in batches of 100.
        let paced = await ChainWorkload.make(senders: 100, perSender: 60)
        results.append(contentsOf: try await runOverHTTP(paced, batch: 100, pace: 2_000))
        return results
    }

    /// Recovers signatures on every core at once for about a second.
    private func recoverRate(cores: Int) async -> Double {
        let key = try! PrivateKey(Keccak256.hash("recover ceiling").bytes)
        let digest = Keccak256.hash("message")
        let signature = key.sign(digest: digest)
        let clock = ContinuousClock()
        let start = clock.now
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<cores {
                group.addTask {
                    var count = 0
                    while clock.now - start < .seconds(1) {
                        for _ in 0..<100 { blackHole(try? signature.recoverAddress(digest: digest)) }
                        count += 100
                    }
                    return count
                }
            }
            var total = 0
            for await count in group { total += count }
            return total
        }
        return Double(counts) / (clock.now - start).inSeconds
    }

    /// A node on a fresh SQLite ledger in a temporary directory, removed after `body`.
    func withNode<T>(_ workload: ChainWorkload, _ body: (ChainNode) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-bench-chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteChainStore(path: directory.appendingPathComponent("chain.sqlite").path)
        let node = try await ChainNode.open(store: store, genesis: workload.genesis)
        return try await body(node)
    }

    /// Where the time goes: admitting everything with no block sealed, then sealing it all.
    private func runPhases(_ workload: ChainWorkload) async throws -> [BenchResult] {
        try await withNode(workload) { node in
            let clock = ContinuousClock()
            let total = workload.raws.count
            let start = clock.now
            for offset in stride(from: 0, to: total, by: batch) {
                for result in await node.sendRawTransactions(Array(workload.raws[offset..<min(offset + batch, total)])) {
                    _ = try result.get()
                }
            }
            let admitted = clock.now
            var blocks = 0
            while try await node.seal() != nil { blocks += 1 }
            let sealed = clock.now
            return [
                BenchResult(suite: "chain", name: "admission only (decode, recover, durable pending)",
                            value: Double(total) / (admitted - start).inSeconds, unit: "tx/s"),
                BenchResult(suite: "chain", name: "sealing only (execute, commit)",
                            value: Double(total) / (sealed - admitted).inSeconds, unit: "tx/s", extra: ["blocks": blocks]),
            ]
        }
    }

    /// The node without transport: batches to `sendRawTransactions`, a producer sealing on demand.
    private func runInProcess(_ workload: ChainWorkload) async throws -> [BenchResult] {
        try await withNode(workload) { node in try await measureStream(node, workload) }
    }

    private func measureStream(_ node: ChainNode, _ workload: ChainWorkload) async throws -> [BenchResult] {
        let events = await node.events()
        let total = workload.raws.count
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await BlockProducer(node: node).run() }
            async let committed = recordCommits(events, count: total, clock: clock)
            let sendTimes = try await withThrowingTaskGroup(of: [(Int, ContinuousClock.Instant)].self) { senders in
                senders.addTask {
                    var times: [(Int, ContinuousClock.Instant)] = []
                    for offset in stride(from: 0, to: total, by: batch) {
                        let slice = Array(workload.raws[offset..<min(offset + batch, total)])
                        let now = clock.now
                        let results = await node.sendRawTransactions(slice)
                        for (index, result) in results.enumerated() {
                            _ = try result.get()
                            times.append((offset + index, now))
                        }
                    }
                    return times
                }
                var all: [(Int, ContinuousClock.Instant)] = []
                for try await part in senders { all += part }
                return all
            }
            let (commits, blocks) = await committed
            let elapsed = clock.now - start
            let latencies = latencies(sent: sendTimes, hashes: workload.hashes, commits: commits)
            group.cancelAll()
            return summarize("in-process node, SQLite ledger", workload: workload, elapsed: elapsed, latencies: latencies,
                             blocks: blocks, extra: ["batch": batch])
        }
    }

    /// Reads block events as they come, until `count` transactions are in blocks: each one's commit
    /// instant (read concurrently with the sending, so a buffered event is not timed late).
    func recordCommits(
        _ events: AsyncStream<ChainEvent>, count: Int, clock: ContinuousClock
    ) async -> (commits: [Hash32: ContinuousClock.Instant], blocks: Int) {
        var commits = [Hash32: ContinuousClock.Instant](minimumCapacity: count)
        var blocks = 0
        for await event in events {
            let now = clock.now
            blocks += 1
            for hash in event.block.transactionHashes { commits[hash] = now }
            if commits.count >= count { break }
        }
        return (commits, blocks)
    }

    /// Each transaction's submit→commit time, sorted.
    func latencies(sent: [(Int, ContinuousClock.Instant)], hashes: [Hash32],
                   commits: [Hash32: ContinuousClock.Instant]) -> [Duration] {
        sent.compactMap { index, instant in commits[hashes[index]].map { $0 - instant } }.sorted()
    }

    /// Throughput and latency percentiles of one run.
    func summarize(_ label: String, workload: ChainWorkload, elapsed: Duration, latencies: [Duration], blocks: Int,
                   extra: [String: any Sendable]) -> [BenchResult] {
        let total = workload.raws.count
        var fields = extra
        fields["transactions"] = total
        fields["blocks"] = blocks
        fields["senders"] = workload.senders
        let p50 = latencies.isEmpty ? 0 : latencies[latencies.count / 2].inSeconds * 1000
        let p99 = latencies.isEmpty ? 0 : latencies[latencies.count * 99 / 100].inSeconds * 1000
        return [
            BenchResult(suite: "chain", name: "\(label): tx/s", value: Double(total) / elapsed.inSeconds, unit: "tx/s",
                        extra: fields),
            BenchResult(suite: "chain", name: "\(label): submit→receipt p50", value: p50, unit: "ms"),
            BenchResult(suite: "chain", name: "\(label): submit→receipt p99", value: p99, unit: "ms"),
        ]
    }
}
