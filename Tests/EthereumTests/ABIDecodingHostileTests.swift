import Ethereum
import Testing

private func type(_ text: String) -> ABIType { try! ABIType(parsing: text) }
/// A 32-byte word holding a small number.
private func w(_ value: UInt64) -> [UInt8] { UInt256(value).bigEndianBytes }
/// A 32-byte word holding 2^exponent.
private func pow2(_ exponent: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 32)
    bytes[31 - exponent / 8] = 1 << UInt8(exponent % 8)
    return bytes
}
private func zeros(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }

/// Hostile inputs: each is rejected by eth-abi 6.0.0 `decode(types, data)` (strict mode; checked
/// in /work/venv) and must be rejected here with the exact error, never a trap.
@Suite("ABI decoding refuses hostile input")
struct ABIDecodingHostileTests {
    private func refuses(_ types: [String], _ data: [UInt8], _ expected: ABIError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try ABI.decode(types.map(type), from: data) }
    }

    @Test func nonCanonicalStaticWords() {
        refuses(["uint8"], w(256), .nonZeroPadding(path: "arg 0", at: 0, type: "uint8"))
        refuses(["uint248"], pow2(248), .nonZeroPadding(path: "arg 0", at: 0, type: "uint248"))
        refuses(["bool"], w(2), .invalidBool(path: "arg 0", at: 0))
        refuses(["bool"], w(0x101), .invalidBool(path: "arg 0", at: 0))
        refuses(["address"], pow2(160), .nonZeroPadding(path: "arg 0", at: 0, type: "address"))
        refuses(["bytes4"], [0xde, 0xad, 0xbe, 0xef] + zeros(27) + [1], .nonZeroPadding(path: "arg 0", at: 0, type: "bytes4"))
        refuses(["int8"], w(128), .invalidSignExtension(path: "arg 0", at: 0, type: "int8"))
        refuses(["int8"], [UInt8](repeating: 0xff, count: 31) + [0x7f], .invalidSignExtension(path: "arg 0", at: 0, type: "int8"))
        refuses(["uint256", "(bool,uint8)"], w(1) + w(1) + w(300), .nonZeroPadding(path: "arg 1 .1", at: 64, type: "uint8"))
    }

    @Test func truncatedData() {
        refuses(["uint256"], zeros(31), .truncated(path: "arg 0", offset: 0, needed: 32, available: 31))
        refuses(["uint256", "bool"], w(1), .truncated(path: "arg 1", offset: 32, needed: 32, available: 32))
        refuses(["uint256[3]"], w(1) + w(2), .truncated(path: "arg 0", offset: 0, needed: 96, available: 64))
        refuses(["bytes"], [], .truncated(path: "arg 0", offset: 0, needed: 32, available: 0))
        refuses(["bytes"], w(32) + w(5) + Array("hello".utf8), .truncated(path: "arg 0", offset: 64, needed: 32, available: 69))
        refuses(["string[2]"], w(32) + w(64), .truncated(path: "arg 0", offset: 32, needed: 64, available: 64))
    }

    @Test func offsetsOutsideTheData() {
        refuses(["bytes"], w(0x1000) + w(0), .offsetOutOfBounds(path: "arg 0", at: 0, offset: "4096", dataLength: 64))
        refuses(["bytes"], pow2(255) + w(0), .offsetOutOfBounds(
            path: "arg 0", at: 0, offset: "57896044618658097711785492504343953926634992332820282019728792003956564819968", dataLength: 64))
        refuses(["bytes"], pow2(64) + w(0), .offsetOutOfBounds(path: "arg 0", at: 0, offset: "18446744073709551616", dataLength: 64))
        refuses(["bytes"], w(64) + w(0), .offsetOutOfBounds(path: "arg 0", at: 0, offset: "64", dataLength: 64))
        refuses(["uint8[][]"], w(32) + w(1) + w(0xffff_ffff_ffff_ffe0), .offsetOutOfBounds(
            path: "arg 0 [0]", at: 64, offset: "18446744073709551584", dataLength: 96))
    }

    @Test func offsetsIntoTheHead() throws {
        refuses(["uint256", "bytes"], w(7) + w(32) + w(0), .offsetIntoHead(path: "arg 1", at: 32, offset: 32, headSize: 64))
        refuses(["bytes[]"], w(32) + w(2) + w(0) + w(64) + w(0), .offsetIntoHead(path: "arg 0 [0]", at: 64, offset: 0, headSize: 64))
        refuses(["(uint256,string)"], w(32) + w(64) + w(32) + w(0), .offsetIntoHead(path: "arg 0 .1", at: 64, offset: 32, headSize: 64))
        // eth-abi counts a static tuple as one head word when checking offsets; so does this decoder,
        // so both accept an offset to byte 64 (the offset word itself, read as a length of 64) and
        // both refuse one to byte 32.
        let lenient = w(1) + w(2) + w(64) + zeros(64)
        #expect(try ABI.decode([type("(uint256,uint256)"), .bytes], from: lenient) == [.tuple([.uint(1), .uint(2)]), .bytes(zeros(64))])
        refuses(["(uint256,uint256)", "bytes"], w(1) + w(2) + w(32) + zeros(64), .offsetIntoHead(path: "arg 1", at: 64, offset: 32, headSize: 64))
    }

    @Test func hugeLengthsAllocateNothing() {
        refuses(["bytes"], w(32) + pow2(255), .lengthOutOfBounds(
            path: "arg 0", at: 32, length: "57896044618658097711785492504343953926634992332820282019728792003956564819968", available: 0))
        refuses(["bytes"], w(32) + w(33) + [UInt8](repeating: 0x11, count: 32), .lengthOutOfBounds(path: "arg 0", at: 32, length: "33", available: 32))
        refuses(["uint256[]"], w(32) + pow2(255), .lengthOutOfBounds(
            path: "arg 0", at: 32, length: "57896044618658097711785492504343953926634992332820282019728792003956564819968", available: 0))
        refuses(["uint256[]"], w(32) + w(3) + w(1) + w(2), .lengthOutOfBounds(path: "arg 0", at: 32, length: "3", available: 64))
        refuses(["bytes[]"], w(32) + pow2(64), .lengthOutOfBounds(path: "arg 0", at: 32, length: "18446744073709551616", available: 0))
        refuses(["(uint256,uint256)[]"], w(32) + w(2) + w(1) + w(2) + w(3), .lengthOutOfBounds(path: "arg 0", at: 32, length: "2", available: 96))
        refuses(["uint8[][]"], w(32) + w(1) + w(32) + w(Int64.max.magnitude), .lengthOutOfBounds(
            path: "arg 0 [0]", at: 96, length: "9223372036854775807", available: 0))
    }

    @Test func byteStringPaddingAndUTF8() {
        refuses(["bytes"], w(32) + w(5) + Array("hello".utf8) + zeros(26) + [1], .nonZeroPadding(path: "arg 0", at: 69, type: "bytes"))
        refuses(["string"], w(32) + w(1) + [0xff] + zeros(31), .invalidUTF8(path: "arg 0", at: 64))
        refuses(["string"], w(32) + w(2) + [0xc0, 0x80] + zeros(30), .invalidUTF8(path: "arg 0", at: 64))  // overlong NUL
        refuses(["string"], w(32) + w(3) + [0xed, 0xa0, 0x80] + zeros(29), .invalidUTF8(path: "arg 0", at: 64))  // surrogate
        refuses(["string"], w(32) + w(4) + [0xf4, 0x90, 0x80, 0x80] + zeros(28), .invalidUTF8(path: "arg 0", at: 64))  // > U+10FFFF
        refuses(["string"], w(32) + w(2) + [0xe2, 0x9c] + zeros(30), .invalidUTF8(path: "arg 0", at: 64))  // cut sequence
    }

    @Test func nestedErrorsNameTheirPath() {
        // (uint256,uint8[])[] with one element whose uint8[] holds 300.
        let data = w(32) + w(1) + w(32) + w(9) + w(64) + w(1) + w(300)
        refuses(["(uint256,uint8[])[]"], data, .nonZeroPadding(path: "arg 0 [0].1[0]", at: 192, type: "uint8"))
    }

    @Test func aliasedOffsetsCannotAmplifyMemory() throws {
        // 40 offsets to one 1 KiB payload: 2.4 KB of data would decode to 40 KiB. eth-abi accepts
        // this; here the decoded size is capped at twice the data plus 1 KiB.
        let count = 40
        let data = w(32) + w(UInt64(count)) + (0..<count).flatMap { _ in w(UInt64(32 * count)) } + w(1024) + zeros(1024)
        refuses(["bytes[]"], data, .decodedSizeLimit(limit: 2 * data.count + 1024))
        // Two aliased elements stay within the cap and decode.
        let pair = w(32) + w(2) + w(64) + w(64) + w(3) + [1, 2, 3] + zeros(29)
        #expect(try ABI.decode([type("bytes[]")], from: pair) == [.array([.bytes([1, 2, 3]), .bytes([1, 2, 3])])])
    }

    @Test func deepTypesAreRefusedBeforeDecoding() {
        var deep = ABIType.uint256
        for _ in 0..<10_000 { deep = .tuple([deep]) }
        #expect(throws: ABIError.nestingTooDeep(limit: 32)) { try ABI.decode([deep], from: zeros(32)) }
        #expect(throws: ABIError.nestingTooDeep(limit: 32)) { try ABI.encode([.uint(0)], as: [deep]) }
    }

    @Test func trailingBytesAreIgnoredAsByEthABI() throws {
        #expect(try ABI.decode([.uint256], from: w(5) + [1, 2, 3]) == [.uint(5)])
    }
}
