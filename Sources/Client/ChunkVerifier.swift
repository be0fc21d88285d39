import Crypto
import Storage

/// Checks a blob's bytes chunk by chunk as they arrive, against a verified ``ChunkManifest``
/// (docs/storage.md, "Verified download").
///
/// Each piece is hashed as it comes (SHA-256 of `0x00 ‖ chunk` for a chunked id, of the chunk
/// itself for a plain one), so the hash of a chunk is ready the moment its last byte arrives and
/// nothing but the running hash is held: memory does not grow with the blob.
struct ChunkVerifier: Sendable {
    /// Why a chunk was refused: its index and what is wrong.
    struct Mismatch: Error {
        let index: Int
        let reason: String
    }

    let manifest: ChunkManifest
    /// The chunk being received; equal to the chunk count once every chunk is verified.
    private(set) var index: Int
    private var hasher: SHA256
    private var fill: UInt64 = 0

    /// A verifier expecting chunk `firstChunk` next (the chunks before it are already verified).
    init(manifest: ChunkManifest, firstChunk: Int = 0) {
        self.manifest = manifest
        self.index = min(max(0, firstChunk), manifest.chunkCount)
        self.hasher = Self.freshHasher(for: manifest.id)
    }

    private static func freshHasher(for id: ContentID) -> SHA256 {
        var hasher = SHA256()
        // A plain id is the SHA-256 of the blob itself; a chunked one commits to prefixed leaves.
        if id.kind == .chunked { hasher.update(data: [0x00]) }
        return hasher
    }

    /// Whether every chunk has arrived and matched.
    var isComplete: Bool { index >= manifest.chunkCount }

    /// Bytes from the start of the blob that are verified: every chunk before ``index``.
    var verifiedLength: UInt64 { Self.offset(ofChunk: index, in: manifest) }

    /// Where chunk `index` starts (the total length past the last chunk).
    static func offset(ofChunk index: Int, in manifest: ChunkManifest) -> UInt64 {
        ChunkTree.chunkRange(index: index, totalLength: manifest.totalLength)?.lowerBound ?? manifest.totalLength
    }

    /// The length of the chunk being received (0 once complete).
    private var currentChunkLength: UInt64 {
        guard let range = ChunkTree.chunkRange(index: index, totalLength: manifest.totalLength) else { return 0 }
        return range.upperBound - range.lowerBound
    }

    /// Hashes the next bytes of the blob, checking every chunk they complete. Throws at the first
    /// chunk that does not match its leaf (or at bytes past the blob's end); ``verifiedLength``
    /// then still counts only the chunks before it.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(Mismatch) {
        var rest = bytes[...]
        while !rest.isEmpty {
            guard !isComplete else {
                throw Mismatch(index: index, reason: "\(rest.count) bytes past the blob's end (\(manifest.totalLength) bytes)")
            }
            let take = Int(min(UInt64(rest.count), currentChunkLength - fill))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            fill += UInt64(take)
            rest = rest.dropFirst(take)
            if fill == currentChunkLength { try closeChunk() }
        }
    }

    /// Called at the end of the stream: checks a final empty chunk (the empty blob), then
    /// reports whether everything arrived.
    mutating func finish() throws(Mismatch) {
        if !isComplete && fill == currentChunkLength { try closeChunk() }
    }

    private mutating func closeChunk() throws(Mismatch) {
        let digest = Array(hasher.finalize())
        let expected = manifest.id.kind == .plain ? manifest.id.digest : manifest.leaves[index]
        guard digest == expected else {
            let start = verifiedLength
            throw Mismatch(index: index, reason: "bytes \(start)..<\(start + currentChunkLength) do not match "
                + (manifest.id.kind == .plain ? "the id's digest" : "its leaf in the verified manifest"))
        }
        index += 1
        fill = 0
        hasher = Self.freshHasher(for: manifest.id)
    }
}
