import AsyncHTTPClient
import Client
import Ethereum
import Foundation
import NIOCore
import Storage
import Testing

/// A blob of `count` bytes, byte i = (i · 7 + i / 251) mod 256: no two chunks alike.
func testBlob(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }
}

/// A fresh empty directory under the system's temporary folder.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("client-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The bytes of the file at `url`, or nil when it does not exist.
func contents(_ url: URL) -> [UInt8]? {
    FileManager.default.contents(atPath: url.path(percentEncoded: false)).map { Array($0) }
}

let serverKey = try! PrivateKey(hex: "0x" + String(repeating: "4b", count: 32))
let clientKey = try! PrivateKey(hex: "0x" + String(repeating: "5c", count: 32))
let otherKey = try! PrivateKey(hex: "0x" + String(repeating: "6d", count: 32))
let testNow: UInt64 = 1_700_000_000
let chunk = ChunkTree.chunkSize

@Suite("Verified download")
struct VerifiedDownloadTests {
    /// 5 full chunks and a short sixth.
    let blob = testBlob(5 * ChunkTree.chunkSize + 1234)

    private func setUp() throws -> (FaultyStorageServer, ContentID, URL) {
        let server = FaultyStorageServer(key: serverKey, now: testNow)
        let id = try server.store.put(blob).id
        let file = try temporaryDirectory().appendingPathComponent("blob.bin")
        return (server, id, file)
    }

    private func client(_ url: String, key: PrivateKey? = nil, httpClient: HTTPClient = .shared) -> StorageClient {
        StorageClient(baseURL: url, key: key, httpClient: httpClient, clock: { testNow })
    }

    @Test("an honest server's blob arrives whole, under its id, and FILE.part is gone")
    func honest() async throws {
        let (server, id, file) = try setUp()
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result == DownloadResult(id: id, bytes: UInt64(blob.count), resumedFrom: 0))
        #expect(contents(file) == blob)
        #expect(ContentID.of(try #require(contents(file))) == id)
        #expect(contents(URL(filePath: file.path(percentEncoded: false) + ".part")) == nil)
        #expect(server.rangesRequested == [nil])
    }

    @Test("plain ids (one chunk) and the empty blob are checked against the id's digest", arguments: [0, 1, 11, chunk])
    func plain(size: Int) async throws {
        let server = FaultyStorageServer(key: serverKey, now: testNow)
        let bytes = testBlob(size)
        let id = try server.store.put(bytes).id
        #expect(id.kind == .plain)
        let file = try temporaryDirectory().appendingPathComponent("small")
        _ = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(contents(file) == bytes)
        guard size > 0 else { return }  // nothing to corrupt in the empty blob
        server.fault = .corruptChunk(0)
        let corrupt = try temporaryDirectory().appendingPathComponent("small")
        await #expect(throws: ClientError.self) { try await server.run { url in try await client(url).download(id, to: corrupt) } }
        #expect(contents(corrupt) == nil)
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
        #expect(contents(file) == nil)
        #expect(contents(URL(filePath: file.path(percentEncoded: false) + ".part")) == Array(blob[..<(3 * chunk)]))
    }

    @Test("a connection closed mid-body keeps the verified whole chunks; the next call resumes with Range from them")
    func truncatedThenResumed() async throws {
        let (server, id, file) = try setUp()
        let part = URL(filePath: file.path(percentEncoded: false) + ".part")
        server.fault = .truncateBody(after: 2 * chunk + 1000)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .transport(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("interrupted"))
        // The close may also drop bytes still buffered on the server: at most the two whole chunks sent.
        let kept = try #require(contents(part))
        #expect(kept.count % chunk == 0 && kept.count <= 2 * chunk && kept == Array(blob[..<kept.count]))
        #expect(contents(file) == nil)

        server.fault = .none
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(kept.count))
        #expect(server.rangesRequested == [nil, kept.isEmpty ? nil : "bytes=\(kept.count)-"])
        #expect(ContentID.of(try #require(contents(file))) == id)
        #expect(contents(part) == nil)
    }

    @Test("a body that ends early is incomplete: exactly the verified chunks are kept and the next call resumes from them")
    func shortThenResumed() async throws {
        let (server, id, file) = try setUp()
        let part = URL(filePath: file.path(percentEncoded: false) + ".part")
        server.fault = .shortBody(after: 2 * chunk + 1000)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).download(id, to: file) }
        }
        guard case .transport(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("incomplete") && message.contains("\(2 * chunk) verified bytes kept"))
        #expect(contents(part) == Array(blob[..<(2 * chunk)]))
        #expect(contents(file) == nil)

        server.fault = .none
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(2 * chunk))
        #expect(server.rangesRequested == [nil, "bytes=\(2 * chunk)-"])
        #expect(ContentID.of(try #require(contents(file))) == id)
    }

    @Test("a server that ignores Range still completes a resumed download (the verified prefix is skipped)")
    func ignoredRange() async throws {
        let (server, id, file) = try setUp()
        try Data(blob[..<(4 * chunk)]).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        server.fault = .ignoreRange
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(4 * chunk))
        #expect(contents(file) == blob)
    }

    @Test("a FILE.part altered on disk is checked again: only its leading good chunks are kept")
    func alteredPart() async throws {
        let (server, id, file) = try setUp()
        var stale = Array(blob[..<(4 * chunk + 10)])
        stale[2 * chunk + 5] ^= 0xff
        try Data(stale).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(2 * chunk))
        #expect(server.rangesRequested == ["bytes=\(2 * chunk)-"])
        #expect(contents(file) == blob)
    }

    @Test("a complete verified FILE.part finishes without fetching the body")
    func completePart() async throws {
        let (server, id, file) = try setUp()
        try Data(blob).write(to: URL(filePath: file.path(percentEncoded: false) + ".part"))
        let result = try await server.run { url in try await client(url).download(id, to: file) }
        #expect(result.resumedFrom == UInt64(blob.count))
        #expect(server.rangesRequested.isEmpty)
        #expect(contents(file) == blob)
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
        #expect(contents(file) == nil)
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
        #expect(contents(file) == nil)
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
        server.fault = .stallBody(after: chunk + 100)
        let httpClient = HTTPClient(configuration: .init(timeout: .init(connect: .seconds(2), read: .milliseconds(300))))
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url, httpClient: httpClient).download(id, to: file) }
        }
        try await httpClient.shutdown()
        guard case .transport = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(contents(URL(filePath: file.path(percentEncoded: false) + ".part")) == Array(blob[..<chunk]))
    }
}
