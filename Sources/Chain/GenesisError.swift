import Ethereum

/// Why a genesis could not be read or applied; each case names the JSON field (as a path such as
/// `accounts[2].balance`) it concerns.
public enum GenesisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file is not JSON.
    case invalidJSON(JSONError)
    /// A required field is absent.
    case missingField(String)
    /// A field this format does not define (most likely a typo).
    case unknownField(String)
    /// A field holds the wrong kind of value.
    case wrongType(field: String, expected: String, found: String)
    /// An address field is malformed or fails its EIP-55 checksum.
    case invalidAddress(field: String, AddressError)
    /// A number field is negative.
    case negativeNumber(field: String, text: String)
    /// A number field is not an unsigned integer (fraction, exponent, bad digit, empty).
    case invalidNumber(field: String, text: String)
    /// A number field exceeds its maximum.
    case numberTooLarge(field: String, text: String, maximum: String)
    /// An address is funded twice (`field` names the second occurrence).
    case duplicateAccount(field: String, Address)
    /// The escrow deposits' value in wei, or the total coin, exceeds 2²⁵⁶ − 1.
    case supplyOverflow(field: String)
    /// The engine refused an escrow deposit.
    case depositRefused(field: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "genesis: cannot read \(path): \(reason)"
        case .invalidJSON(let error): return "genesis: not valid JSON: \(error)"
        case .missingField(let field): return "genesis: missing field '\(field)'"
        case .unknownField(let field): return "genesis: unknown field '\(field)'"
        case .wrongType(let field, let expected, let found):
            return "genesis: '\(field)' must be \(expected), found \(found)"
        case .invalidAddress(let field, let error): return "genesis: '\(field)': \(error)"
        case .negativeNumber(let field, let text): return "genesis: '\(field)' is negative (\(text))"
        case .invalidNumber(let field, let text):
            return "genesis: '\(field)' is not an unsigned integer (\(text))"
        case .numberTooLarge(let field, let text, let maximum):
            return "genesis: '\(field)' = \(text) exceeds its maximum \(maximum)"
        case .duplicateAccount(let field, let address):
            return "genesis: '\(field)' funds \(address) a second time"
        case .supplyOverflow(let field): return "genesis: '\(field)' makes the total coin exceed 2^256 - 1 wei"
        case .depositRefused(let field, let reason): return "genesis: escrow deposit of '\(field)' refused: \(reason)"
        }
    }
}
