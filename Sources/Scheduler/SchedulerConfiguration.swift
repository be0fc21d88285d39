import Ethereum

/// How a scheduler runs its workerpool: which pool, how long a worker may stay silent, how many
/// tasks it initializes per transaction.
public struct SchedulerConfiguration: Hashable, Sendable {
    /// The workerpool this scheduler manages (its owner's key signs the scheduler's transactions).
    public var workerpool: Address
    /// A worker silent this long (no heartbeat, no report) is lost and its replicates reassigned.
    public var workerLostAfter: Double
    /// At most this many tasks per `initializeArray` transaction.
    public var initializeBatchSize: Int

    /// A configuration; defaults: a worker is lost after 30 s of silence, 50 tasks per batch.
    public init(workerpool: Address, workerLostAfter: Double = 30, initializeBatchSize: Int = 50) {
        self.workerpool = workerpool
        self.workerLostAfter = workerLostAfter
        self.initializeBatchSize = initializeBatchSize
    }
}
