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
                throw BenchError("\(name) needs a non-negative integer")
            }
            return value
        }
        let operations = Int(try option("--ops", 1_000_000))
        let seed = try option("--seed", 20261124)
        let clock = ContinuousClock()
        let start = clock.now
        var driver = PropertyDriver(seed: seed, fullCheckInterval: 1000)
        let outcome = driver.run(operations: operations)
        let elapsed = clock.now - start
        let seconds = elapsed.inSeconds
        var replay = PropertyDriver(seed: seed, fullCheckInterval: 1000)
        let replayed = replay.run(operations: operations).digest == outcome.digest
        for violation in outcome.violations.prefix(20) { FileHandle.standardError.write(Data("violation: \(violation)\n".utf8)) }
        let extra: [String: any Sendable] = [
            "seed": seed, "operations": outcome.operations, "succeeded": outcome.succeeded, "reverted": outcome.reverted,
            "deals": outcome.dealsMatched, "tasksCompleted": outcome.tasksCompleted, "tasksClaimed": outcome.tasksClaimed,
            "violations": outcome.violations.count, "digest": outcome.digest.hex, "replayed": replayed,
        ]
        let results = [
            BenchResult(suite: suite, name: "property driver", value: Double(outcome.operations) / seconds, unit: "ops/s",
                        extra: extra),
            BenchResult(suite: suite, name: "invariant violations", value: Double(outcome.violations.count), unit: "count"),
        ]
        guard outcome.violations.isEmpty, replayed else {
            report(results)
            throw BenchError("\(outcome.violations.count) violations; replay \(replayed ? "matched" : "DIFFERED")")
        }
        return results
    }
}
