import Synchronization

/// How a JSON-RPC request ended, as `iexec_rpc_requests_total` labels it.
public enum RPCOutcome: String, Sendable, Hashable, CaseIterable {
    /// A result was returned.
    case success
    /// An error object was returned (invalid params, revert, refused transaction…).
    case error
}

/// JSON-RPC latency and counts per method, for `/metrics`: a Prometheus histogram
/// (`iexec_rpc_request_duration_seconds`) and a counter (`iexec_rpc_requests_total`).
///
/// Thread-safe; recording is a short critical section. The method label is the request's
/// `method`; past ``maxMethodLabels`` distinct names, further unknown names count as `other`, so a
/// client sending random method names cannot grow the exposition without bound.
public final class RPCMetrics: Sendable {
    /// Upper bounds of the histogram buckets in seconds (0.5 ms … 1 s), with their exposition text.
    public static let buckets: [(bound: Double, label: String)] = [
        (0.0005, "0.0005"), (0.001, "0.001"), (0.0025, "0.0025"), (0.005, "0.005"), (0.01, "0.01"),
        (0.025, "0.025"), (0.05, "0.05"), (0.1, "0.1"), (0.25, "0.25"), (0.5, "0.5"), (1, "1"),
    ]
    /// The most distinct method labels kept.
    public static let maxMethodLabels = 128
    /// The label of methods past ``maxMethodLabels``.
    public static let overflowLabel = "other"

    /// One method's histogram and outcome counts.
    struct Series: Sendable {
        /// Non-cumulative counts per bucket; the last entry counts durations above the last bound.
        var bucketCounts = [UInt64](repeating: 0, count: RPCMetrics.buckets.count + 1)
        var sum: Double = 0
        var count: UInt64 = 0
        var outcomes: [RPCOutcome: UInt64] = [:]
    }

    private let series = Mutex<[String: Series]>([:])

    /// Empty metrics.
    public init() {}

    /// Records one request of `method` that took `duration` and ended with `outcome`.
    public func record(method: String, duration: Duration, outcome: RPCOutcome) {
        let seconds = max(0, Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
        let bucket = Self.buckets.firstIndex { seconds <= $0.bound } ?? Self.buckets.count
        series.withLock { series in
            var label = method
            if series[label] == nil, series.count >= Self.maxMethodLabels { label = Self.overflowLabel }
            var entry = series[label] ?? Series()
            entry.bucketCounts[bucket] += 1
            entry.sum += seconds
            entry.count += 1
            entry.outcomes[outcome, default: 0] += 1
            series[label] = entry
        }
    }

    /// Requests recorded for `method` with `outcome`.
    public func count(method: String, outcome: RPCOutcome) -> UInt64 {
        series.withLock { $0[method]?.outcomes[outcome] ?? 0 }
    }

    /// A copy of every series, by method.
    func snapshot() -> [String: Series] { series.withLock { $0 } }
}
