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
        try await makeGroup(logger: logger, handlingSignals: handlingSignals, onServerRunning: onServerRunning).run()
    }

    /// Serves while `body` runs with the root URL (`http://host:port`, the port the socket got),
    /// then shuts down gracefully and returns what `body` returned: for tests and benchmarks.
    public func serving<T: Sendable>(logger: Logger = Logger(label: "iexec.storage"),
                                     _ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let group = makeGroup(logger: logger, handlingSignals: false) { sink.yield($0) }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let result = try await body("http://\(host):\(port)")
                await group.triggerGracefulShutdown()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    private func makeGroup(logger: Logger, handlingSignals: Bool,
                           onServerRunning: @escaping @Sendable (_ port: Int) async -> Void) -> ServiceGroup {
        let application = makeApplication(logger: logger, onServerRunning: onServerRunning)
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: handlingSignals ? [.sigint, .sigterm] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        return ServiceGroup(configuration: configuration)
    }
}
