/// How one task ended under a replication scheme.
public struct TaskOutcome: Hashable, Sendable {
    /// The replicas the decision rests on: they are paid, or forfeit their stake.
    public var deciding: [Replica]
    /// The accepted result; nil when the task ran out of workers without one.
    public var accepted: ReplicaResult?
    /// Every replica computed for the task, discarded rounds included.
    public var computed: Int

    /// An outcome with its deciding replicas, accepted result and replica count.
    public init(deciding: [Replica], accepted: ReplicaResult?, computed: Int) {
        self.deciding = deciding
        self.accepted = accepted
        self.computed = computed
    }
}

/// BOINC's adaptive replication, as the simulator runs it. Each host counts its consecutive valid
/// results n. A job goes to a random host; if n ≥ 10 the host is trusted and the job is replicated
/// only with probability 1/n, otherwise always. An unreplicated result is accepted alone and, as
/// BOINC's validator cannot tell it from a valid one, counts as valid (n + 1). A replicated job asks
/// one more host at a time until two results agree (quorum 2): that result is accepted, the hosts
/// that returned it get n + 1, the others (errors) are reset to n = 0.
public struct BOINCAdaptiveReplication: Hashable, Sendable {
    /// Consecutive valid results after which a host is trusted.
    public static let trustedAfter = 10
    /// Matching results a replicated job needs.
    public static let quorum = 2

    /// n for each host.
    public private(set) var consecutiveValid: [Int]

    /// `workers` hosts with no valid result yet.
    public init(workers: Int) {
        consecutiveValid = [Int](repeating: 0, count: max(0, workers))
    }

    /// Whether `worker` has earned trust.
    public func isTrusted(_ worker: Int) -> Bool {
        consecutiveValid.indices.contains(worker) && consecutiveValid[worker] >= Self.trustedAfter
    }

    /// Runs one job and updates the hosts' counts.
    public mutating func run(_ population: Population, using rng: inout SplitMix64) -> TaskOutcome {
        guard let first = population.pickWorker(excluding: [], using: &rng) else {
            return TaskOutcome(deciding: [], accepted: nil, computed: 0)
        }
        var replicas = [Replica(worker: first, result: population.result(of: first, using: &rng))]
        if isTrusted(first) && !rng.chance(1 / Double(consecutiveValid[first])) {
            consecutiveValid[first] += 1
            return TaskOutcome(deciding: replicas, accepted: replicas[0].result, computed: 1)
        }
        var accepted: ReplicaResult?
        while accepted == nil {
            guard let next = population.pickWorker(excluding: replicas.map(\.worker), using: &rng) else { break }
            let result = population.result(of: next, using: &rng)
            replicas.append(Replica(worker: next, result: result))
            if replicas.count(where: { $0.result == result }) >= Self.quorum { accepted = result }
        }
        if let accepted {
            for replica in replicas {
                consecutiveValid[replica.worker] = replica.result == accepted ? consecutiveValid[replica.worker] + 1 : 0
            }
        }
        return TaskOutcome(deciding: replicas, accepted: accepted, computed: replicas.count)
    }
}

/// Fixed k-of-n voting: each round hands the task to n new workers at once; a result returned by at
/// least k of them is accepted (the most voted, the earliest on a tie). A round without one proves
/// no worker wrong, so it is discarded, paid nothing, and a new round of n other workers starts.
/// 2-of-2 thus needs unanimity of a pair; 2-of-3 takes the majority of three.
public struct FixedVoting: Hashable, Sendable {
    /// Matching results needed (k).
    public let quorum: Int
    /// Workers per round (n).
    public let replication: Int

    /// 2-of-2: a pair that must agree.
    public static let twoOfTwo = FixedVoting(quorum: 2, replication: 2)
    /// 2-of-3: the majority of three.
    public static let twoOfThree = FixedVoting(quorum: 2, replication: 3)

    private init(quorum: Int, replication: Int) {
        self.quorum = quorum
        self.replication = replication
    }

    /// Runs rounds until one accepts a result, or the population has no n fresh workers left.
    public func run(_ population: Population, using rng: inout SplitMix64) -> TaskOutcome {
        var used: [Int] = []
        var computed = 0
        while true {
            var round: [Replica] = []
            for _ in 0..<replication {
                guard let worker = population.pickWorker(excluding: used, using: &rng) else {
                    return TaskOutcome(deciding: [], accepted: nil, computed: computed)
                }
                used.append(worker)
                round.append(Replica(worker: worker, result: population.result(of: worker, using: &rng)))
                computed += 1
            }
            if let accepted = Self.mostVoted(round, atLeast: quorum) {
                return TaskOutcome(deciding: round, accepted: accepted, computed: computed)
            }
        }
    }

    /// The result with the most votes if it has at least `quorum` (earliest first on a tie).
    static func mostVoted(_ round: [Replica], atLeast quorum: Int) -> ReplicaResult? {
        var best: (result: ReplicaResult, votes: Int)?
        for replica in round {
            let votes = round.count(where: { $0.result == replica.result })
            if votes > (best?.votes ?? 0) { best = (replica.result, votes) }
        }
        guard let best, best.votes >= quorum else { return nil }
        return best.result
    }
}

/// The schemes the simulator runs without the engine.
public enum ReplicationScheme: String, Hashable, Sendable, CaseIterable {
    case boincAdaptive = "boinc-adaptive"
    case vote2of2 = "vote-2of2"
    case vote2of3 = "vote-2of3"
}

/// Runs a scheme that needs no engine over a population, task by task, from one seed.
public enum ReplicationSimulation {
    /// The population is drawn first from `SplitMix64(seed:)`, so every scheme run with the same
    /// seed and parameters faces the same liars; the tasks then draw from the same generator.
    public static func run(_ scheme: ReplicationScheme, parameters: SabotageParameters, tasks: Int, seed: UInt64,
                           price: PriceModel = PriceModel()) throws(SimulationError) -> (Population, SabotageTally) {
        guard tasks >= 1 else { throw .invalidTaskCount(tasks) }
        var rng = SplitMix64(seed: seed)
        let population = Population(parameters, using: &rng)
        var tally = SabotageTally(workers: population.count)
        var boinc = BOINCAdaptiveReplication(workers: population.count)
        for index in 0..<tasks {
            if index == tasks / 2 { tally.markHalfway() }
            let outcome: TaskOutcome
            switch scheme {
            case .boincAdaptive: outcome = boinc.run(population, using: &rng)
            case .vote2of2: outcome = FixedVoting.twoOfTwo.run(population, using: &rng)
            case .vote2of3: outcome = FixedVoting.twoOfThree.run(population, using: &rng)
            }
            tally.settle(outcome.deciding, accepted: outcome.accepted, price: price, computed: outcome.computed)
        }
        return (population, tally)
    }
}
