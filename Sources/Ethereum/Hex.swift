/// Hexadecimal text for bytes, as Ethereum tools write it: `0x`-prefixed, lowercase on output.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lowercase hex, with a `0x` prefix unless `prefix` is false.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefix: Bool = true) -> String
    where Bytes.Element == UInt8 {
        var out: [UInt8] = prefix ? [0x30, 0x78] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex text with or without a `0x` prefix; either case is accepted.
    ///
    /// - Throws: `HexError` naming the first offending character or an odd length.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == 0x30, utf8[1] == 0x78 || utf8[1] == 0x58 {
            utf8.removeFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]) else { throw .invalidCharacter(utf8[index], offset: index) }
            guard let low = nibble(utf8[index + 1]) else {
                throw .invalidCharacter(utf8[index + 1], offset: index + 1)
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Decodes hex text that must be exactly `count` bytes long.
    public static func decode(_ text: some StringProtocol, count: Int) throws(HexError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }

    @inline(__always)
    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case 0x30...0x39: return character - 0x30
        case 0x61...0x66: return character - 0x61 + 10
        case 0x41...0x46: return character - 0x41 + 10
        default: return nil
        }
    }
}

/// Why a piece of hex text could not be decoded.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text (after any `0x`) has an odd number of digits.
    case oddLength(Int)
    /// A character that is not a hex digit, at this offset after any `0x`.
    case invalidCharacter(UInt8, offset: Int)
    /// The bytes decoded fine but there are not as many as the field needs.
    case wrongLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .oddLength(let count):
            return "hex has an odd number of digits (\(count)); write two digits per byte"
        case .invalidCharacter(let character, let offset):
            let shown = character >= 0x20 && character < 0x7f ? "'\(Character(Unicode.Scalar(character)))'" : "byte \(character)"
            return "\(shown) at offset \(offset) is not a hex digit"
        case .wrongLength(let expected, let actual):
            return "expected \(expected) bytes of hex, got \(actual)"
        }
    }
}

extension Array where Element == UInt8 {
    /// Decodes hex text (with or without `0x`).
    public init(hex: some StringProtocol) throws(HexError) {
        self = try Hex.decode(hex)
    }

    /// The bytes as lowercase `0x`-prefixed hex.
    public var hexString: String { Hex.encode(self) }
}
