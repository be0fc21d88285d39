import Ethereum

/// Fixed parameters of PoCo v5, as iExec's contracts hard-code them (`poco-abi.md` §1.7).
public enum PoCoConstants {
    /// Contribution deadline = start + 7 · timeref.
    public static let contributionDeadlineRatio: UInt64 = 7
    /// Reveal deadline = consensus time + 2 · timeref.
    public static let revealDeadlineRatio: UInt64 = 2
    /// Final deadline = start + 10 · timeref.
    public static let finalDeadlineRatio: UInt64 = 10
    /// The scheduler stake, in percent of the workerpool price per task.
    public static let workerpoolStakeRatio: UInt64 = 30
    /// The scheduler's share of the kitty at each finalize, in percent …
    public static let kittyRatio: UInt64 = 10
    /// … but at least this many nRLC (1 RLC), and never more than the kitty holds.
    public static let kittyMin: UInt256 = 1_000_000_000
    /// The account that receives seized scheduler stakes; its frozen balance is the kitty.
    public static let kittyAddress = try! Address(hex: "0x99c2268479b93fDe36232351229815DF80837e23")
    /// Wei per nRLC: the native coin has 18 decimals, the escrow counts nRLC (9 decimals).
    public static let weiPerNRLC: UInt256 = 1_000_000_000
    /// Default workerpool policies at creation.
    public static let defaultWorkerStakeRatioPolicy: UInt256 = 30
    public static let defaultSchedulerRewardRatioPolicy: UInt256 = 1
    /// Tag bit 0: the task runs in a TEE.
    public static let teeTagBit: UInt8 = 0x01
}

/// A category of work: the reference duration that sets a task's deadlines.
public struct Category: Hashable, Sendable {
    public var name: String
    public var description: String
    /// Seconds; deadlines are multiples of it.
    public var workClockTimeRef: UInt256

    public init(name: String, description: String, workClockTimeRef: UInt256) {
        self.name = name
        self.description = description
        self.workClockTimeRef = workClockTimeRef
    }

    /// iExec's default categories: XS 300 s, S 1200 s, M 3600 s, L 10800 s, XL 36000 s.
    public static let defaults: [Category] = [
        ("XS", 300), ("S", 1200), ("M", 3600), ("L", 10800), ("XL", 36000),
    ].map { Category(name: $0.0, description: "{}", workClockTimeRef: UInt256(UInt64($0.1))) }
}
