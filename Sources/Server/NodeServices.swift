import Chain
import Hummingbird
import Logging
import ServiceLifecycle

/// The running node: the HTTP/WebSocket application and the block producer as services of one
/// `ServiceGroup`, stopped gracefully on SIGINT or SIGTERM.
///
/// Graceful shutdown runs in reverse order: the server stops accepting and closes its WebSocket
/// connections, then the producer stops after the block it is committing; ``run()`` returns once
/// both have stopped, and the caller closes the ledger. A service that fails (the producer on a
/// ledger error) shuts the other down the same way.
public struct NodeServices: Sendable {
    /// The front.
    public let server: NodeServer
    /// Where the group logs.
    public let logger: Logger
    /// Called once the server is bound, with its port.
    public let onServerRunning: @Sendable (_ port: Int) async -> Void
    /// Services that follow the chain beside the front (the market's status tracker).
    public let followers: [any Service]

    /// The services of `server`'s node, with `followers` started after the producer.
    public init(server: NodeServer, followers: [any Service] = [], logger: Logger = Logger(label: "iexec.node"),
                onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) {
        self.server = server
        self.followers = followers
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// The group: the producer first, then the followers, the server last (so it stops first).
    ///
    /// - Parameter handlingSignals: shut down gracefully on SIGINT and SIGTERM (off in tests, which
    ///   call `triggerGracefulShutdown()`).
    public func makeGroup(handlingSignals: Bool = true) -> ServiceGroup {
        let application = server.makeApplication(logger: logger, onServerRunning: onServerRunning)
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: BlockProducer(node: server.node), successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
        ] + followers.map {
            .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup)
        } + [
            .init(service: application, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: handlingSignals ? [.sigint, .sigterm] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        return ServiceGroup(configuration: configuration)
    }

    /// Runs until a signal (or a service's failure) and returns once everything has stopped.
    public func run() async throws {
        try await makeGroup().run()
    }
}
