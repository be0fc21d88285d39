import Foundation
import PoCo

/// `sabotage`: accepted-error rate, replicas per task and earnings of honest and lying workers under
/// PoCo v5 (the real engine), BOINC adaptive replication and fixed 2-of-2 / 2-of-3 voting, for each
/// liar fraction, collusion setting, lie rate and trust (issue #3, item 5). Every row starts from the
/// same seed, so every scheme faces the same liars. Prints the table, then (through `report`) one
/// JSON line per row.
struct SabotageSuite: Sendable {
    let suite = "sabotage"
    let options: SabotageOptions

    init(arguments: [String]) throws {
        options = try SabotageOptions(arguments: arguments)
    }

    /// One configuration's figures.
    struct Row: Sendable {
        var scheme: SabotageScheme
        var parameters: SabotageParameters
        var trust: UInt64
        var tally: SabotageTally
        var honestEarnings: Double
        var liarEarnings: Double
        var seconds: Double
    }

    func run() throws -> [BenchResult] {
        var configurations: [(SabotageScheme, SabotageParameters, UInt64)] = []
        for trust in options.trusts {
            for lieRate in options.lieRates {
                for liarFraction in options.liarFractions {
                    for collusion in options.collusion {
                        let parameters = try SabotageParameters(workers: options.workers, liarFraction: liarFraction,
                                                                lieRate: lieRate, collusion: collusion)
                        configurations += options.schemes.map { ($0, parameters, trust) }
                    }
                }
            }
        }
        let rows = configurations
        printHeader()
        // Rows are independent and each draws from its own generator, so running them on several
        // threads changes no figure; each is printed, in order, as soon as those before it are.
        let board = RowBoard(count: rows.count)
        let clock = ContinuousClock()
        let start = clock.now
        DispatchQueue.concurrentPerform(iterations: min(options.jobs, rows.count)) { _ in
            while let index = board.claim() {
                let (scheme, parameters, trust) = rows[index]
                do {
                    board.finish(index, with: .success(try runRow(scheme, parameters: parameters, trust: trust)),
                                 print: printRow)
                } catch {
                    board.finish(index, with: .failure(error), print: printRow)
                }
            }
        }
        let elapsed = clock.now - start
        print("(\(rows.count) rows in \(elapsed.components.seconds) s on \(options.jobs) threads)\n")
        return try board.rows().map(result)
    }

    private func runRow(_ scheme: SabotageScheme, parameters: SabotageParameters, trust: UInt64) throws -> Row {
        let clock = ContinuousClock()
        let start = clock.now
        let (population, tally): (Population, SabotageTally)
        switch scheme {
        case .pocoV5:
            var ledger = try PoCoEngineLedger(workers: parameters.workers, trust: trust, tasks: options.tasks)
            (population, tally) = try PoCoSimulation.run(on: &ledger, parameters: parameters, trust: trust,
                                                         tasks: options.tasks, seed: options.seed)
        case .pocoV5Model:
            var ledger = PoCoModelLedger(workers: parameters.workers, trust: trust)
            (population, tally) = try PoCoSimulation.run(on: &ledger, parameters: parameters, trust: trust,
                                                         tasks: options.tasks, seed: options.seed)
        case .boincAdaptive, .vote2of2, .vote2of3:
            let simple = ReplicationScheme(rawValue: scheme.rawValue) ?? .vote2of2
            (population, tally) = try ReplicationSimulation.run(simple, parameters: parameters, tasks: options.tasks,
                                                                seed: options.seed)
        }
        let elapsed = clock.now - start
        return Row(scheme: scheme, parameters: parameters, trust: trust, tally: tally,
                   honestEarnings: tally.meanEarnings(where: { !population.isLiar[$0] }),
                   liarEarnings: tally.meanEarnings(where: { population.isLiar[$0] }),
                   seconds: elapsed.inSeconds)
    }

    private static let columns: [(title: String, width: Int)] = [
        ("scheme", 14), ("f", 5), ("collusion", 9), ("s", 6), ("trust", 6), ("tasks", 8), ("errors", 7),
        ("errorRate", 9), ("failed", 6), ("replicas/task", 13), ("honest RLC/worker", 17), ("liar RLC/worker", 15),
        ("2nd half: errorRate", 19), ("replicas/task", 13),
    ]

    private func printHeader() {
        print("sabotage: \(options.workers) workers, seed \(options.seed), task price 1 RLC, worker stake 30 %, "
            + "scheduler share 1 %; f = liar fraction, s = lie rate; trust is used by poco-v5 only; "
            + "earnings are net per worker over the run; 2nd half = the last half of the tasks")
        print(Self.columns.map { $0.title.leftPadded($0.width) }.joined(separator: "  "))
    }

    private func printRow(_ row: Row) {
        let cells = [
            row.scheme.rawValue, String(format: "%.2f", row.parameters.liarFraction),
            row.parameters.collusion ? "yes" : "no", String(format: "%g", row.parameters.lieRate), "\(row.trust)",
            "\(row.tally.tasks)", "\(row.tally.acceptedErrors)", Self.rate(row.tally.errorRate),
            "\(row.tally.failedTasks)", String(format: "%.3f", row.tally.replicasPerTask),
            String(format: "%.2f", row.honestEarnings / 1e9), String(format: "%.2f", row.liarEarnings / 1e9),
            Self.rate(row.tally.secondHalf.errorRate), String(format: "%.3f", row.tally.secondHalf.replicasPerTask),
        ]
        print(zip(cells, Self.columns).map { $0.leftPadded($1.width) }.joined(separator: "  "))
    }

    private static func rate(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.2e", value)
    }

    private func result(_ row: Row) -> BenchResult {
        let name = "\(row.scheme.rawValue) f=\(row.parameters.liarFraction) "
            + "\(row.parameters.collusion ? "colluding" : "independent") s=\(row.parameters.lieRate) T=\(row.trust)"
        return BenchResult(suite: suite, name: name, value: row.tally.errorRate * 1e6, unit: "ppm", extra: [
            "scheme": row.scheme.rawValue, "liarFraction": row.parameters.liarFraction,
            "collusion": row.parameters.collusion, "lieRate": row.parameters.lieRate, "trust": row.trust,
            "tasks": row.tally.tasks, "workers": row.parameters.workers, "seed": options.seed,
            "errorRate": row.tally.errorRate, "acceptedErrors": row.tally.acceptedErrors,
            "failedTasks": row.tally.failedTasks, "replicasPerTask": row.tally.replicasPerTask,
            "honestEarnings": row.honestEarnings, "liarEarnings": row.liarEarnings, "earningsUnit": "nRLC per worker",
            "secondHalfErrorRate": row.tally.secondHalf.errorRate,
            "secondHalfReplicasPerTask": row.tally.secondHalf.replicasPerTask, "seconds": row.seconds,
        ])
    }
}

/// The rows of a run shared by its threads: which row to run next, the finished ones, and how far
/// the table has been printed.
private final class RowBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var printed = 0
    private var results: [Result<SabotageSuite.Row, any Error>?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    /// The next row to run, nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Stores a row and prints every finished row not printed yet that has no unfinished row before it.
    func finish(_ index: Int, with result: Result<SabotageSuite.Row, any Error>,
                print printRow: (SabotageSuite.Row) -> Void) {
        lock.withLock {
            results[index] = result
            while printed < results.count, let done = results[printed] {
                if case .success(let row) = done { printRow(row) }
                printed += 1
            }
        }
    }

    /// Every row, or the first error.
    func rows() throws -> [SabotageSuite.Row] {
        try lock.withLock { try results.map { try ($0 ?? .failure(SabotageUsageError(description: "a row did not run"))).get() } }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
