import Client
import Ethereum
import Foundation
import Logging
import Server
import Storage
import Testing

/// The client against the real `StorageRoutes` (the server of docs/storage.md), on loopback.
@Suite("Storage client against the real routes")
struct StorageRoundTripTests {
    /// Serves `store` with the real routes on a free port while `body` runs with the root URL.
    private func withRealServer<T: Sendable>(_ store: any BlobStore,
                                             _ body: @Sendable (String) async throws -> T) async throws -> T {
        let server = StorageServer(routes: StorageRoutes(store: store, serverKey: StorageFixture.serverKey, clock: { StorageFixture.now }), port: 0)
        return try await server.serving(logger: Logger(label: "storage-tests", factory: { _ in SwiftLogNoOpLogHandler() }), body)
    }

    private func client(_ url: String, _ key: PrivateKey?, clock: UInt64 = StorageFixture.now) -> StorageClient {
        StorageClient(baseURL: url, key: key, clock: { clock })
    }

    @Test("a signed upload from disk comes back verified, passes a full challenge and earns a valid receipt")
    func roundTrip() async throws {
        let store = InMemoryBlobStore()
        let blob = StorageFixture.blob(4 * StorageFixture.chunk + 777)
        let directory = try StorageFixture.temporaryDirectory()
        let source = directory.appendingPathComponent("source")
        try Data(blob).write(to: source)
        let target = directory.appendingPathComponent("copy")
        try await withRealServer(store) { url in
            let uploader = client(url, StorageFixture.clientKey)
            let id = try await uploader.upload(file: source)
            #expect(id == ContentID.of(blob))
            let again = try await uploader.upload(bytes: blob)
            #expect(again == id)
            let result = try await client(url, nil).download(id, to: target)
            #expect(result == DownloadResult(id: id, bytes: UInt64(blob.count), resumedFrom: 0))
            #expect(try await uploader.challenge(id, samples: 100) == Array(0..<5))
            let info = try await uploader.info()
            #expect(info.address == StorageFixture.serverKey.address)
            let receipt = try await uploader.receipt(id, bytes: UInt64(blob.count), server: info.address)
            #expect(receipt.verify() && receipt.reader == StorageFixture.clientKey.address && receipt.timestamp == StorageFixture.now)
        }
        #expect(StorageFixture.contents(target) == blob)
        #expect(try store.read(ContentID.of(blob), range: nil) == blob)
    }

    @Test("a download resumes from the verified prefix of FILE.part with the real Range support")
    func resume() async throws {
        let store = InMemoryBlobStore()
        let blob = StorageFixture.blob(3 * StorageFixture.chunk + 5)
        let id = try store.put(blob).id
        let target = try StorageFixture.temporaryDirectory().appendingPathComponent("copy")
        try Data(blob[..<(StorageFixture.chunk + 100)]).write(to: URL(filePath: target.path(percentEncoded: false) + ".part"))
        let result = try await withRealServer(store) { url in try await client(url, nil).download(id, to: target) }
        #expect(result.resumedFrom == UInt64(StorageFixture.chunk))
        #expect(StorageFixture.contents(target) == blob)
    }

    @Test("a private blob is readable by its reader and its uploader, 403 to others, 401 unsigned")
    func privateBlob() async throws {
        let store = InMemoryBlobStore()
        let reader = try PrivateKey(hex: "0x" + String(repeating: "7e", count: 32))
        let blob = StorageFixture.blob(StorageFixture.chunk + 1)
        let directory = try StorageFixture.temporaryDirectory()
        try await withRealServer(store) { url in
            let id = try await client(url, StorageFixture.clientKey).upload(bytes: blob, readers: [reader.address])
            _ = try await client(url, reader).download(id, to: directory.appendingPathComponent("reader"))
            _ = try await client(url, StorageFixture.clientKey).download(id, to: directory.appendingPathComponent("uploader"))
            try await client(url, reader).challenge(id, samples: 2)
            let stranger = await #expect(throws: ClientError.self) {
                try await client(url, StorageFixture.otherKey).download(id, to: directory.appendingPathComponent("stranger"))
            }
            #expect(stranger.map { if case .service(403, _) = $0 { true } else { false } } == true)
            let anonymous = await #expect(throws: ClientError.self) {
                try await client(url, nil).download(id, to: directory.appendingPathComponent("anonymous"))
            }
            #expect(anonymous.map { if case .service(401, _) = $0 { true } else { false } } == true)
        }
        #expect(StorageFixture.contents(directory.appendingPathComponent("reader")) == blob)
        #expect(StorageFixture.contents(directory.appendingPathComponent("uploader")) == blob)
        #expect(StorageFixture.contents(directory.appendingPathComponent("stranger")) == nil)
    }

    @Test("uploads unsigned or signed with a stale clock are refused with 401 and store nothing")
    func refusedUploads() async throws {
        let store = InMemoryBlobStore()
        let bytes = Array("refused".utf8)
        try await withRealServer(store) { url in
            for uploader in [client(url, nil), client(url, StorageFixture.clientKey, clock: StorageFixture.now - 301)] {
                let error = await #expect(throws: ClientError.self) { try await uploader.upload(bytes: bytes) }
                #expect(error.map { if case .service(401, _) = $0 { true } else { false } } == true)
            }
        }
        #expect(!store.contains(ContentID.of(bytes)))
    }
}
