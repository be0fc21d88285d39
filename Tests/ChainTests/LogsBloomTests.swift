import Chain
import Ethereum
import Testing

/// The 2048-bit logs bloom against eth-bloom 4.0.0 (`BloomFilter`, its int written big-endian on
/// 256 bytes); the per-receipt and per-block blooms are checked in ReceiptTests.
@Suite struct LogsBloomTests {
    static let address = try! Address(Hex.decode("0x5a443704dd4b594b382c22a083e2bd3090a6fef3"))
    /// ERC-20 Transfer's topic0.
    static let transferTopic = try! Hash32(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")

    @Test func addressAndTopicMatchEthBloom() throws {
        var bloom = LogsBloom()
        bloom.add(Self.address.bytes)
        bloom.add(Self.transferTopic.bytes)
        // eth-bloom: BloomFilter() with both added.
        let expected = try Hex.decode(
            "0x20000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000800000000000000000000000000000000000000000000000000000000000000000040000000000000000000000000001000000000"
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004000000000"
            + "00000002000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")
        #expect(bloom.bytes == expected)
        #expect(bloom.bytes.count == 256)
        let fromLog = LogsBloom(logs: [ReceiptLog(address: Self.address, topics: [Self.transferTopic], data: [1, 2])])
        #expect(fromLog == bloom)
    }

    @Test func containsAddedItemsOnly() {
        var bloom = LogsBloom()
        #expect(!bloom.contains(Self.address.bytes))
        bloom.add(Self.address.bytes)
        bloom.add(Self.transferTopic.bytes)
        #expect(bloom.contains(Self.address.bytes))
        #expect(bloom.contains(Self.transferTopic.bytes))
        // eth-bloom also answers False for these two.
        #expect(!bloom.contains(Address.zero.bytes))
        #expect(!bloom.contains(Array("x".utf8)))
    }

    @Test func unionHoldsBothSides() {
        var left = LogsBloom()
        left.add(Self.address.bytes)
        var right = LogsBloom()
        right.add(Self.transferTopic.bytes)
        let both = left.union(right)
        #expect(both.contains(Self.address.bytes) && both.contains(Self.transferTopic.bytes))
        #expect(!left.contains(Self.transferTopic.bytes))
        #expect(LogsBloom.empty.union(left) == left)
    }

    @Test func encodingRoundTripsAndRefusesWrongLength() throws {
        var bloom = LogsBloom()
        bloom.add(Self.address.bytes)
        #expect(try LogsBloom(bloom.bytes) == bloom)
        #expect(throws: LogsBloomError.wrongLength(255)) { try LogsBloom([UInt8](repeating: 0, count: 255)) }
        #expect(LogsBloomError.wrongLength(255).description == "logs bloom: expected 256 bytes, got 255")
    }
}
