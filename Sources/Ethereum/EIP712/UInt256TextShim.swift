// TEMPORARY stand-in for UInt256 text parsing (branch wip-uint256). Delete once main has
// UInt256+Text.swift; the names match, so no call site changes.
extension UInt256: CustomStringConvertible {
    init(decimal text: String) throws(UInt256.Error) {
        guard !text.isEmpty else { throw .invalidText(text) }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { throw .invalidText(text) }
            var carry = UInt64(byte - 0x30)
            for index in 0..<4 {
                let product = limbs[index].multipliedFullWidth(by: 10)
                let (low, overflow) = product.low.addingReportingOverflow(carry)
                limbs[index] = low
                carry = product.high + (overflow ? 1 : 0)
            }
            guard carry == 0 else { throw .overflow(text) }
        }
        self.init(limbs: limbs)
    }
    init(hex text: String) throws(UInt256.Error) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty else { throw .invalidText(text) }
        let trimmed = digits.drop(while: { $0 == "0" })
        guard trimmed.count <= 64 else { throw .overflow(text) }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for (position, character) in trimmed.utf8.reversed().enumerated() {
            guard let nibble = Hex.nibble(character) else { throw .invalidText(text) }
            limbs[position / 16] |= UInt64(nibble) << (UInt64(position % 16) * 4)
        }
        self.init(limbs: limbs)
    }
    init(parsing text: String) throws(UInt256.Error) {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { try self.init(hex: text) } else { try self.init(decimal: text) }
    }
    public var description: String {
        var value = limbs
        var digits: [UInt8] = []
        repeat {
            var remainder: UInt64 = 0
            for index in (0..<4).reversed() {
                let (quotient, rest) = (10 as UInt64).dividingFullWidth((remainder, value[index]))
                value[index] = quotient
                remainder = rest
            }
            digits.append(UInt8(remainder) + 0x30)
        } while value.contains { $0 != 0 }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
