// Matchmaking: symmetric match and rank between two ads (HTCondor's negotiator rules).

/// Matching of a job ad with machine ads.
public enum Matchmaker {
    /// Whether `a`'s Requirements holds with MY = a, TARGET = b, and `b`'s with MY = b, TARGET = a.
    /// TRUE or a non-zero number holds; FALSE, zero, UNDEFINED, ERROR, a missing Requirements and
    /// any other type do not.
    public static func symmetricMatch(_ a: ClassAd, _ b: ClassAd, unscopedLookup: UnscopedLookup = .myThenTarget) -> Bool {
        requirementsHold(of: a, against: b, unscopedLookup: unscopedLookup)
            && requirementsHold(of: b, against: a, unscopedLookup: unscopedLookup)
    }

    /// Whether `ad`'s Requirements holds with MY = ad, TARGET = other.
    public static func requirementsHold(of ad: ClassAd, against other: ClassAd, unscopedLookup: UnscopedLookup = .myThenTarget) -> Bool {
        Evaluator(my: ad, target: other, unscopedLookup: unscopedLookup).evaluate(attribute: "Requirements").isTrueForMatch
    }

    /// `a`'s Rank with MY = a, TARGET = b, as a Double: integers and reals as they are, booleans as
    /// 1 and 0; anything else (UNDEFINED, ERROR, strings, NaN, no Rank) is 0.
    public static func rank(_ a: ClassAd, _ b: ClassAd, unscopedLookup: UnscopedLookup = .myThenTarget) -> Double {
        switch Evaluator(my: a, target: b, unscopedLookup: unscopedLookup).evaluate(attribute: "Rank") {
        case .integer(let i): Double(i)
        case .real(let r): r.isNaN ? 0 : r
        case .boolean(let b): b ? 1 : 0
        default: 0
        }
    }

    /// For each machine, in order: whether it matches `job` and the job's rank of it.
    public static func matches(job: ClassAd, machines: [ClassAd], unscopedLookup: UnscopedLookup = .myThenTarget) -> [MatchResult] {
        machines.enumerated().map { index, machine in
            MatchResult(index: index,
                        matches: symmetricMatch(job, machine, unscopedLookup: unscopedLookup),
                        rank: rank(job, machine, unscopedLookup: unscopedLookup))
        }
    }
}

/// One machine's outcome against a job.
public struct MatchResult: Sendable, Equatable {
    /// The machine's position in the list given.
    public var index: Int
    /// Whether the job and the machine match symmetrically.
    public var matches: Bool
    /// The job's Rank of the machine.
    public var rank: Double

    /// A result as computed by `Matchmaker.matches`.
    public init(index: Int, matches: Bool, rank: Double) {
        self.index = index
        self.matches = matches
        self.rank = rank
    }
}
