import BigInt
import Ethereum
import Foundation
import Testing

// UInt256 is checked differentially against attaswift BigInt's BigUInt (arbitrary precision,
// an independent implementation) on random operands, plus fixed edge cases.

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

@Suite("UInt256 arithmetic")
struct UInt256ArithmeticTests {
    static let rounds = 3000

    @Test func additionAndSubtractionMatchBigUInt() throws {
        var generator = makeGenerator("additionAndSubtractionMatchBigUInt")
        for _ in 0..<Self.rounds {
            let a = UInt256.mixed(using: &generator), b = UInt256.mixed(using: &generator)
            let sum = a.big + b.big
            let sumOverflows = sum >= twoTo256
            let added = a.addingReportingOverflow(b)
            #expect(added.partialValue == UInt256(wrapping: sum) && added.overflow == sumOverflows, "\(a) + \(b)")
            #expect(a &+ b == UInt256(wrapping: sum))
            if sumOverflows {
                #expect(throws: UInt256.ArithmeticError.overflow) { try a.adding(b) }
            } else {
                #expect(a + b == UInt256(wrapping: sum))
                #expect(try a.adding(b) == UInt256(wrapping: sum))
            }
            let difference = (twoTo256 + a.big - b.big) % twoTo256
            let subtracted = a.subtractingReportingOverflow(b)
            #expect(subtracted.partialValue == UInt256(wrapping: difference) && subtracted.overflow == (b > a), "\(a) - \(b)")
            #expect(a &- b == UInt256(wrapping: difference))
            if b > a {
                #expect(throws: UInt256.ArithmeticError.underflow) { try a.subtracting(b) }
            } else {
                #expect(a - b == UInt256(wrapping: difference))
                #expect(try a.subtracting(b) == UInt256(wrapping: difference))
            }
            #expect((a < b) == (a.big < b.big) && (a == b) == (a.big == b.big))
        }
    }

    @Test func multiplicationMatchesBigUInt() throws {
        var generator = makeGenerator("multiplicationMatchesBigUInt")
        for _ in 0..<Self.rounds {
            let a = UInt256.mixed(using: &generator), b = UInt256.mixed(using: &generator)
            let product = a.big * b.big
            let overflows = product >= twoTo256
            let full = a.multipliedFullWidth(by: b)
            #expect(full.high == UInt256(wrapping: product >> 256) && full.low == UInt256(wrapping: product), "\(a) * \(b)")
            let reported = a.multipliedReportingOverflow(by: b)
            #expect(reported.partialValue == UInt256(wrapping: product) && reported.overflow == overflows, "\(a) * \(b)")
            #expect(a &* b == UInt256(wrapping: product), "\(a) &* \(b)")
            if overflows {
                #expect(throws: UInt256.ArithmeticError.overflow) { try a.multiplied(by: b) }
            } else {
                #expect(a * b == UInt256(wrapping: product))
                #expect(try a.multiplied(by: b) == UInt256(wrapping: product))
            }
        }
    }

    @Test func divisionMatchesBigUInt() throws {
        var generator = makeGenerator("divisionMatchesBigUInt")
        for round in 0..<Self.rounds {
            let a = UInt256.mixed(using: &generator)
            var b = UInt256.mixed(using: &generator)
            if b.isZero { b = UInt256.one }
            // Half the rounds build the dividend as q·b + r, so that quotients are long and
            // remainders land anywhere below b, including b − 1 (estimate corrections).
            var dividend = a
            if round % 2 == 0 {
                let remainder = UInt256(wrapping: a.big % b.big)
                let quotientLimit = (twoTo256 - 1 - remainder.big) / b.big
                let quotient = UInt256(wrapping: UInt256.mixed(using: &generator).big % (quotientLimit + 1))
                dividend = UInt256(wrapping: quotient.big * b.big + remainder.big)
            }
            let (quotient, remainder) = dividend.big.quotientAndRemainder(dividingBy: b.big)
            let result = dividend.quotientAndRemainder(dividingBy: b)
            #expect(result.quotient == UInt256(wrapping: quotient), "\(dividend) / \(b)")
            #expect(result.remainder == UInt256(wrapping: remainder), "\(dividend) % \(b)")
            #expect(dividend / b == result.quotient && dividend % b == result.remainder)
            #expect(try dividend.divided(by: b) == result.quotient)
            #expect(try dividend.remainder(dividingBy: b) == result.remainder)
            let reported = dividend.dividedReportingOverflow(by: b)
            #expect(reported.partialValue == result.quotient && !reported.overflow)
            let remainderReported = dividend.remainderReportingOverflow(dividingBy: b)
            #expect(remainderReported.partialValue == result.remainder && !remainderReported.overflow)
        }
    }

    /// 64-bit-limb analogues of the add-back cases from Hacker's Delight's divmnu tests, and
    /// divisors whose top limb is all ones (the largest estimate errors).
    @Test func divisionCorrectionCases() throws {
        let cases: [(UInt256, UInt256)] = [
            (UInt256(w0: 3, w1: 0, w2: 1 << 63, w3: 0), UInt256(w0: 1, w1: 0, w2: 1 << 61, w3: 0)),
            (UInt256(w0: 0, w1: 0, w2: 1 << 63, w3: 0), UInt256(w0: 1, w1: 0, w2: 1 << 61, w3: 0)),
            (UInt256(w0: 0, w1: .max - 1, w2: 1 << 63, w3: 0), UInt256(w0: .max, w1: 1 << 63, w2: 0, w3: 0)),
            (UInt256(w0: 0, w1: 0, w2: 0x7fff_ffff_ffff_ffff, w3: 1 << 63), UInt256(w0: 1, w1: 0, w2: 1 << 63, w3: 0)),
            (UInt256(w0: 0, w1: 0xffff_ffff_ffff_fffe, w2: 0, w3: 1 << 63), UInt256(w0: 0xffff_ffff_ffff_ffff, w1: 0, w2: 1 << 63, w3: 0)),
            (.max, UInt256(w0: .max, w1: .max, w2: .max, w3: 1)),
            (.max, UInt256(w0: 0, w1: 0, w2: 1, w3: .max)),
            (UInt256(w0: 0, w1: 0, w2: .max, w3: .max - 1), UInt256(w0: .max, w1: .max, w2: .max, w3: 0)),
            (.max, UInt256(w0: 1, w1: 1, w2: 0, w3: 0)),
            (.max - UInt256.one, .max),
        ]
        for (dividend, divisor) in cases {
            let (quotient, remainder) = dividend.big.quotientAndRemainder(dividingBy: divisor.big)
            let result = dividend.quotientAndRemainder(dividingBy: divisor)
            #expect(result.quotient == UInt256(wrapping: quotient), "\(dividend.hexString) / \(divisor.hexString)")
            #expect(result.remainder == UInt256(wrapping: remainder), "\(dividend.hexString) % \(divisor.hexString)")
        }
    }

    @Test func shiftsAndBitwiseMatchBigUInt() {
        var generator = makeGenerator("shiftsAndBitwiseMatchBigUInt")
        for _ in 0..<Self.rounds {
            let a = UInt256.mixed(using: &generator), b = UInt256.mixed(using: &generator)
            // Counts around limb boundaries, past the width, and negative ones.
            let count = Int.random(in: 0..<3, using: &generator) == 0
                ? 64 * Int.random(in: -5...5, using: &generator) + Int.random(in: -1...1, using: &generator)
                : Int.random(in: -300...300, using: &generator)
            let left = count >= 0 ? (a.big << count) % twoTo256 : a.big >> -count
            let right = count >= 0 ? a.big >> count : (a.big << -count) % twoTo256
            #expect(a << count == UInt256(wrapping: left), "\(a.hexString) << \(count)")
            #expect(a >> count == UInt256(wrapping: right), "\(a.hexString) >> \(count)")
            #expect((a & b) == UInt256(wrapping: a.big & b.big))
            #expect((a | b) == UInt256(wrapping: a.big | b.big))
            #expect((a ^ b) == UInt256(wrapping: a.big ^ b.big))
            #expect(~a == UInt256(wrapping: twoTo256 - 1 - a.big))
            #expect(a.leadingZeroBitCount == 256 - a.big.bitWidth)
            #expect(a.trailingZeroBitCount == (a.isZero ? 256 : a.big.trailingZeroBitCount))
            #expect(a.nonzeroBitCount == a.big.words.reduce(0) { $0 + $1.nonzeroBitCount })
        }
        #expect(UInt256.one << Int.max == .zero && UInt256.max >> Int.min == .zero)
        #expect(UInt256.max << -255 == .one && UInt256.max >> -255 == UInt256.one << 255)
        #expect(UInt256.bitWidth == 256 && UInt256.zero.bitWidth == 256)
    }

    @Test func powersMatchBigUInt() throws {
        var generator = makeGenerator("powersMatchBigUInt")
        for round in 0..<300 {
            // Small bases with long exponents, any base with short ones (the oracle's exact
            // power of a 256-bit base grows fast).
            let smallBase = Int.random(in: 0..<3, using: &generator) == 0
            let base = smallBase ? UInt256(UInt64.random(in: 0...5, using: &generator)) : UInt256.mixed(using: &generator)
            let exponent = Int.random(in: 0..<(smallBase ? 300 : 12), using: &generator)
            let exact = base.big.power(exponent)
            #expect(base.power(exponent) == UInt256(wrapping: exact), "\(base) ** \(exponent)")
            if exact >= twoTo256 {
                #expect(throws: UInt256.ArithmeticError.overflow) { try base.raised(to: UInt256(exponent)) }
            } else {
                #expect(try base.raised(to: UInt256(exponent)) == UInt256(wrapping: exact))
            }
            // A full 256-bit exponent, reduced by the oracle's modular power (slow in debug).
            guard round % 4 == 0 else { continue }
            let bigExponent = UInt256.mixed(using: &generator)
            #expect(base.power(bigExponent) == UInt256(wrapping: base.big.power(bigExponent.big, modulus: twoTo256)))
        }
        #expect(UInt256.zero.power(0) == .one && UInt256.zero.power(UInt256.max) == .zero)
        #expect(try UInt256.one.raised(to: .max) == .one && UInt256(2).power(256) == .zero)
        #expect(try UInt256(2).raised(to: 255) == UInt256.one << 255)
        #expect(throws: UInt256.ArithmeticError.overflow) { try UInt256(2).raised(to: 256) }
    }

    @Test func conversionsFromAndToOtherIntegers() {
        var generator = makeGenerator("conversionsFromAndToOtherIntegers")
        for _ in 0..<Self.rounds {
            let big = BigUInt.randomInteger(withMaximumWidth: Int.random(in: 0...300, using: &generator), using: &generator)
            let converted = UInt256(exactly: big)
            #expect(converted == (big < twoTo256 ? UInt256(wrapping: big) : nil), "\(big)")
            let value = UInt256.mixed(using: &generator)
            #expect(value.uint64Value == UInt64(exactly: value.big))
            #expect(value.intValue == Int(exactly: value.big))
        }
        #expect(UInt256(exactly: -1) == nil && UInt256(exactly: Int8(-128)) == nil)
        #expect(UInt256(exactly: Int.max) == UInt256(UInt64(Int.max)))
        #expect(UInt256(exactly: UInt64.max) == UInt256(UInt64.max))
        #expect(UInt256(exactly: BigInt(-5)) == nil && UInt256(exactly: BigInt(twoTo256 - 1)) == .max)
        #expect(UInt256(exactly: twoTo256) == nil)
        #expect(UInt256(exactly: Int128.max) == UInt256(w0: .max, w1: UInt64(Int64.max), w2: 0, w3: 0))
        #expect(UInt256(UInt64(Int.max) + 1).intValue == nil && UInt256(UInt64.max).uint64Value == .max)
    }

    @Test func edgeCases() throws {
        let max = UInt256.max
        #expect(max.addingReportingOverflow(.one) == (.zero, true))
        #expect(UInt256.zero.subtractingReportingOverflow(.one) == (max, true))
        #expect(max.multipliedFullWidth(by: max) == (max - .one, .one))
        #expect(max.multipliedReportingOverflow(by: UInt256(2)) == (max - .one, true))
        for value in [UInt256.one, UInt256(7), max, UInt256.one << 255, UInt256(w0: 0, w1: 1, w2: 0, w3: 0)] {
            #expect(value.quotientAndRemainder(dividingBy: .one) == (value, .zero))
            #expect(value.quotientAndRemainder(dividingBy: value) == (.one, .zero))
            #expect(UInt256.zero.quotientAndRemainder(dividingBy: value) == (.zero, .zero))
            #expect(value.dividedReportingOverflow(by: .zero) == (value, true))
            #expect(value.remainderReportingOverflow(dividingBy: .zero) == (value, true))
            #expect(throws: UInt256.ArithmeticError.divisionByZero) { try value.divided(by: .zero) }
            #expect(throws: UInt256.ArithmeticError.divisionByZero) { try value.remainder(dividingBy: .zero) }
        }
        #expect(max / (max - .one) == .one && max % (max - .one) == .one)
        var accumulator = UInt256(10)
        accumulator += 5; accumulator -= 3; accumulator *= 4; accumulator /= 5; accumulator %= 7
        #expect(accumulator == UInt256(2)) // ((10 + 5 − 3) · 4 / 5) % 7 = 9 % 7
        accumulator &-= 3; #expect(accumulator == max)
        accumulator &+= 2; #expect(accumulator == .one)
        accumulator <<= 200; accumulator &*= accumulator; #expect(accumulator == .zero)
        #expect(UInt256.ArithmeticError.underflow.description.contains("underflow"))
        #expect(UInt256.ArithmeticError.divisionByZero.description == "division by zero")
    }

    @Test func checkedOperatorsTrapLikeSwiftIntegers() async {
        await #expect(processExitsWith: .failure) { _ = UInt256.max + .one }
        await #expect(processExitsWith: .failure) { _ = UInt256.zero - .one }
        await #expect(processExitsWith: .failure) { _ = UInt256.max * UInt256(2) }
        await #expect(processExitsWith: .failure) { _ = UInt256.one / .zero }
        await #expect(processExitsWith: .failure) { _ = UInt256.one % .zero }
    }
}
