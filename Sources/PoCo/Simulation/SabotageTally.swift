/// The money side of a task, PoCo's rules written once for the schemes that do not run the engine:
/// the requester pays `taskPrice` to the workerpool; each contributor stakes `workerStake`; when a
/// result is accepted, the contributors who returned it share `(taskPrice + forfeited stakes) ·
/// (100 − schedulerRewardRatio) / 100` equally, get their stakes back, and every other contributor
/// forfeits its stake. A task with no accepted result pays nobody and forfeits nothing.
public struct PriceModel: Hashable, Sendable {
    /// The workerpool price per task, nRLC.
    public let taskPrice: Int64
    /// A contributor's stake, percent of the task price (iExec's default policy: 30).
    public let workerStakeRatio: Int64
    /// The scheduler's share of the workers' pot, percent (iExec's default policy: 1).
    public let schedulerRewardRatio: Int64

    /// Defaults: 1 RLC per task, iExec's default workerpool policies (stake 30 %, scheduler 1 %).
    /// The price is clamped to 0…`maximumTaskPrice` and the ratios to 0…100, so no settlement can
    /// overflow.
    public init(taskPrice: Int64 = 1_000_000_000, workerStakeRatio: Int64 = 30, schedulerRewardRatio: Int64 = 1) {
        self.taskPrice = min(max(taskPrice, 0), Self.maximumTaskPrice)
        self.workerStakeRatio = min(max(workerStakeRatio, 0), 100)
        self.schedulerRewardRatio = min(max(schedulerRewardRatio, 0), 100)
    }

    /// 1,000 RLC per task.
    public static let maximumTaskPrice: Int64 = 1_000_000_000_000

    /// taskPrice · workerStakeRatio / 100, rounded down as PoCo does.
    public var workerStake: Int64 { taskPrice * workerStakeRatio / 100 }

    /// Each contributor's gain or loss (nRLC) when `accepted` is the task's result, in the order of
    /// `replicas`. Winners split the pot equally, rounding down (the scheduler keeps the rest).
    public func settle(_ replicas: [Replica], accepted: ReplicaResult?) -> [Int64] {
        guard let accepted else { return replicas.map { _ in 0 } }
        let winners = replicas.filter { $0.result == accepted }.count
        let losers = replicas.count - winners
        guard winners > 0 else { return replicas.map { _ in 0 } }
        let pot = taskPrice + Int64(losers) * workerStake
        let share = pot * (100 - schedulerRewardRatio) / 100 / Int64(winners)
        return replicas.map { $0.result == accepted ? share : -workerStake }
    }
}

/// What a scheme did over a run: tasks, replicas, accepted errors, and each worker's net earnings.
public struct SabotageTally: Hashable, Sendable {
    /// Tasks run (accepted or failed).
    public private(set) var tasks = 0
    /// Tasks whose accepted result was wrong.
    public private(set) var acceptedErrors = 0
    /// Tasks that ended with no accepted result.
    public private(set) var failedTasks = 0
    /// Replicas computed, wasted ones included.
    public private(set) var replicas = 0
    /// Net nRLC per worker: rewards minus forfeited stakes.
    public private(set) var earnings: [Int64]
    /// The counters when `markHalfway()` was called: the second half of a run, past the warm-up in
    /// which reputations and trust build up, is `current − halfway`.
    public private(set) var halfway: Counts?

    /// The counters of a stretch of tasks.
    public struct Counts: Hashable, Sendable {
        /// Tasks run.
        public var tasks = 0
        /// Tasks whose accepted result was wrong.
        public var acceptedErrors = 0
        /// Tasks without a result.
        public var failedTasks = 0
        /// Replicas computed.
        public var replicas = 0

        /// Accepted wrong results per task.
        public var errorRate: Double { tasks == 0 ? 0 : Double(acceptedErrors) / Double(tasks) }
        /// Replicas computed per task.
        public var replicasPerTask: Double { tasks == 0 ? 0 : Double(replicas) / Double(tasks) }
    }

    /// An empty tally for `workers` workers.
    public init(workers: Int) {
        earnings = [Int64](repeating: 0, count: max(0, workers))
    }

    /// Counts one task: its replica count and its accepted result (nil when it failed).
    public mutating func recordTask(replicas count: Int, accepted: ReplicaResult?) {
        tasks += 1
        replicas += count
        switch accepted {
        case nil: failedTasks += 1
        case .some(let result) where !result.isCorrect: acceptedErrors += 1
        default: break
        }
    }

    /// The counters so far.
    public var counts: Counts {
        Counts(tasks: tasks, acceptedErrors: acceptedErrors, failedTasks: failedTasks, replicas: replicas)
    }

    /// Remembers the counters now (a runner calls it after half its tasks).
    public mutating func markHalfway() {
        halfway = counts
    }

    /// The tasks since `markHalfway()` (all of them if it was never called).
    public var secondHalf: Counts {
        let start = halfway ?? Counts()
        return Counts(tasks: tasks - start.tasks, acceptedErrors: acceptedErrors - start.acceptedErrors,
                      failedTasks: failedTasks - start.failedTasks, replicas: replicas - start.replicas)
    }

    /// Adds `amount` nRLC (negative for a loss) to `worker`'s earnings, saturating at the Int64
    /// bounds; unknown workers are ignored.
    public mutating func credit(_ worker: Int, _ amount: Int64) {
        guard earnings.indices.contains(worker) else { return }
        let (sum, overflow) = earnings[worker].addingReportingOverflow(amount)
        earnings[worker] = overflow ? (amount > 0 ? .max : .min) : sum
    }

    /// Counts a task and pays its contributors by `price`.
    public mutating func settle(_ replicas: [Replica], accepted: ReplicaResult?, price: PriceModel,
                                computed: Int? = nil) {
        recordTask(replicas: computed ?? replicas.count, accepted: accepted)
        for (replica, amount) in zip(replicas, price.settle(replicas, accepted: accepted)) {
            credit(replica.worker, amount)
        }
    }

    /// Accepted wrong results per task.
    public var errorRate: Double { tasks == 0 ? 0 : Double(acceptedErrors) / Double(tasks) }
    /// Tasks without a result, per task.
    public var failedRate: Double { tasks == 0 ? 0 : Double(failedTasks) / Double(tasks) }
    /// Replicas computed per task.
    public var replicasPerTask: Double { tasks == 0 ? 0 : Double(replicas) / Double(tasks) }

    /// Mean earnings (nRLC) of the workers `selected` picks; zero when it picks none.
    public func meanEarnings(where selected: (Int) -> Bool) -> Double {
        let chosen = earnings.indices.filter(selected)
        guard !chosen.isEmpty else { return 0 }
        return chosen.reduce(0.0) { $0 + Double(earnings[$1]) } / Double(chosen.count)
    }
}
