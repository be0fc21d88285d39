import BigInt
import Ethereum
import Foundation
import Testing

/// Hex to bytes for fixed test vectors.
private func bytes(_ hex: String) -> [UInt8] { try! [UInt8](hex: hex) }
private func word(_ hex: String) -> String { String(repeating: "0", count: 64 - hex.count) + hex }
/// Hex words laid out over several lines, whitespace ignored.
private func words(_ text: String) -> String { text.filter { !$0.isWhitespace } }
private func type(_ text: String) -> ABIType { try! ABIType(parsing: text) }

/// Addresses used by the eth-abi vectors: the first 20 bytes of keccak256("addr1"/"addr2").
private let addr1 = try! Address(hex: "0xa6c1c67b760d7d6d71530cb20e5845fd213396c0")
private let addr2 = try! Address(hex: "0xb7c3a5a6eaf07d95c4cc39a9b133faf4ed05bea0")
private let int256Min = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)
private let int256Max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max >> 1)

@Suite("ABI types: parsing and canonical form")
struct ABITypeTests {
    @Test(arguments: [
        ("uint256", "uint256"), ("uint", "uint256"), ("int", "int256"), ("int8", "int8"), ("bytes32", "bytes32"),
        ("bytes1", "bytes1"), ("bytes", "bytes"), ("string", "string"), ("address", "address"), ("bool", "bool"),
        ("uint8[]", "uint8[]"), ("bytes3[2][]", "bytes3[2][]"), ("(uint256,(address,bytes)[])[2]", "(uint256,(address,bytes)[])[2]"),
        (" ( uint , bool ) [ ] ", "(uint256,bool)[]"), ("((uint,int)[3],string)", "((uint256,int256)[3],string)"),
    ])
    func canonicalForm(text: String, canonical: String) throws {
        let parsed = try ABIType(parsing: text)
        #expect(parsed.canonical == canonical)
        #expect(try ABIType(parsing: canonical) == parsed)
    }

    @Test func structure() throws {
        #expect(try ABIType(parsing: "(uint256,(address,bytes)[])[2]")
            == .fixedArray(.tuple([.uint(bits: 256), .array(.tuple([.address, .bytes]))]), count: 2))
        #expect(try ABIType(parsing: "uint8[2][]") == .array(.fixedArray(.uint(bits: 8), count: 2)))
    }

    @Test(arguments: [
        ("uint256", false, 32), ("(uint256,bool)", false, 64), ("uint256[2][3]", false, 192), ("bytes3[2]", false, 64),
        ("((uint8,int8),address)[2]", false, 192), ("(uint256,bytes)", true, 32), ("string[2]", true, 32),
        ("uint256[]", true, 32), ("(bool,(uint8[],bool))", true, 32),
    ])
    func dynamicAndHeadSize(text: String, dynamic: Bool, headSize: Int) {
        #expect(type(text).isDynamic == dynamic)
        #expect(type(text).headSize == headSize)
    }

    @Test func parseErrorsNameThePosition() {
        func fails(_ text: String, _ expected: ABITypeParseError) {
            #expect(throws: expected, "\(text)") { try ABIType(parsing: text) }
        }
        for word in ["uint7", "uint264", "int0", "uint08", "bytes0", "bytes33", "fixed128x18", "function", "tuple", "Uint256"] {
            fails(word, .unknownType(word, offset: 0, text: word))
        }
        fails("(uint256,uint9)", .unknownType("uint9", offset: 9, text: "(uint256,uint9)"))
        fails("(uint256,)", .unexpectedCharacter(")", offset: 9, expected: "a type", text: "(uint256,)"))
        fails("()", .unexpectedCharacter(")", offset: 1, expected: "a type (a tuple has at least one component)", text: "()"))
        fails("(uint256", .unexpectedEnd(expected: "',' or ')'", text: "(uint256"))
        fails("uint256]", .unexpectedCharacter("]", offset: 7, expected: "the end of the text", text: "uint256]"))
        fails("uint256é", .unexpectedCharacter("é", offset: 7, expected: "the end of the text", text: "uint256é"))
        fails("uint256[0]", .invalidArrayLength("0", offset: 8, text: "uint256[0]"))
        fails("uint256[01]", .invalidArrayLength("01", offset: 8, text: "uint256[01]"))
        fails("uint256[99999999999999999999]", .invalidArrayLength("99999999999999999999", offset: 8, text: "uint256[99999999999999999999]"))
        fails("uint256[2", .unexpectedEnd(expected: "']'", text: "uint256[2"))
        fails("uint256[x]", .unexpectedCharacter("x", offset: 8, expected: "an array length or ']'", text: "uint256[x]"))
        fails("", .unexpectedEnd(expected: "a type", text: ""))
        // 32 levels are allowed, the 33rd is refused where it starts.
        let arrays32 = "uint256" + String(repeating: "[]", count: 32)
        #expect(throws: Never.self) { try ABIType(parsing: arrays32) }
        fails(arrays32 + "[]", .nestingTooDeep(offset: 71, limit: 32, text: arrays32 + "[]"))
        let tuples33 = String(repeating: "(", count: 33) + "bool" + String(repeating: ")", count: 33)
        fails(tuples33, .nestingTooDeep(offset: 32, limit: 32, text: tuples33))
        let mixed = String(repeating: "(", count: 31) + "bool[]" + String(repeating: ")", count: 31) + "[]"
        fails(mixed, .nestingTooDeep(offset: 31 + 6 + 31, limit: 32, text: mixed))
    }

    @Test func lists() throws {
        #expect(try ABIType.parseList("") == [])
        #expect(try ABIType.parseList("uint256,address") == [.uint256, .address])
        #expect(try ABIType.parseList("(uint256,address)") == [.tuple([.uint256, .address])])
        #expect(try ABIType.parseList("(uint256,bool)[],bytes") == [.array(.tuple([.uint256, .bool])), .bytes])
        #expect(throws: ABITypeParseError.unexpectedEnd(expected: "a type", text: "uint256,")) { try ABIType.parseList("uint256,") }
        #expect(try ABIType.parseParameterList("") == [])
        #expect(try ABIType.parseParameterList("()") == [])
        #expect(try ABIType.parseParameterList("(uint256,address)") == [.uint256, .address])
        #expect(try ABIType.parseParameterList("((uint256,address))") == [.tuple([.uint256, .address])])
        #expect(throws: ABITypeParseError.unexpectedCharacter("u", offset: 0, expected: "'('", text: "uint256")) {
            try ABIType.parseParameterList("uint256")
        }
    }

    @Test func malformedTypesBuiltInCodeAreRefused() {
        #expect(throws: ABIError.invalidType("uint7: the bit width must be a multiple of 8 from 8 to 256")) {
            try ABI.encode([.uint(1)], as: [.uint(bits: 7)])
        }
        #expect(throws: ABIError.invalidType("bytes0: a fixed byte array has 1 to 32 bytes")) {
            try ABI.decode([.fixedBytes(0)], from: [])
        }
        #expect(throws: ABIError.invalidType("(): a tuple has at least 1 component")) { try ABI.decode([.tuple([])], from: []) }
        #expect(throws: ABIError.invalidType("bool[0]: a fixed array has at least 1 element")) {
            try ABI.decode([.fixedArray(.bool, count: 0)], from: [])
        }
        var deep = ABIType.bool
        for _ in 0..<33 { deep = .array(deep) }
        #expect(throws: ABIError.nestingTooDeep(limit: 32)) { try ABI.decode([deep], from: []) }
    }
}

@Suite("ABI encoding: Solidity spec examples and eth-abi vectors")
struct ABIEncodingTests {
    /// Checks encode gives exactly `hex` and decode gives the values back.
    private func roundTrip(_ types: [String], _ values: [ABIValue], _ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = types.map(type)
        let encoded = try ABI.encode(values, as: parsed)
        #expect(encoded.hexString == "0x" + hex, sourceLocation: sourceLocation)
        #expect(try ABI.decode(parsed, from: encoded) == values, sourceLocation: sourceLocation)
    }

    // The Solidity ABI specification's worked examples (docs.soliditylang.org, "Examples" and
    // "Use of Dynamic Types"), identical to eth-abi 6.0.0 `encode` output.
    @Test func specExampleBaz() throws {
        let baz = try ABIFunction("baz(uint32,bool)")
        #expect(baz.selector.hexString == "0xcdcd77c0")
        let call = try baz.encodeCall([.uint(69), .bool(true)])
        #expect(call.hexString == "0xcdcd77c0" + word("45") + word("1"))
        #expect(try baz.decodeCall(call) == [.uint(69), .bool(true)])
    }

    @Test func specExampleBar() throws {
        let bar = try ABIFunction("bar(bytes3[2])")
        #expect(bar.selector.hexString == "0xfce353f6")
        let call = try bar.encodeCall([.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])])
        #expect(call.hexString == "0xfce353f6" + "616263" + String(repeating: "0", count: 58) + "646566" + String(repeating: "0", count: 58))
    }

    @Test func specExampleSam() throws {
        let sam = try ABIFunction("sam(bytes,bool,uint256[])")
        #expect(sam.selector.hexString == "0xa5643bf2")
        let values: [ABIValue] = [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(1), .uint(2), .uint(3)])]
        let expected = "0xa5643bf2" + word("60") + word("1") + word("a0") + word("4") + "64617665" + String(repeating: "0", count: 56)
            + word("3") + word("1") + word("2") + word("3")
        #expect(try sam.encodeCall(values).hexString == expected)
        #expect(try sam.decodeCall(bytes(expected)) == values)
    }

    @Test func specExampleF() throws {
        let f = try ABIFunction("f(uint,uint32[],bytes10,bytes)")
        #expect(f.signature == "f(uint256,uint32[],bytes10,bytes)")
        #expect(f.selector.hexString == "0x8be65246")
        let values: [ABIValue] = [.uint(0x123), .array([.uint(0x456), .uint(0x789)]), .fixedBytes(Array("1234567890".utf8)),
                                  .bytes(Array("Hello, world!".utf8))]
        let expected = "0x8be65246" + word("123") + word("80") + "3132333435363738393000000000000000000000000000000000000000000000"
            + word("e0") + word("2") + word("456") + word("789") + word("d")
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
        #expect(try f.encodeCall(values).hexString == expected)
        #expect(try f.decodeCall(bytes(expected)) == values)
    }

    @Test func specExampleG() throws {
        let g = try ABIFunction("g(uint256[][],string[])")
        #expect(g.selector.hexString == "0x2289b18c")
        let values: [ABIValue] = [
            .array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
            .array([.string("one"), .string("two"), .string("three")]),
        ]
        let expected = "0x2289b18c" + word("40") + word("140") + word("2") + word("40") + word("a0") + word("2") + word("1") + word("2")
            + word("1") + word("3") + word("3") + word("60") + word("a0") + word("e0")
            + word("3") + "6f6e65" + String(repeating: "0", count: 58) + word("3") + "74776f" + String(repeating: "0", count: 58)
            + word("5") + "7468726565" + String(repeating: "0", count: 54)
        #expect(try g.encodeCall(values).hexString == expected)
        #expect(try g.decodeCall(bytes(expected)) == values)
    }

    // Vectors computed with eth-abi 6.0.0 `encode(types, values)` (/work/venv).
    @Test func nestedDynamicTuples() throws {
        try roundTrip(["(uint256,(address,bytes)[])[2]"], [.array([
            .tuple([.uint(1), .array([.tuple([.address(addr1), .bytes([1, 2, 3])]), .tuple([.address(addr2), .bytes([])])])]),
            .tuple([.uint(2), .array([])]),
        ])], words("""
            0000000000000000000000000000000000000000000000000000000000000020 0000000000000000000000000000000000000000000000000000000000000040
            00000000000000000000000000000000000000000000000000000000000001c0 0000000000000000000000000000000000000000000000000000000000000001
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000040 00000000000000000000000000000000000000000000000000000000000000c0
            000000000000000000000000a6c1c67b760d7d6d71530cb20e5845fd213396c0 0000000000000000000000000000000000000000000000000000000000000040
            0000000000000000000000000000000000000000000000000000000000000003 0102030000000000000000000000000000000000000000000000000000000000
            000000000000000000000000b7c3a5a6eaf07d95c4cc39a9b133faf4ed05bea0 0000000000000000000000000000000000000000000000000000000000000040
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000000
            """))
        try roundTrip(["(string,(bytes,uint8[])[],int16)", "bool"], [
            .tuple([.string("hi"), .array([.tuple([.bytes([]), .array([.uint(1), .uint(255)])]),
                                           .tuple([.bytes([UInt8](repeating: 0xff, count: 33)), .array([])])]), .int(-300)]),
            .bool(false),
        ], words("""
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000060 00000000000000000000000000000000000000000000000000000000000000a0
            fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed4 0000000000000000000000000000000000000000000000000000000000000002
            6869000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000100
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000060
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000001 00000000000000000000000000000000000000000000000000000000000000ff
            0000000000000000000000000000000000000000000000000000000000000040 00000000000000000000000000000000000000000000000000000000000000a0
            0000000000000000000000000000000000000000000000000000000000000021 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
            ff00000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000
            """))
    }

    @Test func negativeIntegers() throws {
        try roundTrip(["int8", "int8", "int256", "int64", "int24", "int256"],
                      [.int(-1), .int(-128), .int(int256Min), .int(-12345), .int(8_388_607), .int(int256Max)], words("""
            ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80
            8000000000000000000000000000000000000000000000000000000000000000 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcfc7
            00000000000000000000000000000000000000000000000000000000007fffff 7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
            """))
        #expect(try ABIValue.int(isNegative: true, magnitude: int256Min) == .int(int256Min))
        #expect(try ABIValue.int(isNegative: false, magnitude: 300) == .int(300))
        #expect(ABIValue.int(-5).signedParts! == (true, 5))
        #expect(ABIValue.int(Int.min).intValue == Int.min && ABIValue.int(Int.max).intValue == Int.max)
        #expect(ABIValue.int(int256Min).intValue == nil && ABIValue.int(UInt256(UInt64(1) << 63)).intValue == nil)
        #expect(ABIValue.int(int256Min).description == "-57896044618658097711785492504343953926634992332820282019728792003956564819968")
        #expect(throws: ABIError.valueOutOfRange(path: "value", type: "int256",
                                                 value: "57896044618658097711785492504343953926634992332820282019728792003956564819968")) {
            try ABIValue.int(isNegative: false, magnitude: int256Min)
        }
    }

    @Test func arraysOfTuples() throws {
        try roundTrip(["(address,uint256)[]", "(bool,bytes32)[2]"], [
            .array([.tuple([.address(addr1), .uint(7)]), .tuple([.address(addr2), .uint(.max)])]),
            .array([.tuple([.bool(true), .fixedBytes([UInt8](repeating: 0xaa, count: 32))]), .tuple([.bool(false), .bytes32(.zero)])]),
        ], words("""
            00000000000000000000000000000000000000000000000000000000000000a0 0000000000000000000000000000000000000000000000000000000000000001
            aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000002
            000000000000000000000000a6c1c67b760d7d6d71530cb20e5845fd213396c0 0000000000000000000000000000000000000000000000000000000000000007
            000000000000000000000000b7c3a5a6eaf07d95c4cc39a9b133faf4ed05bea0 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
            """))
        try roundTrip(["uint256[2][3]", "(uint8,int8)"],
                      [.array([.array([.uint(1), .uint(2)]), .array([.uint(3), .uint(4)]), .array([.uint(5), .uint(6)])]),
                       .tuple([.uint(255), .int(-128)])], words("""
            0000000000000000000000000000000000000000000000000000000000000001 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000003 0000000000000000000000000000000000000000000000000000000000000004
            0000000000000000000000000000000000000000000000000000000000000005 0000000000000000000000000000000000000000000000000000000000000006
            00000000000000000000000000000000000000000000000000000000000000ff ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80
            """))
        try roundTrip(["string[2][]"], [.array([.array([.string("a"), .string("b")]), .array([.string("c"), .string("d")])])], words("""
            0000000000000000000000000000000000000000000000000000000000000020 0000000000000000000000000000000000000000000000000000000000000002
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000100
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000080
            0000000000000000000000000000000000000000000000000000000000000001 6100000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000001 6200000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000080
            0000000000000000000000000000000000000000000000000000000000000001 6300000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000001 6400000000000000000000000000000000000000000000000000000000000000
            """))
    }

    @Test func emptiesAndUTF8() throws {
        try roundTrip(["uint256[]", "string", "bytes", "string[]", "bytes[2]"],
                      [.array([]), .string(""), .bytes([]), .array([.string(""), .string("x"), .string("")]), .array([.bytes([]), .bytes([])])],
                      words("""
            00000000000000000000000000000000000000000000000000000000000000a0 00000000000000000000000000000000000000000000000000000000000000c0
            00000000000000000000000000000000000000000000000000000000000000e0 0000000000000000000000000000000000000000000000000000000000000100
            0000000000000000000000000000000000000000000000000000000000000200 0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000003 0000000000000000000000000000000000000000000000000000000000000060
            0000000000000000000000000000000000000000000000000000000000000080 00000000000000000000000000000000000000000000000000000000000000c0
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000001
            7800000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000040 0000000000000000000000000000000000000000000000000000000000000060
            0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000
            """))
        try roundTrip(["string"], [.string("héllo wörld ✓ 🚀")], words("""
            0000000000000000000000000000000000000000000000000000000000000020 0000000000000000000000000000000000000000000000000000000000000016
            68c3a96c6c6f2077c3b6726c6420e29c9320f09f9a8000000000000000000000
            """))
    }

    @Test func valuesAreCheckedWithTheirPath() {
        let types = [type("uint256"), type("bool"), type("(address,uint8)[]")]
        var elements = (0..<3).map { _ in ABIValue.tuple([.address(addr1), .uint(1)]) }
        elements.append(.tuple([.address(addr1), .uint(300)]))
        #expect(throws: ABIError.valueOutOfRange(path: "arg 2 [3].1", type: "uint8", value: "300")) {
            try ABI.encode([.uint(1), .bool(true), .array(elements)], as: types)
        }
        #expect((ABIError.valueOutOfRange(path: "arg 2 [3].1", type: "uint8", value: "300")).description
            == "arg 2 [3].1: uint8 value 300 does not fit")
        #expect(throws: ABIError.valueOutOfRange(path: "arg 0", type: "int8", value: "-129")) { try ABI.encode([.int(-129)], as: [type("int8")]) }
        #expect(throws: ABIError.valueOutOfRange(path: "arg 0", type: "int8", value: "128")) { try ABI.encode([.int(128)], as: [type("int8")]) }
        #expect(throws: ABIError.valueOutOfRange(path: "arg 0", type: "uint248", value: "452312848583266388373324160190187140051835877600158453279131187530910662656")) {
            try ABI.encode([.uint(UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 56))], as: [type("uint248")])
        }
        #expect(throws: ABIError.wrongByteCount(path: "arg 0 .1", type: "bytes10", expected: 10, actual: 3)) {
            try ABI.encode([.tuple([.bool(true), .fixedBytes([1, 2, 3])])], as: [type("(bool,bytes10)")])
        }
        #expect(throws: ABIError.wrongElementCount(path: "arg 0 [1]", type: "uint8[2]", expected: 2, actual: 3)) {
            try ABI.encode([.array([.array([.uint(1), .uint(2)]), .array([.uint(1), .uint(2), .uint(3)])])], as: [type("uint8[2][]")])
        }
        #expect(throws: ABIError.wrongElementCount(path: "arg 0", type: "(uint256,bool)", expected: 2, actual: 1)) {
            try ABI.encode([.tuple([.uint(1)])], as: [type("(uint256,bool)")])
        }
        #expect(throws: ABIError.typeMismatch(path: "arg 1", expected: "uint256", actual: "a string")) {
            try ABI.encode([.bool(true), .string("1")], as: [.bool, .uint256])
        }
        #expect(throws: ABIError.typeMismatch(path: "arg 0", expected: "int256", actual: "an unsigned integer")) {
            try ABI.encode([.uint(1)], as: [type("int")])
        }
        #expect(throws: ABIError.argumentCount(expected: 2, actual: 1)) { try ABI.encode([.bool(true)], as: [.bool, .bool]) }
    }

    @Test func packed() throws {
        // PoCo taskid = keccak256(abi.encodePacked(bytes32 dealid, uint256 idx)): vectors.json "taskid-published".
        let dealid = try Hash32(hex: "0xa0b0fd396b0f79f14e4d6b34af7180bd9e80e2d86afda91c6127c5c17a268e66")
        let packed = try ABI.encodePacked([.bytes32(dealid), .uint(0)], as: [.bytes32, .uint256])
        #expect(packed.hexString == dealid.hex + word("0"))
        #expect(Keccak256.hash(packed).hex == "0xe06c86d6bb750dbd9be9e002482854b3b3f21550dbe37236767b9cac29e3ce28")
        // eth-abi 6.0.0 `encode_packed` of elementary types.
        let mixed = try ABI.encodePacked([.address(addr1), .uint(255), .int(-2), .bool(true), .string("abc"), .fixedBytes([0x12, 0x34]), .bytes([0x56])],
                                         as: ["address", "uint8", "int16", "bool", "string", "bytes2", "bytes"].map(type))
        #expect(mixed.hexString == "0xa6c1c67b760d7d6d71530cb20e5845fd213396c0fffffe01616263123456")
        // Array elements are padded to 32 bytes, as Solidity does (viem's `encodePacked` docs
        // example; eth-abi's packed arrays differ: they are not padded).
        let viem = try ABI.encodePacked(
            [.address(try Address(hex: "0xd8da6bf26964af9d7eed9e03e53415d37aa96045")), .string("hello world"),
             .array([.fixedBytes(bytes("deadbeefdeadbeefdeadbeefdeadbeef")), .fixedBytes(bytes("cafebabecafebabecafebabecafebabe"))])],
            as: [.address, .string, type("bytes16[]")])
        #expect(viem.hexString == "0xd8da6bf26964af9d7eed9e03e53415d37aa9604568656c6c6f20776f726c64deadbeefdeadbeefdeadbeefdeadbeef"
            + String(repeating: "0", count: 32) + "cafebabecafebabecafebabecafebabe" + String(repeating: "0", count: 32))
        #expect(throws: ABIError.notPackable(path: "arg 1", type: "(uint256)")) {
            try ABI.encodePacked([.bool(true), .tuple([.uint(1)])], as: [.bool, type("(uint256)")])
        }
        #expect(throws: ABIError.notPackable(path: "arg 0", type: "string[]")) {
            try ABI.encodePacked([.array([.string("a")])], as: [type("string[]")])
        }
        #expect(throws: ABIError.notPackable(path: "arg 0", type: "uint8[][]")) {
            try ABI.encodePacked([.array([])], as: [type("uint8[][]")])
        }
    }
}

/// PoCo's ABI: selectors and topics from /work/shared/spec/poco-abi.md (computed there with
/// eth_utils.keccak over the signatures of PoCo's compiled ABI), and call/return data from
/// vectors.json `abi_encoding_examples` (eth_abi 6.0.0, cross-checked with web3 8.0.0).
@Suite("ABI: PoCo selectors, topics, call and return data")
struct ABIPoCoTests {
    static let appOrder = "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)"
    static let datasetOrder = appOrder
    static let workerpoolOrder = "(address,uint256,uint256,bytes32,uint256,uint256,address,address,address,bytes32,bytes)"
    static let requestOrder = "(address,uint256,address,uint256,address,uint256,address,uint256,bytes32,uint256,uint256,address,address,string,bytes32,bytes)"

    @Test(arguments: [
        ("0x156194d4", "matchOrders(\(appOrder),\(datasetOrder),\(workerpoolOrder),\(requestOrder))"),
        ("0xb2b07e66", "manageAppOrder((\(appOrder),uint8,bytes))"),
        ("0x8dd971d5", "manageRequestOrder((\(requestOrder),uint8,bytes))"),
        ("0x34623484", "contribute(bytes32,bytes32,bytes32,address,bytes,bytes)"),
        ("0x5facd761", "contributeAndFinalize(bytes32,bytes32,bytes,bytes,address,bytes,bytes)"),
        ("0x5b36c66b", "initialize(bytes32,uint256)"),
        ("0xfc334e8c", "reveal(bytes32,bytes32)"),
        ("0x8fc375e5", "finalize(bytes32,bytes,bytes)"),
        ("0xb74861b2", "viewDeal(bytes32)"),
        ("0x6b55f4a5", "viewAccount(address)"),
        ("0xcae9ca51", "approveAndCall(address,uint256,bytes)"),
        ("0x3f7868ff", "createApp(address,string,string,bytes,bytes32,bytes)"),
        ("0x1f931c1c", "diamondCut((address,uint8,bytes4[])[],address,bytes)"),
        ("0x3354f8a5", "depositForArray(uint256[],address[])"),
        ("0xb504681d", "initializeArray(bytes32[],uint256[])"),
        ("0xce746024", "recover()"),
    ])
    func selectors(selector: String, signature: String) throws {
        let function = try ABIFunction(signature)
        #expect(function.signature == signature)
        #expect(function.selector.hexString == selector)
        #expect(ABI.selector(signature).hexString == selector)
    }

    @Test(arguments: [
        ("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", "Transfer(address,address,uint256)"),
        ("0xd811b592ed0899225773e8933d8df64bd0b62761a9d7aad4ed5b22735f4610a4", "OrdersMatched(bytes32,bytes32,bytes32,bytes32,bytes32,uint256)"),
        ("0x692ad61076dceddd0f1a861f737553dd61fc8501cf4190d29c4e90af6607f765", "SchedulerNotice(address,bytes32)"),
        ("0x78ce8a8bc0fcb704e8ba3b3dbb36aa88002df8038128b4af2f27ef65db665044", "TaskFinalize(bytes32,bytes)"),
        ("0x54bee205d9b03332d6dc82bc907476dfef6ed4fd86058d49a72994baee781175", "BroadcastRequestOrder(\(requestOrder))"),
        ("0x8faa70878671ccd212d20771b795c50af8fd3ff6cf27f4bde57e5d4de0aeb673", "DiamondCut((address,uint8,bytes4[])[],address,bytes)"),
    ])
    func eventTopics(topic: String, signature: String) {
        #expect(ABI.eventTopic(signature).hex == topic)
    }

    @Test func signaturesAreCanonicalized() throws {
        let transfer = try ABIFunction("transfer(address, uint)", returns: "(bool)")
        #expect(transfer.signature == "transfer(address,uint256)" && transfer.selector.hexString == "0xa9059cbb")
        #expect(transfer.outputs == [.bool])
        #expect(throws: ABITypeParseError.invalidName("2x", offset: 0, text: "2x(uint256)")) { try ABIFunction("2x(uint256)") }
        #expect(throws: ABITypeParseError.unexpectedEnd(expected: "'('", text: "transfer")) { try ABIFunction("transfer") }
        #expect(throws: ABITypeParseError.invalidName("a-b", offset: 0, text: "a-b")) { try ABIFunction(name: "a-b", inputs: []) }
    }

    // MARK: vectors.json

    static var vectors: [String: Any] {
        let url = Bundle.module.url(forResource: "poco-vectors", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    static var examples: [String: Any] { vectors["abi_encoding_examples"] as! [String: Any] }

    static func entry(_ list: String, _ id: String) -> [String: Any] {
        (vectors[list] as! [[String: Any]]).first { $0["id"] as? String == id }!
    }

    /// A JSON value from vectors.json as an ABI value of `type` (numbers are decimal strings).
    static func value(_ json: Any, as type: ABIType) throws -> ABIValue {
        switch type {
        case .uint:
            let text = json as? String ?? String(json as! Int)
            return .uint(try UInt256(bigEndian: Array(BigUInt(text)!.serialize())))
        case .address: return .address(try Address(hex: json as! String))
        case .fixedBytes: return .fixedBytes(bytes(json as! String))
        case .bytes: return .bytes(bytes(json as! String))
        case .string: return .string(json as! String)
        case .array(let element): return .array(try (json as! [Any]).map { try value($0, as: element) })
        case .tuple(let components):
            return .tuple(try zip(json as! [Any], components).map { try value($0, as: $1) })
        default: fatalError("no such field in vectors.json")
        }
    }

    /// An order struct from its JSON fields in struct order, plus its `sign`.
    static func order(_ id: String, list: String = "orders_published", type orderType: String, fields: String, sign: String) throws -> ABIValue {
        let json = entry(list, id)["order"] as! [String: Any]
        let names = fields.split(separator: ",").map(String.init)
        return try value(names.map { json[$0]! } + [sign], as: type(orderType))
    }

    static let appFields = "app,appprice,volume,tag,datasetrestrict,workerpoolrestrict,requesterrestrict,salt"
    static let datasetFields = "dataset,datasetprice,volume,tag,apprestrict,workerpoolrestrict,requesterrestrict,salt"
    static let workerpoolFields = "workerpool,workerpoolprice,volume,tag,category,trust,apprestrict,datasetrestrict,requesterrestrict,salt"
    static let requestFields = "app,appmaxprice,dataset,datasetmaxprice,workerpool,workerpoolmaxprice,requester,volume,tag,category,trust,beneficiary,callback,params,salt"

    @Test func matchOrdersCallData() throws {
        func legacy(_ kind: String) -> [String: Any] { Self.entry("orders_published", "sdk-legacy-\(kind)-134") }
        let unknownSigner = "sign_as_published_signer_unknown"
        let arguments = [
            try Self.order("sdk-legacy-AppOrder-134", type: Self.appOrder, fields: Self.appFields, sign: legacy("AppOrder")[unknownSigner] as! String),
            try Self.order("sdk-legacy-DatasetOrder-134", type: Self.datasetOrder, fields: Self.datasetFields,
                           sign: legacy("DatasetOrder")[unknownSigner] as! String),
            try Self.order("sdk-legacy-WorkerpoolOrder-134", type: Self.workerpoolOrder, fields: Self.workerpoolFields,
                           sign: legacy("WorkerpoolOrder")[unknownSigner] as! String),
            try Self.order("sdk-legacy-RequestOrder-134", type: Self.requestOrder, fields: Self.requestFields,
                           sign: legacy("RequestOrder")["signature"] as! String),
        ]
        let matchOrders = try ABIFunction("matchOrders(\(Self.appOrder),\(Self.datasetOrder),\(Self.workerpoolOrder),\(Self.requestOrder))",
                                          returns: "(bytes32)")
        let expected = bytes((Self.examples["matchOrders_calldata"] as! [String: Any])["calldata"] as! String)
        #expect(try matchOrders.encodeCall(arguments) == expected)
        #expect(try matchOrders.decodeCall(expected) == arguments)
        #expect(throws: ABIError.selectorMismatch(expected: "0x156194d4", actual: "0xb2b07e66")) {
            try matchOrders.decodeCall(bytes("0xb2b07e66") + Array(expected.dropFirst(4)))
        }
        #expect(throws: ABIError.missingSelector(length: 3)) { try matchOrders.decodeCall([0x15, 0x61, 0x94]) }
    }

    @Test func manageAppOrderCallData() throws {
        let example = Self.examples["manageAppOrder_calldata"] as! [String: Any]
        let operation = Self.entry("order_operations", "op-AppOrderOperation-SIGN")
        let order = try Self.order("extra-AppOrder-1", list: "orders_extra", type: Self.appOrder, fields: Self.appFields,
                                   sign: example["order_sign_field"] as! String)
        let argument = ABIValue.tuple([order, .uint(UInt256(UInt64(operation["operation"] as! Int))), .bytes(bytes(operation["signature"] as! String))])
        let manage = try ABIFunction("manageAppOrder((\(Self.appOrder),uint8,bytes))")
        let expected = bytes(example["calldata"] as! String)
        #expect(try manage.encodeCall([argument]) == expected)
        #expect(try manage.decodeCall(expected) == [argument])
    }

    @Test(arguments: [
        ("viewDeal_return", "((address,address,uint256),(address,address,uint256),(address,address,uint256),uint256,uint256,bytes32,address,address,address,string,uint256,uint256,uint256,uint256,uint256,address)",
         "app,dataset,workerpool,trust,category,tag,requester,beneficiary,callback,params,startTime,botFirst,botSize,workerStake,schedulerRewardRatio,sponsor"),
        ("viewTask_return", "(uint8,bytes32,uint256,uint256,uint256,uint256,uint256,bytes32,uint256,uint256,address[],bytes32,bytes,uint256,bytes)",
         "status,dealid,idx,timeref,contributionDeadline,revealDeadline,finalDeadline,consensusValue,revealCounter,winnerCounter,contributors,resultDigest,results,resultsTimestamp,resultsCallback"),
        ("viewAccount_return", "(uint256,uint256)", "stake,locked"),
        ("viewContribution_return", "(uint8,bytes32,bytes32,address,uint256)", "status,resultHash,resultSeal,enclaveChallenge,weight"),
        ("viewCategory_return", "(string,string,uint256)", "name,description,workClockTimeRef"),
    ])
    func structReturnData(example: String, structType: String, fields: String) throws {
        let vector = Self.examples[example] as! [String: Any]
        let json = vector["values"] as! [String: Any]
        let expected = try Self.value(fields.split(separator: ",").map { json[String($0)]! }, as: type(structType))
        let function = try ABIFunction(name: "view", inputs: [], outputs: [type(structType)])
        let returnData = bytes(vector["returndata"] as! String)
        #expect(try function.decodeReturn(returnData) == [expected])
        #expect(try function.encodeReturn([expected]) == returnData)
    }
}
