/// PoCo v5's consensus, reward and score rules as plain arithmetic, without the engine: the same
/// numbers as `PoCoEngineLedger` for the same draws (a test holds them equal), hundreds of times
/// faster, so trust levels and populations can be explored before running the engine on them.
///
/// - contribute: weight w = max(score / 3, 3) − 1; the result's group becomes max(group, 1) · w and
///   the total (from 1) grows as much; consensus when group · T > total · (T − 1). Trust 1 uses
///   contributeAndFinalize: the one worker is paid price · (100 − ratio) / 100, no stake, no score change.
/// - finalize (every winner reveals): pot = price + one stake per losing contributor; workers' share =
///   pot · (100 − ratio) / 100, split in proportion to ⌊log2 w⌋ (rounded down); each winner's score
///   + 1 when more than one worker contributed; each loser forfeits its stake, score · 2 / 3.
/// - claim: nobody gains or loses; stakes come back.
public struct PoCoModelLedger: PoCoSabotageLedger {
    /// The tasks' trust (at least 1).
    public let trust: UInt64
    /// The workerpool price and policies.
    public let price: PriceModel
    /// Each worker's score.
    public private(set) var scores: [UInt64]
    private var net: [Int64]
    private var contributions: [(worker: Int, result: ReplicaResult, weight: UInt64)] = []
    private var groups: [(result: ReplicaResult, weight: UInt64)] = []
    private var total: UInt64 = 1
    private var consensus: ReplicaResult?
    private var finalizedAtOnce = false

    /// `workers` new workers (score 0, no earnings) at `trust`.
    public init(workers: Int, trust: UInt64, price: PriceModel = PriceModel()) {
        self.trust = max(trust, 1)
        self.price = price
        scores = [UInt64](repeating: 0, count: max(0, workers))
        net = [Int64](repeating: 0, count: max(0, workers))
    }

    /// Number of workers.
    public var workerCount: Int { scores.count }
    /// The worker's score (0 for an unknown worker).
    public func score(of worker: Int) -> UInt64 { scores.indices.contains(worker) ? scores[worker] : 0 }
    /// Any known worker: the model has no balances to run out of.
    public func canStake(_ worker: Int) -> Bool { scores.indices.contains(worker) }
    /// Net nRLC per worker.
    public func earnings() -> [Int64] { net }
    /// The model has no clock.
    public mutating func nextBlock() {}
    /// Nothing is pending at the end: abandoned tasks cost nobody anything.
    public mutating func close() {}

    /// Clears the previous task: a fresh consensus with total 1.
    public mutating func openTask(_ index: Int) {
        contributions.removeAll(keepingCapacity: true)
        groups.removeAll(keepingCapacity: true)
        total = 1
        consensus = nil
        finalizedAtOnce = false
    }

    /// Adds the worker's weight to its result's group; true once a group reaches consensus.
    public mutating func contribute(worker: Int, result: ReplicaResult) -> Bool {
        guard scores.indices.contains(worker) else { return consensus != nil }
        if trust == 1 && contributions.isEmpty {
            net[worker] += price.taskPrice * (100 - price.schedulerRewardRatio) / 100
            contributions.append((worker, result, 0))
            consensus = result
            finalizedAtOnce = true
            return true
        }
        let weight = ConsensusPrediction.weight(score: scores[worker])
        contributions.append((worker, result, weight))
        if !groups.contains(where: { $0.result == result }) { groups.append((result, 0)) }
        let index = groups.firstIndex(where: { $0.result == result }) ?? 0
        let group = groups[index].weight
        let grown = ConsensusPrediction.saturatingProduct(max(group, 1), weight)
        groups[index].weight = grown
        total = ConsensusPrediction.saturatingSum(total, grown - group)
        let left = grown.multipliedFullWidth(by: trust)
        let right = total.multipliedFullWidth(by: trust - 1)
        if (left.high, left.low) > (right.high, right.low) { consensus = result }
        return consensus != nil
    }

    /// Pays, punishes and scores as `finalize` does when every winner revealed.
    public mutating func finalizeTask() -> ReplicaResult {
        guard let consensus else { return .correct }
        if finalizedAtOnce { return consensus }
        let winners = contributions.filter { $0.result == consensus }
        let losers = contributions.count - winners.count
        // Every weight is at least 2, so each winner adds at least 1.
        let totalLogWeight = max(1, winners.reduce(UInt64(0)) { $0 + Self.floorLog2($1.weight) })
        let pot = price.taskPrice + Int64(losers) * price.workerStake
        let workersReward = pot * (100 - price.schedulerRewardRatio) / 100
        for contribution in contributions {
            if contribution.result == consensus {
                net[contribution.worker] += workersReward * Int64(Self.floorLog2(contribution.weight)) / Int64(totalLogWeight)
                if contributions.count > 1 { scores[contribution.worker] += 1 }
            } else {
                net[contribution.worker] -= price.workerStake
                scores[contribution.worker] = scores[contribution.worker] * 2 / 3
            }
        }
        return consensus
    }

    /// A claim moves no reward and no score.
    public mutating func abandonTask() {}

    static func floorLog2(_ value: UInt64) -> UInt64 {
        value == 0 ? 0 : UInt64(63 - value.leadingZeroBitCount)
    }
}
