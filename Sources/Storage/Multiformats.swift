// Content-addressed blob storage (issue #6): see docs/storage.md.
// The two multiformats encodings a CID needs: unsigned varints and RFC 4648 base32.

/// Unsigned LEB128 varints as the multiformats specs define them (at most 9 bytes, minimal).
enum Varint {
    /// The varint encoding of `value`.
    static func encode(_ value: UInt64) -> [UInt8] {
        var rest = value
        var out: [UInt8] = []
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        return out
    }

    /// Reads one varint at `offset`, advancing it; `field` names what is read for errors.
    static func decode(_ bytes: [UInt8], at offset: inout Int, field: String) throws(ContentIDError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < bytes.count else { throw .truncated(field: field) }
            let byte = bytes[offset]
            offset += 1
            // The multiformats spec caps varints at 9 bytes (63 bits).
            guard shift < 63 else { throw .invalidVarint(field: field, offset: start) }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                // A trailing zero byte after the first means a non-minimal encoding.
                if byte == 0 && offset - start > 1 { throw .invalidVarint(field: field, offset: start) }
                return value
            }
            shift += 7
        }
    }
}

/// RFC 4648 base32, lower-case alphabet, no padding (the multibase `b` encoding).
enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// The lower-case, unpadded base32 text of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1f)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded lower-case base32; `offsetBase` shifts reported offsets (for a prefix).
    static func decode(_ text: Substring, offsetBase: Int) throws(ContentIDError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for (index, char) in text.utf8.enumerated() {
            let value: UInt32
            switch char {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(char - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = UInt32(char - UInt8(ascii: "2")) + 26
            default: throw .invalidBase32Character(offset: index + offsetBase)
            }
            buffer = ((buffer << 5) | value) & 0xffff
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xff))
            }
        }
        // Leftover bits must be fewer than 5 and all zero, or the text is not canonical.
        if bits >= 5 || buffer & ((1 << UInt32(bits)) - 1) != 0 {
            throw .nonCanonicalBase32
        }
        return out
    }
}
