// The storage API served alone (`iexec storage`), without a chain node.
import Hummingbird
import Logging
import ServiceLifecycle

/// The storage service on its own: ``StorageRoutes`` behind a Hummingbird application, run in a
/// `ServiceGroup` that stops gracefully (uploads under way finish) on SIGINT or SIGTERM.
public struct StorageServer: Sendable {
    /// The routes served.
    public let routes: StorageRoutes
    /// The interface to bind.
    public let host: String
    /// The port; 0 picks a free one (see `onServerRunning`).
    public let port: Int

    /// A server of `routes` on `host:port`.
    public init(routes: StorageRoutes, host: String = "127.0.0.1", port: Int) {
        self.routes = routes
        self.host = host
        self.port = port
    }

    /// The router: errors as JSON, then the storage routes.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware(allowedMethods: routes.allowedMethods))
        routes.addRoutes(to: router)
        return router
    }

    /// The Hummingbird application: a `Service`.
    ///
    /// - Parameter onServerRunning: called once the socket is bound, with the port it got.
    public func makeApplication(
        logger: Logger = Logger(label: "iexec.storage.server"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(router: makeRouter(),
                    configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "iexec-storage"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGINT or SIGTERM (or until the group is shut down) and returns once stopped.
    ///
    /// - Parameter handlingSignals: off in tests, which cancel or shut the group down themselves.
    public func run(logger: Logger = Logger(label: "iexec.storage"), handlingSignals: Bool = true,
                    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        let application = makeApplication(logger: logger, onServerRunning: onServerRunning)
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: handlingSignals ? [.sigint, .sigterm] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        try await ServiceGroup(configuration: configuration).run()
    }
}
