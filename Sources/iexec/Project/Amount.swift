import Ethereum

/// RLC amounts as the CLI reads and prints them. PoCo's escrow counts nRLC (10⁻⁹ RLC): a bare
/// number is nRLC, as in iexec-sdk; `1.5 RLC` (or `1.5RLC`) is converted; `nRLC` may be spelled.
enum Amount {
    static let nRLCPerRLC = UInt256(1_000_000_000 as UInt64)

    /// The nRLC in `text`: `100`, `100 nRLC`, `2 RLC`, `0.000000001 RLC`.
    static func parse(_ text: String) throws -> UInt256 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasSuffix("nrlc") {
            return try whole(String(trimmed.dropLast(4)).trimmingCharacters(in: .whitespaces), text)
        }
        guard lower.hasSuffix("rlc") else { return try whole(trimmed, text) }
        let number = String(trimmed.dropLast(3)).trimmingCharacters(in: .whitespaces)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let integer = parts.first, !(integer.isEmpty && parts.count == 1) else {
            throw CLIError("amount \"\(text)\": expected e.g. 100 (nRLC), 100 nRLC or 1.5 RLC")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 9 else { throw CLIError("amount \"\(text)\": RLC has 9 decimals, not \(fraction.count)") }
        let whole = try self.whole(integer.isEmpty ? "0" : integer, text)
        let nano = try self.whole(fraction.isEmpty ? "0" : fraction + String(repeating: "0", count: 9 - fraction.count), text)
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: nRLCPerRLC)
        guard !overflow else { throw CLIError("amount \"\(text)\" is too large") }
        return scaled + nano
    }

    private static func whole(_ digits: String, _ text: String) throws -> UInt256 {
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let value = try? UInt256(decimal: digits) else {
            throw CLIError("amount \"\(text)\": expected e.g. 100 (nRLC), 100 nRLC or 1.5 RLC")
        }
        return value
    }

    /// `1.5 RLC` for 1,500,000,000 nRLC (trailing zeros of the fraction dropped).
    static func rlc(_ nRLC: UInt256) -> String {
        let (whole, nano) = nRLC.quotientAndRemainder(dividingBy: nRLCPerRLC)
        guard nano != .zero else { return "\(whole.decimalString) RLC" }
        var fraction = nano.decimalString
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole.decimalString).\(fraction) RLC"
    }

    /// `1.5 RLC (1500000000 nRLC)`.
    static func describe(_ nRLC: UInt256) -> String {
        "\(rlc(nRLC)) (\(nRLC.decimalString) nRLC)"
    }
}
