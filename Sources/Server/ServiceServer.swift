// A service served alone, without a chain node: the storage (`iexec storage`), the scheduler
// (`iexec scheduler`).
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// The storage service on its own.
public typealias StorageServer = ServiceServer

extension ServiceServer {
    /// The storage's routes on `host:port`.
    public init(routes: StorageRoutes, host: String = "127.0.0.1", port: Int) {
        self.init(routeGroups: [routes], host: host, port: port, serverName: "iexec-storage")
    }
}

/// Route groups behind a Hummingbird application, run with the services beside them (e.g. the
/// scheduler's chain follower) in a `ServiceGroup` that stops gracefully (requests under way
/// finish) on SIGINT or SIGTERM.
public struct ServiceServer: Sendable {
    /// The routes served.
    public let routeGroups: [any NodeRouteGroup]
    /// Services run in the same group (they stop with the server, and it with them).
    public let services: [any Service]
    /// The interface to bind.
    public let host: String
    /// The port; 0 picks a free one (see `onServerRunning`).
    public let port: Int
    /// The `Server` header.
    public let serverName: String

    /// A server of `routeGroups` on `host:port`, running `services` beside it.
    public init(routeGroups: [any NodeRouteGroup], services: [any Service] = [], host: String = "127.0.0.1", port: Int,
                serverName: String) {
        self.routeGroups = routeGroups
        self.services = services
        self.host = host
        self.port = port
        self.serverName = serverName
    }

    /// The router: errors as JSON, then each group's routes.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let allowed = routeGroups.reduce(into: [String: [HTTPRequest.Method]]()) { all, group in
            all.merge(group.allowedMethods) { first, _ in first }
        }
        router.add(middleware: JSONErrorMiddleware(allowedMethods: allowed))
        for group in routeGroups { group.addRoutes(to: router) }
        return router
    }

    /// The Hummingbird application: a `Service`.
    ///
    /// - Parameter onServerRunning: called once the socket is bound, with the port it got.
    public func makeApplication(
        logger: Logger = Logger(label: "iexec.server"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(router: makeRouter(),
                    configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGINT or SIGTERM (or until the group is shut down) and returns once stopped.
    ///
    /// - Parameter handlingSignals: off in tests, which cancel or shut the group down themselves.
    public func run(logger: Logger = Logger(label: "iexec.server"), handlingSignals: Bool = true,
                    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        try await makeGroup(logger: logger, handlingSignals: handlingSignals, onServerRunning: onServerRunning).run()
    }

    /// Serves while `body` runs with the root URL (`http://host:port`, the port the socket got),
    /// then shuts down gracefully and returns what `body` returned: for tests and benchmarks.
    public func serving<T: Sendable>(logger: Logger = Logger(label: "iexec.server"),
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

    /// The server and its services in one group, stopped in reverse order (services first, then
    /// the server) on a signal or `triggerGracefulShutdown()`.
    public func makeGroup(logger: Logger, handlingSignals: Bool,
                          onServerRunning: @escaping @Sendable (_ port: Int) async -> Void) -> ServiceGroup {
        let application = makeApplication(logger: logger, onServerRunning: onServerRunning)
        let members = [application as any Service] + services
        var configuration = ServiceGroupConfiguration(
            services: members.map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: handlingSignals ? [.sigint, .sigterm] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        return ServiceGroup(configuration: configuration)
    }
}
