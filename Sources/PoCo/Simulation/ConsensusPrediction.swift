/// A replicate as the scheduler sees it: the worker's consensus weight when it got the replicate,
/// and its result once contributed (nil while the worker is still computing).
public struct ScheduledReplica<Result: Hashable & Sendable>: Hashable, Sendable {
    /// The worker's weight, max(score / 3, 3) − 1, when it got the replicate.
    public var weight: UInt64
    /// The contributed result; nil while pending.
    public var contribution: Result?

    /// A replicate of `weight`, pending unless `contribution` is given.
    public init(weight: UInt64, contribution: Result? = nil) {
        self.weight = weight
        self.contribution = contribution
    }
}

/// iexec-core's consensus prediction (ConsensusHelper, PredictionHelper, ContributionHelper), which
/// decides whether a worker asking for work gets a replicate of a task. With T = max(trust, 1):
///
/// - a result's group weight is the product of its contributors' weights (as on chain);
///   `contributedBest` is the heaviest group, `worst` the sum of the other groups;
/// - `pending` is the product of the weights of replicates handed out and not yet contributed
///   (0 when there are none): the scheduler assumes they will all join the heaviest group;
/// - best = contributedBest · pending, or whichever of the two is non-zero, or 0;
///   all = best + worst;
/// - the task needs another replicate while **best · T ≤ (1 + all) · (T − 1)**.
///
/// With nothing pending this is exactly the on-chain consensus test (group · T > total · (T − 1),
/// total = 1 + Σ groups) negated, so a scheduler that hands out replicates one at a time while the
/// rule asks for more stops as soon as the contributions it predicts would reach consensus.
/// Arithmetic saturates at UInt64.max (iexec-core's Java ints would wrap); the comparison itself is
/// done in 128 bits.
public enum ConsensusPrediction {
    /// PoCo v5's weight of a worker with reputation `score`: max(score / 3, 3) − 1 (a new worker weighs 2).
    public static func weight(score: UInt64) -> UInt64 {
        max(score / 3, 3) - 1
    }

    /// The heaviest contributed group's weight, and the sum of the others.
    public static func contributedGroups<Result>(_ replicas: [ScheduledReplica<Result>]) -> (best: UInt64, worst: UInt64) {
        var groups: [(result: Result, weight: UInt64)] = []
        for replica in replicas where replica.weight > 0 {
            guard let result = replica.contribution else { continue }
            if let index = groups.firstIndex(where: { $0.result == result }) {
                groups[index].weight = saturatingProduct(groups[index].weight, replica.weight)
            } else {
                groups.append((result, replica.weight))
            }
        }
        // A closure, not `\.weight`: a key path into a generic tuple is instantiated at each call.
        let best = groups.map { $0.weight }.max() ?? 0
        let total = groups.reduce(UInt64(0)) { saturatingSum($0, $1.weight) }
        return (best, total - best)
    }

    /// The product of the pending replicates' weights; 0 when none is pending.
    public static func pendingWeight<Result>(_ replicas: [ScheduledReplica<Result>]) -> UInt64 {
        var product: UInt64 = 0
        for replica in replicas where replica.contribution == nil && replica.weight > 0 {
            product = saturatingProduct(max(product, 1), replica.weight)
        }
        return product
    }

    /// The predicted weight of the best result, pending replicates counted in.
    public static func bestPredictionWeight<Result>(_ replicas: [ScheduledReplica<Result>]) -> UInt64 {
        let contributed = contributedGroups(replicas).best
        let pending = pendingWeight(replicas)
        if contributed == 0 { return pending }
        if pending == 0 { return contributed }
        return saturatingProduct(contributed, pending)
    }

    /// True while the task needs another replicate: best · T ≤ (1 + all) · (T − 1).
    public static func needsMoreContributions<Result>(trust: UInt64, _ replicas: [ScheduledReplica<Result>]) -> Bool {
        let trust = max(trust, 1)
        let best = bestPredictionWeight(replicas)
        let all = saturatingSum(best, contributedGroups(replicas).worst)
        let left = best.multipliedFullWidth(by: trust)
        let right = saturatingSum(all, 1).multipliedFullWidth(by: trust - 1)
        return (left.high, left.low) <= (right.high, right.low)
    }

    static func saturatingProduct(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }

    static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
