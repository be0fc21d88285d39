/// The chain a simulated PoCo scheduler works on, one task at a time: the real engine
/// (`PoCoEngineLedger`) or its arithmetic mirror (`PoCoModelLedger`). Workers are numbered 0..<n.
public protocol PoCoSabotageLedger {
    /// How many workers the ledger knows.
    var workerCount: Int { get }
    /// The worker's PoCo score (reputation) now.
    func score(of worker: Int) -> UInt64
    /// Whether the worker can lock a contribution stake now.
    func canStake(_ worker: Int) -> Bool
    /// Starts the next task (task `index`, counted from 0) in a new block.
    mutating func openTask(_ index: Int) throws(SimulationError)
    /// Moves the clock to the next block.
    mutating func nextBlock()
    /// `worker` contributes `result` to the open task; returns true once the task has left ACTIVE
    /// (consensus reached, or finalized at once for trust 1).
    mutating func contribute(worker: Int, result: ReplicaResult) throws(SimulationError) -> Bool
    /// After consensus: the winners reveal, the scheduler finalizes; returns the accepted result.
    mutating func finalizeTask() throws(SimulationError) -> ReplicaResult
    /// The open task cannot reach consensus: it is left to be claimed past its final deadline.
    mutating func abandonTask() throws(SimulationError)
    /// Ends the run: every abandoned task is claimed (the clock jumps past their deadlines).
    mutating func close() throws(SimulationError)
    /// Each worker's net nRLC since the start (rewards minus seized stakes).
    func earnings() -> [Int64]
}

/// The workerpool scheduler of iexec-core, as the simulator runs it. For each task it hands out
/// replicates **one at a time** to workers drawn uniformly among those not on the task yet (and
/// able to stake), each replicate carrying the worker's weight max(score / 3, 3) − 1 at that moment,
/// while `ConsensusPrediction.needsMoreContributions` holds, that is while
///
///     best · T ≤ (1 + all) · (T − 1)
///
/// with T = max(trust, 1), best = (heaviest contributed group) · (product of pending weights) and
/// all = best + (the other contributed groups). The replicates handed out (one wave) then compute
/// and contribute in hand-out order, in the next block; a replicate whose task has meanwhile left
/// ACTIVE is computed but not contributed (wasted, and counted). If the task is still ACTIVE the
/// scheduler starts another wave with the contributions now known, and so on. When every worker
/// is on the task and no consensus came, the task is abandoned to `claim`.
public struct PoCoScheduler: Hashable, Sendable {
    /// The deal's trust.
    public let trust: UInt64

    /// A scheduler for deals of `trust`.
    public init(trust: UInt64) {
        self.trust = trust
    }

    /// Runs task `index` to its end on `ledger`.
    public func runTask<Ledger: PoCoSabotageLedger>(_ index: Int, population: Population, ledger: inout Ledger,
                                                    using rng: inout SplitMix64) throws(SimulationError) -> TaskOutcome {
        try ledger.openTask(index)
        var scheduled: [ScheduledReplica<ReplicaResult>] = []
        var workers: [Int] = []
        var contributed: [Replica] = []
        while true {
            var wave: [Int] = []
            while ConsensusPrediction.needsMoreContributions(trust: trust, scheduled) {
                guard let worker = population.pickWorker(excluding: workers, using: &rng,
                                                         where: { ledger.canStake($0) }) else { break }
                workers.append(worker)
                wave.append(scheduled.count)
                scheduled.append(ScheduledReplica(weight: ConsensusPrediction.weight(score: ledger.score(of: worker))))
            }
            guard !wave.isEmpty else {
                try ledger.abandonTask()
                return TaskOutcome(deciding: contributed, accepted: nil, computed: workers.count)
            }
            ledger.nextBlock()
            var reached = false
            for slot in wave {
                let result = population.result(of: workers[slot], using: &rng)
                guard !reached else { continue }
                scheduled[slot].contribution = result
                contributed.append(Replica(worker: workers[slot], result: result))
                reached = try ledger.contribute(worker: workers[slot], result: result)
            }
            if reached {
                let accepted = try ledger.finalizeTask()
                return TaskOutcome(deciding: contributed, accepted: accepted, computed: workers.count)
            }
        }
    }
}

/// Runs PoCo over a population on a ledger, task by task, from one seed.
public enum PoCoSimulation {
    /// The population is drawn first from `SplitMix64(seed:)`, exactly as `ReplicationSimulation`
    /// draws it, so the same seed faces every scheme with the same liars. Earnings are the ledger's.
    public static func run<Ledger: PoCoSabotageLedger>(on ledger: inout Ledger, parameters: SabotageParameters,
                                                       trust: UInt64, tasks: Int, seed: UInt64)
        throws(SimulationError) -> (Population, SabotageTally) {
        guard tasks >= 1 else { throw .invalidTaskCount(tasks) }
        guard trust >= 1 else { throw .invalidTrust(trust) }
        guard ledger.workerCount == parameters.workers else {
            throw .workerCountMismatch(ledger: ledger.workerCount, population: parameters.workers)
        }
        var rng = SplitMix64(seed: seed)
        let population = Population(parameters, using: &rng)
        let scheduler = PoCoScheduler(trust: trust)
        var tally = SabotageTally(workers: population.count)
        for index in 0..<tasks {
            if index == tasks / 2 { tally.markHalfway() }
            let outcome = try scheduler.runTask(index, population: population, ledger: &ledger, using: &rng)
            tally.recordTask(replicas: outcome.computed, accepted: outcome.accepted)
        }
        try ledger.close()
        for (worker, amount) in ledger.earnings().enumerated() { tally.credit(worker, amount) }
        return (population, tally)
    }
}
