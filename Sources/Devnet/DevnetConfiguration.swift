import Ethereum
import Foundation
import Worker

/// How a devnet runs: where its files are, its ports, its workers and the terms its sample
/// apps and workerpool offer.
public struct DevnetConfiguration: Sendable {
    /// The folder of every part's files (`node/`, `scheduler/`, `workers/worker-i/`, `devnet.json`).
    public var dataDirectory: URL
    /// The interface every part listens on.
    public var host: String
    /// The node's port (JSON-RPC over HTTP and WebSocket, market, storage); 0 picks a free one.
    public var port: Int
    /// The scheduler's port (the workers' API); 0 picks a free one.
    public var schedulerPort: Int
    /// Workers started in the process.
    public var workers: Int
    /// Replicates each worker runs at once.
    public var slotsPerWorker: Int
    /// Workers that misbehave, by index (0-based): e.g. `[0: .lie]` for a demonstration.
    public var misbehaviours: [Int: Misbehaviour]
    /// Reputation every worker account starts with: 150 (weight 49) lets trust 100 be reached
    /// by two agreeing workers; 0 makes them new (weight 2).
    public var workerScore: UInt64
    /// Wasm or native apps registered by the app owner, each with an app order kept published.
    public var apps: [URL]
    /// Price of one task of every sample app, nRLC.
    public var appPrice: UInt64
    /// Price of one task of the workerpool, nRLC.
    public var workerpoolPrice: UInt64
    /// Tasks per workerpool order, and how many are kept open.
    public var workerpoolOrderVolume: UInt64
    public var workerpoolOpenOrders: Int
    /// Highest trust the workerpool's orders accept.
    public var workerpoolTrust: UInt64
    /// nRLC each worker and the workerpool owner hold in the escrow for their stakes.
    public var stakeDeposit: UInt64
    /// Milliseconds between blocks; 0 seals as soon as transactions wait.
    public var blockTimeMilliseconds: UInt64
    /// Seconds between the scheduler's liveness sweeps, and how often workers poll and beat.
    public var schedulerTick: Duration
    public var workerPollInterval: Double
    public var heartbeatInterval: Double
    /// Seconds of silence before the scheduler gives a worker's replicates to others.
    public var workerLostAfter: Double
    /// The executors workers run apps with.
    public var sandbox: @Sendable () -> AppSandbox

    /// A devnet in `dataDirectory` with `workers` workers; defaults as `iexec devnet` has them.
    public init(dataDirectory: URL, host: String = "127.0.0.1", port: Int = 8545, schedulerPort: Int = 7000,
                workers: Int = 4, slotsPerWorker: Int = 1, misbehaviours: [Int: Misbehaviour] = [:],
                workerScore: UInt64 = 150, apps: [URL] = [], appPrice: UInt64 = 1_000_000,
                workerpoolPrice: UInt64 = 10_000_000, workerpoolOrderVolume: UInt64 = 1_000, workerpoolOpenOrders: Int = 2,
                workerpoolTrust: UInt64 = 100, stakeDeposit: UInt64 = 1_000_000_000_000, blockTimeMilliseconds: UInt64 = 0,
                schedulerTick: Duration = .milliseconds(200), workerPollInterval: Double = 0.2,
                heartbeatInterval: Double = 2, workerLostAfter: Double = 10,
                sandbox: @escaping @Sendable () -> AppSandbox = { AppSandbox.standard() }) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.schedulerPort = schedulerPort
        self.workers = workers
        self.slotsPerWorker = slotsPerWorker
        self.misbehaviours = misbehaviours
        self.workerScore = workerScore
        self.apps = apps
        self.appPrice = appPrice
        self.workerpoolPrice = workerpoolPrice
        self.workerpoolOrderVolume = workerpoolOrderVolume
        self.workerpoolOpenOrders = workerpoolOpenOrders
        self.workerpoolTrust = workerpoolTrust
        self.stakeDeposit = stakeDeposit
        self.blockTimeMilliseconds = blockTimeMilliseconds
        self.schedulerTick = schedulerTick
        self.workerPollInterval = workerPollInterval
        self.heartbeatInterval = heartbeatInterval
        self.workerLostAfter = workerLostAfter
        self.sandbox = sandbox
    }

    /// Checks the numbers; the error names the field.
    func validate() throws(DevnetError) {
        guard (0...65_535).contains(port), (0...65_535).contains(schedulerPort) else {
            throw .configuration("ports must be 0…65535 (0 picks a free one)")
        }
        guard port == 0 || port != schedulerPort else { throw .configuration("the node and the scheduler need different ports (both \(port))") }
        guard (0...64).contains(workers) else { throw .configuration("workers must be 0…64, not \(workers)") }
        guard (1...64).contains(slotsPerWorker) else { throw .configuration("slots per worker must be 1…64, not \(slotsPerWorker)") }
        if let index = misbehaviours.keys.first(where: { !(0..<workers).contains($0) }) {
            throw .configuration("misbehaving worker \(index) does not exist (workers are 0…\(workers - 1))")
        }
        guard workerpoolOpenOrders >= 1, workerpoolOrderVolume >= 1 else {
            throw .configuration("the workerpool needs at least one open order of at least one task")
        }
    }
}

/// What can stop a devnet from starting.
public enum DevnetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range.
    case configuration(String)
    /// The data directory holds something the devnet did not write, or from another version.
    case dataDirectory(String)
    /// A part could not be started (a port taken, an app file missing…).
    case startup(String)

    public var description: String {
        switch self {
        case .configuration(let detail): return "devnet configuration: \(detail)"
        case .dataDirectory(let detail): return "devnet data directory: \(detail)"
        case .startup(let detail): return "devnet: \(detail)"
        }
    }
}
