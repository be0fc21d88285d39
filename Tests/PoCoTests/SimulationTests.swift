import Ethereum
import Testing

@testable import PoCo

/// The sabotage simulator's pure parts: the generator, the worker model, the price model, the
/// replication schemes and iexec-core's consensus prediction.
@Suite("Sabotage simulation")
struct SimulationTests {
    // MARK: SplitMix64

    /// Outputs of Vigna's reference splitmix64.c, computed with a Python transcription of it.
    @Test func splitMixMatchesTheReference() {
        var generator = SplitMix64(seed: 1_234_567)
        #expect((0..<5).map { _ in generator.next() } == [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ])
        var zero = SplitMix64(seed: 0)
        #expect((0..<3).map { _ in zero.next() } == [16_294_208_416_658_607_535, 7_960_286_522_194_355_700,
                                                     487_617_019_471_545_679])
    }

    /// Lemire's bounded draw and the 53-bit unit draw, against a Python transcription of both.
    @Test func boundedAndUnitDraws() {
        var generator = SplitMix64(seed: 42)
        #expect((0..<10).map { _ in generator.next(below: 100) } == [74, 15, 27, 34, 3, 86, 21, 80, 33, 61])
        // A bound of 2^63 + 1 rejects about half the draws: 6 values take 10 draws here.
        var rejecting = SplitMix64(seed: 42)
        #expect((0..<6).map { _ in rejecting.next(below: (1 << 63) + 1) } == [
            1_474_913_046_063_446_145, 8_007_990_562_831_494_531, 2_014_432_356_388_812_462,
            7_384_525_663_493_887_954, 3_135_310_438_806_241_002, 5_704_490_196_125_334_487,
        ])
        #expect(rejecting.state == 3_326_683_750_974_675_196)
        var unit = SplitMix64(seed: 7)
        #expect((0..<3).map { _ in unit.nextUnit() } == [0.3898297483912715, 0.01678829452815611, 0.9007606806068834])
        var empty = SplitMix64(seed: 7)
        #expect(empty.next(below: 0) == 0 && empty.index(below: -3) == 0 && empty.state == 7)
    }

    @Test func chanceHasItsProbabilityAndAlwaysDrawsOnce() {
        var generator = SplitMix64(seed: 3)
        let hits = (0..<100_000).count(where: { _ in generator.chance(0.3) })
        // Binomial(100000, 0.3): σ ≈ 145; 5σ bounds.
        #expect(abs(hits - 30_000) < 725)
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
        #expect(!a.chance(0) && b.chance(1) && a == b)
    }

    // MARK: Worker model

    @Test func populationHasRoundedLiarCountAndLiesAtItsRate() throws {
        let parameters = try SabotageParameters(workers: 100, liarFraction: 0.2, lieRate: 0.25, collusion: false)
        var rng = SplitMix64(seed: 1)
        let population = Population(parameters, using: &rng)
        #expect(population.isLiar.count(where: { $0 }) == 20)
        var replay = SplitMix64(seed: 1)
        #expect(Population(parameters, using: &replay) == population)
        let liar = try #require(population.isLiar.firstIndex(of: true))
        let honest = try #require(population.isLiar.firstIndex(of: false))
        let results = (0..<40_000).map { _ in population.result(of: liar, using: &rng) }
        // Binomial(40000, 0.25): σ ≈ 87.
        #expect(abs(results.count(where: { !$0.isCorrect }) - 10_000) < 435)
        #expect(results.allSatisfy { $0 == .correct || $0 == .wrong(worker: liar) })
        #expect((0..<1000).allSatisfy { _ in population.result(of: honest, using: &rng) == .correct })
        #expect(try SabotageParameters(workers: 10, liarFraction: 0.35, lieRate: 1, collusion: true).liarCount == 4)
    }

    @Test func colludingLiarsAgreeOnTheirWrongResult() throws {
        var rng = SplitMix64(seed: 5)
        let population = Population(try SabotageParameters(workers: 10, liarFraction: 1, lieRate: 1, collusion: true),
                                    using: &rng)
        #expect((0..<10).allSatisfy { population.result(of: $0, using: &rng) == .colludedWrong })
    }

    @Test func parametersAreChecked() {
        #expect(throws: SimulationError.tooFewWorkers(2, minimum: 3)) {
            try SabotageParameters(workers: 2, liarFraction: 0, lieRate: 0, collusion: false)
        }
        #expect(throws: SimulationError.probabilityOutOfRange(name: "liarFraction", value: 1.5)) {
            try SabotageParameters(workers: 5, liarFraction: 1.5, lieRate: 0, collusion: false)
        }
        #expect(throws: SimulationError.probabilityOutOfRange(name: "lieRate", value: -0.1)) {
            try SabotageParameters(workers: 5, liarFraction: 0, lieRate: -0.1, collusion: false)
        }
        #expect((try? SabotageParameters(workers: 5, liarFraction: .nan, lieRate: 0, collusion: false)) == nil)
        #expect(SimulationError.tooFewWorkers(2, minimum: 3).description == "workers: 2 given, at least 3 needed")
    }

    @Test func pickingSkipsExcludedAndIneligibleWorkersUniformly() throws {
        var rng = SplitMix64(seed: 11)
        let population = Population(try SabotageParameters(workers: 5, liarFraction: 0, lieRate: 0, collusion: false),
                                    using: &rng)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<30_000 {
            let worker = try #require(population.pickWorker(excluding: [1], using: &rng, where: { $0 != 3 }))
            counts[worker] += 1
        }
        #expect(counts[1] == 0 && counts[3] == 0)
        // Three candidates, 10,000 expected each; σ ≈ 82.
        #expect([0, 2, 4].allSatisfy { abs(counts[$0] - 10_000) < 410 })
        #expect(population.pickWorker(excluding: [0, 1, 2, 3, 4], using: &rng) == nil)
        #expect(population.pickWorker(excluding: [0, 1, 2, 3], using: &rng) == 4)
    }

    // MARK: Price model

    @Test func settlementPaysWinnersAndForfeitsLosers() {
        let price = PriceModel()
        #expect(price.workerStake == 300_000_000)
        let replicas = [Replica(worker: 0, result: .correct), Replica(worker: 1, result: .colludedWrong),
                        Replica(worker: 2, result: .correct)]
        // Pot 1e9 + 3e8 forfeited; 99 % of it split by two.
        #expect(price.settle(replicas, accepted: .correct) == [643_500_000, -300_000_000, 643_500_000])
        #expect(price.settle(replicas, accepted: nil) == [0, 0, 0])
        #expect(price.settle(replicas, accepted: .wrong(worker: 9)) == [0, 0, 0])
        var tally = SabotageTally(workers: 3)
        tally.settle(replicas, accepted: .colludedWrong, price: price, computed: 4)
        tally.settle([], accepted: nil, price: price)
        // One winner: pot 1e9 + two forfeited stakes, 99 % of it.
        #expect(tally.earnings == [-300_000_000, 1_584_000_000, -300_000_000])
        #expect(tally.tasks == 2 && tally.acceptedErrors == 1 && tally.failedTasks == 1 && tally.replicas == 4)
        #expect(tally.meanEarnings(where: { $0 != 1 }) == -300_000_000 && tally.replicasPerTask == 2)
    }

    // MARK: Fixed voting, against the closed forms

    /// With p = f·s the chance that a replica is wrong: colluding 2-of-2 accepts an error with
    /// probability p² / (p² + (1−p)²) and costs 2 / (p² + (1−p)²) replicas; 2-of-3 errs with
    /// 3p²(1−p) + p³ and costs exactly 3. Workers are drawn without replacement from 1,000, which
    /// moves these by well under the tolerance.
    @Test func colludingVotingMatchesClosedForms() throws {
        let parameters = try SabotageParameters(workers: 1000, liarFraction: 0.2, lieRate: 0.5, collusion: true)
        let p = 0.1, tasks = 40_000
        let (_, pair) = try ReplicationSimulation.run(.vote2of2, parameters: parameters, tasks: tasks, seed: 21)
        let agree = p * p + (1 - p) * (1 - p)
        #expect(abs(pair.errorRate - p * p / agree) < 0.003)
        #expect(abs(pair.replicasPerTask - 2 / agree) < 0.02)
        let (_, triple) = try ReplicationSimulation.run(.vote2of3, parameters: parameters, tasks: tasks, seed: 21)
        #expect(abs(triple.errorRate - (3 * p * p * (1 - p) + p * p * p)) < 0.005)
        #expect(triple.replicasPerTask == 3 && triple.failedTasks == 0)
    }

    /// Non-colluding liars never agree, so voting accepts no error; 2-of-2 needs two correct results
    /// ((1−p)² per round), 2-of-3 two of three ((1−p)³ + 3(1−p)²p).
    @Test func nonColludingVotingAcceptsNoError() throws {
        let parameters = try SabotageParameters(workers: 1000, liarFraction: 0.2, lieRate: 0.5, collusion: false)
        let q = 0.9
        let (_, pair) = try ReplicationSimulation.run(.vote2of2, parameters: parameters, tasks: 20_000, seed: 4)
        #expect(pair.acceptedErrors == 0 && abs(pair.replicasPerTask - 2 / (q * q)) < 0.02)
        let (_, triple) = try ReplicationSimulation.run(.vote2of3, parameters: parameters, tasks: 20_000, seed: 4)
        #expect(triple.acceptedErrors == 0 && abs(triple.replicasPerTask - 3 / (q * q * q + 3 * q * q * (1 - q))) < 0.02)
    }

    // MARK: BOINC adaptive replication

    @Test func boincTrustsAfterTenValidAndResetsOnError() throws {
        var rng = SplitMix64(seed: 8)
        let honest = Population(try SabotageParameters(workers: 3, liarFraction: 0, lieRate: 0, collusion: false),
                                using: &rng)
        var boinc = BOINCAdaptiveReplication(workers: 3)
        // Untrusted hosts always get a quorum of two agreeing results.
        let first = boinc.run(honest, using: &rng)
        #expect(first.computed == 2 && first.accepted == .correct)
        #expect(boinc.consecutiveValid.reduce(0, +) == 2)
        var single = 0
        for _ in 0..<3000 where boinc.run(honest, using: &rng).computed == 1 { single += 1 }
        // Once trusted, a host is replicated with probability 1/n, and n keeps growing.
        #expect(single > 2800 && (0..<3).allSatisfy(boinc.isTrusted))

        // Liars that always lie alone never agree with anyone: reset at each job, never trusted.
        let liars = Population(try SabotageParameters(workers: 20, liarFraction: 0.5, lieRate: 1, collusion: false),
                               using: &rng)
        var boincWithLiars = BOINCAdaptiveReplication(workers: 20)
        var tally = SabotageTally(workers: 20)
        for _ in 0..<2000 {
            let outcome = boincWithLiars.run(liars, using: &rng)
            tally.settle(outcome.deciding, accepted: outcome.accepted, price: PriceModel(), computed: outcome.computed)
        }
        #expect(tally.acceptedErrors == 0)
        #expect(liars.isLiar.indices.allSatisfy { !liars.isLiar[$0] || boincWithLiars.consecutiveValid[$0] == 0 })
        #expect(tally.meanEarnings(where: { liars.isLiar[$0] }) < 0 && tally.meanEarnings(where: { !liars.isLiar[$0] }) > 0)
    }

    @Test func sameSeedSameRunOtherSeedOtherRun() throws {
        let parameters = try SabotageParameters(workers: 50, liarFraction: 0.35, lieRate: 0.3, collusion: true)
        let first = try ReplicationSimulation.run(.boincAdaptive, parameters: parameters, tasks: 5000, seed: 99)
        let again = try ReplicationSimulation.run(.boincAdaptive, parameters: parameters, tasks: 5000, seed: 99)
        let other = try ReplicationSimulation.run(.boincAdaptive, parameters: parameters, tasks: 5000, seed: 100)
        #expect(first.0 == again.0 && first.1 == again.1)
        #expect(first.1 != other.1)
        #expect(first.1.acceptedErrors > 0)
        #expect(throws: SimulationError.invalidTaskCount(0)) {
            try ReplicationSimulation.run(.vote2of2, parameters: parameters, tasks: 0, seed: 1)
        }
    }

    // MARK: Consensus prediction

    private typealias Scheduled = ScheduledReplica<String>

    /// iExec's documented example: scores 12 / 100 / 300 weigh 3 / 32 / 99.
    @Test func weightsFollowScores() {
        #expect([0, 8, 12, 100, 300, 303].map(ConsensusPrediction.weight(score:)) == [2, 2, 3, 32, 99, 100])
    }

    /// iexec-core's ConsensusHelperTests and PredictionHelperTests cases.
    @Test func predictionMatchesIexecCoreCases() {
        #expect(ConsensusPrediction.needsMoreContributions(trust: 0, [Scheduled]()))
        #expect(!ConsensusPrediction.needsMoreContributions(trust: 0, [Scheduled(weight: 2, contribution: "a")]))
        #expect(ConsensusPrediction.needsMoreContributions(trust: 5, [Scheduled(weight: 4, contribution: "a")]))
        #expect(!ConsensusPrediction.needsMoreContributions(trust: 5, [Scheduled(weight: 5, contribution: "a")]))
        #expect(ConsensusPrediction.needsMoreContributions(
            trust: 5, [Scheduled(weight: 5, contribution: "best"), Scheduled(weight: 1, contribution: "worst")]))
        #expect(!ConsensusPrediction.needsMoreContributions(
            trust: 5, [Scheduled(weight: 25, contribution: "best"), Scheduled(weight: 5, contribution: "worst")]))
        #expect(ConsensusPrediction.bestPredictionWeight([Scheduled(weight: 5, contribution: "a"), Scheduled(weight: 5)]) == 25)
        #expect(ConsensusPrediction.bestPredictionWeight([Scheduled(weight: 5)]) == 5)
        #expect(ConsensusPrediction.bestPredictionWeight([Scheduled(weight: 5, contribution: "a")]) == 5)
        let three = [Scheduled(weight: 5, contribution: "a"), Scheduled(weight: 10, contribution: "b"),
                     Scheduled(weight: 20, contribution: "c")]
        #expect(ConsensusPrediction.contributedGroups(three) == (20, 15))
        #expect(ConsensusPrediction.contributedGroups(three + [Scheduled(weight: 50)]) == (20, 15))
    }

    /// Trust 100 with new workers (weight 2): seven replicates (2^7 = 128 ≥ 100), not six; and
    /// iExec's example consensus 3168 / 3172 (weights 32 · 99 for one result, 3 for another).
    @Test func predictionAtTrust100() {
        var replicas: [Scheduled] = []
        while ConsensusPrediction.needsMoreContributions(trust: 100, replicas) { replicas.append(Scheduled(weight: 2)) }
        #expect(replicas.count == 7)
        let example = [Scheduled(weight: 3, contribution: "x"), Scheduled(weight: 32, contribution: "y"),
                       Scheduled(weight: 99, contribution: "y")]
        #expect(!ConsensusPrediction.needsMoreContributions(trust: 100, example))
        #expect(ConsensusPrediction.needsMoreContributions(trust: 100, Array(example.prefix(2))))
        #expect(ConsensusPrediction.contributedGroups(example) == (3168, 3))
    }

    /// With nothing pending the rule is the on-chain consensus test negated; checked on random
    /// contributions against the engine's own UInt256 arithmetic, saturating cases included.
    @Test func predictionWithoutPendingIsTheOnChainTest() {
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<2000 {
            let trust = [1, 2, 5, 100, 10_000, UInt64.max][rng.index(below: 6)]
            let replicas = (0..<(1 + rng.index(below: 12))).map { _ in
                Scheduled(weight: 2 + rng.next(below: rng.chance(0.1) ? UInt64.max - 2 : 200),
                          contribution: ["a", "b", "c"][rng.index(below: 3)])
            }
            var groups: [String: UInt256] = [:]
            var total = UInt256.one
            for replica in replicas {
                let group = groups[replica.contribution!] ?? .zero
                let (product, overflow) = max(group, .one).multipliedReportingOverflow(by: UInt256(replica.weight))
                let grown = overflow ? UInt256.max : product
                groups[replica.contribution!] = grown
                total = total &+ (grown &- group)
            }
            let best = groups.values.max() ?? .zero
            let trust256 = UInt256(trust)
            let (left, leftOverflow) = best.multipliedReportingOverflow(by: trust256)
            let (right, rightOverflow) = total.multipliedReportingOverflow(by: trust256 &- 1)
            // Only compare where 256 bits hold the whole computation.
            guard !leftOverflow, !rightOverflow, best < UInt256(UInt64.max), total < UInt256(UInt64.max) else { continue }
            #expect(ConsensusPrediction.needsMoreContributions(trust: trust, replicas) == !(left > right))
        }
    }
}

/// The PoCo scheduler, on the engine and on its arithmetic mirror.
@Suite("Sabotage simulation: PoCo")
struct PoCoSimulationTests {
    /// The engine run and the model run draw the same numbers, so every count, every score and
    /// every worker's earnings must be equal: this checks the ledger's calls against the engine and
    /// the model's arithmetic against iExec's rules as the engine implements them. At trust 5 and
    /// lie rate 0.1, scores reach solo weight (score ≥ 18) within the run, liars included, so
    /// replicated, solo and lying-solo tasks all occur.
    @Test(arguments: [true, false])
    func engineAndModelAgree(collusion: Bool) throws {
        let parameters = try SabotageParameters(workers: 20, liarFraction: 0.35, lieRate: 0.1, collusion: collusion)
        var engine = try PoCoEngineLedger(workers: 20, trust: 5, tasks: 600, tasksPerDeal: 250)
        var model = PoCoModelLedger(workers: 20, trust: 5)
        let (population, onEngine) = try PoCoSimulation.run(on: &engine, parameters: parameters, trust: 5, tasks: 600,
                                                            seed: 77)
        let (_, onModel) = try PoCoSimulation.run(on: &model, parameters: parameters, trust: 5, tasks: 600, seed: 77)
        #expect(onEngine == onModel)
        #expect((0..<20).map { engine.score(of: $0) } == model.scores)
        #expect(onEngine.replicasPerTask > 1 && onEngine.secondHalf.replicasPerTask < onEngine.replicasPerTask)
        #expect(model.scores.contains { $0 >= 18 })
        // Liars that reached solo weight lie unchecked: errors with or without collusion.
        #expect(onEngine.acceptedErrors > 0)
        #expect(onEngine.earnings.indices.contains { population.isLiar[$0] && onEngine.earnings[$0] > 0 })
        let state = engine.engine.state
        #expect(state.totalHeld == state.uint(.totalSupply))
        // Every task ended (three deals of 250, 250 and 100 tasks).
        let tasks = state.storage.values.compactMap { value -> TaskStatus? in
            if case .task(let task) = value { return task.status }
            return nil
        }
        #expect(tasks.count == 600 && tasks.allSatisfy { $0 == .completed })
    }

    /// Trust 1: one replica per task, through contributeAndFinalize: no stake, no score, 99 % of
    /// the price to the worker.
    @Test func trustOneIsOneReplica() throws {
        let parameters = try SabotageParameters(workers: 10, liarFraction: 0.2, lieRate: 1, collusion: false)
        var engine = try PoCoEngineLedger(workers: 10, trust: 1, tasks: 50)
        var model = PoCoModelLedger(workers: 10, trust: 1)
        let (population, tally) = try PoCoSimulation.run(on: &engine, parameters: parameters, trust: 1, tasks: 50, seed: 3)
        let (_, modelTally) = try PoCoSimulation.run(on: &model, parameters: parameters, trust: 1, tasks: 50, seed: 3)
        #expect(tally == modelTally)
        #expect(tally.replicas == 50 && tally.earnings.reduce(0, +) == 50 * 990_000_000)
        #expect(tally.acceptedErrors > 0 && tally.acceptedErrors < 50)
        #expect(population.isLiar.count(where: { $0 }) == 2 && (0..<10).allSatisfy { engine.score(of: $0) == 0 })
    }

    /// Three new workers weigh 2 · 2 · 2 = 8 < 100: no consensus is possible at trust 100, so every
    /// task is abandoned, then claimed past its final deadline; the stakes come back.
    @Test func tasksWithoutConsensusAreClaimed() throws {
        let parameters = try SabotageParameters(workers: 3, liarFraction: 0, lieRate: 0, collusion: false)
        var engine = try PoCoEngineLedger(workers: 3, trust: 100, tasks: 4)
        let (_, tally) = try PoCoSimulation.run(on: &engine, parameters: parameters, trust: 100, tasks: 4, seed: 1)
        #expect(tally.failedTasks == 4 && tally.replicas == 12 && tally.earnings == [0, 0, 0])
        let state = engine.engine.state
        let statuses = state.storage.values.compactMap { value -> TaskStatus? in
            if case .task(let task) = value { return task.status }
            return nil
        }
        #expect(statuses == [.failed, .failed, .failed, .failed])
        #expect(engine.workers.allSatisfy { state.account($0).frozen.isZero })
        #expect(state.totalHeld == state.uint(.totalSupply))
    }

    /// At trust 2 a new worker decides alone (2 · 2 > 3 · 1) and a task takes four blocks (20 s):
    /// a deal of 5,000 tasks would outlive its contribution deadline (7 · 10,800 s), so the ledger
    /// starts the next deal once the current one is 6 timerefs old (after 3,240 tasks).
    @Test func dealsEndBeforeTheirDeadlines() throws {
        let parameters = try SabotageParameters(workers: 10, liarFraction: 0, lieRate: 0, collusion: false)
        var engine = try PoCoEngineLedger(workers: 10, trust: 2, tasks: 4000, tasksPerDeal: 5000)
        let (_, tally) = try PoCoSimulation.run(on: &engine, parameters: parameters, trust: 2, tasks: 4000, seed: 5)
        #expect(tally.replicas == 4000 && tally.failedTasks == 0 && engine.deals == 2)
        #expect(engine.time - 1_700_000_000 > 7 * 10_800)
    }

    /// At trust 100 new workers weigh 2: the scheduler hands out seven replicates in one wave.
    @Test func sevenNewWorkersAtTrust100() throws {
        let parameters = try SabotageParameters(workers: 100, liarFraction: 0, lieRate: 0, collusion: false)
        var model = PoCoModelLedger(workers: 100, trust: 100)
        let (_, tally) = try PoCoSimulation.run(on: &model, parameters: parameters, trust: 100, tasks: 1, seed: 1)
        #expect(tally.replicas == 7 && tally.acceptedErrors == 0)
        #expect(model.scores.count(where: { $0 == 1 }) == 7 && model.scores.reduce(0, +) == 7)
        // Seven equal log2 weights share 99 % of the price: 141,428,571 nRLC each.
        #expect(tally.earnings.filter { $0 != 0 } == [Int64](repeating: 141_428_571, count: 7))
        #expect(throws: SimulationError.invalidTrust(0)) {
            try PoCoSimulation.run(on: &model, parameters: parameters, trust: 0, tasks: 1, seed: 1)
        }
        let five = try SabotageParameters(workers: 5, liarFraction: 0, lieRate: 0, collusion: false)
        #expect(throws: SimulationError.workerCountMismatch(ledger: 100, population: 5)) {
            try PoCoSimulation.run(on: &model, parameters: five, trust: 100, tasks: 1, seed: 1)
        }
    }
}
