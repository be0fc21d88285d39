import AsyncHTTPClient
import Ethereum
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import Storage

/// A client of the storage API (docs/storage.md, "HTTP API"): signed uploads streamed from disk,
/// downloads verified chunk by chunk as they arrive and resumable, proofs of possession and
/// signed receipts.
public struct StorageClient: Sendable {
    /// The server's root URL (`http://host:port`); routes live under `/storage`.
    public let baseURL: String
    /// The key that signs uploads and reads (nil: unsigned requests, enough for public reads).
    public let key: PrivateKey?
    let httpClient: HTTPClient
    let clock: @Sendable () -> UInt64
    let responseTimeout: Duration

    /// A client of the storage served at `baseURL`.
    ///
    /// - Parameters:
    ///   - key: signs uploads (required by the server) and reads (required for private blobs).
    ///   - clock: unix seconds, the timestamp of signatures.
    ///   - responseTimeout: how long to wait for an answer's head (for an upload, on top of one
    ///     second per megabyte sent); a body that stalls is the HTTP client's read timeout.
    public init(baseURL: String, key: PrivateKey?, httpClient: HTTPClient = .shared,
                clock: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) },
                responseTimeout: Duration = .seconds(60)) {
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        self.baseURL = root
        self.key = key
        self.httpClient = httpClient
        self.clock = clock
        self.responseTimeout = responseTimeout
    }

    /// The URL of blob `id`, plus `suffix` (`/manifest`, `/chunks/3`, …).
    func url(of id: ContentID, _ suffix: String = "") -> String {
        "\(baseURL)/storage/blobs/\(id)\(suffix)"
    }

    // MARK: - Upload

    /// Uploads the file at `file`, streamed from disk in bounded memory, and returns its id.
    ///
    /// The id is computed first (one pass over the file), then the body is sent under it; the
    /// server recomputes it and refuses a mismatch (a file that changed in between).
    /// - Parameter readers: makes the blob private to these addresses and the uploader.
    public func upload(file: URL, readers: [Address] = []) async throws(ClientError) -> ContentID {
        let path = file.path(percentEncoded: false)
        let (id, length) = try Self.contentID(ofFile: path)
        let body = HTTPClientRequest.Body.stream(FileByteBuffers(path: path, length: length), length: .known(Int64(length)))
        try await put(body, id: id, length: length, readers: readers)
        return id
    }

    /// Uploads `bytes` (a small blob held in memory) and returns its id.
    public func upload(bytes: [UInt8], readers: [Address] = []) async throws(ClientError) -> ContentID {
        let id = ContentID.of(bytes)
        try await put(.bytes(bytes), id: id, length: UInt64(bytes.count), readers: readers)
        return id
    }

    /// The id of the file at `path` and its length. A chunked id's leaves are independent, so a
    /// large file is hashed by several threads at once, each over its own run of chunks.
    static func contentID(ofFile path: String) throws(ClientError) -> (ContentID, UInt64) {
        let file = try LocalFile.openForReading(path)
        let length = try file.size()
        file.close()
        guard length > UInt64(ContentID.plainLimit) else {
            let file = try LocalFile.openForReading(path)
            var buffer: [UInt8] = []
            let count = try file.read(into: &buffer, count: Int(length), at: 0)
            guard UInt64(count) == length else { throw .file("\(path) changed while it was read") }
            return (ContentID.of(Array(buffer[..<count])), length)
        }
        let chunkCount = ChunkTree.chunkCount(totalLength: length)
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, chunkCount))
        let runs = Mutex([Result<[[UInt8]], ClientError>?](repeating: nil, count: threads))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let chunks = chunkCount * thread / threads..<chunkCount * (thread + 1) / threads
            let run = Result { () throws(ClientError) -> [[UInt8]] in
                // One descriptor per thread: `LocalFile` is not shared across threads.
                let file = try LocalFile.openForReading(path)
                var buffer: [UInt8] = []
                return try chunks.map { index throws(ClientError) in
                    let range = ChunkTree.chunkRange(index: index, totalLength: length) ?? 0..<0
                    let count = try file.read(into: &buffer, count: Int(range.count), at: range.lowerBound)
                    guard count == range.count else { throw .file("\(path) changed while it was read") }
                    return ChunkTree.leaf(buffer[..<count])
                }
            }
            runs.withLock { $0[thread] = run }
        }
        var leaves: [[UInt8]] = []
        for run in runs.withLock({ $0 }) {
            guard let run else { throw .file("hashing \(path) did not finish") }
            leaves += try run.get()
        }
        let digest = ChunkTree.digest(root: ChunkTree.root(leaves: leaves), totalLength: length)
        guard let id = try? ContentID(kind: .chunked, digest: digest) else { throw .file("hashing \(path) gave no id") }
        return (id, length)
    }

    private func put(_ body: HTTPClientRequest.Body, id: ContentID, length: UInt64, readers: [Address]) async throws(ClientError) {
        var headers = signedHeaders("PUT", id)
        if !readers.isEmpty {
            headers.add(name: StorageAuthorization.readersHeader, value: readers.map(\.checksummed).joined(separator: ","))
        }
        // The answer comes once the whole body is sent: allow for at least 1 MB/s.
        let response = try await send(.PUT, url(of: id), headers: headers, body: body, sendingTime: .seconds(Int64(length / 1_000_000)))
        try await Self.expect(response, statuses: [.ok, .created], doing: "upload \(id)")
        let stored: StoredBlob = try await Self.decode(response, as: StoredBlob.self, doing: "upload \(id)")
        guard stored.cid == id.description, stored.size == length else {
            throw .invalidResponse("upload \(id) of \(length) bytes: the server answered \(stored.cid) of \(stored.size) bytes")
        }
    }

    private struct StoredBlob: Decodable {
        let cid: String
        let size: UInt64
    }

    // MARK: - Info and receipts

    /// What `GET /storage/info` says: the server's signing address and its size limit.
    public func info() async throws(ClientError) -> StorageInfo {
        let response = try await send(.GET, "\(baseURL)/storage/info")
        try await Self.expect(response, statuses: [.ok], doing: "read the storage info")
        let info = try await Self.decode(response, as: InfoBody.self, doing: "read the storage info")
        guard let address = try? Address(hex: info.address) else {
            throw .invalidResponse("storage info: address \(info.address) is not an address")
        }
        return StorageInfo(address: address, sizeLimit: info.sizeLimit)
    }

    private struct InfoBody: Decodable {
        let address: String
        let sizeLimit: UInt64
    }

    /// A receipt signed by the server saying it handed `bytes` bytes of `id` to this client's
    /// key (or to the zero address when unsigned). Refused unless its signature recovers to its
    /// `server` and its fields are the ones asked for.
    /// - Parameter server: when given, the receipt must be signed by this address.
    public func receipt(_ id: ContentID, bytes: UInt64, server: Address? = nil) async throws(ClientError) -> StorageReceipt {
        let what = "receipt for \(bytes) bytes of \(id)"
        let response = try await send(.GET, url(of: id, "/receipt?bytes=\(bytes)"), headers: signedHeaders("GET", id))
        try await Self.expect(response, statuses: [.ok], doing: "get the \(what)")
        let receipt = try await Self.decode(response, as: StorageReceipt.self, doing: "get the \(what)")
        guard receipt.verify() else {
            throw .verificationFailed("\(what): the signature does not recover to the receipt's server \(receipt.server)")
        }
        if let server, receipt.server != server {
            throw .verificationFailed("\(what): signed by \(receipt.server), expected \(server)")
        }
        let reader = key?.address ?? .zero
        guard receipt.cid == id.description, receipt.bytes == bytes, receipt.reader == reader else {
            throw .verificationFailed("\(what): the receipt is for \(receipt.bytes) bytes of \(receipt.cid) to \(receipt.reader), expected \(reader)")
        }
        return receipt
    }

    // MARK: - HTTP

    /// The signed headers of `method` on `id` when a key is set (none otherwise).
    func signedHeaders(_ method: String, _ id: ContentID) -> HTTPHeaders {
        var headers = HTTPHeaders()
        guard let key else { return headers }
        for header in StorageAuthorization(signing: method, cid: id, timestamp: clock(), with: key).headers {
            headers.add(name: header.name, value: header.value)
        }
        return headers
    }

    /// Sends a request; a failure to connect or a response head not arriving within
    /// `responseTimeout + sendingTime` is `.transport`.
    func send(_ method: HTTPMethod, _ url: String, headers: HTTPHeaders = [:],
              body: HTTPClientRequest.Body? = nil, sendingTime: Duration = .zero) async throws(ClientError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        request.body = body
        do {
            return try await httpClient.execute(request, timeout: .nanoseconds((responseTimeout + sendingTime).inNanoseconds))
        } catch let error as ClientError {
            throw error
        } catch {
            throw .transport("\(method) \(url): \(error)")
        }
    }

    /// Throws `.service` with the server's `{"error"}` unless the status is one of `statuses`.
    static func expect(_ response: HTTPClientResponse, statuses: [HTTPResponseStatus], doing what: String) async throws(ClientError) {
        guard !statuses.contains(response.status) else { return }
        var message = response.status.reasonPhrase
        if let body = try? await response.body.collect(upTo: 64 << 10) {
            let text = String(buffer: body)
            if let data = text.data(using: .utf8), let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                message = decoded.error
            } else if !text.isEmpty {
                message = String(text.prefix(200))
            }
        }
        throw .service(status: Int(response.status.code), message: "\(what): \(message)")
    }

    private struct ErrorBody: Decodable { let error: String }

    /// Reads a JSON body (at most `limit` bytes) as `type`.
    static func decode<T: Decodable>(_ response: HTTPClientResponse, as type: T.Type, limit: Int = 1 << 20,
                                     doing what: String) async throws(ClientError) -> T {
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: limit) } catch {
            throw .transport("\(what): reading the answer failed: \(error)")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) } catch {
            throw .invalidResponse("\(what): the answer is not the expected JSON: \(error)")
        }
    }
}

/// What a storage server says about itself (`GET /storage/info`).
public struct StorageInfo: Hashable, Sendable {
    /// The address of the key that signs the server's receipts.
    public let address: Address
    /// The largest blob it accepts, in bytes.
    public let sizeLimit: UInt64

    /// Info from its parts.
    public init(address: Address, sizeLimit: UInt64) {
        self.address = address
        self.sizeLimit = sizeLimit
    }
}

fileprivate extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
