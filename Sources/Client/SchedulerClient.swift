import AsyncHTTPClient
import Ethereum
import Foundation
import NIOCore
import NIOHTTP1

/// A worker's client of a scheduler's worker API (`/scheduler`, docs/openapi/scheduler.yaml):
/// log in with a signed challenge, then heartbeat, ask for replicates and report progress with
/// the session's bearer token.
public struct SchedulerClient: Sendable {
    private let transport: ServiceTransport
    /// The scheduler's URL, e.g. `http://127.0.0.1:7000`.
    public var baseURL: String { transport.baseURL }

    static let maxAnswerSize = 16 << 20

    /// A client of the scheduler at `baseURL`.
    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        transport = ServiceTransport(baseURL: baseURL, httpClient: httpClient, timeout: timeout,
                                     maxAnswerSize: Self.maxAnswerSize)
    }

    /// Logs in as `key`'s address: fetches a challenge, signs it (EIP-712), sends it with `worker`.
    ///
    /// - Throws: `.service(401, …)` when the scheduler refuses the signature, `.service(400, …)`
    ///   for a bad ClassAd, `.transport` when it cannot be reached.
    public func login(key: PrivateKey, worker: WorkerDescription) async throws(ClientError) -> WorkerSession {
        let (_, answer) = try await send(.GET, "/scheduler/challenge?address=\(key.address.checksummed)", expecting: [200])
        guard let document = answer.flatMap({ try? JSONValue(parsing: String(decoding: $0, as: UTF8.self)) })?["typedData"]
        else { throw .invalidResponse("challenge: no typedData") }
        let typedData: TypedData
        do throws(TypedDataError) {
            typedData = try TypedData(jsonValue: document)
        } catch {
            throw .invalidResponse("challenge: \(error)")
        }
        let authorization = MarketClient.authorization(typedData, signedWith: key)
        return try await call(.POST, "/scheduler/login", body: WorkerLogin(authorization: authorization, worker: worker),
                              as: WorkerSession.self)
    }

    /// A heartbeat: the replicates the worker holds, with what to do next.
    public func heartbeat(_ session: WorkerSession) async throws(ClientError) -> [HeldReplicate] {
        try await call(.POST, "/scheduler/heartbeat", token: session.token, as: HeldReplicates.self).replicates
    }

    /// The replicates the worker holds (after a restart: its interrupted work).
    public func heldReplicates(_ session: WorkerSession) async throws(ClientError) -> [HeldReplicate] {
        try await call(.GET, "/scheduler/replicates", token: session.token, as: HeldReplicates.self).replicates
    }

    /// A replicate to run, or nil when none is due to this worker now.
    public func askForReplicate(_ session: WorkerSession) async throws(ClientError) -> ReplicateAssignment? {
        let (status, bytes) = try await send(.POST, "/scheduler/replicates/ask", token: session.token, expecting: [200, 204])
        guard status == 200, let bytes else { return nil }
        return try decode(ReplicateAssignment.self, bytes, what: "assignment")
    }

    /// Reports progress on a replicate; answers what to do next.
    public func report(_ session: WorkerSession, taskId: Hash32, _ report: ReplicateReport) async throws(ClientError)
        -> ReplicateInstruction {
        try await call(.POST, "/scheduler/replicates/\(taskId.hex)", token: session.token, body: report,
                       as: ReplicateInstruction.self)
    }

    // MARK: - Transport

    private func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, token: String? = nil,
                                         body: (some Encodable)? = Optional<String>.none,
                                         as type: Answer.Type) async throws(ClientError) -> Answer {
        var data: [UInt8]?
        if let body {
            do {
                data = [UInt8](try JSONEncoder().encode(body))
            } catch {
                throw .invalidResponse("cannot encode the request for \(type): \(error)")
            }
        }
        let (_, bytes) = try await send(method, path, token: token, body: data, expecting: [200])
        guard let bytes else { throw .invalidResponse("\(method) \(path): empty answer") }
        return try decode(type, bytes, what: "\(method) \(path)")
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, _ bytes: [UInt8], what: String) throws(ClientError)
        -> Answer {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .invalidResponse("\(what): \(error)")
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]? = nil,
                      expecting: Set<Int>) async throws(ClientError) -> (Int, [UInt8]?) {
        let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        let (status, bytes) = try await transport.exchange(method, path, headers: headers, json: body, expecting: expecting)
        return (status, bytes.readableBytes > 0 ? Array(bytes.readableBytesView) : nil)
    }
}
