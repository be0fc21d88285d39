// Content-addressed blob storage (issue #6): see docs/storage.md.
import Testing
@testable import Storage

@Suite("ContentHasher")
struct ContentHasherTests {
    // Sizes around the plain/chunked threshold and chunk boundaries.
    @Test(arguments: [0, 1, 262_143, 262_144, 262_145, 786_432, 800_001])
    func randomPiecesMatchOneShot(size: Int) {
        let blob = patternBlob(count: size)
        let oneShot = ContentID.of(blob)
        var generator = SplitMix64(state: UInt64(size))
        for _ in 0..<3 {
            var hasher = ContentHasher()
            var offset = 0
            while offset < blob.count {
                // Pieces from empty up to just over a chunk.
                let piece = Int.random(in: 0...(ChunkTree.chunkSize + 3), using: &generator)
                let end = min(blob.count, offset + piece)
                hasher.update(blob[offset..<end])
                offset = end
            }
            #expect(hasher.totalLength == UInt64(size))
            #expect(hasher.finalize() == oneShot)
        }
    }

    @Test func byteAtATimeMatchesPlainSHA256() {
        var hasher = ContentHasher()
        for byte in "hello world".utf8 { hasher.update([byte]) }
        #expect(hasher.finalize().description == ContentIDTests.helloWorldID)
        #expect(ContentID.plain(of: Array("hello world".utf8)) == hasher.finalize())
    }
}
