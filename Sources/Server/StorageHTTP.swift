// The storage API's HTTP pieces (docs/storage.md, "HTTP API"): errors, byte ranges, wrong methods.
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// A refusal of the storage API: a status and a message saying what to do.
struct StorageHTTPError: Error, Hashable, Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    /// Extra headers (`Content-Range` of a 416).
    var headers: HTTPFields = [:]

    var description: String { "\(status.code): \(message)" }

    /// The JSON `{"error"}` response.
    var response: Response {
        var response = JSONErrorMiddleware.render(status, message)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The status each store refusal maps to.
    init(_ error: BlobStoreError) {
        switch error {
        case .notFound: status = .notFound
        case .tooLarge: status = .contentTooLarge
        case .idMismatch: status = .badRequest
        case .rangeOutOfBounds: status = .rangeNotSatisfiable
        case .chunkOutOfRange: status = .notFound
        case .io, .writerClosed: status = .internalServerError
        }
        message = error.description
    }

    /// A refused signature: 401.
    init(_ error: StorageAuthorizationError) {
        status = .unauthorized
        message = error.description
    }

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }
}

/// A `Range` header of one range (RFC 9110 §14): `bytes=a-b`, `bytes=a-`, `bytes=-n`.
enum ByteRangeRequest: Equatable {
    /// No `Range`, or one this server ignores (several ranges, another unit, bad syntax): the whole blob.
    case whole
    /// The bytes to send (never empty).
    case satisfiable(Range<UInt64>)
    /// A well-formed range that selects nothing of a blob of this size: 416.
    case unsatisfiable

    /// Reads `header` against a blob of `size` bytes.
    init(header: String?, size: UInt64) {
        guard let header else { self = .whole; return }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { self = .whole; return }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { self = .whole; return }
        let first = parts[0].trimmingCharacters(in: .whitespaces), last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // Suffix: the last n bytes.
            guard let count = UInt64(last) else { self = .whole; return }
            guard count > 0, size > 0 else { self = .unsatisfiable; return }
            self = .satisfiable((size - min(count, size))..<size)
            return
        }
        guard let start = UInt64(first) else { self = .whole; return }
        var end = size
        if !last.isEmpty {
            guard let inclusiveEnd = UInt64(last), inclusiveEnd >= start else { self = .whole; return }
            end = inclusiveEnd < size ? inclusiveEnd + 1 : size
        }
        self = start < size ? .satisfiable(start..<end) : .unsatisfiable
    }
}

