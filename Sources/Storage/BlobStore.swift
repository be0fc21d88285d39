// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum

/// What a store keeps beside a blob.
public struct BlobMetadata: Hashable, Sendable, Codable {
    /// The blob's size in bytes.
    public let size: UInt64
    /// Who may read a private blob; empty for a public one.
    public let readers: [Address]
    /// Who uploaded it, when the upload was signed: it may always read its own blob.
    public let uploader: Address?

    /// Metadata for a blob of `size` bytes readable by `readers` (empty: public), uploaded by `uploader`.
    public init(size: UInt64, readers: [Address], uploader: Address? = nil) {
        self.size = size
        self.readers = readers
        self.uploader = uploader
    }

    /// Whether reads are limited to ``readers`` and the ``uploader``.
    public var isPrivate: Bool { !readers.isEmpty }

    /// Whether `address` may read the blob.
    public func allows(_ address: Address?) -> Bool {
        guard isPrivate else { return true }
        guard let address else { return false }
        return readers.contains(address) || uploader == address
    }

    private enum Keys: String, CodingKey { case size, readers, uploader }

    /// Decodes `{"size": n, "readers": ["0x…"], "uploader": "0x…"}` (`uploader` optional: older
    /// stores did not record it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        size = try container.decode(UInt64.self, forKey: .size)
        func address(_ text: String, _ key: Keys) throws -> Address {
            do { return try Address(hex: text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(error)")
            }
        }
        readers = try container.decode([String].self, forKey: .readers).map { try address($0, .readers) }
        uploader = try container.decodeIfPresent(String.self, forKey: .uploader).map { try address($0, .uploader) }
    }

    /// Encodes `{"size": n, "readers": ["0x…"], "uploader": "0x…"}` (lower-case hex; no uploader
    /// when unknown).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(size, forKey: .size)
        try container.encode(readers.map(\.lowercaseHex), forKey: .readers)
        try container.encodeIfPresent(uploader?.lowercaseHex, forKey: .uploader)
    }
}

/// A content-addressed blob store: blobs are written once under the id of their bytes.
///
/// Writes go through a ``BlobWriter`` (fed piece by piece, as a network body arrives); reads go
/// through a ``BlobReader`` (any range, without loading the blob).
public protocol BlobStore: Sendable {
    /// The largest blob accepted, in bytes.
    var sizeLimit: UInt64 { get }
    /// Starts a write. The blob is stored only by ``BlobWriter/commit()``, and only if its id is
    /// `expected` (when given); `readers` make it private to them and `uploader`.
    func makeWriter(expected: ContentID?, readers: [Address], uploader: Address?) throws(BlobStoreError) -> any BlobWriter
    /// The metadata of a stored blob.
    func metadata(of id: ContentID) throws(BlobStoreError) -> BlobMetadata
    /// Opens a stored blob for reading.
    func reader(of id: ContentID) throws(BlobStoreError) -> any BlobReader
    /// The chunk leaves of a stored blob (32 bytes per chunk).
    func leaves(of id: ContentID) throws(BlobStoreError) -> [[UInt8]]
}

/// An open stored blob: reads any range of it, holding only what is asked for.
public protocol BlobReader: Sendable {
    /// The blob's metadata (its size in particular).
    var metadata: BlobMetadata { get }
    /// The bytes in `range` (within the blob, else ``BlobStoreError/rangeOutOfBounds(lower:upper:size:)``).
    func read(_ range: Range<UInt64>) throws(BlobStoreError) -> [UInt8]
}

extension BlobStore {
    /// Stores the blob streamed as `pieces`, computing its id as it goes. Refuses (and stores
    /// nothing) a blob over the size limit or whose id is not `expected` when one is given.
    /// Storing a blob already present keeps the first copy and its metadata.
    public func put(pieces: some Sequence<[UInt8]>, expected: ContentID?, readers: [Address],
                    uploader: Address? = nil) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata) {
        let writer = try makeWriter(expected: expected, readers: readers, uploader: uploader)
        do throws(BlobStoreError) {
            for piece in pieces { try writer.write(piece) }
            let stored = try writer.commit()
            return (stored.id, stored.metadata)
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Stores `bytes` in one piece.
    public func put(_ bytes: [UInt8], expected: ContentID? = nil, readers: [Address] = [],
                    uploader: Address? = nil) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata) {
        try put(pieces: CollectionOfOne(bytes), expected: expected, readers: readers, uploader: uploader)
    }

    /// The bytes in `range` of a stored blob (the whole blob when nil).
    public func read(_ id: ContentID, range: Range<UInt64>?) throws(BlobStoreError) -> [UInt8] {
        let reader = try reader(of: id)
        return try reader.read(checkedRange(range, size: reader.metadata.size))
    }

    /// Whether a blob is stored under `id`.
    public func contains(_ id: ContentID) -> Bool {
        (try? metadata(of: id)) != nil
    }

    /// Chunk `index` of a stored blob with its proof against `id`.
    public func chunk(_ id: ContentID, index: Int) throws(BlobStoreError) -> (bytes: [UInt8], proof: ChunkProof) {
        let size = try metadata(of: id).size
        guard let range = ChunkTree.chunkRange(index: index, totalLength: size) else {
            throw .chunkOutOfRange(index: index, chunkCount: ChunkTree.chunkCount(totalLength: size))
        }
        let proof: ChunkProof
        do { proof = try ChunkProof.make(index: index, totalLength: size, leaves: try leaves(of: id)) } catch {
            throw .chunkOutOfRange(index: index, chunkCount: ChunkTree.chunkCount(totalLength: size))
        }
        return (try read(id, range: range), proof)
    }
}

/// Why a store refused or failed an operation.
public enum BlobStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No blob is stored under this id.
    case notFound(ContentID)
    /// The blob grew past the store's size limit (bytes).
    case tooLarge(limit: UInt64)
    /// The bytes hash to `actual`, not the `expected` id.
    case idMismatch(expected: ContentID, actual: ContentID)
    /// The byte range reaches past the blob's end.
    case rangeOutOfBounds(lower: UInt64, upper: UInt64, size: UInt64)
    /// The chunk index is past the blob's last chunk.
    case chunkOutOfRange(index: Int, chunkCount: Int)
    /// A file-system operation failed.
    case io(operation: String, path: String, message: String)
    /// The writer was already committed, aborted, or stopped by an earlier failure.
    case writerClosed

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .notFound(let id): "blob \(id): not found"
        case .tooLarge(let limit): "blob: larger than the limit of \(limit) bytes"
        case .idMismatch(let expected, let actual): "blob: content has id \(actual), expected \(expected)"
        case .rangeOutOfBounds(let lower, let upper, let size): "blob: range \(lower)..<\(upper) is outside its \(size) bytes"
        case .chunkOutOfRange(let index, let count): "blob: chunk \(index) is out of range (\(count) chunks)"
        case .io(let operation, let path, let message): "blob store: \(operation) \(path) failed: \(message)"
        case .writerClosed: "blob writer: already committed, aborted or failed; start a new write"
        }
    }
}

/// Checks `range` against `size` (nil means the whole blob).
func checkedRange(_ range: Range<UInt64>?, size: UInt64) throws(BlobStoreError) -> Range<UInt64> {
    guard let range else { return 0..<size }
    guard range.upperBound <= size else { throw .rangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, size: size) }
    return range
}
