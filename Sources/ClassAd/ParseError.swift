// Errors of the ClassAd parser: each names where (line, column) and what was expected.

/// A ClassAd text that cannot be parsed, with the 1-based line and column where it went wrong.
public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A token other than the one the grammar allows here.
    case unexpected(found: String, expected: String, line: Int, column: Int)
    /// A character that starts no token.
    case invalidCharacter(String, line: Int, column: Int)
    /// A string or quoted name with no closing quote.
    case unterminatedString(line: Int, column: Int)
    /// A backslash escape the language does not define.
    case invalidEscape(String, line: Int, column: Int)
    /// An integer literal outside the signed 64-bit range.
    case integerOutOfRange(String, line: Int, column: Int)
    /// Nesting deeper than the parser accepts (a guard against stack exhaustion).
    case tooDeep(limit: Int, line: Int, column: Int)
    /// A text longer than the parser accepts.
    case inputTooLarge(bytes: Int, limit: Int)

    /// One line: where (line, column) and what went wrong.
    public var description: String {
        switch self {
        case let .unexpected(found, expected, line, column):
            "ClassAd parse error at line \(line), column \(column): expected \(expected), found \(found)"
        case let .invalidCharacter(character, line, column):
            "ClassAd parse error at line \(line), column \(column): invalid character \(character)"
        case let .unterminatedString(line, column):
            "ClassAd parse error at line \(line), column \(column): string not terminated"
        case let .invalidEscape(escape, line, column):
            "ClassAd parse error at line \(line), column \(column): invalid escape \\\(escape)"
        case let .integerOutOfRange(text, line, column):
            "ClassAd parse error at line \(line), column \(column): integer \(text) is outside the 64-bit range"
        case let .tooDeep(limit, line, column):
            "ClassAd parse error at line \(line), column \(column): nesting deeper than \(limit) levels"
        case let .inputTooLarge(bytes, limit):
            "ClassAd parse error: input of \(bytes) bytes exceeds the limit of \(limit) bytes"
        }
    }
}
