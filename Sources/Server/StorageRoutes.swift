// The storage API (docs/storage.md, "HTTP API"), served by the node and by `iexec storage`.
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The `/storage` routes over a ``BlobStore``: signed streamed uploads, reads with ranges,
/// manifests, chunks with proofs, signed receipts, and access control of private blobs.
public struct StorageRoutes: NodeRouteGroup {
    /// Where blobs are kept.
    public let store: any BlobStore
    /// Signs receipts; its address is published on `/storage/info`.
    public let serverKey: PrivateKey
    /// Unix seconds: checks signature timestamps and dates receipts.
    public let clock: @Sendable () -> UInt64

    /// Bytes read from the store per piece of a response body: bounds a download's memory.
    public static let pieceSize: UInt64 = 1 << 20
    /// `X-Iexec-Size`: the blob's length.
    public static let sizeHeader = HTTPField.Name("X-Iexec-Size")!
    /// `X-Iexec-Proof`: a chunk's sibling hashes, comma-separated 0x-hex.
    public static let proofHeader = HTTPField.Name("X-Iexec-Proof")!

    /// The system clock in unix seconds.
    public static let systemClock: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }

    /// Routes over `store`, signing receipts with `serverKey`, reading time from `clock`.
    public init(store: any BlobStore, serverKey: PrivateKey, clock: @escaping @Sendable () -> UInt64 = StorageRoutes.systemClock) {
        self.store = store
        self.serverKey = serverKey
        self.clock = clock
    }

    /// The storage API's paths and methods.
    public var allowedMethods: [String: [HTTPRequest.Method]] {
        ["/storage/info": [.get], "/storage/blobs/{cid}": [.get, .head, .put],
         "/storage/blobs/{cid}/manifest": [.get], "/storage/blobs/{cid}/receipt": [.get],
         "/storage/blobs/{cid}/chunks/{index}": [.get]]
    }

    /// Adds the routes to `router`.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        let blob: RouterPath = "/storage/blobs/{cid}"
        router.put(blob) { request, context in await answer { try await upload(request, context) } }
        router.get(blob) { request, context in await answer { try serve(request, context, body: true) } }
        router.head(blob) { request, context in await answer { try serve(request, context, body: false) } }
        router.get("/storage/blobs/{cid}/manifest") { request, context in await answer { try manifest(request, context) } }
        router.get("/storage/blobs/{cid}/chunks/{index}") { request, context in await answer { try chunk(request, context) } }
        router.get("/storage/blobs/{cid}/receipt") { request, context in await answer { try receipt(request, context) } }
        router.get("/storage/info") { _, _ in
            Self.json(.ok, .object(["address": .string(serverKey.address.checksummed),
                                    "sizeLimit": .number(String(store.sizeLimit))]))
        }
    }

    // MARK: - Handlers

    private func upload(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let cid = try contentID(context)
        guard let uploader = try signer(of: request, method: "PUT", cid: cid) else {
            throw StorageHTTPError(.unauthorized, "uploads must be signed: send \(StorageAuthorization.signerHeader), \(StorageAuthorization.timestampHeader) and \(StorageAuthorization.signatureHeader) (docs/storage.md)")
        }
        let readers: [Address]
        do { readers = try request.headers[Self.readersHeader].map(StorageAuthorization.readers(from:)) ?? [] } catch {
            throw StorageHTTPError(.badRequest, "\(error): expected comma-separated addresses")
        }
        // Refused before a byte is read when the client announces too much.
        if let announced = request.headers[.contentLength].flatMap({ UInt64($0) }), announced > store.sizeLimit {
            throw StorageHTTPError(BlobStoreError.tooLarge(limit: store.sizeLimit))
        }
        let writer = try store.makeWriter(expected: cid, readers: readers, uploader: uploader)
        let stored: StoredBlob
        do {
            for try await buffer in request.body { try writer.write(buffer.readableBytesView) }
            stored = try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        return Self.json(stored.isNew ? .created : .ok,
                         .object(["cid": .string(stored.id.description), "size": .number(String(stored.metadata.size))]))
    }

    private func serve(_ request: Request, _ context: BasicRequestContext, body: Bool) throws -> Response {
        let cid = try contentID(context)
        let blob = try store.reader(of: cid)
        _ = try authorizeRead(request, cid: cid, metadata: blob.metadata)
        let size = blob.metadata.size
        var headers: HTTPFields = [.contentType: "application/octet-stream", .eTag: "\"\(cid)\"", .acceptRanges: "bytes",
                                   Self.sizeHeader: String(size)]
        let range: Range<UInt64>
        var status = HTTPResponse.Status.ok
        switch ByteRangeRequest(header: request.headers[.range], size: size) {
        case .whole:
            range = 0..<size
        case .satisfiable(let selected):
            range = selected
            status = .partialContent
            headers[.contentRange] = "bytes \(selected.lowerBound)-\(selected.upperBound - 1)/\(size)"
        case .unsatisfiable:
            throw StorageHTTPError(.rangeNotSatisfiable, "range \(request.headers[.range] ?? "") selects nothing of the \(size) bytes",
                                   headers: [.contentRange: "bytes */\(size)"])
        }
        headers[.contentLength] = String(range.count)
        guard body else { return Response(status: status, headers: headers, body: ResponseBody()) }
        let streamed = ResponseBody(contentLength: Int(range.count)) { writer in
            var offset = range.lowerBound
            while offset < range.upperBound {
                let end = min(offset + Self.pieceSize, range.upperBound)
                try await writer.write(ByteBuffer(bytes: try blob.read(offset..<end)))
                offset = end
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: streamed)
    }

    private func manifest(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let cid = try contentID(context)
        _ = try authorizeRead(request, cid: cid, metadata: store.metadata(of: cid))
        let manifest = try store.manifest(of: cid)
        return Self.json(.ok, .object([
            "cid": .string(cid.description), "size": .number(String(manifest.totalLength)),
            "chunkSize": .number(String(ChunkTree.chunkSize)),
            "leaves": .array(manifest.leaves.map { .string(Hex.encode($0, prefix: true)) }),
        ]))
    }

    private func chunk(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let cid = try contentID(context)
        let metadata = try store.metadata(of: cid)
        _ = try authorizeRead(request, cid: cid, metadata: metadata)
        guard let text = context.parameters.get("index"), let index = Int(text), index >= 0 else {
            throw StorageHTTPError(.badRequest, "chunk index \(context.parameters.get("index") ?? ""): expected a whole number from 0")
        }
        let (bytes, proof) = try store.chunk(cid, index: index)
        let headers: HTTPFields = [
            .contentType: "application/octet-stream", .contentLength: String(bytes.count), Self.sizeHeader: String(metadata.size),
            Self.proofHeader: proof.siblings.map { Hex.encode($0, prefix: true) }.joined(separator: ","),
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func receipt(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let cid = try contentID(context)
        let metadata = try store.metadata(of: cid)
        let reader = try authorizeRead(request, cid: cid, metadata: metadata)
        let asked = request.uri.queryParameters.get("bytes")
        guard let asked, let bytes = UInt64(asked), bytes <= metadata.size else {
            throw StorageHTTPError(.badRequest, "bytes=\(asked ?? "(missing)"): give how many bytes were received, 0…\(metadata.size)")
        }
        let receipt = StorageReceipt(cid: cid, reader: reader ?? .zero, bytes: bytes, timestamp: clock(), serverKey: serverKey)
        let encoded: Data
        do { encoded = try JSONEncoder().encode(receipt) } catch {
            throw StorageHTTPError(.internalServerError, "cannot encode the receipt: \(error)")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded)))
    }

    // MARK: - Helpers

    private static let readersHeader = HTTPField.Name(StorageAuthorization.readersHeader)!

    /// Renders every refusal as JSON `{"error"}`; anything unexpected is a 500.
    private func answer(_ handler: () async throws -> Response) async -> Response {
        do {
            return try await handler()
        } catch let error as StorageHTTPError {
            return error.response
        } catch let error as BlobStoreError {
            return StorageHTTPError(error).response
        } catch {
            return StorageHTTPError(.internalServerError, "internal error: \(error)").response
        }
    }

    private func contentID(_ context: BasicRequestContext) throws(StorageHTTPError) -> ContentID {
        let text = context.parameters.get("cid") ?? ""
        do { return try ContentID(parsing: text) } catch {
            throw StorageHTTPError(.badRequest, "\(text.prefix(80)) is not a content id: \(error)")
        }
    }

    /// The verified signer of `request` for `method` and `cid`; nil when it is unsigned.
    private func signer(of request: Request, method: String, cid: ContentID) throws(StorageHTTPError) -> Address? {
        do throws(StorageAuthorizationError) {
            let header = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } }
            guard let authorization = try StorageAuthorization(header: header) else { return nil }
            return try authorization.verify(method: method, cid: cid, now: clock())
        } catch {
            throw StorageHTTPError(error)
        }
    }

    /// Who reads: the signer when the request is signed (a bad signature is refused even on a
    /// public blob); a private blob needs a signature by a reader or the uploader.
    private func authorizeRead(_ request: Request, cid: ContentID, metadata: BlobMetadata) throws(StorageHTTPError) -> Address? {
        let signer = try signer(of: request, method: "GET", cid: cid)
        guard metadata.isPrivate else { return signer }
        guard let signer else {
            throw StorageHTTPError(.unauthorized, "blob \(cid) is private: sign the request with GET as one of its readers (docs/storage.md)")
        }
        guard metadata.allows(signer) else {
            throw StorageHTTPError(.forbidden, "blob \(cid) is private and \(signer.checksummed) is not one of its readers")
        }
        return signer
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        NodeServer.json(status, value.serialized)
    }
}
