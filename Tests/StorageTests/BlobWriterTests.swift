// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Foundation
import Synchronization
import Testing
@testable import Storage

/// The incremental write path (`BlobWriter`), range reads (`BlobReader`), the uploader in the
/// metadata, and what a crash can leave behind.
@Suite("BlobWriter")
struct BlobWriterTests {
    typealias Backend = BlobStoreTests.Backend

    func makeStore(_ backend: Backend, sizeLimit: UInt64 = 4 << 20) throws -> (store: any BlobStore, root: URL?) {
        try BlobStoreTests().makeStore(backend, sizeLimit: sizeLimit)
    }

    func tempContents(_ root: URL?) throws -> [String] {
        guard let root else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)
    }

    static let uploader = Address(bytes20: 0x33)

    @Test("pieces of any size make the id of the whole; a second write of the same bytes is not new", arguments: Backend.allCases)
    func incrementalWrite(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 4 * ChunkTree.chunkSize + 3)
        var generator = SplitMix64(state: 7)
        let writer = try store.makeWriter(expected: ContentID.of(blob), readers: [BlobStoreTests.reader], uploader: Self.uploader)
        var offset = 0
        while offset < blob.count {
            let size = Int.random(in: 1...70_000, using: &generator)
            try writer.write(blob[offset..<min(offset + size, blob.count)])
            offset += size
            #expect(writer.bytesWritten == UInt64(min(offset, blob.count)))
        }
        let stored = try writer.commit()
        #expect(stored == StoredBlob(id: ContentID.of(blob), metadata: BlobMetadata(
            size: UInt64(blob.count), readers: [BlobStoreTests.reader], uploader: Self.uploader), isNew: true))
        #expect(try store.read(stored.id, range: nil) == blob)
        #expect(throws: BlobStoreError.writerClosed) { try writer.write([1]) }
        #expect(throws: BlobStoreError.writerClosed) { try writer.commit() }
        writer.abort()
        #expect(store.contains(stored.id))

        let again = try store.makeWriter(expected: nil, readers: [], uploader: nil)
        try again.write(blob)
        #expect(try again.commit() == StoredBlob(id: stored.id, metadata: stored.metadata, isNew: false))
        #expect(try tempContents(root) == [])
    }

    @Test("the limit is enforced at the first piece past it, and the write is over", arguments: Backend.allCases)
    func limitAtFirstByteOver(backend: Backend) throws {
        let (store, root) = try makeStore(backend, sizeLimit: 1000)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let writer = try store.makeWriter(expected: nil, readers: [], uploader: nil)
        try writer.write(patternBlob(count: 999))
        try writer.write([7])
        #expect(writer.bytesWritten == 1000)
        #expect(throws: BlobStoreError.tooLarge(limit: 1000)) { try writer.write([8]) }
        #expect(throws: BlobStoreError.writerClosed) { try writer.commit() }
        #expect(!store.contains(ContentID.of(patternBlob(count: 999) + [7])))
        #expect(try tempContents(root) == [])
    }

    @Test("abort and a dropped writer leave nothing, in the store or in tmp/", arguments: Backend.allCases)
    func abortLeavesNothing(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 300_000)
        let writer = try store.makeWriter(expected: nil, readers: [], uploader: nil)
        try writer.write(blob)
        if root != nil { #expect(try tempContents(root).count == 1) }
        writer.abort()
        #expect(try tempContents(root) == [])
        #expect(throws: BlobStoreError.writerClosed) { try writer.commit() }
        #expect(!store.contains(ContentID.of(blob)))
        do {
            let dropped = try store.makeWriter(expected: nil, readers: [], uploader: nil)
            try dropped.write(blob)
        }
        #expect(try tempContents(root) == [])
        #expect(!store.contains(ContentID.of(blob)))
    }

    @Test("a mismatch keeps nothing, even when the bytes are fine on their own", arguments: Backend.allCases)
    func mismatchKeepsNothing(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 600_000)
        let claimed = ContentID.of(patternBlob(count: 600_001))
        let writer = try store.makeWriter(expected: claimed, readers: [], uploader: nil)
        try writer.write(blob)
        #expect(throws: BlobStoreError.idMismatch(expected: claimed, actual: ContentID.of(blob))) { try writer.commit() }
        #expect(!store.contains(ContentID.of(blob)))
        #expect(try tempContents(root) == [])
        if let root {
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("blobs").path) == [])
        }
    }

    @Test("a reader reads any range in pieces without the whole blob", arguments: Backend.allCases)
    func rangeReads(backend: Backend) throws {
        let (store, root) = try makeStore(backend)
        defer { root.map { try? FileManager.default.removeItem(at: $0) } }
        let blob = patternBlob(count: 2 * ChunkTree.chunkSize + 77)
        let id = try store.put(blob).id
        let reader = try store.reader(of: id)
        #expect(reader.metadata.size == UInt64(blob.count))
        var assembled: [UInt8] = []
        for start in stride(from: 0, to: blob.count, by: 100_000) {
            assembled += try reader.read(UInt64(start)..<UInt64(min(start + 100_000, blob.count)))
        }
        #expect(assembled == blob)
        #expect(try reader.read(10..<10) == [])
        #expect(throws: BlobStoreError.rangeOutOfBounds(lower: 5, upper: UInt64(blob.count) + 1, size: UInt64(blob.count))) {
            try reader.read(5..<(UInt64(blob.count) + 1))
        }
        #expect(throws: BlobStoreError.notFound(ContentID.of([1]))) { try store.reader(of: ContentID.of([1])) }
    }

    @Test("the uploader may read its own private blob; metadata without an uploader still reads")
    func uploaderInMetadata() throws {
        let metadata = BlobMetadata(size: 3, readers: [BlobStoreTests.reader], uploader: Self.uploader)
        #expect(metadata.allows(Self.uploader))
        #expect(metadata.allows(BlobStoreTests.reader))
        #expect(!metadata.allows(BlobStoreTests.other))
        #expect(!metadata.allows(nil))
        let encoded = try JSONEncoder().encode(metadata)
        #expect(try JSONDecoder().decode(BlobMetadata.self, from: encoded) == metadata)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"uploader\":\"\(Self.uploader.lowercaseHex)\""))
        // What stores wrote before the uploader was recorded.
        let old = try JSONDecoder().decode(BlobMetadata.self, from: Data(#"{"size":3,"readers":["\#(BlobStoreTests.reader.lowercaseHex)"]}"#.utf8))
        #expect(old == BlobMetadata(size: 3, readers: [BlobStoreTests.reader], uploader: nil))
        #expect(!String(decoding: try JSONEncoder().encode(old), as: UTF8.self).contains("uploader"))
    }

    /// What a writer killed mid-way (or between fsync and rename) leaves in tmp/ is never visible
    /// under an id, and the next opening of the store removes it.
    @Test("temporary files of a killed writer are never a blob and are cleared at open")
    func crashLeftovers() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let blob = patternBlob(count: 400_000)
        let id = ContentID.of(blob)
        do {
            let store = try FileBlobStore(root: root, sizeLimit: 1 << 20)
            // A write in progress, as a killed process leaves it: never committed, never dropped.
            let writer = try store.makeWriter(expected: id, readers: [], uploader: nil)
            try writer.write(blob)
            let tmp = root.appendingPathComponent("tmp")
            // And the complete temporary files of a writer killed just before its renames.
            try Data(blob).write(to: tmp.appendingPathComponent("killed.blob"))
            try Data(#"{"size":400000,"readers":[]}"#.utf8).write(to: tmp.appendingPathComponent("killed.meta"))
            #expect(!store.contains(id))
            #expect(throws: BlobStoreError.notFound(id)) { try store.read(id, range: nil) }
            #expect(try tempContents(root).count == 3)
            let reopened = try FileBlobStore(root: root, sizeLimit: 1 << 20)
            #expect(try tempContents(root) == [])
            #expect(!reopened.contains(id))
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("blobs").path) == [])
            // The write whose file was swept fails cleanly; a fresh one succeeds.
            #expect(throws: (any Error).self) { try writer.commit() }
            #expect(!reopened.contains(id))
            #expect(try reopened.put(blob, expected: id).id == id)
            #expect(try reopened.read(id, range: nil) == blob)
        }
    }

    /// Two stores on one directory in one process share the commit lock: concurrent writers of the
    /// same bytes with different readers always pair the blob with one writer's metadata.
    @Test("stores opened twice on one directory still commit one at a time")
    func sharedCommitLock() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let stores = [try FileBlobStore(root: root, sizeLimit: 1 << 20), try FileBlobStore(root: root, sizeLimit: 1 << 20)]
        for round in 0..<5 {
            let blob = patternBlob(count: 3000 + round)
            let results = Mutex<[StoredBlob]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let readers = index.isMultiple(of: 2) ? [] : [BlobStoreTests.reader]
                if let stored = try? stores[index % 2].makeWriter(expected: nil, readers: readers, uploader: nil),
                   (try? stored.write(blob)) != nil, let committed = try? stored.commit() {
                    results.withLock { $0.append(committed) }
                }
            }
            let kept = try stores[0].metadata(of: ContentID.of(blob))
            let all = results.withLock { $0 }
            #expect(all.count == 8)
            #expect(all.allSatisfy { $0.metadata == kept })
            #expect(all.filter(\.isNew).count == 1)
        }
        #expect(try tempContents(root) == [])
    }
}
