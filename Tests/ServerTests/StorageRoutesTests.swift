import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import NIOEmbedded
import Server
import Storage
import Testing

/// A storage server over a store with a fixed clock, and signed requests to it.
struct StorageFixture {
    static let now: UInt64 = 1_700_000_000
    static let serverKey = try! PrivateKey(hex: "0x" + String(repeating: "5a", count: 32))
    static let uploader = try! PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
    static let reader = try! PrivateKey(hex: "0x" + String(repeating: "22", count: 32))
    static let stranger = try! PrivateKey(hex: "0x" + String(repeating: "33", count: 32))

    let store: any BlobStore
    let root: URL?

    /// A fixture over a fresh file store (`file`) or an in-memory one.
    static func make(sizeLimit: UInt64 = 8 << 20, file: Bool = false) throws -> StorageFixture {
        guard file else { return StorageFixture(store: InMemoryBlobStore(sizeLimit: sizeLimit), root: nil) }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("storage-routes-" + UUID().uuidString)
        return StorageFixture(store: try FileBlobStore(root: root, sizeLimit: sizeLimit), root: root)
    }

    func cleanUp() { root.map { try? FileManager.default.removeItem(at: $0) } }

    func application() -> some ApplicationProtocol {
        StorageServer(routes: StorageRoutes(store: store, serverKey: Self.serverKey, clock: { Self.now }), port: 0)
            .makeApplication()
    }

    /// The signed headers of `method` on `cid` by `key` at `timestamp`.
    static func signed(_ method: String, _ cid: ContentID, by key: PrivateKey, at timestamp: UInt64 = now,
                       readers: [PrivateKey] = []) -> HTTPFields {
        var fields = HTTPFields()
        for header in StorageAuthorization(signing: method, cid: cid, timestamp: timestamp, with: key).headers {
            fields[HTTPField.Name(header.name)!] = header.value
        }
        if !readers.isEmpty {
            fields[HTTPField.Name(StorageAuthorization.readersHeader)!] = readers.map(\.address.checksummed).joined(separator: ",")
        }
        return fields
    }

    /// Uploads `blob` signed by the uploader.
    static func upload(_ client: some TestClientProtocol, _ blob: [UInt8], readers: [PrivateKey] = []) async throws -> TestResponse {
        let cid = ContentID.of(blob)
        return try await client.execute(uri: "/storage/blobs/\(cid)", method: .put,
                                        headers: signed("PUT", cid, by: uploader, readers: readers), body: ByteBuffer(bytes: blob))
    }
}

extension HTTPField.Name {
    static let iexecSize = HTTPField.Name("X-Iexec-Size")!
    static let iexecProof = HTTPField.Name("X-Iexec-Proof")!
}

@Suite("Storage routes: upload, download, ranges, manifest, chunks, receipts")
struct StorageRoutesTests {
    func patternBlob(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    @Test("a small and a chunked blob go up and come back with their headers; a second upload answers 200",
          arguments: [0, 11, (1 << 20) + 3])
    func roundTrip(size: Int) async throws {
        let fixture = try StorageFixture.make(file: true)
        defer { fixture.cleanUp() }
        let blob = size == 11 ? Array("hello world".utf8) : patternBlob(size)
        let cid = ContentID.of(blob)
        // Over a socket the body arrives in many pieces: the streamed path.
        try await fixture.application().test(.live) { client in
            let put = try await StorageFixture.upload(client, blob)
            #expect(put.status == .created)
            #expect(try put.json == .object(["cid": .string(cid.description), "size": .number(String(size))]))
            #expect(try await StorageFixture.upload(client, blob).status == .ok)

            let get = try await client.execute(uri: "/storage/blobs/\(cid)", method: .get)
            #expect(get.status == .ok)
            #expect(Array(get.body.readableBytesView) == blob)
            #expect(get.headers[.contentLength] == String(size))
            #expect(get.headers[.eTag] == "\"\(cid)\"")
            #expect(get.headers[.acceptRanges] == "bytes")
            #expect(get.headers[.iexecSize] == String(size))

            let head = try await client.execute(uri: "/storage/blobs/\(cid)", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == String(size))
            #expect(head.headers[.iexecSize] == String(size))
        }
        #expect(try fixture.store.read(cid, range: nil) == blob)
        #expect(try fixture.store.metadata(of: cid).uploader == StorageFixture.uploader.address)
        if size == 11 { #expect(cid.description == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e") }
    }

    @Test("bytes that are not the id in the path: 400, nothing stored")
    func mismatch() async throws {
        let fixture = try StorageFixture.make(file: true)
        defer { fixture.cleanUp() }
        let claimed = ContentID.of(patternBlob(300_000))
        let sent = patternBlob(300_001)
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/storage/blobs/\(claimed)", method: .put,
                                                    headers: StorageFixture.signed("PUT", claimed, by: StorageFixture.uploader),
                                                    body: ByteBuffer(bytes: sent))
            #expect(response.status == .badRequest)
            #expect(try response.json["error"] == .string(BlobStoreError.idMismatch(expected: claimed, actual: ContentID.of(sent)).description))
            let missing = try await client.execute(uri: "/storage/blobs/\(claimed)", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.json["error"] != nil)
        }
        #expect(!fixture.store.contains(claimed))
        #expect(!fixture.store.contains(ContentID.of(sent)))
        if let root = fixture.root {
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("blobs").path) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path) == [])
        }
    }

    @Test("unsigned, badly signed, replayed and stale uploads: 401, nothing stored")
    func unsignedUploads() async throws {
        let fixture = try StorageFixture.make()
        let blob = Array("a blob nobody may store".utf8)
        let cid = ContentID.of(blob)
        let other = ContentID.of(Array("another".utf8))
        var forged = StorageFixture.signed("PUT", cid, by: StorageFixture.stranger)
        forged[HTTPField.Name(StorageAuthorization.signerHeader)!] = StorageFixture.uploader.address.checksummed
        let attempts: [(String, HTTPFields)] = [
            ("unsigned", [:]),
            ("signature by another key than the signer", forged),
            ("signed for another id", StorageFixture.signed("PUT", other, by: StorageFixture.uploader)),
            ("signed for GET", StorageFixture.signed("GET", cid, by: StorageFixture.uploader)),
            ("301 s old", StorageFixture.signed("PUT", cid, by: StorageFixture.uploader, at: StorageFixture.now - 301)),
            ("301 s ahead", StorageFixture.signed("PUT", cid, by: StorageFixture.uploader, at: StorageFixture.now + 301)),
            ("malformed signature", [HTTPField.Name(StorageAuthorization.signerHeader)!: StorageFixture.uploader.address.checksummed,
                                     HTTPField.Name(StorageAuthorization.timestampHeader)!: String(StorageFixture.now),
                                     HTTPField.Name(StorageAuthorization.signatureHeader)!: "0x1234"]),
        ]
        try await fixture.application().test(.router) { client in
            for (what, headers) in attempts {
                let response = try await client.execute(uri: "/storage/blobs/\(cid)", method: .put, headers: headers,
                                                        body: ByteBuffer(bytes: blob))
                #expect(response.status == .unauthorized, "\(what)")
                #expect(try response.json["error"] != nil, "\(what)")
            }
            // At the edge of the window it is accepted.
            let edge = try await client.execute(uri: "/storage/blobs/\(cid)", method: .put,
                                                headers: StorageFixture.signed("PUT", cid, by: StorageFixture.uploader, at: StorageFixture.now - 300),
                                                body: ByteBuffer(bytes: blob))
            #expect(edge.status == .created)
        }
        #expect(fixture.store.contains(cid))
        #expect(!fixture.store.contains(other))
    }

    /// The count while streaming (a body longer than announced, or none announced) is the
    /// writer's, checked in BlobWriterTests; the route maps it to the same 413.
    @Test("over the size limit: 413, also when only the announced length is over, nothing stored")
    func sizeLimit() async throws {
        let fixture = try StorageFixture.make(sizeLimit: 1000, file: true)
        defer { fixture.cleanUp() }
        let big = patternBlob(1001)
        let cid = ContentID.of(big)
        try await fixture.application().test(.router) { client in
            let counted = try await StorageFixture.upload(client, big)
            #expect(counted.status == .contentTooLarge)
            #expect(try counted.json["error"] == .string(BlobStoreError.tooLarge(limit: 1000).description))
            #expect(try await StorageFixture.upload(client, patternBlob(1000)).status == .created)
            // Announced: refused before the body is read (without a body the test client keeps
            // the header; reading the empty body would have given 400, not 413).
            var headers = StorageFixture.signed("PUT", cid, by: StorageFixture.uploader)
            headers[.contentLength] = "5000000000"
            let announced = try await client.execute(uri: "/storage/blobs/\(cid)", method: .put, headers: headers)
            #expect(announced.status == .contentTooLarge)
        }
        #expect(!fixture.store.contains(cid))
        if let root = fixture.root {
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path) == [])
        }
    }

    @Test("a streamed body without Content-Length is cut at the limit: 413, nothing stored")
    func streamedPastLimit() async throws {
        let fixture = try StorageFixture.make(sizeLimit: 1000, file: true)
        defer { fixture.cleanUp() }
        let blob = patternBlob(1500)
        let cid = ContentID.of(blob)
        let routes = StorageRoutes(store: fixture.store, serverKey: StorageFixture.serverKey, clock: { StorageFixture.now })
        let responder = StorageServer(routes: routes, port: 0).makeRouter().buildResponder()
        // Pieces as a chunked upload delivers them; nothing announces the length.
        let pieces = AsyncStream<ByteBuffer> { continuation in
            for start in stride(from: 0, to: blob.count, by: 300) {
                continuation.yield(ByteBuffer(bytes: blob[start..<min(start + 300, blob.count)]))
            }
            continuation.finish()
        }
        let request = Request(head: HTTPRequest(method: .put, scheme: "http", authority: "localhost", path: "/storage/blobs/\(cid)",
                                                headerFields: StorageFixture.signed("PUT", cid, by: StorageFixture.uploader)),
                              body: RequestBody(asyncSequence: pieces))
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        let response = try await responder.respond(to: request, context: context)
        #expect(response.status == .contentTooLarge)
        #expect(!fixture.store.contains(cid))
        if let root = fixture.root {
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("blobs").path) == [])
        }
    }

    @Test("Range: a-b, a-, -n, clipped ends, several ranges ignored, unsatisfiable 416; HEAD agrees")
    func ranges() async throws {
        let fixture = try StorageFixture.make()
        let blob = patternBlob(600_000)
        let cid = ContentID.of(blob)
        _ = try fixture.store.put(blob)
        let size = blob.count
        let cases: [(range: String, status: HTTPResponse.Status, bytes: Range<Int>?)] = [
            ("bytes=0-9", .partialContent, 0..<10),
            ("bytes=262140-262150", .partialContent, 262_140..<262_151),
            ("bytes=599990-", .partialContent, 599_990..<size),
            ("bytes=-5", .partialContent, (size - 5)..<size),
            ("bytes=-9999999", .partialContent, 0..<size),
            ("bytes=10-99999999", .partialContent, 10..<size),
            ("bytes=0-1,5-6", .ok, 0..<size),
            ("items=0-1", .ok, 0..<size),
            ("bytes=9-3", .ok, 0..<size),
            ("bytes=600000-", .rangeNotSatisfiable, nil),
            ("bytes=600000-600010", .rangeNotSatisfiable, nil),
            ("bytes=-0", .rangeNotSatisfiable, nil),
        ]
        try await fixture.application().test(.router) { client in
            for (range, status, bytes) in cases {
                for method in [HTTPRequest.Method.get, .head] {
                    let response = try await client.execute(uri: "/storage/blobs/\(cid)", method: method, headers: [.range: range])
                    #expect(response.status == status, "\(method) \(range)")
                    guard let bytes else {
                        #expect(response.headers[.contentRange] == "bytes */\(size)", "\(range)")
                        if method == .get { #expect(try response.json["error"] != nil) }
                        continue
                    }
                    #expect(response.headers[.contentLength] == String(bytes.count), "\(method) \(range)")
                    #expect(response.headers[.iexecSize] == String(size))
                    if status == .partialContent {
                        #expect(response.headers[.contentRange] == "bytes \(bytes.lowerBound)-\(bytes.upperBound - 1)/\(size)", "\(range)")
                    } else {
                        #expect(response.headers[.contentRange] == nil)
                    }
                    #expect(Array(response.body.readableBytesView) == (method == .get ? Array(blob[bytes]) : []), "\(method) \(range)")
                }
            }
        }
    }

    @Test("the manifest rebuilds the id; each chunk's proof verifies; bad indices are refused")
    func manifestAndChunks() async throws {
        let fixture = try StorageFixture.make()
        let blob = patternBlob(3 * 262_144 + 5)
        let small = Array("hello world".utf8)
        let cid = try fixture.store.put(blob).id
        let smallID = try fixture.store.put(small).id
        try await fixture.application().test(.router) { client in
            for (id, bytes) in [(cid, blob), (smallID, small)] {
                let json = try await client.execute(uri: "/storage/blobs/\(id)/manifest", method: .get).json
                #expect(json["cid"] == .string(id.description))
                #expect(json["size"] == .number(String(bytes.count)))
                #expect(json["chunkSize"] == .number("262144"))
                guard case .array(let items)? = json["leaves"] else { Issue.record("no leaves"); continue }
                // A non-string leaf becomes empty and the manifest refuses it.
                let leaves = try items.map { item -> [UInt8] in
                    guard case .string(let text) = item else { return [] }
                    return try Hex.decode(text)
                }
                let manifest = try ChunkManifest(id: id, totalLength: UInt64(bytes.count), leaves: leaves)
                #expect(manifest.chunkCount == (id == cid ? 4 : 1))
                for index in 0..<manifest.chunkCount {
                    let response = try await client.execute(uri: "/storage/blobs/\(id)/chunks/\(index)", method: .get)
                    #expect(response.status == .ok)
                    #expect(response.headers[.iexecSize] == String(bytes.count))
                    let chunk = Array(response.body.readableBytesView)
                    let proofText = try #require(response.headers[.iexecProof])
                    let siblings = try proofText.split(separator: ",").map { try Hex.decode(String($0)) }
                    if id == smallID { #expect(proofText.isEmpty) }
                    let proof = ChunkProof(index: index, totalLength: UInt64(bytes.count), siblings: siblings)
                    try proof.verify(chunk: chunk, against: id)
                    try manifest.verify(chunk: chunk, index: index)
                    let start = index * 262_144
                    #expect(chunk == Array(bytes[start..<min(start + 262_144, bytes.count)]))
                }
            }
            #expect(try await client.execute(uri: "/storage/blobs/\(cid)/chunks/4", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/storage/blobs/\(cid)/chunks/-1", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/storage/blobs/\(cid)/chunks/x", method: .get).status == .badRequest)
        }
    }

    @Test("a receipt is signed by the server's key for the reader, the bytes and the time")
    func receipts() async throws {
        let fixture = try StorageFixture.make()
        let blob = patternBlob(70_000)
        let cid = try fixture.store.put(blob).id
        try await fixture.application().test(.router) { client in
            let anonymous = try await client.execute(uri: "/storage/blobs/\(cid)/receipt?bytes=70000", method: .get)
            #expect(anonymous.status == .ok)
            let receipt = try JSONDecoder().decode(StorageReceipt.self, from: Data(anonymous.body.readableBytesView))
            #expect(receipt.verify())
            #expect(receipt == StorageReceipt(cid: cid, reader: .zero, bytes: 70_000, timestamp: StorageFixture.now,
                                              serverKey: StorageFixture.serverKey))
            let signed = try await client.execute(uri: "/storage/blobs/\(cid)/receipt?bytes=123", method: .get,
                                                  headers: StorageFixture.signed("GET", cid, by: StorageFixture.reader))
            let named = try JSONDecoder().decode(StorageReceipt.self, from: Data(signed.body.readableBytesView))
            #expect(named.verify())
            #expect(named.reader == StorageFixture.reader.address)
            #expect(named.bytes == 123)
            #expect(named.server == StorageFixture.serverKey.address)
            // Tampering with any field breaks it.
            var tampered = named
            tampered.bytes = 124
            #expect(!tampered.verify())
            for query in ["", "?bytes=70001", "?bytes=x"] {
                #expect(try await client.execute(uri: "/storage/blobs/\(cid)/receipt\(query)", method: .get).status == .badRequest, "\(query)")
            }
        }
    }

    @Test("/storage/info, unknown ids, bad ids, wrong methods")
    func infoAndErrors() async throws {
        let fixture = try StorageFixture.make(sizeLimit: 12_345)
        let unknown = ContentID.of(Array("never stored".utf8))
        try await fixture.application().test(.router) { client in
            let info = try await client.execute(uri: "/storage/info", method: .get)
            #expect(try info.json == .object(["address": .string(StorageFixture.serverKey.address.checksummed), "sizeLimit": .number("12345")]))
            for path in ["", "/manifest", "/chunks/0", "/receipt?bytes=0"] {
                let response = try await client.execute(uri: "/storage/blobs/\(unknown)\(path)", method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(try response.json["error"] == .string(BlobStoreError.notFound(unknown).description), "\(path)")
            }
            let bad = try await client.execute(uri: "/storage/blobs/not-a-cid", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try bad.json["error"] != nil)
            let post = try await client.execute(uri: "/storage/blobs/\(unknown)", method: .post)
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET, HEAD, PUT")
            #expect(try post.json["error"] != nil)
            #expect(try await client.execute(uri: "/storage/info", method: .delete).status == .methodNotAllowed)
            #expect(try await client.execute(uri: "/storage/nothing", method: .get).status == .notFound)
        }
    }

    @Test("concurrent uploads of the same bytes: one 201, the others 200, one copy")
    func concurrentUploads() async throws {
        let fixture = try StorageFixture.make(file: true)
        defer { fixture.cleanUp() }
        let blob = patternBlob(700_000)
        // The router framework runs each request's handler on its own: real concurrency (a live
        // test client pipelines on one connection).
        try await fixture.application().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 { group.addTask { try await StorageFixture.upload(client, blob).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .ok }.count == 5)
        }
        #expect(try fixture.store.read(ContentID.of(blob), range: nil) == blob)
        if let root = fixture.root {
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("blobs").path).count == 3)
        }
    }
}
