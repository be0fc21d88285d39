// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Foundation
import Synchronization

/// Serializes the commit phase of writes (existence check and renames) within one process.
private final class CommitLock: Sendable {
    let mutex = Mutex<Void>(())
}

/// A ``BlobStore`` in a directory.
///
/// Layout: `blobs/<id>` (the bytes), `blobs/<id>.meta` (JSON ``BlobMetadata``), `blobs/<id>.leaves`
/// (32 bytes per chunk), `tmp/` (writes in progress). A write goes to `tmp/`, is hashed as it goes,
/// flushed, then renamed into place: sidecars first, the blob last, so a blob file exists only
/// complete, under its true id, and never without the metadata that may make it private.
/// One process per directory: the commit lock is in memory.
public struct FileBlobStore: BlobStore {
    /// The store's directory.
    public let root: URL
    /// The largest blob accepted, in bytes.
    public let sizeLimit: UInt64
    // Without it two writers of the same bytes could interleave their renames and leave the
    // second one's (say, public) metadata beside the first one's private blob.
    private let commitLock = CommitLock()

    private var blobsDirectory: URL { root.appendingPathComponent("blobs", isDirectory: true) }
    private var tempDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Opens (creating if needed) a store in `root`, accepting blobs of at most `sizeLimit` bytes.
    public init(root: URL, sizeLimit: UInt64) throws(BlobStoreError) {
        self.root = root
        self.sizeLimit = sizeLimit
        for directory in [blobsDirectory, tempDirectory] {
            do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                throw .io(operation: "create directory", path: directory.path, message: "\(error)")
            }
        }
    }

    private func blobURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description) }
    private func metaURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description + ".meta") }
    private func leavesURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description + ".leaves") }

    /// Stores the blob streamed as `pieces`; see ``BlobStore/put(pieces:expected:readers:)``.
    public func put(pieces: some Sequence<[UInt8]>, expected: ContentID?, readers: [Address]) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata) {
        let token = UUID().uuidString
        let tempBlob = tempDirectory.appendingPathComponent(token + ".blob")
        let tempMeta = tempDirectory.appendingPathComponent(token + ".meta")
        let tempLeaves = tempDirectory.appendingPathComponent(token + ".leaves")
        // Whatever happens, nothing of this write stays in tmp/.
        defer {
            for url in [tempBlob, tempMeta, tempLeaves] { try? FileManager.default.removeItem(at: url) }
        }
        guard FileManager.default.createFile(atPath: tempBlob.path, contents: nil) else {
            throw .io(operation: "create", path: tempBlob.path, message: "cannot create file")
        }
        var hasher = ContentHasher()
        do {
            let handle = try FileHandle(forWritingTo: tempBlob)
            defer { try? handle.close() }
            for piece in pieces {
                guard hasher.totalLength + UInt64(piece.count) <= sizeLimit else { throw BlobStoreError.tooLarge(limit: sizeLimit) }
                hasher.update(piece)
                try handle.write(contentsOf: piece)
            }
            try handle.synchronize()
        } catch let error as BlobStoreError {
            throw error
        } catch {
            throw .io(operation: "write", path: tempBlob.path, message: "\(error)")
        }
        let (id, leaves) = hasher.finalizeWithLeaves()
        if let expected, expected != id { throw .idMismatch(expected: expected, actual: id) }
        let metadata = BlobMetadata(size: hasher.totalLength, readers: readers)
        let metaBytes: Data
        do { metaBytes = try JSONEncoder().encode(metadata) } catch {
            throw .io(operation: "encode metadata", path: tempMeta.path, message: "\(error)")
        }
        try write(metaBytes, to: tempMeta)
        try write(Data(leaves.joined()), to: tempLeaves)
        return try commitLock.mutex.withLock { _ throws(BlobStoreError) in
            if let existing = try? self.metadata(of: id) { return (id, existing) }
            try move(tempMeta, to: metaURL(id))
            try move(tempLeaves, to: leavesURL(id))
            try move(tempBlob, to: blobURL(id))
            return (id, metadata)
        }
    }

    private func write(_ data: Data, to url: URL) throws(BlobStoreError) {
        do { try data.write(to: url) } catch {
            throw .io(operation: "write", path: url.path, message: "\(error)")
        }
    }

    /// POSIX rename: atomic, and it replaces a stale sidecar left by an earlier crash.
    private func move(_ source: URL, to destination: URL) throws(BlobStoreError) {
        guard rename(source.path, destination.path) == 0 else {
            throw .io(operation: "rename", path: destination.path, message: String(cString: strerror(errno)))
        }
    }

    /// The metadata of a stored blob.
    public func metadata(of id: ContentID) throws(BlobStoreError) -> BlobMetadata {
        // The blob file is renamed last: without it, any sidecar is a leftover of a failed write.
        guard FileManager.default.fileExists(atPath: blobURL(id).path) else { throw .notFound(id) }
        do {
            return try JSONDecoder().decode(BlobMetadata.self, from: Data(contentsOf: metaURL(id)))
        } catch {
            throw .io(operation: "read metadata", path: metaURL(id).path, message: "\(error)")
        }
    }

    /// The bytes in `range` of a stored blob (the whole blob when nil).
    public func read(_ id: ContentID, range: Range<UInt64>?) throws(BlobStoreError) -> [UInt8] {
        let range = try checkedRange(range, size: metadata(of: id).size)
        do {
            let handle = try FileHandle(forReadingFrom: blobURL(id))
            defer { try? handle.close() }
            try handle.seek(toOffset: range.lowerBound)
            let data = try handle.read(upToCount: Int(range.upperBound - range.lowerBound)) ?? Data()
            return [UInt8](data)
        } catch {
            throw .io(operation: "read", path: blobURL(id).path, message: "\(error)")
        }
    }

    /// The chunk leaves of a stored blob.
    public func leaves(of id: ContentID) throws(BlobStoreError) -> [[UInt8]] {
        guard contains(id) else { throw .notFound(id) }
        let data: Data
        do { data = try Data(contentsOf: leavesURL(id)) } catch {
            throw .io(operation: "read leaves", path: leavesURL(id).path, message: "\(error)")
        }
        let bytes = [UInt8](data)
        guard bytes.count % 32 == 0 else {
            throw .io(operation: "read leaves", path: leavesURL(id).path, message: "length \(bytes.count) is not a multiple of 32")
        }
        return stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<$0 + 32]) }
    }
}
