/// A JSON document as a value tree, the shape `eth_signTypedData_v4`, iExec orders and keystore
/// files arrive in.
///
/// Numbers keep the literal text they were written with (`"-12"`, `"1e3"`,
/// `"115792089237316195423570985008687907853269984665640564039457584007913129639935"`), so integers
/// wider than 64 bits reach the EIP-712 encoder exactly; the encoder decides what a literal may be.
/// Objects are unordered dictionaries: JSON gives member order no meaning, and the parser refuses
/// duplicate keys rather than silently keeping one of them.
public enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its literal text.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Parses JSON text (RFC 8259): one value, optionally surrounded by whitespace.
    ///
    /// - Throws: `JSONError` with the byte offset of the first problem.
    public init(parsing text: String) throws(JSONError) {
        self = try JSONParser.parse(Array(text.utf8))
    }

    /// Parses JSON from UTF-8 bytes.
    public init<Bytes: Collection>(parsing bytes: Bytes) throws(JSONError) where Bytes.Element == UInt8 {
        self = try JSONParser.parse(Array(bytes))
    }

    /// Parses JSON from UTF-8 bytes, reporting a syntax error as the reader's own error (each
    /// reader of a JSON format wraps `JSONError` in its `invalidJSON` case).
    init<Bytes: Collection, Failure: Error>(
        parsing bytes: Bytes, invalidJSON: (JSONError) -> Failure
    ) throws(Failure) where Bytes.Element == UInt8 {
        do throws(JSONError) {
            self = try JSONParser.parse(Array(bytes))
        } catch {
            throw invalidJSON(error)
        }
    }

    /// The value of member `key` when this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A one-word name of the value's kind, for error messages ("a string", "an object").
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text; object keys are sorted so equal values serialize identically.
    public var serialized: String {
        var out = ""
        Self.write(self, into: &out)
        return out
    }

    /// Compact JSON text of an object whose members are written in the given order (for output
    /// meant for people, such as an order in iexec-sdk's field order).
    public static func serializedObject(_ members: [(key: String, value: JSONValue)]) -> String {
        var out = "{"
        for (index, member) in members.enumerated() {
            if index > 0 { out += "," }
            writeString(member.key, into: &out)
            out += ":"
            write(member.value, into: &out)
        }
        return out + "}"
    }

    private static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let literal): out += literal
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let members):
            out += serializedObject(members.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
        }
    }

    /// Writes a JSON string literal, escaping what RFC 8259 requires (quote, backslash, controls).
    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A later duplicate key replaces an earlier one, as in a Swift dictionary literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: Decodable {
    /// Decodes any JSON value through a `Decoder` (for embedding in `Codable` types).
    ///
    /// Integers that fit in 64 bits keep their exact decimal text. A number that does not (a
    /// fraction, or an integer beyond 64 bits, which `JSONDecoder` only offers as a `Double`)
    /// becomes the `Double`'s text, which the integer readers then refuse rather than use a
    /// rounded value: write such integers as decimal strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let integer = try? container.decode(Int64.self) {
            self = .number(String(integer))
        } else if let integer = try? container.decode(UInt64.self) {
            self = .number(String(integer))
        } else if let double = try? container.decode(Double.self) {
            self = .number(String(double))
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

/// Why a text is not JSON.
public enum JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text ended inside a value.
    case unexpectedEnd
    /// A byte that cannot start or continue a value here.
    case unexpectedCharacter(UInt8, offset: Int)
    /// A malformed number literal starting at this offset.
    case invalidNumber(offset: Int)
    /// A bad escape sequence or unpaired surrogate in a string at this offset.
    case invalidEscape(offset: Int)
    /// A raw control character (below U+0020) inside a string.
    case controlCharacterInString(offset: Int)
    /// Bytes that are not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// An object names the same key twice.
    case duplicateKey(String, offset: Int)
    /// Arrays and objects nested deeper than the parser allows.
    case tooDeep(limit: Int, offset: Int)
    /// More text after the single top-level value.
    case trailingCharacters(offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd: return "JSON: the text ends in the middle of a value"
        case .unexpectedCharacter(let byte, let offset):
            let shown = byte >= 0x20 && byte < 0x7f ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
            return "JSON: unexpected \(shown) at offset \(offset)"
        case .invalidNumber(let offset): return "JSON: malformed number at offset \(offset)"
        case .invalidEscape(let offset): return "JSON: bad escape sequence in a string at offset \(offset)"
        case .controlCharacterInString(let offset):
            return "JSON: raw control character in a string at offset \(offset); escape it"
        case .invalidUTF8(let offset): return "JSON: invalid UTF-8 at offset \(offset)"
        case .duplicateKey(let key, let offset): return "JSON: key '\(key)' appears twice in one object (offset \(offset))"
        case .tooDeep(let limit, let offset): return "JSON: nested deeper than \(limit) levels at offset \(offset)"
        case .trailingCharacters(let offset): return "JSON: unexpected text after the value at offset \(offset)"
        }
    }
}
