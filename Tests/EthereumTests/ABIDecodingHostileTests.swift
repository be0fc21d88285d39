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

    @Test func errorsSayWhatAndWhere() {
        #expect(ABIError.offsetOutOfBounds(path: "arg 0 [2]", at: 96, offset: "4096", dataLength: 160).description
            == "arg 0 [2]: offset 4096 (word at 96) points outside the 160 bytes of data")
        #expect(ABIError.lengthOutOfBounds(path: "arg 1", at: 64, length: "3", available: 64).description
            == "arg 1: length 3 (word at 64) is more than the 64 bytes left")
        #expect(ABIError.nonZeroPadding(path: "arg 0 .1", at: 64, type: "uint8").description == "arg 0 .1: uint8 at 64 has non-zero padding bytes")
        #expect(ABITypeParseError.unexpectedCharacter(")", offset: 9, expected: "a type", text: "(uint256,)").description
            == "'(uint256,)' at offset 9: unexpected ')', expected a type")
    }

    @Test func trailingBytesAreIgnoredAsByEthABI() throws {
        #expect(try ABI.decode([.uint256], from: w(5) + [1, 2, 3]) == [.uint(5)])
    }
}

/// Random values of a type, small enough to keep a debug run quick.
private func randomValue(_ type: ABIType, _ rng: inout SeededGenerator) -> ABIValue {
    func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    /// The limbs of 2^bits − 1.
    func mask(bits: Int) -> [UInt64] {
        (0..<4).map { index -> UInt64 in
            let low = index * 64
            if bits <= low { return 0 }
            return bits >= low + 64 ? .max : UInt64.max >> UInt64(64 - (bits - low))
        }
    }
    func randomWord(bits: Int) -> [UInt64] { mask(bits: bits).map { $0 & rng.next() } }
    switch type {
    case .uint(let bits):
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .uint(.zero)
        case 1: return .uint(UInt256(limbs: mask(bits: bits)))
        default: return .uint(UInt256(limbs: randomWord(bits: Int.random(in: 1...bits, using: &rng))))
        }
    case .int(let bits):
        var limbs = randomWord(bits: bits)
        let signSet = limbs[(bits - 1) / 64] >> UInt64((bits - 1) % 64) & 1 == 1
        if signSet {  // sign-extend the random bits-bit pattern to 256 bits
            for index in 0..<4 where (index + 1) * 64 > bits {
                let keep = bits <= index * 64 ? 0 : bits - index * 64
                limbs[index] |= keep == 0 ? .max : UInt64.max << UInt64(keep)
            }
        }
        return .int(UInt256(limbs: limbs))
    case .address: return .address(try! Address(randomBytes(20)))
    case .bool: return .bool(Bool.random(using: &rng))
    case .fixedBytes(let count): return .fixedBytes(randomBytes(count))
    case .bytes: return .bytes(randomBytes(Int.random(in: 0...70, using: &rng)))
    case .string: return .string(["", "a", "iExec", "héllo ✓", "🚀🚀", String(repeating: "x", count: 40)].randomElement(using: &rng)!)
    case .array(let element): return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(element, &rng) })
    case .fixedArray(let element, let count): return .array((0..<count).map { _ in randomValue(element, &rng) })
    case .tuple(let components): return .tuple(components.map { randomValue($0, &rng) })
    }
}

@Suite("ABI decoding never traps: deterministic random inputs")
struct ABIDecodingFuzzTests {
    static let typeLists: [[ABIType]] = [
        "uint256", "uint8,int16,address,bool,bytes7", "bytes", "string,bytes", "uint256[]", "bytes[],string[2]",
        "(uint256,(address,bytes)[])[2]", "(string,(bytes,uint8[])[],int16),bool", "uint8[2][],int256[]", "(bool,bytes32)[2],(address,uint256)[]",
        "((address,uint256,uint256,bytes32,address,address,address,bytes32,bytes),uint8,bytes)", "string[][],bytes3[2][1]",
        "(uint256,uint256),bytes", "uint256[3],(uint8,bytes)",
    ].map { try! ABIType.parseList($0) }

    /// Values of the right types round-trip through encode and decode.
    @Test func randomValuesRoundTrip() throws {
        var rng = SeededGenerator(seed: 1)
        for round in 0..<600 {
            let types = Self.typeLists[round % Self.typeLists.count]
            let values = types.map { randomValue($0, &rng) }
            let encoded = try ABI.encode(values, as: types)
            #expect(try ABI.decode(types, from: encoded) == values, "round \(round): \(types)")
        }
    }

    /// Valid encodings with bytes changed, words set to edge values, cut or extended: decoding
    /// returns or throws. What it returns fits the types and survives a re-encode.
    @Test func mutatedEncodingsDecodeOrThrow() throws {
        var rng = SeededGenerator(seed: 2)
        var accepted = 0, refused = 0
        for round in 0..<3000 {
            let types = Self.typeLists[round % Self.typeLists.count]
            var data = try ABI.encode(types.map { randomValue($0, &rng) }, as: types)
            for _ in 0...Int.random(in: 0...2, using: &rng) {
                mutate(&data, &rng)
            }
            do {
                let values = try ABI.decode(types, from: data)
                accepted += 1
                try ABI.validate(values, as: types)
                #expect(try ABI.decode(types, from: ABI.encode(values, as: types)) == values, "round \(round)")
            } catch {
                refused += 1
            }
        }
        // Both outcomes must occur, or the loop is not exercising the decoder.
        #expect(accepted > 300 && refused > 300, "accepted \(accepted), refused \(refused)")
    }

    /// Pure noise of any length, as any of the types.
    @Test func randomBytesDecodeOrThrow() {
        var rng = SeededGenerator(seed: 3)
        for round in 0..<2000 {
            let types = Self.typeLists[round % Self.typeLists.count]
            let count = Int.random(in: 0...400, using: &rng)
            var data = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Mostly small words, so offsets and lengths often land inside the data.
            for index in stride(from: 0, to: data.count - 31, by: 32) where Bool.random(using: &rng) {
                data.replaceSubrange(index..<(index + 32), with: UInt256(UInt64.random(in: 0...UInt64(count + 64), using: &rng)).bigEndianBytes)
            }
            _ = try? ABI.decode(types, from: data)
        }
    }

    private func mutate(_ data: inout [UInt8], _ rng: inout SeededGenerator) {
        let edges: [[UInt8]] = [
            UInt256.zero.bigEndianBytes, UInt256.one.bigEndianBytes, UInt256(31).bigEndianBytes, UInt256(32).bigEndianBytes,
            UInt256(UInt64(data.count)).bigEndianBytes, UInt256(UInt64(max(data.count - 32, 0))).bigEndianBytes,
            UInt256(UInt64(Int.max)).bigEndianBytes, UInt256(UInt64.max).bigEndianBytes,
            UInt256(w0: 0, w1: 1, w2: 0, w3: 0).bigEndianBytes, UInt256.max.bigEndianBytes, UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63).bigEndianBytes,
        ]
        switch Int.random(in: 0..<5, using: &rng) {
        case 0 where !data.isEmpty:
            data[Int.random(in: 0..<data.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        case 1 where data.count >= 32:
            let index = Int.random(in: 0..<(data.count / 32), using: &rng) * 32
            data.replaceSubrange(index..<(index + 32), with: edges.randomElement(using: &rng)!)
        case 2:
            data = Array(data.prefix(Int.random(in: 0...data.count, using: &rng)))
        case 3:
            data += (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        default:
            if data.count >= 32 {  // a word pointing at another word's position
                let index = Int.random(in: 0..<(data.count / 32), using: &rng) * 32
                let target = Int.random(in: 0...(data.count / 32), using: &rng) * 32
                data.replaceSubrange(index..<(index + 32), with: UInt256(UInt64(target)).bigEndianBytes)
            }
        }
    }
}
