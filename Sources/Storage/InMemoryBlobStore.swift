// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Synchronization

/// A ``BlobStore`` in memory, for tests.
public final class InMemoryBlobStore: BlobStore {
    private struct Entry {
        let bytes: [UInt8]
        let leaves: [[UInt8]]
        let metadata: BlobMetadata
    }

    private let entries = Mutex<[ContentID: Entry]>([:])
    /// The largest blob accepted, in bytes.
    public let sizeLimit: UInt64

    /// An empty store accepting blobs of at most `sizeLimit` bytes.
    public init(sizeLimit: UInt64 = 1 << 30) {
        self.sizeLimit = sizeLimit
    }

    /// Stores the blob streamed as `pieces`; see ``BlobStore/put(pieces:expected:readers:)``.
    public func put(pieces: some Sequence<[UInt8]>, expected: ContentID?, readers: [Address]) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata) {
        var hasher = ContentHasher()
        var bytes: [UInt8] = []
        for piece in pieces {
            guard UInt64(bytes.count) + UInt64(piece.count) <= sizeLimit else { throw .tooLarge(limit: sizeLimit) }
            hasher.update(piece)
            bytes += piece
        }
        let (id, leaves) = hasher.finalizeWithLeaves()
        if let expected, expected != id { throw .idMismatch(expected: expected, actual: id) }
        let entry = Entry(bytes: bytes, leaves: leaves, metadata: BlobMetadata(size: UInt64(bytes.count), readers: readers))
        let kept = entries.withLock { entries in
            if let existing = entries[id] { return existing.metadata }
            entries[id] = entry
            return entry.metadata
        }
        return (id, kept)
    }

    /// The metadata of a stored blob.
    public func metadata(of id: ContentID) throws(BlobStoreError) -> BlobMetadata {
        guard let entry = entries.withLock({ $0[id] }) else { throw .notFound(id) }
        return entry.metadata
    }

    /// The bytes in `range` of a stored blob (the whole blob when nil).
    public func read(_ id: ContentID, range: Range<UInt64>?) throws(BlobStoreError) -> [UInt8] {
        guard let entry = entries.withLock({ $0[id] }) else { throw .notFound(id) }
        let range = try checkedRange(range, size: entry.metadata.size)
        return Array(entry.bytes[Int(range.lowerBound)..<Int(range.upperBound)])
    }

    /// The chunk leaves of a stored blob.
    public func leaves(of id: ContentID) throws(BlobStoreError) -> [[UInt8]] {
        guard let entry = entries.withLock({ $0[id] }) else { throw .notFound(id) }
        return entry.leaves
    }
}
