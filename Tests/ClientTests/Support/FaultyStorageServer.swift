import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Storage
import Synchronization

/// What the faulty server does wrong (docs/storage.md's routes otherwise).
enum StorageFault: Sendable, Equatable {
    /// Behaves.
    case none
    /// Flips one byte of chunk `k` in the body of `GET /blobs/{cid}`.
    case corruptChunk(Int)
    /// Announces the full length, sends the body's first `after` bytes, then closes the connection
    /// (what was still in the server's buffers may be lost too).
    case truncateBody(after: Int)
    /// Announces and sends only the body's first `after` bytes, ending the answer cleanly.
    case shortBody(after: Int)
    /// Sends the body's first `after` bytes, then sends nothing more until the server stops.
    case stallBody(after: Int)
    /// Answers `404` to the manifest.
    case withholdManifest
    /// Announces a manifest, sends part of it and closes the connection.
    case hangUpManifest
    /// Serves a manifest whose leaf `k` is altered.
    case wrongManifest(Int)
    /// Answers `200` with the whole blob whatever the `Range`.
    case ignoreRange
    /// Answers `500` to `/chunks/k` (the provider lost it).
    case loseChunk(Int)
    /// Flips one byte of `/chunks/k`, keeping the honest proof.
    case alterChunk(Int)
    /// Signs a receipt, then changes its byte count.
    case forgeReceipt
}

/// A small storage server for the client's tests, speaking docs/storage.md's routes over an
/// ``InMemoryBlobStore`` with a switchable ``StorageFault``, and recording the `Range` of every
/// body request.
final class FaultyStorageServer: Sendable {
    let store = InMemoryBlobStore()
    /// The key that signs receipts.
    let key: PrivateKey
    private let state = Mutex<(fault: StorageFault, ranges: [String?], stopping: Bool)>((.none, [], false))
    /// The server's clock (unix seconds), for signature checks and receipts.
    let now: UInt64

    init(key: PrivateKey, now: UInt64) {
        self.key = key
        self.now = now
    }

    /// The fault in effect for the next requests.
    var fault: StorageFault {
        get { state.withLock { $0.fault } }
        set { state.withLock { $0.fault = newValue } }
    }

    /// The `Range` header (nil when absent) of every `GET /blobs/{cid}` so far.
    var rangesRequested: [String?] { state.withLock { $0.ranges } }

    /// Serves on a free loopback port while `body` runs with the server's root URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "faulty-storage", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "faulty-storage", factory: { _ in SwiftLogNoOpLogHandler() })))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            defer { state.withLock { $0.stopping = true } }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                state.withLock { $0.stopping = true }
                await group.triggerGracefulShutdown()
                return result
            } catch {
                state.withLock { $0.stopping = true }
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    // MARK: - Routes

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.put("/storage/blobs/:cid") { request, context in try await self.put(request, context) }
        router.get("/storage/blobs/:cid") { request, context in try self.blob(request, context, head: false) }
        router.head("/storage/blobs/:cid") { request, context in try self.blob(request, context, head: true) }
        router.get("/storage/blobs/:cid/manifest") { request, context in try self.manifest(request, context) }
        router.get("/storage/blobs/:cid/chunks/:index") { request, context in try self.chunk(request, context) }
        router.get("/storage/blobs/:cid/receipt") { request, context in try self.receipt(request, context) }
        router.get("/storage/info") { _, _ in
            Self.json(.ok, ["address": self.key.address.checksummed, "sizeLimit": self.store.sizeLimit])
        }
        return router
    }

    private func put(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let signer: Address
        do {
            guard let authorization = try StorageAuthorization(header: { request.headers[HTTPField.Name($0)!] }) else {
                return Self.error(.unauthorized, "unsigned upload")
            }
            signer = try authorization.verify(method: "PUT", cid: id, now: now)
        } catch { return Self.error(.unauthorized, "\(error)") }
        let readers = try StorageAuthorization.readers(from: request.headers[HTTPField.Name(StorageAuthorization.readersHeader)!] ?? "")
        let body = try await request.body.collect(upTo: Int(store.sizeLimit))
        do {
            let stored = try store.put(Array(body.readableBytesView), expected: id, readers: readers, uploader: signer)
            return Self.json(.created, ["cid": stored.id.description, "size": stored.metadata.size])
        } catch { return Self.error(.badRequest, "\(error)") }
    }

    /// Who may read: the signer (zero when unsigned and public), or the response refusing the read.
    private enum Access {
        case reader(Address)
        case refused(Response)
    }

    /// The reader allowed by the request's signature, or the response refusing it.
    private func reader(_ request: Request, _ id: ContentID) throws -> Access {
        let metadata: BlobMetadata
        do { metadata = try store.metadata(of: id) } catch { return .refused(Self.error(.notFound, "\(error)")) }
        let authorization: StorageAuthorization?
        do { authorization = try StorageAuthorization(header: { request.headers[HTTPField.Name($0)!] }) } catch {
            return .refused(Self.error(.unauthorized, "\(error)"))
        }
        guard let authorization else {
            return metadata.isPrivate ? .refused(Self.error(.unauthorized, "sign reads of a private blob")) : .reader(Address.zero)
        }
        do {
            let signer = try authorization.verify(method: "GET", cid: id, now: now)
            return metadata.allows(signer) ? .reader(signer) : .refused(Self.error(.forbidden, "not a reader"))
        } catch { return .refused(Self.error(.unauthorized, "\(error)")) }
    }

    private func blob(_ request: Request, _ context: BasicRequestContext, head: Bool) throws -> Response {
        let id = try Self.id(context)
        if case .refused(let refusal) = try reader(request, id) { return refusal }
        let fault = self.fault
        let range = request.headers[.range]
        if !head { state.withLock { $0.ranges.append(range) } }
        var bytes = try store.read(id, range: nil)
        let size = bytes.count
        var start = 0
        var status = HTTPResponse.Status.ok
        if let range, fault != .ignoreRange,
           let text = range.split(separator: "=").last?.split(separator: "-").first, let lower = Int(text) {
            start = lower
            status = .partialContent
        }
        if case .corruptChunk(let k) = fault, k * ChunkTree.chunkSize < size {
            bytes[min(k * ChunkTree.chunkSize + 17, size - 1)] ^= 0x5a
        }
        var length = size - start
        if case .shortBody(let after) = fault { length = min(length, after) }
        var headers: HTTPFields = [.contentLength: String(length), .acceptRanges: "bytes",
                                   HTTPField.Name("X-Iexec-Size")!: String(size)]
        if status == .partialContent { headers[.contentRange] = "bytes \(start)-\(size - 1)/\(size)" }
        if head { return Response(status: status, headers: headers, body: ResponseBody()) }
        let body = bytes[start..<(start + length)]
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: body.count) { writer in
            var sent = 0
            for piece in stride(from: body.startIndex, to: body.endIndex, by: 64 << 10) {
                var slice = body[piece..<min(piece + (64 << 10), body.endIndex)]
                switch fault {
                case .truncateBody(let after), .stallBody(let after):
                    slice = slice.prefix(max(0, after - sent))
                default: break
                }
                if !slice.isEmpty { try await writer.write(ByteBuffer(bytes: slice)) }
                sent += slice.count
                if case .truncateBody(let after) = fault, sent >= after { throw CancellationError() }
                if case .stallBody(let after) = fault, sent >= after {
                    // Hold the connection open, sending nothing, until the test stops the server.
                    while !self.state.withLock({ $0.stopping }) { try await Task.sleep(for: .milliseconds(20)) }
                    throw CancellationError()
                }
            }
            try await writer.finish(nil)
        })
    }

    private func manifest(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try Self.id(context)
        if case .refused(let refusal) = try reader(request, id) { return refusal }
        if fault == .withholdManifest { return Self.error(.notFound, "manifest withheld") }
        let manifest = try store.manifest(of: id)
        var leaves = manifest.leaves
        if case .wrongManifest(let k) = fault, leaves.indices.contains(k) { leaves[k][0] ^= 1 }
        let text = Self.jsonText(["cid": id.description, "size": manifest.totalLength, "chunkSize": ChunkTree.chunkSize,
                                  "leaves": leaves.map { Hex.encode($0) }])
        if fault == .hangUpManifest {
            return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: String(text.utf8.count)],
                            body: ResponseBody(contentLength: text.utf8.count) { writer in
                                try await writer.write(ByteBuffer(string: String(text.prefix(text.count / 2))))
                                throw CancellationError()
                            })
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private func chunk(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try Self.id(context)
        if case .refused(let refusal) = try reader(request, id) { return refusal }
        let index = try context.parameters.require("index", as: Int.self)
        if fault == .loseChunk(index) { return Self.error(.internalServerError, "chunk \(index) is gone") }
        var (bytes, proof) = try store.chunk(id, index: index)
        if fault == .alterChunk(index), !bytes.isEmpty { bytes[bytes.count / 2] ^= 0x01 }
        return Response(status: .ok, headers: [HTTPField.Name("X-Iexec-Proof")!: proof.siblings.map { Hex.encode($0) }.joined(separator: ","),
                                               HTTPField.Name("X-Iexec-Size")!: String(proof.totalLength)],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func receipt(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try Self.id(context)
        let reader: Address
        switch try self.reader(request, id) {
        case .refused(let refusal): return refusal
        case .reader(let address): reader = address
        }
        guard let bytes = request.uri.queryParameters.get("bytes", as: UInt64.self) else { return Self.error(.badRequest, "bytes=N") }
        var receipt = StorageReceipt(cid: id, reader: reader, bytes: bytes, timestamp: now, serverKey: key)
        if fault == .forgeReceipt { receipt.bytes += 1 }
        let data = try JSONEncoder().encode(receipt)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Helpers

    private static func id(_ context: BasicRequestContext) throws -> ContentID {
        guard let id = ContentID(try context.parameters.require("cid")) else { throw HTTPError(.badRequest) }
        return id
    }

    private static func jsonText(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    private static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: jsonText(object))))
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["error": message])
    }
}
