import Ethereum
import Foundation
import Scheduler

/// The scheduler's answers that are not worker-API messages: its status (JSON) and its metrics
/// (Prometheus text).
enum SchedulerJSON {
    /// Keys sorted, slashes unescaped: stable answers.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `GET /scheduler/status`.
    static func status(_ status: SchedulerStatus) -> JSONValue {
        func counts<Phase: RawRepresentable & CaseIterable & Hashable>(_ byPhase: [Phase: Int]) -> JSONValue
            where Phase.RawValue == String {
            .object(Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.rawValue, .number(String(byPhase[$0] ?? 0))) }))
        }
        return .object([
            "cursor": status.cursor.map { .number(String($0)) } ?? .null,
            "head": status.head.map { .object(["number": .number(String($0.number)), "timestamp": .number(String($0.timestamp))]) } ?? .null,
            "deals": .number(String(status.deals)),
            "tasks": counts(status.tasksByPhase),
            "replicates": counts(status.replicatesByPhase),
            "workers": .object(["alive": .number(String(status.workersAlive)), "idle": .number(String(status.workersIdle)),
                                 "known": .number(String(status.workersKnown))]),
            "assignments": .number(String(status.counters.assignments)),
            "transactions": .object(status.counters.transactions.mapValues { .number(String($0)) }),
            "transactionErrors": .object(status.counters.transactionErrors.mapValues { .number(String($0)) }),
        ])
    }

    /// `GET /metrics` of a scheduler served alone.
    static func metrics(_ status: SchedulerStatus) -> String {
        var out = ""
        MetricsExposition.metric(&out, "iexec_scheduler_cursor_block", type: "gauge",
                                 help: "Last block whose logs the scheduler processed.", value: String(status.cursor ?? 0))
        MetricsExposition.metric(&out, "iexec_scheduler_workers_alive", type: "gauge",
                                 help: "Workers logged in and not lost.", value: String(status.workersAlive))
        MetricsExposition.metric(&out, "iexec_scheduler_assignments_total", type: "counter",
                                 help: "Replicates handed out since the scheduler started.",
                                 value: String(status.counters.assignments))
        MetricsExposition.metric(&out, "iexec_scheduler_workers_lost_total", type: "counter",
                                 help: "Workers counted lost after a silence.", value: String(status.counters.workersLost))
        MetricsExposition.metric(&out, "iexec_scheduler_replicates_lost_total", type: "counter",
                                 help: "Replicates taken back from lost or stuck workers.",
                                 value: String(status.counters.replicatesLost))
        out += "# HELP iexec_scheduler_tasks Tasks known to the scheduler, by phase.\n# TYPE iexec_scheduler_tasks gauge\n"
        for phase in TaskPhase.allCases {
            out += "iexec_scheduler_tasks{phase=\"\(phase.rawValue)\"} \(status.tasksByPhase[phase] ?? 0)\n"
        }
        out += "# HELP iexec_scheduler_transactions_total Transactions sent by the scheduler, by function and outcome.\n"
        out += "# TYPE iexec_scheduler_transactions_total counter\n"
        for (function, count) in status.counters.transactions.sorted(by: { $0.key < $1.key }) {
            out += "iexec_scheduler_transactions_total{function=\"\(MetricsExposition.escape(function))\",outcome=\"mined\"} \(count)\n"
        }
        for (function, count) in status.counters.transactionErrors.sorted(by: { $0.key < $1.key }) {
            out += "iexec_scheduler_transactions_total{function=\"\(MetricsExposition.escape(function))\",outcome=\"failed\"} \(count)\n"
        }
        return out
    }

    /// A decoding error in a sentence: which field, what was wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map(\.stringValue).joined(separator: ".")
            return joined.isEmpty ? "the body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
