import Foundation
import PoCo

/// `soak [--ops N] [--seed S]`: the PoCo property driver for a million operations (default) in a
/// release build — random valid and invalid calls from many actors, conservation checked after every
/// call, the whole state compared on every 1000th call and on a revert there — then the same seed
/// again to check the final state digest replays.
struct SoakSuite {
    let suite = "soak"

    func run() throws -> [BenchResult] {
        let arguments = Array(CommandLine.arguments.dropFirst(2))
        func option(_ name: String, _ fallback: UInt64) throws -> UInt64 {
            guard let index = arguments.firstIndex(of: name) else { return fallback }
            guard index + 1 < arguments.count, let value = UInt64(arguments[index + 1]) else {
                throw SoakError("\(name) needs a non-negative integer")
            }
            return value
        }
        let operations = Int(try option("--ops", 1_000_000))
        let seed = try option("--seed", 20261124)
        let clock = ContinuousClock()
        let start = clock.now
        var driver = PropertyDriver(seed: seed, fullCheckInterval: 1000)
        let report = driver.run(operations: operations)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var replay = PropertyDriver(seed: seed, fullCheckInterval: 1000)
        let replayed = replay.run(operations: operations).digest == report.digest
        for violation in report.violations.prefix(20) { FileHandle.standardError.write(Data("violation: \(violation)\n".utf8)) }
        let extra: [String: any Sendable] = [
            "seed": seed, "operations": report.operations, "succeeded": report.succeeded, "reverted": report.reverted,
            "deals": report.dealsMatched, "tasksCompleted": report.tasksCompleted, "tasksClaimed": report.tasksClaimed,
            "violations": report.violations.count, "digest": report.digest.hex, "replayed": replayed,
        ]
        let results = [
            BenchResult(suite: suite, name: "property driver", value: Double(report.operations) / seconds, unit: "ops/s",
                        extra: extra),
            BenchResult(suite: suite, name: "invariant violations", value: Double(report.violations.count), unit: "count"),
        ]
        guard report.violations.isEmpty, replayed else {
            report_(results)
            throw SoakError("\(report.violations.count) violations; replay \(replayed ? "matched" : "DIFFERED")")
        }
        return results
    }
}

private func report_(_ results: [BenchResult]) { report(results) }

struct SoakError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
