// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum
import Synchronization

/// A ``BlobStore`` in memory, for tests.
public final class InMemoryBlobStore: BlobStore {
    fileprivate struct Entry {
        let bytes: [UInt8]
        let leaves: [[UInt8]]
        let metadata: BlobMetadata
    }

    fileprivate let entries = Mutex<[ContentID: Entry]>([:])
    /// The largest blob accepted, in bytes.
    public let sizeLimit: UInt64

    /// An empty store accepting blobs of at most `sizeLimit` bytes.
    public init(sizeLimit: UInt64 = 1 << 30) {
        self.sizeLimit = sizeLimit
    }

    /// Starts a write held in memory; see ``BlobStore/makeWriter(expected:readers:uploader:)``.
    public func makeWriter(expected: ContentID?, readers: [Address], uploader: Address?) throws(BlobStoreError) -> any BlobWriter {
        InMemoryBlobWriter(store: self, intake: BlobIntake(expected: expected, sizeLimit: sizeLimit, readers: readers, uploader: uploader))
    }

    /// The metadata of a stored blob.
    public func metadata(of id: ContentID) throws(BlobStoreError) -> BlobMetadata {
        try entry(id).metadata
    }

    /// Opens a stored blob for reading (the bytes are shared, not copied).
    public func reader(of id: ContentID) throws(BlobStoreError) -> any BlobReader {
        let entry = try entry(id)
        return InMemoryBlobReader(bytes: entry.bytes, metadata: entry.metadata)
    }

    /// The chunk leaves of a stored blob.
    public func leaves(of id: ContentID) throws(BlobStoreError) -> [[UInt8]] {
        try entry(id).leaves
    }

    private func entry(_ id: ContentID) throws(BlobStoreError) -> Entry {
        guard let entry = entries.withLock({ $0[id] }) else { throw .notFound(id) }
        return entry
    }
}

/// An ``InMemoryBlobStore`` write: the bytes accumulate until the commit.
private final class InMemoryBlobWriter: BlobWriter {
    private struct State {
        var bytes: [UInt8] = []
        var intake: BlobIntake
        var isOpen = true
    }

    private let store: InMemoryBlobStore
    private let state: Mutex<State>

    init(store: InMemoryBlobStore, intake: BlobIntake) {
        self.store = store
        state = Mutex(State(intake: intake))
    }

    var bytesWritten: UInt64 { state.withLock { $0.intake.totalLength } }

    func write(_ bytes: some Collection<UInt8>) throws(BlobStoreError) {
        try state.withLock { state throws(BlobStoreError) in
            guard state.isOpen else { throw .writerClosed }
            do throws(BlobStoreError) { try state.intake.admit(count: bytes.count) } catch {
                state = State(intake: state.intake, isOpen: false)
                throw error
            }
            state.intake.hash(bytes)
            state.bytes.append(contentsOf: bytes)
        }
    }

    func commit() throws(BlobStoreError) -> StoredBlob {
        let (finished, bytes) = try state.withLock { state throws(BlobStoreError) -> ((id: ContentID, leaves: [[UInt8]], metadata: BlobMetadata), [UInt8]) in
            guard state.isOpen else { throw .writerClosed }
            let bytes = state.bytes
            state = State(intake: state.intake, isOpen: false)
            return (try state.intake.finish(), bytes)
        }
        let entry = InMemoryBlobStore.Entry(bytes: bytes, leaves: finished.leaves, metadata: finished.metadata)
        return store.entries.withLock { entries in
            if let existing = entries[finished.id] { return StoredBlob(id: finished.id, metadata: existing.metadata, isNew: false) }
            entries[finished.id] = entry
            return StoredBlob(id: finished.id, metadata: entry.metadata, isNew: true)
        }
    }

    func abort() {
        state.withLock { $0 = State(intake: $0.intake, isOpen: false) }
    }
}

/// A stored in-memory blob's bytes.
private struct InMemoryBlobReader: BlobReader {
    let bytes: [UInt8]
    let metadata: BlobMetadata

    func read(_ range: Range<UInt64>) throws(BlobStoreError) -> [UInt8] {
        let range = try checkedRange(range, size: metadata.size)
        return Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
    }
}
