import Ethereum
import Testing

/// Examples from the Ethereum wiki's RLP page and the Yellow Paper (appendix B), plus larger items
/// encoded by pyrlp 4 (`rlp.encode`, in /work/venv). `pattern(n)` is the bytes `(i·7 + 3) mod 256`.
@Suite("RLP encoding and canonical decoding")
struct RLPTests {
    static let examples: [(RLP.Item, String)] = [
        (.bytes(Array("dog".utf8)), "0x83646f67"),
        (.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]), "0xc88363617483646f67"),
        (.bytes([]), "0x80"),
        (.list([]), "0xc0"),
        (.uint(UInt64(0)), "0x80"),
        (.bytes([0x00]), "0x00"),
        (.bytes([0x0f]), "0x0f"),
        (.bytes([0x80]), "0x8180"),
        (.uint(UInt64(1024)), "0x820400"),
        (.uint(UInt256.max), "0xa0" + String(repeating: "ff", count: 32)),
        // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
        (.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "0xc7c0c1c0c3c0c1c0"),
        (.bytes(Array("Lorem ipsum dolor sit amet, consectetur adipisicing elit".utf8)),
         "0xb8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974"),
        // pyrlp: a list whose payload (58 bytes) takes the long form.
        (.list(Array(repeating: .bytes(Array("dog".utf8)), count: 14) + Array(repeating: .bytes([]), count: 3)),
         "0xf83b" + String(repeating: "83646f67", count: 14) + "808080"),
        // pyrlp: 55 bytes (short form, 0xb7), a nested 56-byte string (long form), 0x7f, 0x80, [].
        (.list([.bytes(pattern(55)), .list([.bytes(pattern(56)), .bytes([0x7f]), .bytes([0x80])]), .list([])]),
         "0xf878b7" + Hex.encode(pattern(55), prefix: false) + "f83db838" + Hex.encode(pattern(56), prefix: false)
            + "7f8180c0"),
    ]

    @Test func encodesReferenceExamples() {
        for (item, expected) in Self.examples {
            #expect(Hex.encode(RLP.encode(item)) == expected)
        }
    }

    @Test func decodesReferenceExamples() throws {
        for (item, encoded) in Self.examples {
            #expect(try RLP.decode([UInt8](hex: encoded)) == item)
        }
    }

    @Test func longLengthHeaders() throws {
        // pyrlp: 1024 bytes → 0xb9 0400, 70000 bytes → 0xba 011170.
        let kilobyte = RLP.encode(.bytes(pattern(1024)))
        #expect(Array(kilobyte.prefix(3)) == [0xb9, 0x04, 0x00] && kilobyte.count == 1027)
        let large = RLP.encode(.bytes(pattern(70_000)))
        #expect(Array(large.prefix(4)) == [0xba, 0x01, 0x11, 0x70] && large.count == 70_004)
        #expect(try RLP.decode(large) == .bytes(pattern(70_000)))
    }

    // MARK: - Non-canonical and malformed input, one refusal each

    @Test func emptyInputIsRefused() {
        #expect(throws: RLPError.emptyInput) { try RLP.decode([]) }
    }

    @Test func singleByteInShortHeaderIsRefused() {
        #expect(throws: RLPError.nonCanonicalSingleByte(offset: 0)) { try RLP.decode([0x81, 0x7f]) }
        #expect(throws: RLPError.nonCanonicalSingleByte(offset: 0)) { try RLP.decode([0x81, 0x00]) }
        #expect(throws: RLPError.nonCanonicalSingleByte(offset: 2)) { try RLP.decode([0xc3, 0x80, 0x81, 0x05]) }
    }

    @Test func longFormForShortPayloadIsRefused() {
        #expect(throws: RLPError.nonCanonicalLongForm(offset: 0, length: 3)) {
            try RLP.decode([0xb8, 0x03, 0x64, 0x6f, 0x67])
        }
        #expect(throws: RLPError.nonCanonicalLongForm(offset: 0, length: 55)) {
            try RLP.decode([0xb8, 55] + pattern(55))
        }
        #expect(throws: RLPError.nonCanonicalLongForm(offset: 0, length: 1)) { try RLP.decode([0xf8, 0x01, 0x80]) }
        #expect(throws: RLPError.nonCanonicalLongForm(offset: 1, length: 1)) {
            try RLP.decode([0xc3, 0xf8, 0x01, 0x80])
        }
    }

    @Test func lengthWithLeadingZeroIsRefused() {
        #expect(throws: RLPError.leadingZeroInLength(offset: 0)) { try RLP.decode([0xb9, 0x00, 0x38] + pattern(56)) }
        #expect(throws: RLPError.leadingZeroInLength(offset: 0)) {
            try RLP.decode([0xf9, 0x00, 0x38] + Array(repeating: 0x80, count: 56))
        }
    }

    @Test func lengthPastTheEndIsRefused() {
        #expect(throws: RLPError.truncated(offset: 0, declared: 3, available: 2)) { try RLP.decode([0x83, 0x64, 0x6f]) }
        #expect(throws: RLPError.truncated(offset: 0, declared: 2, available: 1)) { try RLP.decode([0xb9, 0x01]) }
        #expect(throws: RLPError.truncated(offset: 0, declared: 1, available: 0)) { try RLP.decode([0xc1]) }
        // A child may not run past the end of its enclosing list, even if the input goes on.
        #expect(throws: RLPError.truncated(offset: 1, declared: 3, available: 1)) {
            try RLP.decode([0xc2, 0x83, 0x61, 0x62, 0x63])
        }
    }

    @Test func hugeLengthsAreErrorsNotTraps() {
        // 2⁶³ and 2⁶⁴ − 1 in an 8-byte length: must be compared, never converted to Int first.
        #expect(throws: RLPError.truncated(offset: 0, declared: 1 << 63, available: 2)) {
            try RLP.decode([0xbf, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb])
        }
        #expect(throws: RLPError.truncated(offset: 0, declared: .max, available: 0)) {
            try RLP.decode([0xff] + Array(repeating: 0xff, count: 8))
        }
    }

    @Test func trailingBytesAreRefused() {
        #expect(throws: RLPError.trailingBytes(offset: 1, count: 1)) { try RLP.decode([0x80, 0x80]) }
        #expect(throws: RLPError.trailingBytes(offset: 4, count: 2)) { try RLP.decode([0x83, 0x64, 0x6f, 0x67, 0xc0, 0xc0]) }
    }

    @Test func nestingDepthIsLimited() throws {
        #expect(RLP.maxDepth == 64)
        // 64 nested lists decode; a 65th is refused at its header's offset.
        let deepest = try RLP.decode(Self.nestedLists(64))
        var depth = 0
        var cursor = deepest
        while case .list(let items) = cursor {
            depth += 1
            guard let first = items.first else { break }
            cursor = first
        }
        #expect(depth == 64)
        let tooDeep = Self.nestedLists(65)
        #expect(throws: RLPError.tooDeep(offset: Self.headerOffset(ofLevel: 64, in: tooDeep), limit: 64)) {
            try RLP.decode(tooDeep)
        }
        // 100 000 well-formed nested lists: refused at the limit without walking (or recursing) further.
        let hostile = Self.nestedLists(100_000)
        #expect(throws: RLPError.tooDeep(offset: Self.headerOffset(ofLevel: 64, in: hostile), limit: 64)) {
            try RLP.decode(hostile)
        }
    }

    @Test func errorDescriptionsNameTheOffset() {
        #expect(RLPError.nonCanonicalSingleByte(offset: 2).description.contains("offset 2"))
        #expect(RLPError.truncated(offset: 0, declared: 1 << 63, available: 2).description
            == "RLP item at offset 0 declares 9223372036854775808 bytes but only 2 are available")
        #expect(RLPError.tooDeep(offset: 64, limit: 64).description.contains("offset 64"))
    }

    // MARK: - Reading typed values

    @Test func integers() throws {
        #expect(try RLP.Item.bytes([]).asUInt256() == .zero)
        #expect(try RLP.Item.bytes([0x04, 0x00]).asUInt256() == 1024)
        #expect(try RLP.Item.bytes(Array(repeating: 0xff, count: 32)).asUInt256() == .max)
        #expect(try RLP.Item.bytes(Array(repeating: 0xff, count: 8)).asUInt64() == .max)
        #expect(throws: RLPError.nonCanonicalInteger) { try RLP.Item.bytes([0x00]).asUInt256() }
        #expect(throws: RLPError.nonCanonicalInteger) { try RLP.Item.bytes([0x00, 0x01]).asUInt64() }
        #expect(throws: RLPError.integerTooLarge(byteCount: 33, maxByteCount: 32)) {
            try RLP.Item.bytes(Array(repeating: 1, count: 33)).asUInt256()
        }
        #expect(throws: RLPError.integerTooLarge(byteCount: 9, maxByteCount: 8)) {
            try RLP.Item.bytes(Array(repeating: 1, count: 9)).asUInt64()
        }
        #expect(throws: RLPError.expectedBytes) { try RLP.Item.list([]).asUInt256() }
    }

    @Test func addressesHashesAndLists() throws {
        let address = try Address(hex: "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045")
        #expect(try RLP.Item.address(address).asAddress() == address)
        #expect(try RLP.Item.address(nil).asOptionalAddress() == nil)
        #expect(try RLP.Item.bytes(address.bytes).asOptionalAddress() == address)
        #expect(throws: RLPError.wrongByteCount(expected: 20, actual: 19)) {
            try RLP.Item.bytes(Array(repeating: 1, count: 19)).asOptionalAddress()
        }
        #expect(throws: RLPError.wrongByteCount(expected: 20, actual: 0)) { try RLP.Item.bytes([]).asAddress() }
        #expect(try RLP.Item.bytes(Array(repeating: 7, count: 32)).asHash32().bytes == Array(repeating: 7, count: 32))
        #expect(throws: RLPError.wrongByteCount(expected: 32, actual: 33)) {
            try RLP.Item.bytes(Array(repeating: 7, count: 33)).asHash32()
        }
        #expect(try RLP.Item.list([.bytes([])]).asList() == [.bytes([])])
        #expect(throws: RLPError.expectedList) { try RLP.Item.bytes([]).asList() }
    }

    /// `levels` lists each holding the next, built inside-out in linear time.
    private static func nestedLists(_ levels: Int) -> [UInt8] {
        var headers = [[UInt8]]()
        var payloadLength = 0
        for _ in 0..<levels {
            let header = listHeader(payloadLength)
            headers.append(header)
            payloadLength += header.count
        }
        return headers.reversed().flatMap { $0 }
    }

    /// The offset of the header of nesting level `level` (0 = outermost) in `nestedLists` output.
    private static func headerOffset(ofLevel level: Int, in bytes: [UInt8]) -> Int {
        var offset = 0
        for _ in 0..<level {
            let prefix = bytes[offset]
            offset += prefix <= 0xf7 ? 1 : 1 + Int(prefix - 0xf7)
        }
        return offset
    }

    /// A list header for `length` payload bytes, written out by the RLP rule itself.
    private static func listHeader(_ length: Int) -> [UInt8] {
        if length <= 55 { return [0xc0 + UInt8(length)] }
        let lengthBytes = withUnsafeBytes(of: UInt64(length).bigEndian) { Array($0) }.drop(while: { $0 == 0 })
        return [0xf7 + UInt8(lengthBytes.count)] + lengthBytes
    }
}

private func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(($0 * 7 + 3) % 256) } }
