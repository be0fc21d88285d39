import Ethereum

/// How a scheduler runs its workerpool.
public struct SchedulerConfiguration: Hashable, Sendable {
    /// The workerpool this scheduler manages (its owner's key signs the scheduler's transactions).
    public var workerpool: Address
    /// Seconds between the heartbeats workers are asked to send.
    public var heartbeatInterval: Double
    /// A worker silent this long (no heartbeat, no call) is lost and its pending replicates freed.
    public var workerLostAfter: Double
    /// A replicate assigned this long ago without a result is taken back (its worker is alive
    /// but stuck on it).
    public var replicateTimeout: Double
    /// A worker counts as idle (ready for work) this long after it last asked for some.
    public var askWindow: Double
    /// Seconds a login challenge stays valid.
    public var challengeLifetime: Double
    /// At most this many tasks per `initializeArray` or `claimArray` transaction.
    public var batchSize: Int
    /// The first block a new scheduler reads (deals noticed before it are ignored).
    public var fromBlock: UInt64
    /// At most this many blocks per log query.
    public var logRange: UInt64

    /// A configuration; defaults: heartbeats every 5 s, a worker lost after 30 s of silence, a
    /// replicate taken back after 10 minutes without a result, 50 tasks per batch transaction.
    public init(workerpool: Address, heartbeatInterval: Double = 5, workerLostAfter: Double = 30,
                replicateTimeout: Double = 600, askWindow: Double = 3, challengeLifetime: Double = 300,
                batchSize: Int = 50, fromBlock: UInt64 = 0, logRange: UInt64 = 2_000) {
        self.workerpool = workerpool
        self.heartbeatInterval = heartbeatInterval
        self.workerLostAfter = workerLostAfter
        self.replicateTimeout = replicateTimeout
        self.askWindow = askWindow
        self.challengeLifetime = challengeLifetime
        self.batchSize = max(1, batchSize)
        self.fromBlock = fromBlock
        self.logRange = max(1, logRange)
    }
}
