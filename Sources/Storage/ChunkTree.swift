// Content-addressed blob storage (issue #6): see docs/storage.md.
import Crypto

/// The Merkle tree behind chunked ids (docs/storage.md, "Chunked id").
///
/// - leaf i = SHA-256(0x00 ‖ chunk i), chunks of ``chunkSize`` bytes, the last one shorter or equal;
/// - inner = SHA-256(0x01 ‖ left ‖ right); the prefixes keep a leaf from passing as an inner node;
/// - levels pair nodes left to right; an odd last node is carried up unchanged (never duplicated,
///   so no two leaf lists share a root — the duplication flaw of Bitcoin's tree cannot occur);
/// - digest = SHA-256(0x02 ‖ total length as UInt64 big-endian ‖ chunk size as UInt64 big-endian ‖
///   root): the length fixes the leaf count and the size of every chunk, so a proof cannot pass a
///   truncated or padded chunk.
public enum ChunkTree {
    /// The size of every chunk but the last: 256 KiB.
    public static let chunkSize = 256 * 1024

    /// The leaf hash of one chunk.
    public static func leaf(_ chunk: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        let hashedInPlace: Void? = chunk.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if hashedInPlace == nil { hasher.update(data: Array(chunk)) }
        return Array(hasher.finalize())
    }

    /// The inner node over two children.
    static func inner(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The digest a chunked id carries for this root and total length.
    public static func digest(root: [UInt8], totalLength: UInt64) -> [UInt8] {
        var header: [UInt8] = [0x02]
        header += bigEndian(totalLength)
        header += bigEndian(UInt64(chunkSize))
        header += root
        return Array(SHA256.hash(data: header))
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// The number of chunks of a blob of `totalLength` bytes (at least 1).
    public static func chunkCount(totalLength: UInt64) -> Int {
        let size = UInt64(chunkSize)
        return Int(max(1, totalLength / size + (totalLength % size == 0 ? 0 : 1)))
    }

    /// The byte range of chunk `index`, or nil past the end.
    public static func chunkRange(index: Int, totalLength: UInt64) -> Range<UInt64>? {
        guard index >= 0, index < chunkCount(totalLength: totalLength) else { return nil }
        let start = UInt64(index) * UInt64(chunkSize)
        // Subtracting first: a length taken from a peer's proof may be close to UInt64.max.
        return start..<(start + min(UInt64(chunkSize), totalLength - start))
    }

    /// The root over `leaves` (non-empty).
    public static func root(leaves: [[UInt8]]) -> [UInt8] {
        var level = leaves
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { i in
                i + 1 < level.count ? inner(level[i], level[i + 1]) : level[i]
            }
        }
        return level.first ?? []
    }

    /// The siblings from leaf `index` up to the root, bottom first; levels where the node is
    /// carried up have no sibling and add nothing.
    static func siblings(leaves: [[UInt8]], index: Int) -> [[UInt8]] {
        var level = leaves
        var position = index
        var path: [[UInt8]] = []
        while level.count > 1 {
            let sibling = position ^ 1
            if sibling < level.count { path.append(level[sibling]) }
            level = stride(from: 0, to: level.count, by: 2).map { i in
                i + 1 < level.count ? inner(level[i], level[i + 1]) : level[i]
            }
            position /= 2
        }
        return path
    }

    /// Folds `leaf` at `index` up a tree of `leafCount` leaves with `siblings`; nil if the path
    /// has too few or too many siblings for that position.
    static func root(leaf: [UInt8], index: Int, leafCount: Int, siblings: [[UInt8]]) -> [UInt8]? {
        var node = leaf
        var position = index
        var width = leafCount
        var used = 0
        while width > 1 {
            let sibling = position ^ 1
            if sibling < width {
                guard used < siblings.count else { return nil }
                node = position & 1 == 0 ? inner(node, siblings[used]) : inner(siblings[used], node)
                used += 1
            }
            position /= 2
            width = (width + 1) / 2
        }
        return used == siblings.count ? node : nil
    }
}
