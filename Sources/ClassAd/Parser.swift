// A recursive-descent parser for ClassAd expressions and ads, with bounded depth and input size.

/// Parses ClassAd text: one expression, one ad, or a list of ads.
public enum ClassAdParser {
    /// The longest text accepted, in bytes (1 MiB).
    public static let maximumInputBytes = 1 << 20
    /// The deepest nesting of sub-expressions accepted; each operator of a chain `a + b + …` counts
    /// as a level, since the chain is a tree that deep.
    public static let maximumDepth = 500

    /// Parses one expression, e.g. `TARGET.Memory >= 1024 && Arch == "X86_64"`.
    public static func parseExpression(_ text: String) throws(ParseError) -> Expr {
        var parser = try Parser(text)
        let expression = try parser.expression()
        try parser.expectEnd()
        return expression
    }

    /// Parses one ad in the bracketed form `[ name = expression; … ]`.
    public static func parseAd(_ text: String) throws(ParseError) -> ClassAd {
        var parser = try Parser(text)
        let ad = try parser.bracketedAd()
        try parser.expectEnd()
        return ad
    }

    /// Parses ads written as one ad `[ … ]`, a list `{ [ … ], [ … ] }`, or ads one after another.
    public static func parseAds(_ text: String) throws(ParseError) -> [ClassAd] {
        var parser = try Parser(text)
        return try parser.adSequence()
    }
}

struct Parser {
    private var tokens: [Token]
    private var position = 0
    private var depth = 0

    init(_ text: String) throws(ParseError) {
        let size = text.utf8.count
        guard size <= ClassAdParser.maximumInputBytes else {
            throw .inputTooLarge(bytes: size, limit: ClassAdParser.maximumInputBytes)
        }
        var lexer = Lexer(text)
        tokens = try lexer.tokenize()
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private mutating func take(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ symbol: String, _ expected: String? = nil) throws(ParseError) {
        guard take(symbol) else { throw unexpected(expected ?? "'\(symbol)'") }
    }

    private func unexpected(_ expected: String) -> ParseError {
        .unexpected(found: current.shown, expected: expected, line: current.line, column: current.column)
    }

    mutating func expectEnd() throws(ParseError) {
        guard current.kind == .end else { throw unexpected("end of input") }
    }

    private mutating func enter() throws(ParseError) {
        depth += 1
        guard depth <= ClassAdParser.maximumDepth else {
            throw .tooDeep(limit: ClassAdParser.maximumDepth, line: current.line, column: current.column)
        }
    }

    /// expression := logical ( '?' expression ':' expression )?
    mutating func expression() throws(ParseError) -> Expr {
        try enter()
        defer { depth -= 1 }
        let condition = try binary(minimumPrecedence: 1)
        guard take("?") else { return condition }
        let then = try expression()
        try expect(":", "':' of the conditional expression")
        return .conditional(condition, then, try expression())
    }

    private func binaryOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(let s): return BinaryOperator(rawValue: s)
        case .identifier(let name):
            switch name.lowercased() {
            case "is": return .identical
            case "isnt": return .notIdentical
            default: return nil
            }
        default: return nil
        }
    }

    /// Precedence climbing; every binary operator is left-associative.
    private mutating func binary(minimumPrecedence: Int) throws(ParseError) -> Expr {
        var left = try unary()
        let outerDepth = depth
        defer { depth = outerDepth }
        while let op = binaryOperator(), op.precedence >= minimumPrecedence {
            advance()
            // Each operator deepens the left-leaning tree by one: counted so evaluation stays bounded.
            try enter()
            let right = try binary(minimumPrecedence: op.precedence + 1)
            left = .binary(op, left, right)
        }
        return left
    }

    private mutating func unary() throws(ParseError) -> Expr {
        let op: UnaryOperator? = switch current.kind {
        case .symbol("-"): .minus
        case .symbol("+"): .plus
        case .symbol("!"): .not
        case .symbol("~"): .bitNot
        default: nil
        }
        guard let op else { return try postfix() }
        advance()
        try enter()
        defer { depth -= 1 }
        return .unary(op, try unary())
    }

    private mutating func attributeName(_ expected: String) throws(ParseError) -> String {
        switch current.kind {
        case .identifier(let name), .quotedName(let name):
            advance()
            return name
        default:
            throw unexpected(expected)
        }
    }

    /// postfix := selection ( '?:' ( selection | '-' number ) )*
    ///
    /// As in HTCondor, the else-form binds tighter than every other operator: `-x ?: 2` is
    /// `-(x ?: 2)` and `2 - x ?: 3` is `2 - (x ?: 3)`; its right side is an operand, not an
    /// expression (`x ?: !y` does not parse; a negative number does).
    private mutating func postfix() throws(ParseError) -> Expr {
        var base = try selection()
        let outerDepth = depth
        defer { depth = outerDepth }
        while take("?:") {
            try enter()
            var negative: Expr?
            if isSymbol("-"), position + 1 < tokens.count {
                switch tokens[position + 1].kind {
                case .integer(let i): negative = .literal(.integer(0 &- i))
                case .real(let r): negative = .literal(.real(-r))
                default: break
                }
                if negative != nil { advance(); advance() }
            }
            base = .elvis(base, try selection(startingWith: negative))
        }
        return base
    }

    /// selection := primary ( '.' name | '[' expression ']' )*; `start` stands for an operand
    /// already read (the negative number after `?:`).
    private mutating func selection(startingWith start: Expr? = nil) throws(ParseError) -> Expr {
        var base: Expr
        if let start { base = start } else { base = try primary() }
        while true {
            if take(".") {
                let name = try attributeName("an attribute name after '.'")
                if case .attribute(nil, let scopeName) = base {
                    switch scopeName.lowercased() {
                    case "my": base = .attribute(scope: .my, name: name); continue
                    case "target": base = .attribute(scope: .target, name: name); continue
                    default: break
                    }
                }
                base = .select(base, name)
            } else if take("[") {
                let index = try expression()
                try expect("]", "']' closing the subscript")
                base = .subscript(base, index)
            } else {
                return base
            }
        }
    }

    private mutating func primary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let i):
            advance()
            return .literal(.integer(i))
        case .real(let r):
            advance()
            return .literal(.real(r))
        case .string(let s):
            advance()
            return .literal(.string(s))
        case .quotedName(let name):
            advance()
            return .attribute(scope: nil, name: name)
        case .identifier(let name):
            advance()
            switch name.lowercased() {
            case "true": return .literal(.boolean(true))
            case "false": return .literal(.boolean(false))
            case "undefined": return .literal(.undefined)
            case "error": return .literal(.error)
            case "is", "isnt": throw ParseError.unexpected(found: token.shown, expected: "an operand", line: token.line, column: token.column)
            default: break
            }
            guard take("(") else { return .attribute(scope: nil, name: name) }
            let arguments = try sequence(closing: ")", what: "function argument")
            // `real("INF")`, `real("-INF")`, `real("NaN")` are how HTCondor writes non-finite reals.
            if name.lowercased() == "real", arguments.count == 1, case .literal(.string(let special)) = arguments[0] {
                switch special.uppercased() {
                case "INF": return .literal(.real(.infinity))
                case "-INF": return .literal(.real(-.infinity))
                case "NAN": return .literal(.real(.nan))
                default: break
                }
            }
            return .call(name, arguments)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expect(")", "')'")
            return .parenthesized(inner)
        case .symbol("{"):
            advance()
            return .list(try sequence(closing: "}", what: "list element"))
        case .symbol("["):
            return .record(try bracketedAd())
        default:
            throw unexpected("an operand (literal, attribute, '(', '{' or '[')")
        }
    }

    /// `e1, e2, … closing` (possibly empty); the opening bracket is already consumed.
    private mutating func sequence(closing: String, what: String) throws(ParseError) -> [Expr] {
        var items: [Expr] = []
        if take(closing) { return items }
        while true {
            items.append(try expression())
            if take(closing) { return items }
            try expect(",", "',' or '\(closing)' after a \(what)")
        }
    }

    /// `[ name = expression ; … ]` with an optional final `;`.
    mutating func bracketedAd() throws(ParseError) -> ClassAd {
        try expect("[", "'[' opening an ad")
        try enter()
        defer { depth -= 1 }
        var ad = ClassAd()
        while !take("]") {
            let name = try attributeName("an attribute name or ']'")
            try expect("=", "'=' after attribute name \(name)")
            ad[name] = try expression()
            if take("]") { break }
            try expect(";", "';' or ']' after the value of \(name)")
        }
        return ad
    }

    mutating func adSequence() throws(ParseError) -> [ClassAd] {
        if take("{") {
            var ads: [ClassAd] = []
            if !take("}") {
                while true {
                    ads.append(try bracketedAd())
                    if take("}") { break }
                    try expect(",", "',' or '}' after an ad")
                }
            }
            try expectEnd()
            return ads
        }
        var ads: [ClassAd] = []
        repeat {
            ads.append(try bracketedAd())
            _ = take(",")
        } while current.kind != .end
        return ads
    }
}
