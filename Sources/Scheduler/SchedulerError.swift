import Ethereum

/// Why the scheduler refused a request or could not act. `httpStatus` is what the worker API answers.
public enum SchedulerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No valid session: log in again (`GET /scheduler/challenge`, `POST /scheduler/login`).
    case unauthorized(String)
    /// The request is malformed (names the field).
    case badRequest(String)
    /// The worker has no replicate of this task.
    case unknownReplicate(task: Hash32, worker: Address)
    /// The store failed.
    case store(String)
    /// The chain failed.
    case chain(String)

    public var description: String {
        switch self {
        case .unauthorized(let detail): return "not logged in: \(detail)"
        case .badRequest(let detail): return "bad request: \(detail)"
        case .unknownReplicate(let task, let worker):
            return "worker \(worker.checksummed) holds no replicate of task \(task.hex); ask for work instead"
        case .store(let detail): return "scheduler store: \(detail)"
        case .chain(let detail): return "chain: \(detail)"
        }
    }

    /// The HTTP status the worker API answers with.
    public var httpStatus: Int {
        switch self {
        case .unauthorized: return 401
        case .badRequest: return 400
        case .unknownReplicate: return 404
        case .store, .chain: return 503
        }
    }
}
