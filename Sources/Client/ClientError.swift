import Foundation

/// Why a call to one of the node's services (market, storage) failed. Each says what to do.
public enum ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The service answered with an error status and its `{"error"}` message.
    case service(status: Int, message: String)
    /// The service could not be reached or the connection broke.
    case transport(String)
    /// The answer is not what the API promises (bad JSON, missing field).
    case invalidResponse(String)
    /// The bytes received are not the ones asked for: the server is faulty or malicious.
    case verificationFailed(String)
    /// A local file could not be read or written.
    case file(String)

    public var description: String {
        switch self {
        case .service(let status, let message): return "service answered \(status): \(message)"
        case .transport(let why): return "cannot reach the service: \(why); is the node running at this URL?"
        case .invalidResponse(let why): return "unexpected answer from the service: \(why)"
        case .verificationFailed(let why): return "verification failed: \(why); the data was not accepted"
        case .file(let why): return "file error: \(why)"
        }
    }
}
