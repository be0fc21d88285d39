import AsyncHTTPClient
import Chain
import Ethereum
import Foundation
import Logging
import NIOCore
import Server

extension ChainSuite {
    /// The figure: the workload in JSON-RPC batches of `eth_sendRawTransaction` over HTTP to
    /// a node on loopback (Hummingbird, SQLite ledger), from `connections` concurrent clients.
    /// Throughput counts from the first request to the commit of the last transaction; latency runs
    /// from a batch's request to the commit of the block holding each of its transactions.
    ///
    /// With `pace` (transactions per second), each connection sends its batches on a schedule instead
    /// of as fast as it can: latency below saturation, rather than the queueing of a flood.
    func runOverHTTP(_ workload: ChainWorkload, batch: Int, pace: Double? = nil) async throws -> [BenchResult] {
        try await withNode(workload) { node in
            var logger = Logger(label: "iexec-bench.chain")
            logger.logLevel = .error
            let server = NodeServer(node: node, rpc: ChainRPCService(node: node),
                                    configuration: NodeServerConfiguration(port: 0))
            let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
            let group = NodeServices(server: server, logger: logger) { port in portSink.yield(port) }
                .makeGroup(handlingSignals: false)
            let events = await node.events()
            let bodies = requestBodies(workload, batch: batch)
            let client = HTTPClient.shared
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var portIterator = ports.makeAsyncIterator()
                guard let port = await portIterator.next() else { throw BenchError("the node did not start") }
                let url = "http://127.0.0.1:\(port)/"
                let clock = ContinuousClock()
                let start = clock.now
                async let committed = recordCommits(events, count: workload.raws.count, clock: clock)
                let sendTimes = try await withThrowingTaskGroup(of: [(Int, ContinuousClock.Instant)].self) { senders in
                    for connection in 0..<connections {
                        senders.addTask {
                            var times: [(Int, ContinuousClock.Instant)] = []
                            for index in stride(from: connection, to: bodies.count, by: connections) {
                                if let pace {
                                    try await clock.sleep(until: start + .seconds(Double(index * batch) / pace))
                                }
                                let sent = clock.now
                                try await post(bodies[index].body, to: url, client: client)
                                times += bodies[index].range.map { ($0, sent) }
                            }
                            return times
                        }
                    }
                    var all: [(Int, ContinuousClock.Instant)] = []
                    for try await part in senders { all += part }
                    return all
                }
                let (commits, blocks) = await committed
                let elapsed = clock.now - start
                let latencies = latencies(sent: sendTimes, hashes: workload.hashes, commits: commits)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                let label = pace.map { "HTTP paced at \(Int($0)) tx/s" } ?? "JSON-RPC over HTTP, SQLite ledger"
                var extra: [String: any Sendable] = ["batch": batch, "connections": connections]
                if let pace { extra["pace"] = pace }
                return summarize(label, workload: workload, elapsed: elapsed, latencies: latencies, blocks: blocks,
                                 extra: extra)
            }
        }
    }

    /// The batches as JSON-RPC request bodies, encoded before the clock starts.
    private func requestBodies(_ workload: ChainWorkload, batch: Int) -> [(range: Range<Int>, body: [UInt8])] {
        stride(from: 0, to: workload.raws.count, by: batch).map { offset in
            let range = offset..<min(offset + batch, workload.raws.count)
            let requests = range.map { index in
                "{\"jsonrpc\":\"2.0\",\"id\":\(index),\"method\":\"eth_sendRawTransaction\",\"params\":[\"\(Hex.encode(workload.raws[index], prefix: true))\"]}"
            }
            return (range, Array(("[" + requests.joined(separator: ",") + "]").utf8))
        }
    }

    /// Posts one batch and checks every answer is a result (a refusal fails the benchmark).
    private func post(_ body: [UInt8], to url: String, client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw BenchError("the node answered HTTP \(response.status.code)") }
        let text = String(buffer: bytes)
        if text.contains("\"error\"") { throw BenchError("the node refused a transaction: \(text.prefix(300))") }
    }
}
