// The parser: grammar, text form round trip, and errors that name line, column and expectation.
import Testing
@testable import ClassAd

@Suite("ClassAd parser")
struct ParserTests {
    @Test("precedence and associativity")
    func precedence() throws {
        #expect(try ClassAdParser.parseExpression("1 + 2 * 3")
            == .binary(.add, .literal(.integer(1)), .binary(.multiply, .literal(.integer(2)), .literal(.integer(3)))))
        #expect(try ClassAdParser.parseExpression("10 - 2 - 3")
            == .binary(.subtract, .binary(.subtract, .literal(.integer(10)), .literal(.integer(2))), .literal(.integer(3))))
        #expect(try ClassAdParser.parseExpression("a || b && c")
            == .binary(.or, .attribute(scope: nil, name: "a"),
                       .binary(.and, .attribute(scope: nil, name: "b"), .attribute(scope: nil, name: "c"))))
        #expect(try ClassAdParser.parseExpression("a ? b : c ? d : e")
            == .conditional(.attribute(scope: nil, name: "a"), .attribute(scope: nil, name: "b"),
                            .conditional(.attribute(scope: nil, name: "c"), .attribute(scope: nil, name: "d"),
                                         .attribute(scope: nil, name: "e"))))
        #expect(try ClassAdParser.parseExpression("x ?: 3") == .elvis(.attribute(scope: nil, name: "x"), .literal(.integer(3))))
        // The else-form binds tighter than unary operators, as in classad2: `-x ?: 2` is `-(x ?: 2)`.
        #expect(try ClassAdParser.parseExpression("-x ?: 2") == .unary(.minus, .elvis(.attribute(scope: nil, name: "x"), .literal(.integer(2)))))
        #expect(try ClassAdParser.parseExpression("x ?: -2") == .elvis(.attribute(scope: nil, name: "x"), .literal(.integer(-2))))
        #expect(try ClassAdParser.parseExpression("x is undefined") == .binary(.identical, .attribute(scope: nil, name: "x"), .literal(.undefined)))
        #expect(try ClassAdParser.parseExpression("x ISNT 1") == .binary(.notIdentical, .attribute(scope: nil, name: "x"), .literal(.integer(1))))
    }

    @Test("scopes, selection, subscripts, calls, quoted names")
    func references() throws {
        #expect(try ClassAdParser.parseExpression("MY.a") == .attribute(scope: .my, name: "a"))
        #expect(try ClassAdParser.parseExpression("target.Memory") == .attribute(scope: .target, name: "Memory"))
        #expect(try ClassAdParser.parseExpression("a.b") == .select(.attribute(scope: nil, name: "a"), "b"))
        #expect(try ClassAdParser.parseExpression("l[0]") == .subscript(.attribute(scope: nil, name: "l"), .literal(.integer(0))))
        #expect(try ClassAdParser.parseExpression("strcat(\"a\", 1)") == .call("strcat", [.literal(.string("a")), .literal(.integer(1))]))
        #expect(try ClassAdParser.parseExpression("'odd name'") == .attribute(scope: nil, name: "odd name"))
    }

    @Test("ads and lists of ads")
    func ads() throws {
        let ad = try ClassAd(parsing: "[ a = 1; B = \"x\"; l = {1, 2.5}; n = [c = 2]; ]")
        #expect(ad.names == ["a", "B", "l", "n"])
        #expect(ad["b"] == .literal(.string("x")))
        #expect(ad["N"] == .record(ClassAd([("c", .literal(.integer(2)))])))
        #expect(try ClassAd.parseList("{ [a = 1], [b = 2] }").count == 2)
        #expect(try ClassAd.parseList("[a = 1] [b = 2]").count == 2)
        #expect(try ClassAd.parseList("[a = 1]").count == 1)
        #expect(try ClassAd.parseList("{ }").isEmpty)
    }

    // The text forms expected here are those classad2 prints (`str(classad2.ExprTree(text))`).
    @Test("text form as HTCondor writes it", arguments: [
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("x =?= y || a is b", "x is y || a is b"),
        ("1.5", "1.500000000000000E+00"),
        ("1e400", "real(\"INF\")"),
        ("\"a\\\"\\n\"", "\"a\\\"\\n\""),
        ("{1,2}", "{ 1,2 }"),
        ("[a=1;b=2]", "[ a = 1; b = 2 ]"),
    ])
    func textForm(_ text: String, _ expected: String) throws {
        #expect(try ClassAdParser.parseExpression(text).description == expected)
    }

    @Test("printing then parsing gives the same expression", arguments: [
        "a && (b || !c) ? {1, \"x\", [q = 2]} : MY.z.w[3] ?: (-(-1)) ?: -2.5",
        "- -1 + - 1.5 * x",
        "'odd name' + TARGET.'x y' + is_it",
        "(a ? b : c) ?: d",
        "-(x ?: 2) ?: (1 + 2) ?: (-3)",
        "10 ?: -14[1] ?: -1.5[\"p\"].q",
        "strcat(\"\\\\\", 'q\\'')",
    ])
    func roundTrip(_ text: String) throws {
        let expression = try ClassAdParser.parseExpression(text)
        #expect(try ClassAdParser.parseExpression(expression.description) == expression)
    }

    @Test("errors name line, column and what was expected")
    func errors() {
        #expect(throws: ParseError.unexpected(found: "end of input", expected: "an operand (literal, attribute, '(', '{' or '[')", line: 1, column: 4)) {
            try ClassAdParser.parseExpression("1 +")
        }
        #expect(throws: ParseError.unexpected(found: "'b'", expected: "';' or ']' after the value of a", line: 2, column: 3)) {
            try ClassAdParser.parseAd("[a = 1\n  b = 2]")
        }
        #expect(throws: ParseError.unexpected(found: "integer 2", expected: "':' of the conditional expression", line: 1, column: 7)) {
            try ClassAdParser.parseExpression("a ? 1 2")
        }
        #expect(throws: ParseError.unterminatedString(line: 1, column: 5)) { try ClassAdParser.parseExpression("1 + \"abc") }
        #expect(throws: ParseError.invalidCharacter("'#'", line: 1, column: 3)) { try ClassAdParser.parseExpression("1 # 2") }
        #expect(throws: ParseError.invalidEscape("q", line: 1, column: 3)) { try ClassAdParser.parseExpression("\"a\\q\"") }
        #expect(throws: ParseError.integerOutOfRange("99999999999999999999", line: 1, column: 1)) {
            try ClassAdParser.parseExpression("99999999999999999999")
        }
        #expect(throws: ParseError.unexpected(found: "'x'", expected: "end of input", line: 1, column: 3)) {
            try ClassAdParser.parseExpression("1 x")
        }
        // classad2 refuses these too: the right side of `?:` is an operand.
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression("x ?: !y") }
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression("x ?: +1") }
        let message = ParseError.unexpected(found: "'b'", expected: "';'", line: 2, column: 3).description
        #expect(message == "ClassAd parse error at line 2, column 3: expected ';', found 'b'")
    }

    @Test("deep nesting, huge inputs and long literals end in an error, not a crash")
    func bounded() throws {
        let depth = 20_000
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)) }
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(String(repeating: "-", count: depth) + "1") }
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(String(repeating: "{", count: depth)) }
        #expect(throws: ParseError.self) { try ClassAdParser.parseAd(String(repeating: "[a=", count: depth)) }
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(String(repeating: "a ? ", count: depth) + "1") }
        #expect(throws: ParseError.inputTooLarge(bytes: (1 << 20) + 3, limit: 1 << 20)) {
            try ClassAdParser.parseExpression("\"" + String(repeating: "x", count: 1 << 20) + "\" ")
        }
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(String(repeating: "9", count: 5000)) }
        // The deepest accepted nesting parses, evaluates, prints and compares without exhausting the stack.
        let deep = String(repeating: "(-", count: 240) + "1" + String(repeating: ")", count: 240)
        let deepExpression = try ClassAdParser.parseExpression(deep)
        #expect(Evaluator().evaluate(deepExpression) == .integer(1))
        #expect(try ClassAdParser.parseExpression(deepExpression.description) == deepExpression)
        // A chain of operators is a tree as deep as it is long: 400 parse, 10,000 do not.
        #expect(try ClassAd.eval(Array(repeating: "1", count: 400).joined(separator: " + ")) == .integer(400))
        #expect(throws: ParseError.self) { try ClassAdParser.parseExpression(Array(repeating: "1", count: 10_000).joined(separator: " && ")) }
    }
}
