import Client
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Scheduler

/// The scheduler's worker API under `/scheduler` (docs/openapi/scheduler.yaml): login by signed
/// challenge, heartbeat, ask for a replicate, report progress, list held replicates, status; and
/// `GET /metrics` when served alone. Bodies are JSON (`WorkerAPI.swift`'s messages); every call
/// but the challenge, the login and the status carries `Authorization: Bearer <token>`.
public struct SchedulerRoutes: NodeRouteGroup {
    /// The scheduler served.
    public let scheduler: WorkerpoolScheduler
    /// Whether to serve `GET /metrics` (when the scheduler runs alone, not inside a node).
    public let servesMetrics: Bool

    /// The largest request body accepted: a worker's ClassAd and description.
    public static let maxBodySize = 64 << 10

    /// The paths and their methods.
    public static let pathMethods: [String: [HTTPRequest.Method]] = [
        "/scheduler/challenge": [.get],
        "/scheduler/login": [.post],
        "/scheduler/heartbeat": [.post],
        "/scheduler/replicates": [.get],
        "/scheduler/replicates/ask": [.post],
        "/scheduler/replicates/{taskId}": [.post],
        "/scheduler/status": [.get],
    ]

    /// Routes answering for `scheduler`.
    public init(scheduler: WorkerpoolScheduler, servesMetrics: Bool = false) {
        self.scheduler = scheduler
        self.servesMetrics = servesMetrics
    }

    public var allowedMethods: [String: [HTTPRequest.Method]] {
        servesMetrics ? Self.pathMethods.merging(["/metrics": [.get]]) { first, _ in first } : Self.pathMethods
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/scheduler/challenge") { request, _ in
            await answer { () async throws(HTTPFailure) in
                guard let text = request.uri.queryParameters["address"].map(String.init),
                      let address = try? Address(hex: text) else {
                    throw HTTPFailure(status: .badRequest, message: "give ?address=0x… (the worker's address)")
                }
                return NodeServer.json(.ok, await scheduler.challenge(for: address).jsonValue.serialized)
            }
        }
        router.post("/scheduler/login") { request, _ in
            await answer { () async throws(HTTPFailure) in
                let login = try await decode(WorkerLogin.self, request)
                return try encode(try await call { () async throws(SchedulerError) in try await scheduler.login(login) })
            }
        }
        // A heartbeat and the list of held replicates answer alike (both count as a sign of life).
        @Sendable func held(_ request: Request, _ context: BasicRequestContext) async -> Response {
            await answer { () async throws(HTTPFailure) in
                let token = try bearer(request)
                let held = try await call { () async throws(SchedulerError) in try await scheduler.heartbeat(token: token) }
                return try encode(HeldReplicates(replicates: held))
            }
        }
        router.post("/scheduler/heartbeat", use: held)
        router.get("/scheduler/replicates", use: held)
        router.post("/scheduler/replicates/ask") { request, _ in
            await answer { () async throws(HTTPFailure) in
                let token = try bearer(request)
                guard let assignment = try await call({ () async throws(SchedulerError) in
                    try await scheduler.askForReplicate(token: token)
                }) else { return Response(status: .noContent) }
                return try encode(assignment)
            }
        }
        router.post("/scheduler/replicates/:taskId") { request, context in
            await answer { () async throws(HTTPFailure) in
                let token = try bearer(request)
                guard let text = context.parameters.get("taskId"), let taskId = try? Hash32(hex: text) else {
                    throw HTTPFailure(status: .badRequest, message: "the path must end with the task id (0x and 64 hex digits)")
                }
                let report = try await decode(ReplicateReport.self, request)
                return try encode(try await call { () async throws(SchedulerError) in
                    try await scheduler.report(token: token, taskId: taskId, report)
                })
            }
        }
        router.get("/scheduler/status") { _, _ in
            NodeServer.json(.ok, SchedulerJSON.status(await scheduler.status()).serialized)
        }
        if servesMetrics {
            router.get("/metrics") { _, _ in
                var response = Response(status: .ok, body: .init(byteBuffer: .init(
                    string: SchedulerJSON.metrics(await scheduler.status()))))
                response.headers[.contentType] = MetricsExposition.contentType
                return response
            }
        }
    }

    // MARK: Helpers

    private func bearer(_ request: Request) throws(HTTPFailure) -> String {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw HTTPFailure(status: .unauthorized,
                              message: "send Authorization: Bearer <token> (POST /scheduler/login gives one)")
        }
        return String(header.dropFirst(7))
    }

    private func decode<Message: Decodable>(_ type: Message.Type, _ request: Request) async throws(HTTPFailure) -> Message {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: Self.maxBodySize).readableBytesView)
        } catch {
            throw HTTPFailure(status: .contentTooLarge, message: "request body over \(Self.maxBodySize) bytes or unreadable")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw HTTPFailure(status: .badRequest, message: "the body is not a valid \(type): \(SchedulerJSON.describe(error))")
        }
    }

    private func encode<Message: Encodable>(_ message: Message) throws(HTTPFailure) -> Response {
        do {
            return NodeServer.json(.ok, String(decoding: try SchedulerJSON.encoder.encode(message), as: UTF8.self))
        } catch {
            throw HTTPFailure(status: .internalServerError, message: "cannot encode the answer: \(error)")
        }
    }

    private func call<Value>(_ body: () async throws(SchedulerError) -> Value) async throws(HTTPFailure) -> Value {
        do {
            return try await body()
        } catch {
            throw HTTPFailure(status: HTTPResponse.Status(code: error.httpStatus), message: error.description)
        }
    }

    private func answer(_ handler: () async throws(HTTPFailure) -> Response) async -> Response {
        do {
            return try await handler()
        } catch {
            return JSONErrorMiddleware.render(error.status, error.message)
        }
    }
}
