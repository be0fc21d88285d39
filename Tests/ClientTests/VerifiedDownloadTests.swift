import AsyncHTTPClient
import Client
import Ethereum
import Foundation
import NIOCore
import Storage
import Testing

@Suite("Verified download")
struct VerifiedDownloadTests {
    /// 5 full chunks and a short sixth.
    let blob = StorageFixture.blob(5 * ChunkTree.chunkSize + 1234)

    private func setUp() throws -> (FaultyStorageServer, ContentID, URL) {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let id = try server.store.put(blob).id
        let file = try StorageFixture.temporaryDirectory().appendingPathComponent("blob.bin")
        return (server, id, file)
    }

    private func client(_ url: String, key: PrivateKey? = nil, httpClient: HTTPClient = .shared) -> StorageClient {
        StorageClient(baseURL: url, key: key, httpClient: httpClient, clock: { StorageFixture.now })
    }

    @Test("an honest server's blob arrives whole, under its id, and FILE.part is gone")
    func honest() async throws {
        let (server, id, file) = try setUp()
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result == DownloadResult(id: id, bytes: UInt64(blob.count), resumedFrom: 0))
        #expect(StorageFixture.contents(file) == blob)
        #expect(ContentID.of(try #require(StorageFixture.contents(file))) == id)
        #expect(StorageFixture.contents(URL(filePath: file.path(percentEncoded: false) + ".part")) == nil)
        #expect(server.rangesRequested == [nil])
    }

    @Test("plain ids (one chunk) and the empty blob are checked against the id's digest", arguments: [0, 1, 11, StorageFixture.chunk])
    func plain(size: Int) async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let bytes = StorageFixture.blob(size)
        let id = try server.store.put(bytes).id
        #expect(id.kind == .plain)
        let file = try StorageFixture.temporaryDirectory().appendingPathComponent("small")
        _ = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(StorageFixture.contents(file) == bytes)
        guard size > 0 else { return }  // nothing to corrupt in the empty blob
        server.fault = .corruptChunk(0)
        let corrupt = try StorageFixture.temporaryDirectory().appendingPathComponent("small")
        await #expect(throws: ClientError.self) { try await server.run { url in try await client(url).download(id, to: corrupt) } }
        #expect(StorageFixture.contents(corrupt) == nil)
    }

    @Test("a corrupted chunk is caught at that chunk: FILE.part holds exactly the chunks before it, FILE is absent")
    func corrupted() async throws {
        let (server, id, file) = try setUp()
        server.fault = .corruptChunk(3)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .verificationFailed(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.hasPrefix("chunk 3 of \(id):"))
        #expect(StorageFixture.contents(file) == nil)
        #expect(StorageFixture.contents(URL(filePath: file.path(percentEncoded: false) + ".part")) == Array(blob[..<(3 * StorageFixture.chunk)]))
    }

    @Test("a connection closed mid-body keeps the verified whole chunks; the next call resumes with Range from them")
    func truncatedThenResumed() async throws {
        let (server, id, file) = try setUp()
        let part = URL(filePath: file.path(percentEncoded: false) + ".part")
        server.fault = .truncateBody(after: 2 * StorageFixture.chunk + 1000)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .transport(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("interrupted"))
        // The close may also drop bytes still buffered on the server: at most the two whole chunks sent.
        let kept = try #require(StorageFixture.contents(part))
        #expect(kept.count % StorageFixture.chunk == 0 && kept.count <= 2 * StorageFixture.chunk && kept == Array(blob[..<kept.count]))
        #expect(StorageFixture.contents(file) == nil)

        server.fault = .none
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(kept.count))
        #expect(server.rangesRequested == [nil, kept.isEmpty ? nil : "bytes=\(kept.count)-"])
        #expect(ContentID.of(try #require(StorageFixture.contents(file))) == id)
        #expect(StorageFixture.contents(part) == nil)
    }

    @Test("a body that ends early is incomplete: exactly the verified chunks are kept and the next call resumes from them")
    func shortThenResumed() async throws {
        let (server, id, file) = try setUp()
        let part = URL(filePath: file.path(percentEncoded: false) + ".part")
        server.fault = .shortBody(after: 2 * StorageFixture.chunk + 1000)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .transport(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("incomplete") && message.contains("\(2 * StorageFixture.chunk) verified bytes kept"))
        #expect(StorageFixture.contents(part) == Array(blob[..<(2 * StorageFixture.chunk)]))
        #expect(StorageFixture.contents(file) == nil)

        server.fault = .none
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(2 * StorageFixture.chunk))
        #expect(server.rangesRequested == [nil, "bytes=\(2 * StorageFixture.chunk)-"])
        #expect(ContentID.of(try #require(StorageFixture.contents(file))) == id)
    }

    @Test("a server that ignores Range still completes a resumed download (the verified prefix is skipped)")
    func ignoredRange() async throws {
        let (server, id, file) = try setUp()
        try Data(blob[..<(4 * StorageFixture.chunk)]).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        server.fault = .ignoreRange
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(4 * StorageFixture.chunk))
        #expect(StorageFixture.contents(file) == blob)
    }

    @Test("a FILE.part altered on disk is checked again: only its leading good chunks are kept")
    func alteredPart() async throws {
        let (server, id, file) = try setUp()
        var stale = Array(blob[..<(4 * StorageFixture.chunk + 10)])
        stale[2 * StorageFixture.chunk + 5] ^= 0xff
        try Data(stale).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(2 * StorageFixture.chunk))
        #expect(server.rangesRequested == ["bytes=\(2 * StorageFixture.chunk)-"])
        #expect(StorageFixture.contents(file) == blob)
    }

    @Test("a complete verified FILE.part finishes without fetching the body")
    func completePart() async throws {
        let (server, id, file) = try setUp()
        try Data(blob).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(blob.count))
        #expect(server.rangesRequested.isEmpty)
        #expect(StorageFixture.contents(file) == blob)
    }

    @Test("a withheld manifest (404) is a service error and nothing is written")
    func withheldManifest() async throws {
        let (server, id, file) = try setUp()
        server.fault = .withholdManifest
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .service(let status, let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status == 404)
        #expect(message.contains("manifest withheld"))
        #expect(server.rangesRequested.isEmpty)
        #expect(StorageFixture.contents(file) == nil)
    }

    @Test("a manifest cut off mid-answer is a transport error")
    func hungUpManifest() async throws {
        let (server, id, file) = try setUp()
        server.fault = .hangUpManifest
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .transport = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(server.rangesRequested.isEmpty)
    }

    @Test("a manifest whose leaves do not rebuild the id is refused before any byte is fetched")
    func wrongManifest() async throws {
        let (server, id, file) = try setUp()
        server.fault = .wrongManifest(4)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .verificationFailed(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("manifest of \(id)"))
        #expect(server.rangesRequested.isEmpty)
        #expect(StorageFixture.contents(file) == nil)
    }

    @Test("an unknown id is a 404 service error")
    func unknown() async throws {
        let (server, _, file) = try setUp()
        let missing = ContentID.of(Array("not stored".utf8))
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(missing, to: file) }
        }
        #expect(error.map { if case .service(404, _) = $0 { true } else { false } } == true)
    }

    @Test("a stalled body hits the read timeout and keeps the verified prefix")
    func stalled() async throws {
        let (server, id, file) = try setUp()
        server.fault = .stallBody(after: StorageFixture.chunk + 100)
        // Long enough that a loaded machine (the whole suite in parallel) still delivers the
        // manifest and the first chunk in time; the stall itself never ends.
        let httpClient = HTTPClient(configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(3))))
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url, httpClient: httpClient).download(id, to: file) }
        }
        try await httpClient.shutdown()
        guard case .transport = error else { Issue.record("got \(String(describing: error))"); return }
        let part = StorageFixture.contents(URL(filePath: file.path(percentEncoded: false) + ".part"))
        #expect(part?.count == StorageFixture.chunk)
        #expect(part == Array(blob[..<StorageFixture.chunk]), "the .part file must hold exactly the verified first chunk")
    }
}
