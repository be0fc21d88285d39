// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Foundation
import Synchronization

/// A ``BlobStore`` in a directory.
///
/// Layout: `blobs/<id>` (the bytes), `blobs/<id>.meta` (JSON ``BlobMetadata``), `blobs/<id>.leaves`
/// (32 bytes per chunk), `tmp/` (writes in progress). A write streams into `tmp/`, is hashed as it
/// goes, flushed to disk, then renamed into place: sidecars first, the blob last, so a blob file
/// exists only complete, under its true id, and never without the metadata that may make it
/// private. Opening the store clears `tmp/` of what a killed process left there.
///
/// One process per directory: the commit lock is shared by every store of the directory in this
/// process, not across processes (`iexec storage` locks its data directory).
public struct FileBlobStore: BlobStore {
    /// The store's directory.
    public let root: URL
    /// The largest blob accepted, in bytes.
    public let sizeLimit: UInt64
    // Without it two writers of the same bytes could interleave their renames and leave the
    // second one's (say, public) metadata beside the first one's private blob.
    private let commitLock: CommitLock

    var blobsDirectory: URL { root.appendingPathComponent("blobs", isDirectory: true) }
    var tempDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Opens (creating if needed) a store in `root`, accepting blobs of at most `sizeLimit` bytes,
    /// and removes the temporary files of writes that never finished.
    public init(root: URL, sizeLimit: UInt64) throws(BlobStoreError) {
        self.root = root
        self.sizeLimit = sizeLimit
        self.commitLock = CommitLock.shared(for: root)
        for directory in [blobsDirectory, tempDirectory] {
            do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                throw .io(operation: "create directory", path: directory.path, message: "\(error)")
            }
        }
        try clearTemporaryFiles()
    }

    /// Leftovers of a crash are never under an id (only renames put files in `blobs/`), but they
    /// take space: drop them.
    private func clearTemporaryFiles() throws(BlobStoreError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: tempDirectory.path) } catch {
            throw .io(operation: "list", path: tempDirectory.path, message: "\(error)")
        }
        for name in names { try? FileManager.default.removeItem(at: tempDirectory.appendingPathComponent(name)) }
    }

    func blobURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description) }
    private func metaURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description + ".meta") }
    private func leavesURL(_ id: ContentID) -> URL { blobsDirectory.appendingPathComponent(id.description + ".leaves") }
    func tempURL(_ token: String, _ suffix: String) -> URL { tempDirectory.appendingPathComponent(token + suffix) }

    /// Starts a write into `tmp/`; see ``BlobStore/makeWriter(expected:readers:uploader:)``.
    public func makeWriter(expected: ContentID?, readers: [Address], uploader: Address?) throws(BlobStoreError) -> any BlobWriter {
        let intake = BlobIntake(expected: expected, sizeLimit: sizeLimit, readers: readers, uploader: uploader)
        return try FileBlobWriter(store: self, intake: intake)
    }

    /// Moves a finished write into place (called by ``FileBlobWriter`` once its file is flushed
    /// and its id checked). The temporary files are gone afterwards whatever the outcome.
    func install(token: String, id: ContentID, leaves: [[UInt8]], metadata: BlobMetadata) throws(BlobStoreError) -> StoredBlob {
        let tempBlob = tempURL(token, ".blob"), tempMeta = tempURL(token, ".meta"), tempLeaves = tempURL(token, ".leaves")
        defer { for url in [tempBlob, tempMeta, tempLeaves] { unlink(url.path) } }
        let metaBytes: Data
        do { metaBytes = try JSONEncoder().encode(metadata) } catch {
            throw .io(operation: "encode metadata", path: tempMeta.path, message: "\(error)")
        }
        try POSIXFile.writeDurably([UInt8](metaBytes), to: tempMeta)
        try POSIXFile.writeDurably(Array(leaves.joined()), to: tempLeaves)
        return try commitLock.mutex.withLock { _ throws(BlobStoreError) -> StoredBlob in
            if FileManager.default.fileExists(atPath: blobURL(id).path) {
                return StoredBlob(id: id, metadata: try self.metadata(of: id), isNew: false)
            }
            try POSIXFile.rename(tempMeta, to: metaURL(id))
            try POSIXFile.rename(tempLeaves, to: leavesURL(id))
            try POSIXFile.rename(tempBlob, to: blobURL(id))
            // The renames themselves survive a power loss only once the directory is flushed.
            try POSIXFile.synchronizeDirectory(blobsDirectory)
            return StoredBlob(id: id, metadata: metadata, isNew: true)
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

    /// Opens a stored blob for reading.
    public func reader(of id: ContentID) throws(BlobStoreError) -> any BlobReader {
        let metadata = try metadata(of: id)
        return try FileBlobReader(url: blobURL(id), metadata: metadata)
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

/// Serializes the commit phase of writes (existence check and renames): one per directory in
/// this process, so two stores opened on the same directory still exclude each other.
private final class CommitLock: Sendable {
    let mutex = Mutex<Void>(())

    private static let byDirectory = Mutex<[String: CommitLock]>([:])

    static func shared(for root: URL) -> CommitLock {
        let key = root.standardizedFileURL.resolvingSymlinksInPath().path
        return byDirectory.withLock { locks in
            if let lock = locks[key] { return lock }
            let lock = CommitLock()
            locks[key] = lock
            return lock
        }
    }
}

/// A stored blob's file, open for positioned reads (`pread`: safe from several tasks at once).
final class FileBlobReader: BlobReader {
    let metadata: BlobMetadata
    private let descriptor: Int32
    private let path: String

    init(url: URL, metadata: BlobMetadata) throws(BlobStoreError) {
        path = url.path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFile.failure("open", path) }
        self.metadata = metadata
    }

    deinit { close(descriptor) }

    func read(_ range: Range<UInt64>) throws(BlobStoreError) -> [UInt8] {
        let range = try checkedRange(range, size: metadata.size)
        let count = Int(range.upperBound - range.lowerBound)
        var failure: BlobStoreError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let got = pread(descriptor, buffer.baseAddress! + initialized, count - initialized,
                                off_t(range.lowerBound) + off_t(initialized))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    failure = got == 0 ? .io(operation: "read", path: path, message: "file shorter than its metadata")
                        : POSIXFile.failure("read", path)
                    return
                }
                initialized += got
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
