extension ABIType {
    /// Parses a type's text: `uint256`, `uint` (alias of `uint256`), `int8`, `bytes32`, `address[]`,
    /// `(uint256,(address,bytes)[])[2]`. Tuples are written in parentheses, without a `tuple`
    /// keyword. Spaces between tokens are tolerated; `canonical` never has any.
    ///
    /// - Throws: `ABITypeParseError` naming the offending position (a UTF-8 offset in `text`).
    public init(parsing text: String) throws(ABITypeParseError) {
        var parser = ABITypeParser(text)
        let type = try parser.parseType(enclosing: 0)
        try parser.expectEnd()
        self = type
    }

    /// Parses a comma-separated list of types: `uint256,address` → two types, `(uint256,address)`
    /// → one tuple type, `""` → none.
    ///
    /// - Throws: `ABITypeParseError` naming the offending position.
    public static func parseList(_ text: String) throws(ABITypeParseError) -> [ABIType] {
        var parser = ABITypeParser(text)
        parser.skipSpaces()
        if parser.atEnd { return [] }
        let list = try parser.parseBareList(enclosing: 0)
        try parser.expectEnd()
        return list
    }

    /// Parses a parenthesized list as Solidity writes parameters and returns: `(uint256,bool)` →
    /// two types, `((uint256,bool))` → one tuple type, `()` or `""` → none.
    ///
    /// - Throws: `ABITypeParseError` naming the offending position.
    public static func parseParameterList(_ text: String) throws(ABITypeParseError) -> [ABIType] {
        var parser = ABITypeParser(text)
        parser.skipSpaces()
        if parser.atEnd { return [] }
        let list = try parser.parseParenthesizedList(enclosing: 0, allowEmpty: true)
        try parser.expectEnd()
        return list
    }
}

/// Why a type's or signature's text could not be parsed. Offsets are UTF-8 offsets into the text.
public enum ABITypeParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character that cannot stand here.
    case unexpectedCharacter(String, offset: Int, expected: String, text: String)
    /// The text stops where more was needed.
    case unexpectedEnd(expected: String, text: String)
    /// A word that is no ABI type (`uint7`, `bytes33`, `fixed128x18`, `function`, `uint08`).
    case unknownType(String, offset: Int, text: String)
    /// A fixed array length that is 0, has a leading zero, or does not fit an `Int`.
    case invalidArrayLength(String, offset: Int, text: String)
    /// Arrays and tuples nested deeper than `ABIType.maxNestingDepth`.
    case nestingTooDeep(offset: Int, limit: Int, text: String)
    /// A function or event name that is not a Solidity identifier.
    case invalidName(String, offset: Int, text: String)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .unexpectedCharacter(let character, let offset, let expected, let text):
            return "'\(text)' at offset \(offset): unexpected '\(character)', expected \(expected)"
        case .unexpectedEnd(let expected, let text):
            return "'\(text)' ends too early: expected \(expected)"
        case .unknownType(let word, let offset, let text):
            return "'\(text)' at offset \(offset): '\(word)' is not an ABI type "
                + "(uintN/intN N=8…256 step 8, address, bool, bytesN N=1…32, bytes, string)"
        case .invalidArrayLength(let length, let offset, let text):
            return "'\(text)' at offset \(offset): array length '\(length)' must be a positive integer without leading zeros"
        case .nestingTooDeep(let offset, let limit, let text):
            return "'\(text)' at offset \(offset): arrays and tuples nest deeper than \(limit)"
        case .invalidName(let name, let offset, let text):
            return "'\(text)' at offset \(offset): '\(name)' is not a valid function or event name"
        }
    }
}

/// A recursive-descent parser over the text's UTF-8 bytes; recursion is bounded by the depth limit.
struct ABITypeParser {
    let text: String
    private let utf8: [UInt8]
    private(set) var position = 0

    init(_ text: String) {
        self.text = text
        self.utf8 = Array(text.utf8)
    }

    var atEnd: Bool { position >= utf8.count }
    var peek: UInt8? { position < utf8.count ? utf8[position] : nil }

    var isAtEndAfterSpaces: Bool {
        var copy = self
        copy.skipSpaces()
        return copy.atEnd
    }

    mutating func skipSpaces() {
        while let byte = peek, byte == 0x20 || byte == 0x09 { position += 1 }
    }

    mutating func expectEnd() throws(ABITypeParseError) {
        skipSpaces()
        guard atEnd else { throw unexpected(expected: "the end of the text") }
    }

    func unexpected(expected: String) -> ABITypeParseError {
        guard position < utf8.count else { return .unexpectedEnd(expected: expected, text: text) }
        return .unexpectedCharacter(characterText(at: position), offset: position, expected: expected, text: text)
    }

    /// The whole character starting at a UTF-8 offset (a lone continuation byte is shown as hex).
    private func characterText(at offset: Int) -> String {
        var end = offset + 1
        while end < utf8.count, utf8[end] & 0xC0 == 0x80 { end += 1 }
        if let character = String(validating: utf8[offset..<end], as: UTF8.self) { return character }
        return "\\x" + Hex.encode([utf8[offset]], prefix: false)
    }

    /// `type := base ('[' digits? ']')*`, `base := '(' list ')' | word`. `enclosing` counts the
    /// arrays and tuples around this type; with the type's own nesting it must stay within the limit.
    mutating func parseType(enclosing: Int) throws(ABITypeParseError) -> ABIType {
        try parseTypeWithDepth(enclosing: enclosing).type
    }

    private mutating func parseTypeWithDepth(enclosing: Int) throws(ABITypeParseError) -> (type: ABIType, depth: Int) {
        skipSpaces()
        let start = position
        var type: ABIType
        var depth: Int
        if peek == UInt8(ascii: "(") {
            guard enclosing + 1 <= ABIType.maxNestingDepth else {
                throw .nestingTooDeep(offset: start, limit: ABIType.maxNestingDepth, text: text)
            }
            let (components, componentDepth) = try parseParenthesizedListWithDepth(enclosing: enclosing + 1, allowEmpty: false)
            type = .tuple(components)
            depth = componentDepth + 1
        } else {
            type = try parseElementaryType()
            depth = 0
        }
        while true {
            skipSpaces()
            guard peek == UInt8(ascii: "[") else { return (type, depth) }
            let bracket = position
            depth += 1
            guard enclosing + depth <= ABIType.maxNestingDepth else {
                throw .nestingTooDeep(offset: bracket, limit: ABIType.maxNestingDepth, text: text)
            }
            position += 1
            skipSpaces()
            if peek == UInt8(ascii: "]") {
                position += 1
                type = .array(type)
                continue
            }
            let digitsStart = position
            while let byte = peek, byte >= 0x30, byte <= 0x39 { position += 1 }
            guard position > digitsStart else { throw unexpected(expected: "an array length or ']'") }
            let digits = String(decoding: utf8[digitsStart..<position], as: UTF8.self)
            guard utf8[digitsStart] != UInt8(ascii: "0"), let count = Int(digits) else {
                throw .invalidArrayLength(digits, offset: digitsStart, text: text)
            }
            skipSpaces()
            guard peek == UInt8(ascii: "]") else { throw unexpected(expected: "']'") }
            position += 1
            type = .fixedArray(type, count: count)
        }
    }

    /// `'(' (type (',' type)*)? ')'`; the empty list only where `allowEmpty` (parameter lists).
    /// `enclosing` counts the containers around each listed type.
    mutating func parseParenthesizedList(enclosing: Int, allowEmpty: Bool) throws(ABITypeParseError) -> [ABIType] {
        try parseParenthesizedListWithDepth(enclosing: enclosing, allowEmpty: allowEmpty).types
    }

    private mutating func parseParenthesizedListWithDepth(
        enclosing: Int, allowEmpty: Bool
    ) throws(ABITypeParseError) -> (types: [ABIType], depth: Int) {
        skipSpaces()
        guard peek == UInt8(ascii: "(") else { throw unexpected(expected: "'('") }
        position += 1
        skipSpaces()
        if peek == UInt8(ascii: ")") {
            guard allowEmpty else { throw unexpected(expected: "a type (a tuple has at least one component)") }
            position += 1
            return ([], 0)
        }
        let list = try parseBareListWithDepth(enclosing: enclosing)
        skipSpaces()
        guard peek == UInt8(ascii: ")") else { throw unexpected(expected: "',' or ')'") }
        position += 1
        return list
    }

    /// `type (',' type)*`: at least one type.
    mutating func parseBareList(enclosing: Int) throws(ABITypeParseError) -> [ABIType] {
        try parseBareListWithDepth(enclosing: enclosing).types
    }

    private mutating func parseBareListWithDepth(enclosing: Int) throws(ABITypeParseError) -> (types: [ABIType], depth: Int) {
        let (first, firstDepth) = try parseTypeWithDepth(enclosing: enclosing)
        var list = [first]
        var depth = firstDepth
        while true {
            skipSpaces()
            guard peek == UInt8(ascii: ",") else { return (list, depth) }
            position += 1
            let (next, nextDepth) = try parseTypeWithDepth(enclosing: enclosing)
            list.append(next)
            depth = max(depth, nextDepth)
        }
    }

    /// A word of letters then digits: `uint`, `uint256`, `bytes32`, `address`…
    private mutating func parseElementaryType() throws(ABITypeParseError) -> ABIType {
        let start = position
        while let byte = peek, byte.isASCIILetter || (byte >= 0x30 && byte <= 0x39) { position += 1 }
        guard position > start else { throw unexpected(expected: "a type") }
        let word = String(decoding: utf8[start..<position], as: UTF8.self)
        var letterEnd = start
        while letterEnd < position, utf8[letterEnd].isASCIILetter { letterEnd += 1 }
        let name = String(decoding: utf8[start..<letterEnd], as: UTF8.self)
        let digits = utf8[letterEnd..<position]
        // Sizes are written without leading zeros, so each type has exactly one spelling.
        let size: Int? = digits.isEmpty || digits.first == UInt8(ascii: "0") || digits.count > 3
            || !digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? nil : Int(String(decoding: digits, as: UTF8.self))
        let unknown = ABITypeParseError.unknownType(word, offset: start, text: text)
        switch name {
        case _ where size == nil && !digits.isEmpty:
            throw unknown
        case "uint", "int":
            let bits: Int
            if digits.isEmpty {
                bits = 256
            } else {
                guard let size, size % 8 == 0, size <= 256 else { throw unknown }
                bits = size
            }
            return name == "uint" ? .uint(bits: bits) : .int(bits: bits)
        case "bytes":
            if digits.isEmpty { return .bytes }
            guard let size, size <= 32 else { throw unknown }
            return .fixedBytes(size)
        case "address" where digits.isEmpty: return .address
        case "bool" where digits.isEmpty: return .bool
        case "string" where digits.isEmpty: return .string
        default: throw unknown
        }
    }

    /// A Solidity identifier: `[A-Za-z_$][A-Za-z0-9_$]*`.
    mutating func parseIdentifier() throws(ABITypeParseError) -> String {
        skipSpaces()
        let start = position
        while let byte = peek, byte.isASCIILetter || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || (position > start && byte >= 0x30 && byte <= 0x39) {
            position += 1
        }
        guard position > start else {
            if let byte = peek, byte >= 0x30, byte <= 0x39 {
                var end = position
                while end < utf8.count, utf8[end].isASCIILetter || (utf8[end] >= 0x30 && utf8[end] <= 0x39) { end += 1 }
                throw .invalidName(String(decoding: utf8[position..<end], as: UTF8.self), offset: position, text: text)
            }
            throw unexpected(expected: "a name")
        }
        return String(decoding: utf8[start..<position], as: UTF8.self)
    }
}

extension UInt8 {
    fileprivate var isASCIILetter: Bool { (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) }
}
