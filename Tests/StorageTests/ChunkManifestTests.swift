// Content-addressed blob storage (issue #6): see docs/storage.md.
import Testing
@testable import Storage

@Suite("ChunkManifest")
struct ChunkManifestTests {
    @Test func verifiesEveryChunkAndRefusesTampering() throws {
        let blob = patternBlob(count: 2 * ChunkTree.chunkSize + 99)
        let store = InMemoryBlobStore()
        let id = try store.put(blob).id
        let manifest = try store.manifest(of: id)
        #expect(manifest.chunkCount == 3)
        for index in 0..<3 {
            try manifest.verify(chunk: store.chunk(id, index: index).bytes, index: index)
        }
        var bad = try store.chunk(id, index: 1).bytes
        bad[0] ^= 1
        #expect(throws: ChunkProofError.digestMismatch(index: 1)) { try manifest.verify(chunk: bad, index: 1) }
        #expect(throws: ChunkProofError.indexOutOfRange(index: 3, chunkCount: 3)) { try manifest.verify(chunk: [], index: 3) }
        #expect(throws: ChunkProofError.wrongChunkLength(index: 2, expected: 99, actual: 98)) {
            try manifest.verify(chunk: Array(blob.suffix(98)), index: 2)
        }
        // A forged leaf list, a dropped leaf, a lie about the length.
        var leaves = manifest.leaves
        leaves[1] = ChunkTree.leaf(bad)
        #expect(throws: ChunkProofError.manifestMismatch) { try ChunkManifest(id: id, totalLength: UInt64(blob.count), leaves: leaves) }
        #expect(throws: ChunkProofError.wrongLeafCount(expected: 3, actual: 2)) {
            try ChunkManifest(id: id, totalLength: UInt64(blob.count), leaves: Array(manifest.leaves.prefix(2)))
        }
        #expect(throws: ChunkProofError.manifestMismatch) {
            try ChunkManifest(id: id, totalLength: UInt64(blob.count) - 1, leaves: manifest.leaves)
        }
    }

    @Test func plainBlobChecksAgainstTheId() throws {
        let blob = Array("hello world".utf8)
        let id = ContentID.of(blob)
        let manifest = try ChunkManifest(id: id, totalLength: 11, leaves: [[UInt8](repeating: 0, count: 32)])
        try manifest.verify(chunk: blob, index: 0)
        #expect(throws: ChunkProofError.digestMismatch(index: 0)) { try manifest.verify(chunk: Array("hello worle".utf8), index: 0) }
        #expect(throws: ChunkProofError.manifestMismatch) {
            try ChunkManifest(id: id, totalLength: UInt64(ChunkTree.chunkSize) + 1, leaves: [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 32)])
        }
    }
}
