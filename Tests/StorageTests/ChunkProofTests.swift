// Content-addressed blob storage (issue #6): see docs/storage.md.
import Testing
@testable import Storage

@Suite("ChunkProof")
struct ChunkProofTests {
    /// Leaves and id of a blob, straight from the hasher.
    func tree(_ blob: [UInt8]) -> (id: ContentID, leaves: [[UInt8]]) {
        var hasher = ContentHasher()
        hasher.update(blob)
        return hasher.finalizeWithLeaves()
    }

    func chunk(_ blob: [UInt8], _ index: Int) -> [UInt8] {
        let start = index * ChunkTree.chunkSize
        return Array(blob[start..<min(start + ChunkTree.chunkSize, blob.count)])
    }

    // 1, 2, 3, 5 and 7 chunks: every odd-node position of small trees.
    @Test(arguments: [1, 2, 3, 5, 7])
    func everyChunkVerifies(chunks: Int) throws {
        let blob = patternBlob(count: (chunks - 1) * ChunkTree.chunkSize + 1234)
        let (id, leaves) = tree(blob)
        #expect(leaves.count == chunks)
        for index in 0..<chunks {
            let proof = try ChunkProof.make(index: index, totalLength: UInt64(blob.count), leaves: leaves)
            try proof.verify(chunk: chunk(blob, index), against: id)
        }
    }

    @Test func tamperingFails() throws {
        let blob = patternBlob(count: 4 * ChunkTree.chunkSize + 10)
        let (id, leaves) = tree(blob)
        let length = UInt64(blob.count)
        let proof = try ChunkProof.make(index: 2, totalLength: length, leaves: leaves)
        var flipped = chunk(blob, 2)
        flipped[777] ^= 0x01
        #expect(throws: ChunkProofError.digestMismatch(index: 2)) { try proof.verify(chunk: flipped, against: id) }
        // The right chunk presented under another index.
        let moved = ChunkProof(index: 1, totalLength: length, siblings: proof.siblings)
        #expect(throws: ChunkProofError.digestMismatch(index: 1)) { try moved.verify(chunk: chunk(blob, 2), against: id) }
        // A wrong sibling.
        var siblings = proof.siblings
        siblings[0][0] ^= 0x80
        #expect(throws: ChunkProofError.digestMismatch(index: 2)) {
            try ChunkProof(index: 2, totalLength: length, siblings: siblings).verify(chunk: chunk(blob, 2), against: id)
        }
        // A lie about the total length changes the expected chunk sizes or the digest.
        #expect(throws: ChunkProofError.digestMismatch(index: 2)) {
            try ChunkProof(index: 2, totalLength: length + 1, siblings: proof.siblings).verify(chunk: chunk(blob, 2), against: id)
        }
        #expect(throws: ChunkProofError.wrongPathLength(index: 2)) {
            try ChunkProof(index: 2, totalLength: length, siblings: proof.siblings.dropLast()).verify(chunk: chunk(blob, 2), against: id)
        }
        #expect(throws: ChunkProofError.wrongPathLength(index: 2)) {
            try ChunkProof(index: 2, totalLength: length, siblings: proof.siblings + [leaves[0]]).verify(chunk: chunk(blob, 2), against: id)
        }
        #expect(throws: ChunkProofError.wrongChunkLength(index: 2, expected: UInt64(ChunkTree.chunkSize), actual: ChunkTree.chunkSize - 1)) {
            try proof.verify(chunk: Array(chunk(blob, 2).dropLast()), against: id)
        }
        #expect(throws: ChunkProofError.indexOutOfRange(index: 5, chunkCount: 5)) {
            try ChunkProof(index: 5, totalLength: length, siblings: []).verify(chunk: [1], against: id)
        }
        #expect(throws: ChunkProofError.indexOutOfRange(index: 9, chunkCount: 5)) {
            try ChunkProof.make(index: 9, totalLength: length, leaves: leaves)
        }
    }

    @Test func plainBlobIsOneChunk() throws {
        let blob = Array("hello world".utf8)
        let id = ContentID.of(blob)
        let proof = try ChunkProof.make(index: 0, totalLength: UInt64(blob.count), leaves: [ChunkTree.leaf(blob)])
        try proof.verify(chunk: blob, against: id)
        #expect(throws: ChunkProofError.digestMismatch(index: 0)) { try proof.verify(chunk: Array("hello worle".utf8), against: id) }
        #expect(throws: ChunkProofError.indexOutOfRange(index: 1, chunkCount: 1)) {
            try ChunkProof(index: 1, totalLength: 11, siblings: []).verify(chunk: blob, against: id)
        }
    }
}

@Suite("ChunkProof hostile input")
struct ChunkProofHostileTests {
    /// A peer's proof may claim any length: no overflow, just a refusal.
    @Test func hugeClaimedLength() throws {
        let id = ContentID.of(patternBlob(count: 2 * ChunkTree.chunkSize))
        let count = ChunkTree.chunkCount(totalLength: .max)
        #expect(count == Int(UInt64.max / UInt64(ChunkTree.chunkSize)) + 1)
        #expect(throws: ChunkProofError.wrongChunkLength(index: count - 1, expected: UInt64(ChunkTree.chunkSize - 1), actual: 1)) {
            try ChunkProof(index: count - 1, totalLength: .max, siblings: []).verify(chunk: [1], against: id)
        }
        #expect(throws: ChunkProofError.indexOutOfRange(index: -1, chunkCount: 2)) {
            try ChunkProof(index: -1, totalLength: UInt64(2 * ChunkTree.chunkSize), siblings: []).verify(chunk: [], against: id)
        }
        #expect(throws: ChunkProofError.wrongPathLength(index: 0)) {
            try ChunkProof(index: 0, totalLength: UInt64(2 * ChunkTree.chunkSize), siblings: [[1, 2]])
                .verify(chunk: [UInt8](repeating: 0, count: ChunkTree.chunkSize), against: id)
        }
    }
}
