import Ethereum
import Testing

@Suite("Keccak-256")
struct KeccakTests {
    // Known digests (Ethereum's Keccak-256, original padding).
    @Test(arguments: [
        ("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("The quick brown fox jumps over the lazy dog",
         "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
        ("transfer(address,uint256)", "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"),
    ])
    func knownDigests(message: String, expected: String) {
        #expect(Keccak256.hash(message).hex == expected)
    }

    @Test("streaming in any chunking equals one shot, across block boundaries")
    func streamingMatchesOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in [0, 1, 135, 136, 137, 271, 272, 273, 1000] {
            let slice = Array(message[0..<length])
            let expected = Keccak256.hash(slice)
            for chunk in [1, 7, 64, 135, 136, 200] {
                var hasher = Keccak256()
                var start = 0
                while start < length {
                    let end = min(start + chunk, length)
                    hasher.update(slice[start..<end])
                    start = end
                }
                #expect(hasher.finalize() == expected, "length \(length), chunk \(chunk)")
            }
        }
    }

    @Test("a million 'a's (the Keccak team's long-message vector)")
    func millionA() {
        let message = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(Keccak256.hash(message).hex == "0xfadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96")
    }
}
