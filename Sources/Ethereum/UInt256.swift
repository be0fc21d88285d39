/// An unsigned 256-bit integer of fixed width, the EVM's word. Value type, no heap allocation.
///
/// Stored as four 64-bit limbs, least significant first. Arithmetic lives in
/// `UInt256+Arithmetic.swift`, text in `UInt256+Text.swift`.
public struct UInt256: Hashable, Sendable {
    /// Limbs, least significant first: value = w0 + w1·2⁶⁴ + w2·2¹²⁸ + w3·2¹⁹².
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// Builds a value from its limbs, least significant first.
    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// Zero.
    public static let zero = UInt256(w0: 0, w1: 0, w2: 0, w3: 0)
    /// One.
    public static let one = UInt256(w0: 1, w1: 0, w2: 0, w3: 0)
    /// 2²⁵⁶ − 1.
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

    /// The value of a 64-bit unsigned integer.
    @inlinable
    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    /// The value of a non-negative `Int`; traps on a negative one, like `UInt(_:)`.
    @inlinable
    public init(_ value: Int) {
        precondition(value >= 0, "UInt256 cannot hold a negative value")
        self.init(UInt64(value))
    }

    /// Reads a big-endian byte string of at most 32 bytes (shorter ones are left-padded with zeros).
    ///
    /// - Throws: `UInt256.Error.tooLong` when more than 32 bytes are given.
    public init<Bytes: Collection>(bigEndian bytes: Bytes) throws(UInt256.Error) where Bytes.Element == UInt8 {
        guard bytes.count <= 32 else { throw .tooLong(bytes.count) }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (position, byte) in bytes.reversed().enumerated() {
            limbs[position / 8] |= UInt64(byte) << (UInt64(position % 8) * 8)
        }
        self.init(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
    }

    /// The value as 32 big-endian bytes (an ABI word).
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for limb in [w3, w2, w1, w0] {
            withUnsafeBytes(of: limb.bigEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// The value big-endian with no leading zero bytes (zero is empty), as RLP wants it.
    public var minimalBigEndianBytes: [UInt8] {
        Array(bigEndianBytes.drop(while: { $0 == 0 }))
    }

    /// True for zero.
    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// The limbs least significant first, as an array (for loops over limbs).
    @inlinable
    public var limbs: [UInt64] { [w0, w1, w2, w3] }

    /// Builds a value from four limbs, least significant first.
    @inlinable
    public init(limbs: [UInt64]) {
        precondition(limbs.count == 4)
        self.init(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
    }

    /// Why a value could not be built.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// More than 32 bytes were given.
        case tooLong(Int)
        /// The text is not a number in the expected form (empty, or a `0x` with no digits).
        case invalidText(String)
        /// The text holds a character that is not a digit of its base, at this offset in the text
        /// (counted in UTF-8 bytes from the start, `0x` included).
        case invalidCharacter(String, offset: Int)
        /// The number does not fit in 256 bits.
        case overflow(String)

        public var description: String {
            switch self {
            case .tooLong(let count):
                return "a 256-bit integer takes at most 32 bytes, got \(count)"
            case .invalidText(let text):
                return "'\(Self.shown(text))' is not an unsigned integer (decimal digits or 0x-hex)"
            case .invalidCharacter(let text, let offset):
                return "'\(Self.shown(text))' is not an unsigned integer: bad digit at offset \(offset)"
            case .overflow(let text):
                return "'\(Self.shown(text))' does not fit in 256 bits"
            }
        }

        /// Keeps one-line messages short when the offending text is huge.
        private static func shown(_ text: String) -> String {
            text.utf8.count <= 100 ? text : String(text.prefix(90)) + "…"
        }
    }
}

extension UInt256: Comparable {
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}

// Single-limb helpers shared by text conversion and arithmetic.
extension UInt256 {
    /// `self · factor`, with whether the true product exceeds 256 bits.
    @inlinable
    func multipliedReportingOverflow(byLimb factor: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        let p0 = w0.multipliedFullWidth(by: factor)
        let p1 = w1.multipliedFullWidth(by: factor)
        let p2 = w2.multipliedFullWidth(by: factor)
        let p3 = w3.multipliedFullWidth(by: factor)
        // A high half is at most factor − 1, so adding the carry into it cannot wrap.
        let (r1, c1) = p1.low.addingReportingOverflow(p0.high)
        let (r2, c2) = p2.low.addingReportingOverflow(p1.high &+ (c1 ? 1 : 0))
        let (r3, c3) = p3.low.addingReportingOverflow(p2.high &+ (c2 ? 1 : 0))
        let spill = p3.high | (c3 ? 1 : 0)
        return (UInt256(w0: p0.low, w1: r1, w2: r2, w3: r3), spill != 0)
    }

    /// `self + addend`, with whether the sum exceeds 256 bits.
    @inlinable
    func addingReportingOverflow(limb addend: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(addend)
        guard c0 else { return (UInt256(w0: r0, w1: w1, w2: w2, w3: w3), false) }
        let (r1, c1) = w1.addingReportingOverflow(1)
        let (r2, c2) = w2.addingReportingOverflow(c1 ? 1 : 0)
        let (r3, c3) = w3.addingReportingOverflow(c2 ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3)
    }

    /// Quotient and remainder of `self / divisor`; `divisor` must not be zero.
    @inlinable
    func quotientAndRemainder(dividingByLimb divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "Division by zero")
        // Each step divides (remainder, limb) by divisor; remainder < divisor keeps the quotient in 64 bits.
        let q3 = w3.quotientAndRemainder(dividingBy: divisor)
        let q2 = divisor.dividingFullWidth((high: q3.remainder, low: w2))
        let q1 = divisor.dividingFullWidth((high: q2.remainder, low: w1))
        let q0 = divisor.dividingFullWidth((high: q1.remainder, low: w0))
        return (UInt256(w0: q0.quotient, w1: q1.quotient, w2: q2.quotient, w3: q3.quotient), q0.remainder)
    }
}

// MARK: Bits

extension UInt256 {
    /// 256.
    public static var bitWidth: Int { 256 }
    /// 256.
    public var bitWidth: Int { 256 }

    /// Limb `index` (0 = least significant); 0 outside 0..<4, which lets shifts read past the ends.
    @inlinable
    func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        case 3: return w3
        default: return 0
        }
    }

    /// Number of zero bits above the highest set bit (256 for zero).
    public var leadingZeroBitCount: Int {
        if w3 != 0 { return w3.leadingZeroBitCount }
        if w2 != 0 { return 64 + w2.leadingZeroBitCount }
        if w1 != 0 { return 128 + w1.leadingZeroBitCount }
        return 192 + w0.leadingZeroBitCount
    }

    /// Number of zero bits below the lowest set bit (256 for zero).
    public var trailingZeroBitCount: Int {
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        if w2 != 0 { return 128 + w2.trailingZeroBitCount }
        return 192 + w3.trailingZeroBitCount
    }

    /// Number of set bits.
    public var nonzeroBitCount: Int {
        w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount
    }

    /// Shifts left by `count` bits, dropping bits shifted past bit 255. As for Swift's integers,
    /// a count of 256 or more gives zero and a negative count shifts right instead.
    public static func << (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return count <= -256 ? .zero : value >> -count }
        if count >= 256 { return .zero }
        let limbShift = count / 64, bitShift = UInt64(count % 64)
        func outputLimb(_ index: Int) -> UInt64 {
            let source = value.limb(index - limbShift)
            guard bitShift != 0 else { return source }
            return source << bitShift | value.limb(index - limbShift - 1) >> (64 - bitShift)
        }
        return UInt256(w0: outputLimb(0), w1: outputLimb(1), w2: outputLimb(2), w3: outputLimb(3))
    }

    /// Shifts right by `count` bits (logical: zeros come in). A count of 256 or more gives zero;
    /// a negative count shifts left instead.
    public static func >> (value: UInt256, count: Int) -> UInt256 {
        if count < 0 { return count <= -256 ? .zero : value << -count }
        if count >= 256 { return .zero }
        let limbShift = count / 64, bitShift = UInt64(count % 64)
        func outputLimb(_ index: Int) -> UInt64 {
            let source = value.limb(index + limbShift)
            guard bitShift != 0 else { return source }
            return source >> bitShift | value.limb(index + limbShift + 1) << (64 - bitShift)
        }
        return UInt256(w0: outputLimb(0), w1: outputLimb(1), w2: outputLimb(2), w3: outputLimb(3))
    }

    /// Shifts left in place (see `<<`).
    public static func <<= (value: inout UInt256, count: Int) { value = value << count }
    /// Shifts right in place (see `>>`).
    public static func >>= (value: inout UInt256, count: Int) { value = value >> count }

    /// Bitwise AND.
    @inlinable
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 & rhs.w0, w1: lhs.w1 & rhs.w1, w2: lhs.w2 & rhs.w2, w3: lhs.w3 & rhs.w3)
    }

    /// Bitwise OR.
    @inlinable
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 | rhs.w0, w1: lhs.w1 | rhs.w1, w2: lhs.w2 | rhs.w2, w3: lhs.w3 | rhs.w3)
    }

    /// Bitwise exclusive OR.
    @inlinable
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 ^ rhs.w0, w1: lhs.w1 ^ rhs.w1, w2: lhs.w2 ^ rhs.w2, w3: lhs.w3 ^ rhs.w3)
    }

    /// Bitwise NOT (2²⁵⁶ − 1 − value).
    @inlinable
    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(w0: ~value.w0, w1: ~value.w1, w2: ~value.w2, w3: ~value.w3)
    }

    /// ANDs in place.
    @inlinable
    public static func &= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs & rhs }
    /// ORs in place.
    @inlinable
    public static func |= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs | rhs }
    /// Exclusive-ORs in place.
    @inlinable
    public static func ^= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs ^ rhs }
}

// MARK: Conversions to and from other integers

extension UInt256 {
    /// The value of `source` when it is non-negative and below 2²⁵⁶; nil otherwise.
    public init?(exactly source: some BinaryInteger) {
        guard source.signum() >= 0 else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0]
        var bitOffset = 0
        // `words` is two's complement, least significant first; a non-negative value's extra
        // words are zero, so any set bit at or past bit 256 means it does not fit.
        for word in source.words {
            if word != 0 {
                guard bitOffset < 256 else { return nil }
                limbs[bitOffset / 64] |= UInt64(word) << UInt64(bitOffset % 64)
            }
            bitOffset += UInt.bitWidth
        }
        self.init(limbs: limbs)
    }

    /// The value as a `UInt64` when it fits; nil otherwise.
    @inlinable
    public var uint64Value: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// The value as an `Int` when it fits; nil otherwise.
    @inlinable
    public var intValue: Int? { uint64Value.flatMap { Int(exactly: $0) } }
}
