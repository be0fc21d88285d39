/// Turns JSON values of atomic EIP-712 types into their 32-byte words.
///
/// Accepted forms (stricter than eth-account where it would guess):
/// - `uintN`/`intN`: a JSON integer literal, or a string holding a decimal integer (optionally
///   `-` for `intN`) or `0x`-hex. Fractions, exponents, spaces and `+` are refused. The value must
///   fit the type: `0 ≤ v < 2^N`, or `−2^(N−1) ≤ v < 2^(N−1)`; negatives are two's complement.
/// - `address`: a `0x`-prefixed 20-byte hex string; mixed case must be a valid EIP-55 checksum.
/// - `bool`: JSON `true`/`false` only.
/// - `bytesN`: `0x`-hex of exactly N bytes, right-padded to 32 (eth-account would pad a short
///   value silently; a short tag is much more likely a mistake).
/// - `bytes`: `0x`-hex, hashed with Keccak-256. `string`: a JSON string, its UTF-8 hashed.
enum EIP712AtomicEncoding {
    /// The word of an atomic value. `type` is the parsed field type, `path` names the value in errors.
    static func word(
        of value: JSONValue, as type: EIP712FieldType, path: String
    ) throws(TypedDataError) -> [UInt8] {
        switch type {
        case .uint(let bits):
            let (negative, magnitude) = try integer(value, type: type, path: path)
            guard !negative || magnitude.isZero, bitLength(magnitude) <= bits else {
                throw .outOfRange(path: path, type: type.description, value: shown(value))
            }
            return magnitude.bigEndianBytes
        case .int(let bits):
            let (negative, magnitude) = try integer(value, type: type, path: path)
            let fits = negative
                ? bitLength(magnitude) < bits || isPowerOfTwo(magnitude, exponent: bits - 1)
                : bitLength(magnitude) < bits
            guard fits else { throw .outOfRange(path: path, type: type.description, value: shown(value)) }
            return negative ? twosComplement(magnitude).bigEndianBytes : magnitude.bigEndianBytes
        case .address:
            guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
                throw .invalidValue(path: path, type: "address", reason: "expected a 0x-prefixed hex string, got \(shown(value))")
            }
            do throws(AddressError) {
                return [UInt8](repeating: 0, count: 12) + (try Address(hex: text)).bytes
            } catch {
                throw .invalidValue(path: path, type: "address", reason: error.description)
            }
        case .bool:
            guard case .bool(let flag) = value else {
                throw .invalidValue(path: path, type: "bool", reason: "expected true or false, got \(shown(value))")
            }
            var word = [UInt8](repeating: 0, count: 32)
            word[31] = flag ? 1 : 0
            return word
        case .fixedBytes(let count):
            let bytes = try hexBytes(value, type: type, path: path)
            guard bytes.count == count else {
                throw .wrongByteCount(path: path, type: type.description, expected: count, actual: bytes.count)
            }
            return bytes + [UInt8](repeating: 0, count: 32 - count)
        case .bytes:
            return Keccak256.hash(try hexBytes(value, type: type, path: path)).bytes
        case .string:
            guard case .string(let text) = value else {
                throw .invalidValue(path: path, type: "string", reason: "expected a string, got \(shown(value))")
            }
            return Keccak256.hash(text.utf8).bytes
        case .structure, .array:
            preconditionFailure("composite types are encoded by TypedData")
        }
    }

    /// Reads an integer as sign and magnitude. `0x`-hex is unsigned only.
    static func integer(
        _ value: JSONValue, type: EIP712FieldType, path: String
    ) throws(TypedDataError) -> (negative: Bool, magnitude: UInt256) {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string(let string): text = string
        default:
            throw .invalidValue(path: path, type: type.description, reason: "expected an integer, got \(shown(value))")
        }
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let isHex = body.hasPrefix("0x") || body.hasPrefix("0X")
        let digitsOK = isHex
            ? !negative && isString(value) && body.count > 2 && body.utf8.dropFirst(2).allSatisfy { Hex.nibble($0) != nil }
            : !body.isEmpty && body.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        guard digitsOK else {
            throw .invalidValue(path: path, type: type.description, reason: "\(shown(value)) is not an integer")
        }
        do {
            return (negative, isHex ? try UInt256(hex: body) : try UInt256(decimal: body))
        } catch {
            // The digits are valid, so the only failure left is a value beyond 256 bits.
            throw .outOfRange(path: path, type: type.description, value: shown(value))
        }
    }

    /// Hex is read only from JSON strings; a number literal is always decimal.
    private static func isString(_ value: JSONValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    private static func hexBytes(_ value: JSONValue, type: EIP712FieldType, path: String) throws(TypedDataError) -> [UInt8] {
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidValue(path: path, type: type.description, reason: "expected 0x-prefixed hex, got \(shown(value))")
        }
        do throws(HexError) {
            return try Hex.decode(text)
        } catch {
            throw .invalidValue(path: path, type: type.description, reason: error.description)
        }
    }

    /// The value as the message wrote it, for error messages (long values are cut).
    static func shown(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .string(let string): text = "'\(string)'"
        case .number(let literal): text = literal
        default: text = value.kindDescription
        }
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }

    /// The number of significant bits (0 for zero).
    static func bitLength(_ value: UInt256) -> Int {
        256 - value.leadingZeroBitCount
    }

    private static func isPowerOfTwo(_ value: UInt256, exponent: Int) -> Bool {
        bitLength(value) == exponent + 1 && value.nonzeroBitCount == 1
    }

    /// 2^256 − magnitude: the 256-bit two's complement of a negative number.
    static func twosComplement(_ magnitude: UInt256) -> UInt256 {
        UInt256.zero &- magnitude
    }
}
