import Chain
import Logging
import ServiceLifecycle

/// A devnet started in the background, for benchmarks and tests that drive it from outside:
/// `Devnet.start(_:)` returns once every part runs; `stop()` shuts it down gracefully.
public final class RunningDevnet: Sendable {
    /// Its endpoints, accounts, workerpool and apps.
    public let info: DevnetInfo
    /// The node, for in-process reads.
    public let node: ChainNode
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(info: DevnetInfo, node: ChainNode, group: ServiceGroup, task: Task<Void, any Error>) {
        self.info = info
        self.node = node
        self.group = group
        self.task = task
    }

    /// Stops the workers, the scheduler and the node, in that order; rethrows a part's failure.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

extension Devnet {
    /// Starts a devnet and returns once it is ready; a failure to start is thrown.
    public static func start(_ configuration: DevnetConfiguration, logger: Logger = Devnet.quietLogger) async throws -> RunningDevnet {
        let (ready, readySink) = AsyncStream.makeStream(of: DevnetInfo.self)
        let devnet = Devnet(configuration: configuration, logger: logger) { readySink.yield($0) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: devnet)], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { readySink.finish() }
            try await group.run()
        }
        var iterator = ready.makeAsyncIterator()
        guard let info = await iterator.next(), let node = devnet.node.withLock({ $0 }) else {
            try await task.value
            throw DevnetError.startup("the devnet stopped before it was ready")
        }
        return RunningDevnet(info: info, node: node, group: group, task: task)
    }
}
