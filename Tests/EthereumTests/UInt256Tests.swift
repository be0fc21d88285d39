import BigInt
import Ethereum
import Foundation
import Testing

// UInt256 is checked differentially against attaswift BigInt's BigUInt (arbitrary precision,
// an independent implementation) on random operands, plus fixed edge cases.

/// SplitMix64: small, deterministic, replayable from its printed seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A generator whose seed is printed, so that a failure can be replayed by setting
/// `UINT256_TEST_SEED` to the printed value.
func makeGenerator(_ test: String) -> SeededGenerator {
    let seed = ProcessInfo.processInfo.environment["UINT256_TEST_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: .min ... .max)
    print("\(test): UINT256_TEST_SEED=\(seed)")
    return SeededGenerator(seed: seed)
}

extension UInt256 {
    /// A random value whose limbs are drawn from patterns that exercise carries and
    /// normalisation: zero, all-ones, small, top bit only, powers of two, random.
    static func mixed(using generator: inout SeededGenerator) -> UInt256 {
        // Choose how many limbs are significant, so that short values are frequent.
        let length = Int.random(in: 0...4, using: &generator)
        var limbs: [UInt64] = [0, 0, 0, 0]
        for index in 0..<length {
            switch Int.random(in: 0..<8, using: &generator) {
            case 0: limbs[index] = 0
            case 1: limbs[index] = .max
            case 2: limbs[index] = UInt64.random(in: 0...3, using: &generator)
            case 3: limbs[index] = 1 << 63
            case 4: limbs[index] = 1 << UInt64.random(in: 0..<64, using: &generator)
            case 5: limbs[index] = .max - UInt64.random(in: 0...3, using: &generator)
            default: limbs[index] = generator.next()
            }
        }
        switch Int.random(in: 0..<16, using: &generator) {
        case 0: return UInt256(w0: .max - UInt64.random(in: 0...5, using: &generator), w1: .max, w2: .max, w3: .max)
        case 1:
            let bit = Int.random(in: 0..<256, using: &generator)
            var power: [UInt64] = [0, 0, 0, 0]
            power[bit / 64] = 1 << UInt64(bit % 64)
            return UInt256(limbs: power)
        default: return UInt256(limbs: limbs)
        }
    }

    var big: BigUInt { BigUInt(words: limbs.map { UInt($0) }) }

    /// The value of `big` reduced mod 2²⁵⁶ (the oracle's result of a wrapping operation).
    init(wrapping big: BigUInt) {
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (index, word) in big.words.prefix(4).enumerated() { limbs[index] = UInt64(word) }
        self.init(limbs: limbs)
    }
}

let twoTo256 = BigUInt(1) << 256

@Suite("UInt256 text")
struct UInt256TextTests {
    /// 2²⁵⁶ − 1 in decimal (78 digits), as Python's `str(2**256 - 1)` prints it.
    static let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

    @Test func edgeValuesPrintAndParse() throws {
        #expect(UInt256.zero.description == "0")
        #expect(UInt256.zero.hexString == "0x0")
        #expect(UInt256.one.hexString == "0x1")
        #expect(UInt256(255).hexString == "0xff")
        #expect(UInt256(UInt64(10_000_000_000_000_000_000)).description == "10000000000000000000")
        #expect(UInt256.max.description == Self.maxDecimal)
        #expect(UInt256.max.hexString == "0x" + String(repeating: "f", count: 64))
        #expect(try UInt256(decimal: Self.maxDecimal) == .max)
        #expect(try UInt256(decimal: "0000") == .zero)
        #expect(try UInt256(decimal: "00" + Self.maxDecimal) == .max)
        #expect(try UInt256(hex: "0x" + String(repeating: "F", count: 64)) == .max)
        #expect(try UInt256(hex: "0X0") == .zero)
        #expect(try UInt256(hex: "0xDeadBeef") == UInt256(UInt64(0xdead_beef)))
        #expect(try UInt256(hex: "ff") == UInt256(255))
        // 65 digits fit when the first is a leading zero.
        #expect(try UInt256(hex: "0x0" + String(repeating: "f", count: 64)) == .max)
        #expect(try UInt256(parsing: "0x10") == UInt256(16))
        #expect(try UInt256(parsing: "10") == UInt256(10))
        #expect(UInt256("0x1f") == UInt256(31))
        #expect(UInt256("31") == UInt256(31))
        #expect(UInt256("-1") == nil)
    }

    @Test func malformedTextIsRefused() {
        #expect(throws: UInt256.Error.invalidText("")) { try UInt256(decimal: "") }
        #expect(throws: UInt256.Error.invalidText("")) { try UInt256(hex: "") }
        #expect(throws: UInt256.Error.invalidText("0x")) { try UInt256(hex: "0x") }
        #expect(throws: UInt256.Error.invalidText("0x")) { try UInt256(parsing: "0x") }
        #expect(throws: UInt256.Error.invalidText("")) { try UInt256(parsing: "") }
        #expect(throws: UInt256.Error.invalidCharacter("+1", offset: 0)) { try UInt256(decimal: "+1") }
        #expect(throws: UInt256.Error.invalidCharacter("-1", offset: 0)) { try UInt256(decimal: "-1") }
        #expect(throws: UInt256.Error.invalidCharacter(" 1", offset: 0)) { try UInt256(decimal: " 1") }
        #expect(throws: UInt256.Error.invalidCharacter("1 ", offset: 1)) { try UInt256(decimal: "1 ") }
        #expect(throws: UInt256.Error.invalidCharacter("12a", offset: 2)) { try UInt256(decimal: "12a") }
        #expect(throws: UInt256.Error.invalidCharacter("1_000", offset: 1)) { try UInt256(decimal: "1_000") }
        #expect(throws: UInt256.Error.invalidCharacter("١", offset: 0)) { try UInt256(decimal: "١") }
        #expect(throws: UInt256.Error.invalidCharacter("0xfg", offset: 3)) { try UInt256(hex: "0xfg") }
        #expect(throws: UInt256.Error.invalidCharacter("0x 1", offset: 2)) { try UInt256(hex: "0x 1") }
        #expect(throws: UInt256.Error.invalidCharacter("0x0x1", offset: 3)) { try UInt256(hex: "0x0x1") }
        // 2²⁵⁶ (78 digits) and 2²⁵⁶ − 1 followed by a digit.
        let twoTo256Decimal = String(twoTo256)
        #expect(throws: UInt256.Error.overflow(twoTo256Decimal)) { try UInt256(decimal: twoTo256Decimal) }
        #expect(throws: UInt256.Error.overflow(Self.maxDecimal + "0")) { try UInt256(parsing: Self.maxDecimal + "0") }
        let nines = String(repeating: "9", count: 78)
        #expect(throws: UInt256.Error.overflow(nines)) { try UInt256(decimal: nines) }
        let sixtyFive = "0x1" + String(repeating: "0", count: 64)
        #expect(throws: UInt256.Error.overflow(sixtyFive)) { try UInt256(hex: sixtyFive) }
        // A bad character is reported even after the value has overflowed.
        let overflowThenBad = nines + "x"
        #expect(throws: UInt256.Error.invalidCharacter(overflowThenBad, offset: 78)) {
            try UInt256(decimal: overflowThenBad)
        }
        #expect(UInt256.Error.invalidCharacter("12a", offset: 2).description.contains("offset 2"))
    }

    @Test func randomValuesRoundTripThroughText() throws {
        var generator = makeGenerator("randomValuesRoundTripThroughText")
        for _ in 0..<2000 {
            let value = UInt256.mixed(using: &generator)
            let big = value.big
            #expect(value.description == String(big), "\(value.hexString)")
            #expect(value.hexString == "0x" + String(big, radix: 16), "\(value.description)")
            #expect(try UInt256(decimal: value.description) == value)
            #expect(try UInt256(hex: value.hexString) == value)
            #expect(try UInt256(hex: value.hexString.uppercased().replacingOccurrences(of: "0X", with: "0x")) == value)
            #expect(UInt256(value.description) == value)
            #expect(try UInt256(bigEndian: value.minimalBigEndianBytes) == value)
        }
    }
}
