import Ethereum

/// Where a task stands (iExec's `TaskStatusEnum`, ABI uint8).
public enum TaskStatus: UInt8, Hashable, Sendable {
    case unset = 0, active = 1, revealing = 2, completed = 3, failed = 4
}

/// A task of a deal. Field order is iExec's `IexecLibCore_v5.Task` (the ABI tuple of `viewTask`).
public struct Task: Hashable, Sendable {
    public var status: TaskStatus
    public var dealid: Hash32
    public var idx: UInt256
    /// The category's workClockTimeRef.
    public var timeref: UInt256
    public var contributionDeadline: UInt256
    /// Set at consensus; zero before.
    public var revealDeadline: UInt256
    public var finalDeadline: UInt256
    /// The result hash the consensus settled on.
    public var consensusValue: Hash32
    public var revealCounter: UInt256
    public var winnerCounter: UInt256
    /// Every worker that contributed, in order.
    public var contributors: [Address]
    public var resultDigest: Hash32
    public var results: [UInt8]
    /// Never written by iExec's code (always zero); kept for the ABI.
    public var resultsTimestamp: UInt256
    public var resultsCallback: [UInt8]

    public init(status: TaskStatus = .unset, dealid: Hash32 = .zero, idx: UInt256 = .zero, timeref: UInt256 = .zero,
                contributionDeadline: UInt256 = .zero, revealDeadline: UInt256 = .zero, finalDeadline: UInt256 = .zero,
                consensusValue: Hash32 = .zero, revealCounter: UInt256 = .zero, winnerCounter: UInt256 = .zero,
                contributors: [Address] = [], resultDigest: Hash32 = .zero, results: [UInt8] = [],
                resultsTimestamp: UInt256 = .zero, resultsCallback: [UInt8] = []) {
        self.status = status
        self.dealid = dealid
        self.idx = idx
        self.timeref = timeref
        self.contributionDeadline = contributionDeadline
        self.revealDeadline = revealDeadline
        self.finalDeadline = finalDeadline
        self.consensusValue = consensusValue
        self.revealCounter = revealCounter
        self.winnerCounter = winnerCounter
        self.contributors = contributors
        self.resultDigest = resultDigest
        self.results = results
        self.resultsTimestamp = resultsTimestamp
        self.resultsCallback = resultsCallback
    }
}

/// A worker's contribution to a task (iExec's `ContributionStatusEnum`, ABI uint8).
public enum ContributionStatus: UInt8, Hashable, Sendable {
    case unset = 0, contributed = 1, proved = 2, rejected = 3
}

/// A worker's commitment to a result. Field order is iExec's `IexecLibCore_v5.Contribution`.
public struct Contribution: Hashable, Sendable {
    public var status: ContributionStatus
    public var resultHash: Hash32
    public var resultSeal: Hash32
    public var enclaveChallenge: Address
    /// floor(log2(consensus weight)): the worker's share of the reward.
    public var weight: UInt256

    public init(status: ContributionStatus = .unset, resultHash: Hash32 = .zero, resultSeal: Hash32 = .zero,
                enclaveChallenge: Address = .zero, weight: UInt256 = .zero) {
        self.status = status
        self.resultHash = resultHash
        self.resultSeal = resultSeal
        self.enclaveChallenge = enclaveChallenge
        self.weight = weight
    }
}

/// The weights of a task's consensus: the total, and the weight behind each result hash.
public struct Consensus: Hashable, Sendable {
    /// Starts at 1 at `initialize`.
    public var total: UInt256
    public var groups: [Hash32: UInt256]

    public init(total: UInt256 = 1, groups: [Hash32: UInt256] = [:]) {
        self.total = total
        self.groups = groups
    }
}
