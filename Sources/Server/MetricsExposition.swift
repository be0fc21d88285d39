import Chain

/// The Prometheus text exposition (format 0.0.4) of `GET /metrics`, written by hand: a handful of
/// gauges and counters does not need a metrics library.
public enum MetricsExposition {
    /// The `Content-Type` of the exposition.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition of the node's counters and the JSON-RPC latency histograms.
    public static func render(node: NodeMetrics, rpc: RPCMetrics) -> String {
        var out = ""
        metric(&out, "iexec_chain_head_block", type: "gauge",
               help: "Number of the chain's head block.", value: String(node.headNumber))
        metric(&out, "iexec_chain_blocks_sealed_total", type: "counter",
               help: "Blocks sealed since the node started.", value: String(node.blocksSealed))
        metric(&out, "iexec_chain_transactions_total", type: "counter",
               help: "Transactions included in blocks sealed since the node started.",
               value: String(node.transactionsIncluded))
        metric(&out, "iexec_chain_mempool_pending", type: "gauge",
               help: "Acknowledged transactions waiting for a block.", value: String(node.pending))

        let series = rpc.snapshot().sorted { $0.key < $1.key }
        out += "# HELP iexec_rpc_request_duration_seconds Time to answer one JSON-RPC request, by method.\n"
        out += "# TYPE iexec_rpc_request_duration_seconds histogram\n"
        for (method, entry) in series {
            let label = "method=\"\(escape(method))\""
            var cumulative: UInt64 = 0
            for (index, bucket) in RPCMetrics.buckets.enumerated() {
                cumulative += entry.bucketCounts[index]
                out += "iexec_rpc_request_duration_seconds_bucket{\(label),le=\"\(bucket.label)\"} \(cumulative)\n"
            }
            out += "iexec_rpc_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(entry.count)\n"
            out += "iexec_rpc_request_duration_seconds_sum{\(label)} \(entry.sum)\n"
            out += "iexec_rpc_request_duration_seconds_count{\(label)} \(entry.count)\n"
        }
        out += "# HELP iexec_rpc_requests_total JSON-RPC requests answered, by method and outcome.\n"
        out += "# TYPE iexec_rpc_requests_total counter\n"
        for (method, entry) in series {
            for outcome in RPCOutcome.allCases {
                guard let count = entry.outcomes[outcome] else { continue }
                out += "iexec_rpc_requests_total{method=\"\(escape(method))\",outcome=\"\(outcome.rawValue)\"} \(count)\n"
            }
        }
        return out
    }

    static func metric(_ out: inout String, _ name: String, type: String, help: String, value: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }

    /// A label value as the format requires: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
