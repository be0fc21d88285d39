/// A 32-byte value: a Keccak-256 digest, an ABI `bytes32`, an order hash, a deal or task id.
public struct Hash32: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 32 bytes, most significant first.
    public let bytes: [UInt8]

    /// All zeros.
    public static let zero = Hash32(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    /// Wraps exactly 32 bytes.
    public init(_ bytes: [UInt8]) throws(HexError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        self.bytes = bytes
    }

    init(uncheckedBytes bytes: [UInt8]) {
        precondition(bytes.count == 32)
        self.bytes = bytes
    }

    /// Parses `0x` + 64 hex digits.
    public init(hex: some StringProtocol) throws(HexError) {
        self.bytes = try Hex.decode(hex, count: 32)
    }

    /// The value as lowercase `0x`-prefixed hex.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: Hash32, rhs: Hash32) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
