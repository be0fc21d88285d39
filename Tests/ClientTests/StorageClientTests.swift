import Client
import Ethereum
import Foundation
import Storage
import Testing

@Suite("Storage client: uploads, proof of possession, receipts")
struct StorageClientTests {
    private func client(_ url: String, key: PrivateKey? = StorageFixture.clientKey) -> StorageClient {
        StorageClient(baseURL: url + "/", key: key, clock: { StorageFixture.now })
    }

    /// A generator that always draws the same sequence, so a test knows which chunks are asked.
    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            return state
        }
    }

    @Test("a file is streamed up signed under the id of its bytes; the server stores exactly them")
    func uploadFile() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let blob = StorageFixture.blob(3 * StorageFixture.chunk + 99)
        let file = try StorageFixture.temporaryDirectory().appendingPathComponent("up.bin")
        try Data(blob).write(to: file)
        let id = try await server.run { url in try await client(url).upload(file: file) }
        #expect(id == ContentID.of(blob))
        #expect(try server.store.read(id, range: nil) == blob)
        #expect(try server.store.metadata(of: id).readers.isEmpty)
    }

    @Test("readers make the blob private to them and the uploader")
    func uploadPrivate() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let reader = StorageFixture.otherKey.address
        let id = try await server.run { url in try await client(url).upload(bytes: Array("result".utf8), readers: [reader]) }
        #expect(id == ContentID.of(Array("result".utf8)))
        #expect(try server.store.metadata(of: id) == BlobMetadata(size: 6, readers: [reader], uploader: StorageFixture.clientKey.address))
    }

    @Test("a private blob downloads with the reader's signed GETs and is refused unsigned (401) or to others (403)")
    func privateDownload() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let blob = StorageFixture.blob(StorageFixture.chunk + 5)
        let id = try server.store.put(blob, readers: [StorageFixture.clientKey.address]).id
        let directory = try StorageFixture.temporaryDirectory()
        try await server.run { url in
            _ = try await client(url).download(id, to: directory.appendingPathComponent("mine"))
            let unsigned = await #expect(throws: ClientError.self) {
                try await client(url, key: nil).download(id, to: directory.appendingPathComponent("a"))
            }
            #expect(unsigned.map { if case .service(401, _) = $0 { true } else { false } } == true)
            let stranger = await #expect(throws: ClientError.self) {
                try await client(url, key: StorageFixture.otherKey).download(id, to: directory.appendingPathComponent("b"))
            }
            #expect(stranger.map { if case .service(403, _) = $0 { true } else { false } } == true)
        }
        #expect(StorageFixture.contents(directory.appendingPathComponent("mine")) == blob)
    }

    @Test("an upload without a key goes unsigned and the server's 401 comes back as a service error")
    func unsignedUpload() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url, key: nil).upload(bytes: [1, 2, 3]) }
        }
        #expect(error.map { if case .service(401, _) = $0 { true } else { false } } == true)
        #expect(!server.store.contains(ContentID.of([1, 2, 3])))
    }

    @Test("an honest provider passes the challenge; the indices drawn are distinct and in range")
    func honestChallenge() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let id = try server.store.put(StorageFixture.blob(9 * StorageFixture.chunk + 3)).id
        let indices = try await server.run { url in
            var generator = Counter()
            return try await client(url).challenge(id, samples: 4, using: &generator)
        }
        #expect(indices.count == 4 && Set(indices).count == 4 && indices.allSatisfy { (0..<10).contains($0) })
        let all = try await server.run { url in try await client(url).challenge(id, samples: 50) }
        #expect(all == Array(0..<10))
        let small = try server.store.put(Array("tiny".utf8)).id
        #expect(try await server.run { url in try await client(url).challenge(small, samples: 3) } == [0])
    }

    @Test("a provider that lost or altered a chunk fails the challenge naming that index", arguments: [
        StorageFault.loseChunk(6), .alterChunk(6), .alterChunk(9),
    ])
    func failedChallenge(fault: StorageFault) async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let id = try server.store.put(StorageFixture.blob(9 * StorageFixture.chunk + 3)).id
        server.fault = fault
        let error = await #expect(throws: ClientError.self) {
            try await server.run { url in try await client(url).challenge(id, samples: 10) }
        }
        let index = switch fault {
        case .loseChunk(let k), .alterChunk(let k): k
        default: -1
        }
        guard case .verificationFailed(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.hasPrefix("chunk \(index) of \(id):"))
    }

    @Test("a receipt signed by the server for this reader is returned; a forged one or another signer is refused")
    func receipts() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let id = try server.store.put(StorageFixture.blob(100)).id
        try await server.run { url in
            let receipt = try await client(url).receipt(id, bytes: 100, server: StorageFixture.serverKey.address)
            #expect(receipt.reader == StorageFixture.clientKey.address && receipt.bytes == 100 && receipt.cid == id.description)
            #expect(receipt.server == StorageFixture.serverKey.address && receipt.timestamp == StorageFixture.now)
            let anonymous = try await client(url, key: nil).receipt(id, bytes: 7)
            #expect(anonymous.reader == .zero)
            let wrongServer = await #expect(throws: ClientError.self) {
                try await client(url).receipt(id, bytes: 100, server: StorageFixture.otherKey.address)
            }
            #expect(wrongServer.map { if case .verificationFailed = $0 { true } else { false } } == true)
            server.fault = .forgeReceipt
            let forged = await #expect(throws: ClientError.self) { try await client(url).receipt(id, bytes: 100) }
            #expect(forged.map { if case .verificationFailed = $0 { true } else { false } } == true)
        }
    }

    @Test("info reads the server's address and size limit")
    func info() async throws {
        let server = FaultyStorageServer(key: StorageFixture.serverKey, now: StorageFixture.now)
        let info = try await server.run { url in try await client(url).info() }
        #expect(info == StorageInfo(address: StorageFixture.serverKey.address, sizeLimit: server.store.sizeLimit))
    }

    @Test("nothing listening is a transport error")
    func unreachable() async throws {
        let error = await #expect(throws: ClientError.self) {
            // The HTTP client retries a refused connection until the deadline: keep it short.
            try await StorageClient(baseURL: "http://127.0.0.1:1", key: nil, responseTimeout: .milliseconds(300)).upload(bytes: [1])
        }
        #expect(error.map { if case .transport = $0 { true } else { false } } == true)
    }
}
