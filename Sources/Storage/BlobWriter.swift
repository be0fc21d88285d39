// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum

/// A write in progress: fed piece by piece (as a network body arrives), hashed as it goes, and
/// stored only by ``commit()``.
///
/// A failed ``write(_:)`` (over the size limit, I/O error) ends the write and discards what it
/// held; so does ``abort()``. Dropping a writer that was never committed aborts it.
public protocol BlobWriter: Sendable {
    /// Bytes accepted so far.
    var bytesWritten: UInt64 { get }
    /// Appends `bytes`. Throws ``BlobStoreError/tooLarge(limit:)`` at the first piece that would
    /// pass the store's size limit (none of it is kept).
    func write(_ bytes: some Collection<UInt8>) throws(BlobStoreError)
    /// Checks the id against the expected one and stores the blob atomically (a mismatch stores
    /// nothing). Storing bytes already present keeps the first copy and its metadata.
    func commit() throws(BlobStoreError) -> StoredBlob
    /// Discards the write. Harmless after a commit or a failure.
    func abort()
}

/// What a commit stored (or found already there).
public struct StoredBlob: Hashable, Sendable {
    /// The blob's id.
    public let id: ContentID
    /// Its metadata: this write's, or the first copy's when it was already stored.
    public let metadata: BlobMetadata
    /// Whether this write stored it (false: it was already there).
    public let isNew: Bool

    /// A commit's outcome.
    public init(id: ContentID, metadata: BlobMetadata, isNew: Bool) {
        self.id = id
        self.metadata = metadata
        self.isNew = isNew
    }
}

/// What every writer does with the bytes whatever it keeps them in: the size limit, the hash,
/// the check against the expected id.
struct BlobIntake: Sendable {
    let expected: ContentID?
    let sizeLimit: UInt64
    let readers: [Address]
    let uploader: Address?
    private var hasher = ContentHasher()

    init(expected: ContentID?, sizeLimit: UInt64, readers: [Address], uploader: Address?) {
        self.expected = expected
        self.sizeLimit = sizeLimit
        self.readers = readers
        self.uploader = uploader
    }

    /// Bytes accepted so far.
    var totalLength: UInt64 { hasher.totalLength }

    /// Refuses `count` more bytes when they would pass the limit.
    func admit(count: Int) throws(BlobStoreError) {
        let (total, overflow) = hasher.totalLength.addingReportingOverflow(UInt64(count))
        guard !overflow, total <= sizeLimit else { throw .tooLarge(limit: sizeLimit) }
    }

    /// Hashes admitted bytes.
    mutating func hash(_ bytes: some Collection<UInt8>) {
        hasher.update(bytes)
    }

    /// The blob's id, leaves and metadata, refused when the id is not the expected one.
    func finish() throws(BlobStoreError) -> (id: ContentID, leaves: [[UInt8]], metadata: BlobMetadata) {
        let (id, leaves) = hasher.finalizeWithLeaves()
        if let expected, expected != id { throw .idMismatch(expected: expected, actual: id) }
        return (id, leaves, BlobMetadata(size: hasher.totalLength, readers: readers, uploader: uploader))
    }
}
