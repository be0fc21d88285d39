// Content-addressed blob storage (issue #6): see docs/storage.md.
import Ethereum

/// What a store keeps beside a blob.
public struct BlobMetadata: Hashable, Sendable, Codable {
    /// The blob's size in bytes.
    public let size: UInt64
    /// Who may read a private blob; empty for a public one.
    public let readers: [Address]

    /// Metadata for a blob of `size` bytes readable by `readers` (empty: public).
    public init(size: UInt64, readers: [Address]) {
        self.size = size
        self.readers = readers
    }

    /// Whether reads are limited to ``readers``.
    public var isPrivate: Bool { !readers.isEmpty }

    /// Whether `address` may read the blob.
    public func allows(_ address: Address?) -> Bool {
        !isPrivate || address.map(readers.contains) == true
    }

    private enum Keys: String, CodingKey { case size, readers }

    /// Decodes `{"size": n, "readers": ["0x…"]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        size = try container.decode(UInt64.self, forKey: .size)
        readers = try container.decode([String].self, forKey: .readers).map { text in
            do { return try Address(hex: text) } catch {
                throw DecodingError.dataCorruptedError(forKey: .readers, in: container, debugDescription: "\(error)")
            }
        }
    }

    /// Encodes `{"size": n, "readers": ["0x…"]}` (lower-case hex).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(size, forKey: .size)
        try container.encode(readers.map(\.lowercaseHex), forKey: .readers)
    }
}

/// A content-addressed blob store: blobs are written once under the id of their bytes.
public protocol BlobStore: Sendable {
    /// Stores the blob streamed as `pieces`, computing its id as it goes. Refuses (and stores
    /// nothing) a blob over the size limit or whose id is not `expected` when one is given.
    /// Storing a blob already present keeps the first copy and its metadata.
    func put(pieces: some Sequence<[UInt8]>, expected: ContentID?, readers: [Address]) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata)
    /// The metadata of a stored blob.
    func metadata(of id: ContentID) throws(BlobStoreError) -> BlobMetadata
    /// The bytes in `range` of a stored blob (the whole blob when nil).
    func read(_ id: ContentID, range: Range<UInt64>?) throws(BlobStoreError) -> [UInt8]
    /// The chunk leaves of a stored blob (32 bytes per chunk).
    func leaves(of id: ContentID) throws(BlobStoreError) -> [[UInt8]]
}

extension BlobStore {
    /// Stores `bytes` in one piece.
    public func put(_ bytes: [UInt8], expected: ContentID? = nil, readers: [Address] = []) throws(BlobStoreError) -> (id: ContentID, metadata: BlobMetadata) {
        try put(pieces: CollectionOfOne(bytes), expected: expected, readers: readers)
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

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .notFound(let id): "blob \(id): not found"
        case .tooLarge(let limit): "blob: larger than the limit of \(limit) bytes"
        case .idMismatch(let expected, let actual): "blob: content has id \(actual), expected \(expected)"
        case .rangeOutOfBounds(let lower, let upper, let size): "blob: range \(lower)..<\(upper) is outside its \(size) bytes"
        case .chunkOutOfRange(let index, let count): "blob: chunk \(index) is out of range (\(count) chunks)"
        case .io(let operation, let path, let message): "blob store: \(operation) \(path) failed: \(message)"
        }
    }
}

/// Checks `range` against `size` (nil means the whole blob).
func checkedRange(_ range: Range<UInt64>?, size: UInt64) throws(BlobStoreError) -> Range<UInt64> {
    guard let range else { return 0..<size }
    guard range.upperBound <= size else { throw .rangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, size: size) }
    return range
}
