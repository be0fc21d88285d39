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
        /// The text is not a number in the expected form.
        case invalidText(String)
        /// The number does not fit in 256 bits.
        case overflow(String)

        public var description: String {
            switch self {
            case .tooLong(let count): return "a 256-bit integer takes at most 32 bytes, got \(count)"
            case .invalidText(let text): return "'\(text)' is not an unsigned integer (decimal or 0x-hex)"
            case .overflow(let text): return "'\(text)' does not fit in 256 bits"
            }
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
