@testable import Chain
import ChainTestSupport
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("Server: /metrics in the Prometheus text format")
struct MetricsTests {
    @Test("histogram buckets are cumulative, +Inf counts everything, outcomes are counted per method")
    func histogram() {
        let metrics = RPCMetrics()
        metrics.record(method: "eth_call", duration: .microseconds(300), outcome: .success)   // ≤ 0.0005
        metrics.record(method: "eth_call", duration: .milliseconds(3), outcome: .error)        // ≤ 0.005
        metrics.record(method: "eth_call", duration: .seconds(2), outcome: .success)           // > 1
        let node = NodeMetrics(headNumber: 4, blocksSealed: 3, transactionsIncluded: 9, pending: 2)
        let text = MetricsExposition.render(node: node, rpc: metrics)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "iexec_chain_head_block 4", "iexec_chain_blocks_sealed_total 3", "iexec_chain_transactions_total 9",
            "iexec_chain_mempool_pending 2",
            "# TYPE iexec_rpc_request_duration_seconds histogram",
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="0.0005"} 1"#,
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="0.001"} 1"#,
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="0.0025"} 1"#,
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="0.005"} 2"#,
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="1"} 2"#,
            #"iexec_rpc_request_duration_seconds_bucket{method="eth_call",le="+Inf"} 3"#,
            #"iexec_rpc_request_duration_seconds_count{method="eth_call"} 3"#,
            #"iexec_rpc_requests_total{method="eth_call",outcome="success"} 2"#,
            #"iexec_rpc_requests_total{method="eth_call",outcome="error"} 1"#,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        let sum = lines.first { $0.hasPrefix(#"iexec_rpc_request_duration_seconds_sum{method="eth_call"} "#) }
        let value = sum.flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(value.map { abs($0 - 2.0033) < 1e-9 } == true)
        // Every sample line is `name{labels} value` or `name value`; every family has HELP and TYPE.
        for line in lines where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2, "bad sample line: \(line)")
        }
        #expect(text.components(separatedBy: "# TYPE ").count - 1 == 6)
    }

    @Test("label values are escaped and unbounded method names fold into `other`")
    func labels() {
        let metrics = RPCMetrics()
        metrics.record(method: "a\"b\\c\nd", duration: .zero, outcome: .error)
        let text = MetricsExposition.render(node: NodeMetrics(headNumber: 0, blocksSealed: 0, transactionsIncluded: 0, pending: 0),
                                            rpc: metrics)
        #expect(text.contains(#"iexec_rpc_requests_total{method="a\"b\\c\nd",outcome="error"} 1"#))
        for index in 0..<(RPCMetrics.maxMethodLabels + 10) {
            metrics.record(method: "m\(index)", duration: .zero, outcome: .error)
        }
        #expect(metrics.count(method: RPCMetrics.overflowLabel, outcome: .error) == 11)
    }

    @Test("GET /metrics reports blocks, transactions, mempool and the JSON-RPC requests served")
    func endpoint() async throws {
        let fixture = try await ServerFixture.make()
        let node = fixture.node
        let bob = DevChain.keys[2].address
        for nonce in 0..<3 as Range<UInt64> {
            let transfer = DevChain.transaction(from: 1, nonce: nonce, to: bob, value: 1, gasLimit: 21_000)
            _ = try await node.sendRawTransaction(transfer.rawBytes)
        }
        try await node.seal()
        let waiting = DevChain.transaction(from: 1, nonce: 3, to: bob, value: 1, gasLimit: 21_000)
        _ = try await node.sendRawTransaction(waiting.rawBytes)

        try await fixture.server.makeApplication().test(.router) { client in
            for body in [#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}"#,
                         #"{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}"#,
                         #"{"jsonrpc":"2.0","id":3,"method":"no_such"}"#] {
                _ = try await client.execute(uri: "/", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: body))
            }
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Set(response.text.split(separator: "\n").map(String.init))
            #expect(lines.contains("iexec_chain_head_block 1"))
            #expect(lines.contains("iexec_chain_blocks_sealed_total 1"))
            #expect(lines.contains("iexec_chain_transactions_total 3"))
            #expect(lines.contains("iexec_chain_mempool_pending 1"))
            #expect(lines.contains(#"iexec_rpc_requests_total{method="eth_blockNumber",outcome="success"} 2"#))
            #expect(lines.contains(#"iexec_rpc_requests_total{method="no_such",outcome="error"} 1"#))
            #expect(lines.contains(#"iexec_rpc_request_duration_seconds_count{method="eth_blockNumber"} 2"#))
        }
    }
}
