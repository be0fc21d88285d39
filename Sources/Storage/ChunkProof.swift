// Content-addressed blob storage (issue #6): see docs/storage.md.
import Crypto

/// Evidence that one chunk belongs to the blob an id names: its index, the blob's total length
/// and the sibling hashes from the leaf to the root (bottom first).
///
/// For a plain id the whole blob is chunk 0 and the path is empty.
public struct ChunkProof: Hashable, Sendable, Codable {
    /// The chunk's index (0-based).
    public let index: Int
    /// The blob's total length in bytes.
    public let totalLength: UInt64
    /// Sibling hashes, bottom first, skipping levels where the node is carried up.
    public let siblings: [[UInt8]]

    /// A proof from its parts (as received from a peer).
    public init(index: Int, totalLength: UInt64, siblings: [[UInt8]]) {
        self.index = index
        self.totalLength = totalLength
        self.siblings = siblings
    }

    /// The proof for chunk `index` of a blob with these `leaves` and `totalLength`.
    public static func make(index: Int, totalLength: UInt64, leaves: [[UInt8]]) throws(ChunkProofError) -> ChunkProof {
        guard index >= 0, index < leaves.count else { throw .indexOutOfRange(index: index, chunkCount: leaves.count) }
        guard leaves.count > 1 else { return ChunkProof(index: index, totalLength: totalLength, siblings: []) }
        return ChunkProof(index: index, totalLength: totalLength, siblings: ChunkTree.siblings(leaves: leaves, index: index))
    }

    /// Checks that `chunk` is chunk ``index`` of the blob `id` names; throws what does not match.
    public func verify(chunk: [UInt8], against id: ContentID) throws(ChunkProofError) {
        switch id.kind {
        case .plain:
            guard index == 0 else { throw .indexOutOfRange(index: index, chunkCount: 1) }
            guard totalLength == UInt64(chunk.count) else {
                throw .wrongChunkLength(index: index, expected: totalLength, actual: chunk.count)
            }
            guard siblings.isEmpty else { throw .wrongPathLength(index: index) }
            guard Array(SHA256.hash(data: chunk)) == id.digest else { throw .digestMismatch(index: index) }
        case .chunked:
            let count = ChunkTree.chunkCount(totalLength: totalLength)
            guard let range = ChunkTree.chunkRange(index: index, totalLength: totalLength) else {
                throw .indexOutOfRange(index: index, chunkCount: count)
            }
            guard UInt64(chunk.count) == range.upperBound - range.lowerBound else {
                throw .wrongChunkLength(index: index, expected: range.upperBound - range.lowerBound, actual: chunk.count)
            }
            guard siblings.allSatisfy({ $0.count == 32 }) else { throw .wrongPathLength(index: index) }
            guard let root = ChunkTree.root(leaf: ChunkTree.leaf(chunk), index: index, leafCount: count, siblings: siblings) else {
                throw .wrongPathLength(index: index)
            }
            guard ChunkTree.digest(root: root, totalLength: totalLength) == id.digest else {
                throw .digestMismatch(index: index)
            }
        }
    }
}

/// Why a chunk failed verification.
public enum ChunkProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The index is past the blob's last chunk.
    case indexOutOfRange(index: Int, chunkCount: Int)
    /// The chunk's length is not what the total length implies for its index.
    case wrongChunkLength(index: Int, expected: UInt64, actual: Int)
    /// The sibling path has the wrong number of hashes, or one is not 32 bytes.
    case wrongPathLength(index: Int)
    /// The chunk and path lead to a different digest than the id's.
    case digestMismatch(index: Int)
    /// A manifest has a different number of leaves than its total length implies.
    case wrongLeafCount(expected: Int, actual: Int)
    /// A manifest's leaves and length do not rebuild the id.
    case manifestMismatch

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let count): "chunk \(index): index out of range (blob has \(count) chunks)"
        case .wrongChunkLength(let index, let expected, let actual): "chunk \(index): \(actual) bytes, expected \(expected)"
        case .wrongPathLength(let index): "chunk \(index): sibling path has the wrong number or size of hashes"
        case .digestMismatch(let index): "chunk \(index): does not hash to the id's digest"
        case .wrongLeafCount(let expected, let actual): "manifest: \(actual) leaves, expected \(expected)"
        case .manifestMismatch: "manifest: leaves and length do not rebuild the id"
        }
    }
}
