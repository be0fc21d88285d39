// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Foundation
import Synchronization
import Testing
@testable import Storage

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-" + UUID().uuidString, isDirectory: true)
}

@Suite("BlobStore")
struct BlobStoreTests {
    enum Backend: CaseIterable, Sendable { case file, memory }

    /// A store of `backend` with `sizeLimit`, and its directory for the file backend.
    func makeStore(_ backend: Backend, sizeLimit: UInt64 = 4 << 20) throws -> (store: any BlobStore, root: URL?) {
        switch backend {
        case .memory: return (InMemoryBlobStore(sizeLimit: sizeLimit), nil)
        case .file:
            let root = temporaryDirectory()
            return (try FileBlobStore(root: root, sizeLimit: sizeLimit), root)
        }
    }

    func directoryContents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    static let reader = Address(bytes20: 0x11)
    static let other = Address(bytes20: 0x22)

    @Test(arguments: Backend.allCases)
    func roundTripRangesAndChunks(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 3 * ChunkTree.chunkSize + 4321)
        // Uneven pieces, as a network body would arrive.
        let pieces = stride(from: 0, to: blob.count, by: 100_003).map { Array(blob[$0..<min($0 + 100_003, blob.count)]) }
        let (id, metadata) = try store.put(pieces: pieces, expected: ContentID.of(blob), readers: [])
        #expect(id == ContentID.of(blob))
        #expect(metadata == BlobMetadata(size: UInt64(blob.count), readers: []))
        #expect(store.contains(id))
        #expect(try store.read(id, range: nil) == blob)
        #expect(try store.read(id, range: 262_000..<262_300) == Array(blob[262_000..<262_300]))
        #expect(try store.read(id, range: 5..<5) == [])
        #expect(throws: BlobStoreError.rangeOutOfBounds(lower: 10, upper: UInt64(blob.count) + 1, size: UInt64(blob.count))) {
            try store.read(id, range: 10..<(UInt64(blob.count) + 1))
        }
        for index in 0..<4 {
            let (bytes, proof) = try store.chunk(id, index: index)
            #expect(bytes.count == (index < 3 ? ChunkTree.chunkSize : 4321))
            try proof.verify(chunk: bytes, against: id)
        }
        #expect(throws: BlobStoreError.chunkOutOfRange(index: 4, chunkCount: 4)) { try store.chunk(id, index: 4) }
        // A second upload of the same bytes keeps the first copy and its metadata.
        #expect(try store.put(blob, readers: [Self.reader]).metadata.readers == [])
    }

    @Test(arguments: Backend.allCases)
    func mismatchStoresNothing(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let claimed = ContentID.of(Array("hello world".utf8))
        let sent = Array("hello worle".utf8)
        #expect(throws: BlobStoreError.idMismatch(expected: claimed, actual: ContentID.of(sent))) {
            try store.put(sent, expected: claimed)
        }
        #expect(!store.contains(claimed))
        #expect(!store.contains(ContentID.of(sent)))
        #expect(throws: BlobStoreError.notFound(claimed)) { try store.read(claimed, range: nil) }
        if let root {
            #expect(try directoryContents(root.appendingPathComponent("tmp")) == [])
            #expect(try directoryContents(root.appendingPathComponent("blobs")) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func sizeLimit(backend: Backend) throws {
        let (store, root) = try makeStore(backend, sizeLimit: 1000)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        #expect(try store.put(patternBlob(count: 1000)).metadata.size == 1000)
        #expect(throws: BlobStoreError.tooLarge(limit: 1000)) {
            try store.put(pieces: [patternBlob(count: 600), patternBlob(count: 401)], expected: nil, readers: [])
        }
        #expect(!store.contains(ContentID.of(patternBlob(count: 600) + patternBlob(count: 401))))
        if let root {
            #expect(try directoryContents(root.appendingPathComponent("tmp")) == [])
            #expect(try directoryContents(root.appendingPathComponent("blobs")).count == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func privateMetadata(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let (id, metadata) = try store.put(Array("result".utf8), readers: [Self.reader])
        #expect(metadata.isPrivate)
        #expect(metadata.allows(Self.reader))
        #expect(!metadata.allows(Self.other))
        #expect(!metadata.allows(nil))
        #expect(try store.metadata(of: id) == metadata)
        #expect(BlobMetadata(size: 1, readers: []).allows(nil))
        if let root {
            // The sidecar survives reopening the directory.
            let reopened = try FileBlobStore(root: root, sizeLimit: 10)
            #expect(try reopened.metadata(of: id).readers == [Self.reader])
            let json = try String(contentsOf: root.appendingPathComponent("blobs/\(id).meta"), encoding: .utf8)
            #expect(json.contains(Self.reader.lowercaseHex))
        }
    }

    /// Concurrent writers of the same bytes: one copy wins and every writer is told its metadata.
    @Test(arguments: Backend.allCases)
    func concurrentSameBytes(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 5000)
        let results = Mutex<[BlobMetadata]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            let readers = writer.isMultiple(of: 2) ? [] : [Self.reader]
            if let stored = try? store.put(blob, readers: readers) { results.withLock { $0.append(stored.metadata) } }
        }
        let stored = try store.metadata(of: ContentID.of(blob))
        #expect(results.withLock { $0 } == [BlobMetadata](repeating: stored, count: 8))
        if let root { #expect(try directoryContents(root.appendingPathComponent("tmp")) == []) }
    }

    /// A crash after the sidecars were renamed but before the blob: no blob under the id.
    @Test func sidecarsWithoutBlobAreNotABlob() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try FileBlobStore(root: root, sizeLimit: 1 << 20)
        let blob = Array("half written".utf8)
        let id = ContentID.of(blob)
        let blobs = root.appendingPathComponent("blobs")
        try Data("{\"size\":12,\"readers\":[]}".utf8).write(to: blobs.appendingPathComponent("\(id).meta"))
        try Data(ChunkTree.leaf(blob)).write(to: blobs.appendingPathComponent("\(id).leaves"))
        #expect(!store.contains(id))
        #expect(throws: BlobStoreError.notFound(id)) { try store.leaves(of: id) }
        // The next write of those bytes replaces the stale sidecars.
        #expect(try store.put(blob, readers: [Self.reader]).metadata.readers == [Self.reader])
        #expect(try store.read(id, range: nil) == blob)
        #expect(try store.metadata(of: id).readers == [Self.reader])
    }
}

extension Address {
    /// An address of twenty copies of `byte`.
    init(bytes20 byte: UInt8) {
        // Twenty bytes is always a valid address.
        self = try! Address([UInt8](repeating: byte, count: 20))
    }
}
