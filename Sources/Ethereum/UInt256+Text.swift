// Text forms of UInt256: decimal (as people and Solidity literals write it) and 0x-hex
// (as JSON-RPC writes a QUANTITY).

extension UInt256 {
    /// Parses decimal digits `0`–`9`, nothing else: no sign, no whitespace, no separators.
    /// Leading zeros are accepted.
    ///
    /// - Throws: `.invalidText` for empty text, `.invalidCharacter` naming the first non-digit's
    ///   offset, `.overflow` when the value exceeds 2²⁵⁶ − 1.
    public init(decimal text: String) throws(UInt256.Error) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { throw .invalidText(text) }
        var value = UInt256.zero
        var overflowed = false
        // Nineteen digits at a time: 10¹⁹ is the largest power of ten in a UInt64.
        var start = 0
        while start < utf8.count {
            let end = Swift.min(start + 19, utf8.count)
            var chunk: UInt64 = 0
            var scale: UInt64 = 1
            for offset in start..<end {
                let digit = utf8[offset] &- 0x30
                guard digit < 10 else { throw .invalidCharacter(text, offset: offset) }
                chunk = chunk * 10 + UInt64(digit)
                scale *= 10
            }
            // Keep scanning after an overflow so that a bad character is reported first.
            if !overflowed {
                let (scaled, scaleOverflow) = value.multipliedReportingOverflow(byLimb: scale)
                let (sum, sumOverflow) = scaled.addingReportingOverflow(limb: chunk)
                overflowed = scaleOverflow || sumOverflow
                value = sum
            }
            start = end
        }
        guard !overflowed else { throw .overflow(text) }
        self = value
    }

    /// Parses hexadecimal digits, either case, with an optional `0x` or `0X` prefix.
    /// Leading zeros are accepted; at most 64 significant digits fit.
    ///
    /// - Throws: `.invalidText` for empty text or a bare `0x`, `.invalidCharacter` naming the
    ///   first non-hex-digit's offset, `.overflow` when the value exceeds 2²⁵⁶ − 1.
    public init(hex text: String) throws(UInt256.Error) {
        let utf8 = Array(text.utf8)
        let prefixLength = Self.hasHexPrefix(utf8) ? 2 : 0
        guard utf8.count > prefixLength else { throw .invalidText(text) }
        var nibbles = [UInt8]()
        nibbles.reserveCapacity(utf8.count - prefixLength)
        for offset in prefixLength..<utf8.count {
            guard let nibble = Hex.nibble(utf8[offset]) else { throw .invalidCharacter(text, offset: offset) }
            if nibble != 0 || !nibbles.isEmpty { nibbles.append(nibble) }
        }
        guard nibbles.count <= 64 else { throw .overflow(text) }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (position, nibble) in nibbles.reversed().enumerated() {
            let bits = UInt64(nibble) << UInt64((position % 16) * 4)
            switch position / 16 {
            case 0: limbs.0 |= bits
            case 1: limbs.1 |= bits
            case 2: limbs.2 |= bits
            default: limbs.3 |= bits
            }
        }
        self.init(w0: limbs.0, w1: limbs.1, w2: limbs.2, w3: limbs.3)
    }

    /// Parses either form: hex when the text starts with `0x` or `0X`, decimal otherwise.
    ///
    /// - Throws: what `init(hex:)` or `init(decimal:)` throws.
    public init(parsing text: String) throws(UInt256.Error) {
        if Self.hasHexPrefix(Array(text.utf8.prefix(2))) {
            try self.init(hex: text)
        } else {
            try self.init(decimal: text)
        }
    }

    private static func hasHexPrefix(_ utf8: [UInt8]) -> Bool {
        utf8.count >= 2 && utf8[0] == 0x30 && (utf8[1] == 0x78 || utf8[1] == 0x58)
    }

    /// The value as `0x` + lowercase hex without leading zeros (`0x0` for zero): a JSON-RPC QUANTITY.
    public var hexString: String {
        let digits = Hex.encode(minimalBigEndianBytes, prefix: false).drop(while: { $0 == "0" })
        return "0x" + (digits.isEmpty ? "0" : digits)
    }

    /// The value in decimal, without leading zeros.
    public var decimalString: String {
        // Peel off base-10¹⁹ chunks, least significant first.
        var chunks = [UInt64]()
        var rest = self
        repeat {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingByLimb: 10_000_000_000_000_000_000)
            chunks.append(remainder)
            rest = quotient
        } while !rest.isZero
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }
}

extension UInt256: CustomStringConvertible {
    /// The value in decimal.
    public var description: String { decimalString }
}

extension UInt256: LosslessStringConvertible {
    /// Parses decimal or `0x`-hex text (see `init(parsing:)`); nil when it is not a valid value.
    public init?(_ description: String) {
        guard let value = try? UInt256(parsing: description) else { return nil }
        self = value
    }
}

extension UInt256 {
    /// The value as a UInt64, `UInt64.max` when it does not fit (block numbers, times, counts
    /// read from the chain).
    public var clampedToUInt64: UInt64 { (w1 | w2 | w3) == 0 ? w0 : .max }
}
