/// Why a sabotage simulation cannot run with the parameters it was given.
public enum SimulationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The population needs at least `minimum` workers (the largest replication a scheme uses).
    case tooFewWorkers(Int, minimum: Int)
    /// A fraction or probability (`name`) outside [0, 1], or not a number.
    case probabilityOutOfRange(name: String, value: Double)
    /// A task count below 1.
    case invalidTaskCount(Int)
    /// A trust level below 1.
    case invalidTrust(UInt64)
    /// The PoCo engine refused a call the simulated scheduler or a worker made (a simulator bug, or
    /// an engine one): which call, for which task (counted from 0), and the revert reason.
    case engineReverted(call: String, task: Int, reason: String)
    /// A ledger set up for another number of workers than the population has.
    case workerCountMismatch(ledger: Int, population: Int)

    /// One line naming the parameter and what is wrong with it.
    public var description: String {
        switch self {
        case .tooFewWorkers(let count, let minimum): return "workers: \(count) given, at least \(minimum) needed"
        case .probabilityOutOfRange(let name, let value): return "\(name): \(value) is not within [0, 1]"
        case .invalidTaskCount(let count): return "tasks: \(count) given, at least 1 needed"
        case .invalidTrust(let trust): return "trust: \(trust) given, at least 1 needed"
        case .engineReverted(let call, let task, let reason): return "task \(task): \(call) reverted: \(reason)"
        case .workerCountMismatch(let ledger, let population):
            return "workers: the ledger has \(ledger), the population \(population)"
        }
    }
}

/// What a replica of a task returns. Results compare equal exactly when the workers agree.
public enum ReplicaResult: Hashable, Sendable {
    /// The right result (every honest worker returns it).
    case correct
    /// The one wrong result colluding liars agree on.
    case colludedWrong
    /// A non-colluding liar's own wrong result, unlike any other worker's.
    case wrong(worker: Int)

    /// True for the right result.
    public var isCorrect: Bool { self == .correct }
}

/// The population's make-up: how many workers, what share lies, how often, and whether the liars
/// agree on their wrong results.
public struct SabotageParameters: Hashable, Sendable {
    /// Number of workers.
    public var workers: Int
    /// Share of liars, f: round(f · workers) of the workers lie.
    public var liarFraction: Double
    /// Probability s that a liar returns a wrong result on a replica, drawn per replica.
    public var lieRate: Double
    /// Colluding liars all return `.colludedWrong`; non-colluding ones each their own `.wrong`.
    public var collusion: Bool

    /// Checks every field: at least 3 workers (the most any scheme asks for at once), f and s in [0, 1].
    public init(workers: Int, liarFraction: Double, lieRate: Double, collusion: Bool) throws(SimulationError) {
        guard workers >= 3 else { throw .tooFewWorkers(workers, minimum: 3) }
        guard liarFraction >= 0, liarFraction <= 1 else {
            throw .probabilityOutOfRange(name: "liarFraction", value: liarFraction)
        }
        guard lieRate >= 0, lieRate <= 1 else { throw .probabilityOutOfRange(name: "lieRate", value: lieRate) }
        self.workers = workers
        self.liarFraction = liarFraction
        self.lieRate = lieRate
        self.collusion = collusion
    }

    /// round(f · workers), the number of liars.
    public var liarCount: Int { Int((liarFraction * Double(workers)).rounded()) }
}

/// The workers of a simulation: which of them lie, what each returns, and how a scheduler picks them.
public struct Population: Hashable, Sendable {
    /// The parameters the population was drawn from.
    public let parameters: SabotageParameters
    /// `isLiar[w]` for worker w in 0..<workers.
    public let isLiar: [Bool]

    /// Chooses `parameters.liarCount` liars uniformly (a partial Fisher–Yates shuffle drawn from `rng`).
    public init(_ parameters: SabotageParameters, using rng: inout SplitMix64) {
        self.parameters = parameters
        var order = Array(0..<parameters.workers)
        var liars = [Bool](repeating: false, count: parameters.workers)
        for position in 0..<min(parameters.liarCount, order.count) {
            let pick = position + rng.index(below: order.count - position)
            order.swapAt(position, pick)
            liars[order[position]] = true
        }
        isLiar = liars
    }

    /// Number of workers.
    public var count: Int { isLiar.count }

    /// What `worker` returns on one replica: a liar lies with probability s (one draw per replica
    /// from `rng`, honest workers draw nothing).
    public func result(of worker: Int, using rng: inout SplitMix64) -> ReplicaResult {
        guard isLiar.indices.contains(worker), isLiar[worker], rng.chance(parameters.lieRate) else { return .correct }
        return parameters.collusion ? .colludedWrong : .wrong(worker: worker)
    }

    /// A worker drawn uniformly among those not in `excluded` and accepted by `isEligible` (every
    /// worker asks for work; the scheduler takes whoever comes): a few random tries, then a uniform
    /// draw among the remaining candidates. Nil when no worker is left.
    public func pickWorker(excluding excluded: [Int], using rng: inout SplitMix64,
                           where isEligible: (Int) -> Bool = { _ in true }) -> Int? {
        for _ in 0..<32 {
            let worker = rng.index(below: count)
            if !excluded.contains(worker) && isEligible(worker) { return worker }
        }
        let candidates = (0..<count).filter { !excluded.contains($0) && isEligible($0) }
        guard !candidates.isEmpty else { return nil }
        return candidates[rng.index(below: candidates.count)]
    }
}

/// One result handed back to the scheduler: who computed it and what it is.
public struct Replica: Hashable, Sendable {
    /// The worker's number.
    public var worker: Int
    /// What it returned.
    public var result: ReplicaResult

    /// `worker`'s replica returning `result`.
    public init(worker: Int, result: ReplicaResult) {
        self.worker = worker
        self.result = result
    }
}
