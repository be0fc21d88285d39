// Tokens of the ClassAd language, read from UTF-8 bytes.

/// One token and where it starts.
struct Token: Equatable {
    enum Kind: Equatable {
        case integer(Int64)
        case real(Double)
        case string(String)
        case identifier(String)
        /// `'name'`: an attribute name that need not be an identifier.
        case quotedName(String)
        case symbol(String)
        case end
    }
    var kind: Kind
    var line: Int
    var column: Int

    /// The token as a parse error shows it.
    var shown: String {
        switch kind {
        case .integer(let i): "integer \(i)"
        case .real(let r): "real \(r)"
        case .string: "a string"
        case .identifier(let name): "'\(name)'"
        case .quotedName(let name): "quoted name '\(name)'"
        case .symbol(let s): "'\(s)'"
        case .end: "end of input"
        }
    }
}

/// Splits a ClassAd text into tokens; comments (`//`, `/* */`) and white space are skipped.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var column = 1

    private static let symbols: [String] = [
        "=?=", "=!=", ">>>", "?:", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||",
        "+", "-", "*", "/", "%", "<", ">", "!", "~", "&", "|", "^", "?", ":",
        "(", ")", "[", "]", "{", "}", ",", ";", ".", "=",
    ].sorted { $0.utf8.count > $1.utf8.count }

    init(_ text: String) { bytes = Array(text.utf8) }

    /// All tokens, ending with `.end`.
    mutating func tokenize() throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let at = position + offset
        return at < bytes.count ? bytes[at] : nil
    }

    private mutating func advance() {
        guard position < bytes.count else { return }
        if bytes[position] == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if bytes[position] & 0xC0 != 0x80 {
            column += 1
        } else if column > 1 {
            // A UTF-8 continuation byte belongs to the character already counted.
        }
        position += 1
    }

    private mutating func skipSpaceAndComments() throws(ParseError) {
        while let byte = peek() {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                advance()
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while let b = peek(), b != 0x0A { advance() }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let (startLine, startColumn) = (line, column)
                advance(); advance()
                while true {
                    guard let b = peek() else { throw .unexpected(found: "end of input", expected: "'*/' closing the comment opened at line \(startLine), column \(startColumn)", line: line, column: column) }
                    if b == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") { advance(); advance(); break }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func next() throws(ParseError) -> Token {
        try skipSpaceAndComments()
        let (startLine, startColumn) = (line, column)
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, line: startLine, column: startColumn) }
        guard let byte = peek() else { return token(.end) }
        if isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
            return token(try number(line: startLine, column: startColumn))
        }
        if isIdentifierStart(byte) {
            let start = position
            while let b = peek(), isIdentifierStart(b) || isDigit(b) { advance() }
            return token(.identifier(String(decoding: bytes[start..<position], as: UTF8.self)))
        }
        if byte == UInt8(ascii: "\"") {
            return token(.string(try quoted(by: byte, line: startLine, column: startColumn)))
        }
        if byte == UInt8(ascii: "'") {
            return token(.quotedName(try quoted(by: byte, line: startLine, column: startColumn)))
        }
        for symbol in Self.symbols where matches(symbol) {
            for _ in symbol.utf8 { advance() }
            return token(.symbol(symbol))
        }
        let shown = byte < 0x80 ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        throw .invalidCharacter(shown, line: startLine, column: startColumn)
    }

    private func matches(_ symbol: String) -> Bool {
        var offset = 0
        for b in symbol.utf8 {
            guard peek(offset) == b else { return false }
            offset += 1
        }
        return true
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
    }

    /// An integer (decimal) or a real (`1.5`, `.5`, `1e3`, `2.5E-3`).
    private mutating func number(line: Int, column: Int) throws(ParseError) -> Token.Kind {
        let start = position
        var isReal = false
        while let b = peek(), isDigit(b) { advance() }
        if peek() == UInt8(ascii: "."), peek(1).map(isDigit) == true {
            isReal = true
            advance()
            while let b = peek(), isDigit(b) { advance() }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            let signed = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if let d = peek(signed ? 2 : 1), isDigit(d) {
                isReal = true
                advance()
                if signed { advance() }
                while let b = peek(), isDigit(b) { advance() }
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isReal {
            // Double's parser accepts this shape; overflow gives infinity, as in HTCondor.
            guard let value = Double(text) else { throw .unexpected(found: text, expected: "a real number", line: line, column: column) }
            return .real(value)
        }
        guard let value = Int64(text) else { throw .integerOutOfRange(text, line: line, column: column) }
        return .integer(value)
    }

    /// The contents of a quoted string or name, with escapes `\" \' \\ \n \t \r \b \f \/` resolved.
    private mutating func quoted(by quote: UInt8, line: Int, column: Int) throws(ParseError) -> String {
        advance()
        var content: [UInt8] = []
        while true {
            guard let b = peek() else { throw .unterminatedString(line: line, column: column) }
            if b == quote { advance(); break }
            if b == UInt8(ascii: "\\") {
                let (escapeLine, escapeColumn) = (self.line, self.column)
                advance()
                guard let e = peek() else { throw .unterminatedString(line: line, column: column) }
                switch e {
                case UInt8(ascii: "n"): content.append(0x0A)
                case UInt8(ascii: "t"): content.append(0x09)
                case UInt8(ascii: "r"): content.append(0x0D)
                case UInt8(ascii: "b"): content.append(0x08)
                case UInt8(ascii: "f"): content.append(0x0C)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "/"), UInt8(ascii: "?"):
                    content.append(e)
                default:
                    let shown = e < 0x80 ? String(Character(Unicode.Scalar(e))) : "0x\(String(e, radix: 16))"
                    throw .invalidEscape(shown, line: escapeLine, column: escapeColumn)
                }
                advance()
            } else {
                content.append(b)
                advance()
            }
        }
        return String(decoding: content, as: UTF8.self)
    }
}
