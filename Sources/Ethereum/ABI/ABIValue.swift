/// A value to encode as, or decoded from, an `ABIType`.
///
/// Signed integers are held as the 256-bit two's-complement word the ABI puts on the wire:
/// `.int(w)` means the integer whose two's-complement 256-bit representation is `w`, so −1 is
/// `.int(.max)`. Build them with `ABIValue.int(_:)` from an `Int` or `ABIValue.int(isNegative:magnitude:)`
/// from a sign and magnitude; read them back with `signedParts` or `intValue`. An `intN` value is
/// valid for its type when the word is the sign extension of its low N bits.
public enum ABIValue: Hashable, Sendable, CustomStringConvertible {
    /// An unsigned integer (any `uintN`).
    case uint(UInt256)
    /// A signed integer as its 256-bit two's-complement word (any `intN`); see the type's note.
    case int(UInt256)
    /// An `address`.
    case address(Address)
    /// A `bool`.
    case bool(Bool)
    /// A `bytesN` value: exactly N bytes.
    case fixedBytes([UInt8])
    /// A `bytes` value.
    case bytes([UInt8])
    /// A `string` value.
    case string(String)
    /// The elements of a `T[]` or `T[k]`.
    case array([ABIValue])
    /// The components of a tuple.
    case tuple([ABIValue])

    /// A signed integer from an `Int`: `.int(-300)`. Note that `.int(.max)` resolves to the
    /// `UInt256` case (the word 2²⁵⁶ − 1, i.e. −1); write `.int(Int.max)` for the `Int`.
    public static func int(_ value: Int) -> ABIValue {
        let extension_: UInt64 = value < 0 ? .max : 0
        return .int(UInt256(w0: UInt64(bitPattern: Int64(value)), w1: extension_, w2: extension_, w3: extension_))
    }

    /// A signed integer from its sign and magnitude, for values beyond `Int`.
    ///
    /// - Throws: `ABIError.valueOutOfRange` when the value is outside int256 (magnitude above
    ///   2²⁵⁵ − 1, or above 2²⁵⁵ for a negative value).
    public static func int(isNegative: Bool, magnitude: UInt256) throws(ABIError) -> ABIValue {
        let signBit = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)
        if isNegative && !magnitude.isZero {
            guard magnitude <= signBit else {
                throw .valueOutOfRange(path: "value", type: "int256", value: "-" + ABINumberText.decimal(magnitude))
            }
            return .int(ABINumberText.negated(magnitude))
        }
        guard magnitude < signBit else {
            throw .valueOutOfRange(path: "value", type: "int256", value: ABINumberText.decimal(magnitude))
        }
        return .int(magnitude)
    }

    /// A `bytes32` value from a 32-byte hash or id.
    public static func bytes32(_ hash: Hash32) -> ABIValue { .fixedBytes(hash.bytes) }

    /// The sign and magnitude of an `.int`; nil for any other case.
    public var signedParts: (isNegative: Bool, magnitude: UInt256)? {
        guard case .int(let word) = self else { return nil }
        return ABINumberText.isNegative(word) ? (true, ABINumberText.negated(word)) : (false, word)
    }

    /// The value of an `.int` when it fits an `Int`; nil otherwise.
    public var intValue: Int? {
        guard case .int(let word) = self else { return nil }
        let extension_: UInt64 = ABINumberText.isNegative(word) ? .max : 0
        guard word.w1 == extension_, word.w2 == extension_, word.w3 == extension_,
              (word.w0 >> 63 == 1) == (extension_ == .max) else { return nil }
        return Int(Int64(bitPattern: word.w0))
    }

    /// The value of a `.uint`; nil for any other case.
    public var uintValue: UInt256? {
        if case .uint(let value) = self { return value }
        return nil
    }

    /// The value of an `.address`; nil for any other case.
    public var addressValue: Address? {
        if case .address(let value) = self { return value }
        return nil
    }

    /// The value of a `.bool`; nil for any other case.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The bytes of a `.bytes` or `.fixedBytes`; nil for any other case.
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let value), .fixedBytes(let value): return value
        default: return nil
        }
    }

    /// The 32 bytes of a `bytes32` value as a `Hash32`; nil for any other case or length.
    public var hash32Value: Hash32? {
        guard case .fixedBytes(let value) = self else { return nil }
        return try? Hash32(value)
    }

    /// The text of a `.string`; nil for any other case.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of an `.array` or the components of a `.tuple`; nil for any other case.
    public var elements: [ABIValue]? {
        switch self {
        case .array(let values), .tuple(let values): return values
        default: return nil
        }
    }

    /// Solidity-like text: `42`, `-1`, `0x…` for addresses and bytes, `"text"`, `[1, 2]`, `(1, true)`.
    public var description: String {
        switch self {
        case .uint(let value): return ABINumberText.decimal(value)
        case .int(let word): return ABINumberText.signedDecimal(word)
        case .address(let address): return address.checksummed
        case .bool(let value): return value ? "true" : "false"
        case .fixedBytes(let bytes), .bytes(let bytes): return Hex.encode(bytes)
        case .string(let text): return "\"\(text)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let values): return "(" + values.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// What kind of value this is, for error messages.
    var kindName: String {
        switch self {
        case .uint: return "an unsigned integer"
        case .int: return "a signed integer"
        case .address: return "an address"
        case .bool: return "a bool"
        case .fixedBytes(let bytes): return "\(bytes.count) fixed bytes"
        case .bytes: return "bytes"
        case .string: return "a string"
        case .array: return "an array"
        case .tuple: return "a tuple"
        }
    }
}

/// The two's-complement views of a 256-bit word the codec needs.
enum ABINumberText {
    /// True when the top bit of the word is set.
    static func isNegative(_ word: UInt256) -> Bool { word.w3 >> 63 == 1 }

    /// Two's-complement negation modulo 2²⁵⁶.
    static func negated(_ word: UInt256) -> UInt256 { ~word &+ .one }

    /// True when no bit at or above `bits` is set.
    static func fitsUnsigned(_ word: UInt256, bits: Int) -> Bool {
        bits >= 256 || word >> bits == .zero
    }

    /// True when the word is the sign extension of its low `bits` bits (an `intN` value).
    static func fitsSigned(_ word: UInt256, bits: Int) -> Bool {
        fitsUnsigned(isNegative(word) ? ~word : word, bits: bits - 1)
    }

    /// The unsigned value in decimal.
    static func decimal(_ value: UInt256) -> String { value.decimalString }

    /// The two's-complement word read as a signed value, in decimal.
    static func signedDecimal(_ word: UInt256) -> String {
        isNegative(word) ? "-" + negated(word).decimalString : word.decimalString
    }
}
