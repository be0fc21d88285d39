// Content-addressed blob storage (issue #6): see docs/storage.md.
import Crypto

/// Computes the canonical ``ContentID`` of a stream fed in pieces of any size.
///
/// Memory stays bounded: besides two running hashes it keeps 32 bytes per 256 KiB chunk (the
/// leaves), never the blob.
public struct ContentHasher: Sendable {
    private var plainHasher = SHA256()
    private var chunkHasher = ContentHasher.freshLeafHasher()
    private var chunkFill = 0
    private(set) var leaves: [[UInt8]] = []
    /// Bytes fed so far.
    public private(set) var totalLength: UInt64 = 0

    /// A hasher with nothing fed yet.
    public init() {}

    private static func freshLeafHasher() -> SHA256 {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        return hasher
    }

    /// Feeds the next piece of the stream (contiguous pieces — arrays, slices, byte buffers — are
    /// hashed in place, without a copy).
    public mutating func update(_ piece: some Collection<UInt8>) {
        let hashedInPlace: Void? = piece.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
        if hashedInPlace == nil { Array(piece).withUnsafeBytes { update(bytes: $0) } }
    }

    private mutating func update(bytes: UnsafeRawBufferPointer) {
        // The plain hash only matters while the blob may still be small.
        if totalLength <= UInt64(ContentID.plainLimit) { plainHasher.update(bufferPointer: bytes) }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        while offset < bytes.count {
            if chunkFill == ChunkTree.chunkSize { closeChunk() }
            let take = min(bytes.count - offset, ChunkTree.chunkSize - chunkFill)
            chunkHasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
            chunkFill += take
            offset += take
        }
    }

    private mutating func closeChunk() {
        leaves.append(Array(chunkHasher.finalize()))
        chunkHasher = Self.freshLeafHasher()
        chunkFill = 0
    }

    /// The id of everything fed: plain up to ``ContentID/plainLimit`` bytes, chunked above.
    public func finalize() -> ContentID {
        finalizeWithLeaves().id
    }

    /// The id and the chunk leaves (what a store keeps to answer chunk proofs without rehashing).
    public func finalizeWithLeaves() -> (id: ContentID, leaves: [[UInt8]]) {
        var copy = self
        if copy.chunkFill > 0 || copy.leaves.isEmpty { copy.closeChunk() }
        if totalLength <= UInt64(ContentID.plainLimit) {
            return (ContentID(uncheckedKind: .plain, digest: Array(plainHasher.finalize())), copy.leaves)
        }
        let digest = ChunkTree.digest(root: ChunkTree.root(leaves: copy.leaves), totalLength: totalLength)
        return (ContentID(uncheckedKind: .chunked, digest: digest), copy.leaves)
    }
}
