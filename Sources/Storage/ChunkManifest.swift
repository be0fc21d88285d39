// Content-addressed blob storage (issue #6): see docs/storage.md.
import Crypto

/// All the chunk leaves of a blob, checked against its id: what a downloader fetches first (32
/// bytes per 256 KiB) to verify every chunk as it arrives without a proof per chunk.
public struct ChunkManifest: Hashable, Sendable {
    /// The blob's id.
    public let id: ContentID
    /// The blob's total length in bytes.
    public let totalLength: UInt64
    /// Leaf i = SHA-256(0x00 ‖ chunk i).
    public let leaves: [[UInt8]]

    /// A manifest from a peer's `totalLength` and `leaves`, refused unless they rebuild `id`.
    ///
    /// A plain id commits to the blob, not to a leaf: its manifest is one leaf, checked only when
    /// the chunk arrives (against the id's digest itself).
    public init(id: ContentID, totalLength: UInt64, leaves: [[UInt8]]) throws(ChunkProofError) {
        let count = ChunkTree.chunkCount(totalLength: totalLength)
        guard leaves.count == count else { throw .wrongLeafCount(expected: count, actual: leaves.count) }
        guard leaves.allSatisfy({ $0.count == 32 }) else { throw .manifestMismatch }
        switch id.kind {
        case .plain:
            guard totalLength <= UInt64(ContentID.plainLimit) else { throw .manifestMismatch }
        case .chunked:
            guard totalLength > UInt64(ContentID.plainLimit),
                ChunkTree.digest(root: ChunkTree.root(leaves: leaves), totalLength: totalLength) == id.digest
            else { throw .manifestMismatch }
        }
        self.id = id
        self.totalLength = totalLength
        self.leaves = leaves
    }

    /// The number of chunks.
    public var chunkCount: Int { leaves.count }

    /// Checks that `chunk` is chunk `index` of the blob.
    public func verify(chunk: [UInt8], index: Int) throws(ChunkProofError) {
        guard let range = ChunkTree.chunkRange(index: index, totalLength: totalLength) else {
            throw .indexOutOfRange(index: index, chunkCount: chunkCount)
        }
        guard UInt64(chunk.count) == range.upperBound - range.lowerBound else {
            throw .wrongChunkLength(index: index, expected: range.upperBound - range.lowerBound, actual: chunk.count)
        }
        let matches = id.kind == .plain
            ? Array(SHA256.hash(data: chunk)) == id.digest
            : ChunkTree.leaf(chunk) == leaves[index]
        guard matches else { throw .digestMismatch(index: index) }
    }
}

extension BlobStore {
    /// The manifest of a stored blob.
    public func manifest(of id: ContentID) throws(BlobStoreError) -> ChunkManifest {
        let size = try metadata(of: id).size
        let leaves = try leaves(of: id)
        do { return try ChunkManifest(id: id, totalLength: size, leaves: leaves) } catch {
            throw .io(operation: "check manifest", path: id.description, message: error.description)
        }
    }
}
