// The regexp dialect on the subset it shares with PCRE, and robustness of parser and evaluator on
// random input.
import Testing
@testable import ClassAd

@Suite("ClassAd regexp and robustness")
struct RegexTests {
    // Expected values computed by classad2 (PyPI htcondor 25.14.1, `ExprTree(text).eval()`), which
    // matches with PCRE2.
    static let cases: [(String, Value)] = [
        ("regexp(\"^abc$\", \"abc\")", .boolean(true)),
        ("regexp(\"^abc$\", \"xabc\")", .boolean(false)),
        ("regexp(\"b\", \"abc\")", .boolean(true)),
        ("regexp(\"^$\", \"\")", .boolean(true)),
        ("regexp(\"a|b|c\", \"zzc\")", .boolean(true)),
        ("regexp(\"(foo|bar)+baz\", \"foobarbaz\")", .boolean(true)),
        ("regexp(\"(foo|bar)+baz\", \"foobaz!\")", .boolean(true)),
        ("regexp(\"colou?r\", \"color\")", .boolean(true)),
        ("regexp(\"colou?r\", \"colouur\")", .boolean(false)),
        ("regexp(\"a{2}\", \"ba\")", .boolean(false)),
        ("regexp(\"a{2}\", \"baab\")", .boolean(true)),
        ("regexp(\"a{2,}\", \"aaa\")", .boolean(true)),
        ("regexp(\"^a{1,2}$\", \"aaa\")", .boolean(false)),
        ("regexp(\"[a-z]+[0-9]\", \"abc9\")", .boolean(true)),
        ("regexp(\"[^a-z]\", \"abc\")", .boolean(false)),
        ("regexp(\"[^a-z]\", \"abC\")", .boolean(true)),
        ("regexp(\"\\\\.\", \"a.b\")", .boolean(true)),
        ("regexp(\"\\\\.\", \"ab\")", .boolean(false)),
        ("regexp(\"\\\\w+@\\\\w+\", \"me@host\")", .boolean(true)),
        ("regexp(\"\\\\s\", \"nospace\")", .boolean(false)),
        ("regexp(\"\\\\S+\", \" x \")", .boolean(true)),
        ("regexp(\"\\\\D\", \"123\")", .boolean(false)),
        ("regexp(\"[[:alpha:]][[:digit:]]\", \"a1\")", .boolean(true)),
        ("regexp(\"[[:upper:]]\", \"abc\")", .boolean(false)),
        ("regexp(\"[[:space:]]\", \"a b\")", .boolean(true)),
        ("regexp(\"ABC\", \"abc\", \"i\")", .boolean(true)),
        ("regexp(\"[A-C]+\", \"abc\", \"i\")", .boolean(true)),
        ("regexp(\"^b\", \"a\\nb\")", .boolean(false)),
        ("regexp(\"^b\", \"a\\nb\", \"m\")", .boolean(true)),
        ("regexp(\"a$\", \"a\\nb\", \"m\")", .boolean(true)),
        ("regexp(\"a.b\", \"a\\nb\", \"s\")", .boolean(true)),
        ("regexp(\"x86_64|amd64\", \"AMD64\", \"i\")", .boolean(true)),
        ("regexp(\"^(?:ab)+$\", \"ababab\")", .boolean(true)),
        ("regexp(\"a.*?b\", \"axxb\")", .boolean(true)),
        ("regexp(\"[]a]\", \"]\")", .boolean(true)),
        ("regexp(\"[a-]\", \"-\")", .boolean(true)),
        ("regexp(\"a{,2}\", \"a{,2}\")", .boolean(true)),
        ("regexp(\"a++b\", \"aab\")", .boolean(true)),
        ("regexp(\"\", \"anything\")", .boolean(true)),
        ("regexp(\"*a\", \"a\")", .error),
        ("regexp(\"a)\", \"a\")", .error),
        ("regexp(\"[a\", \"a\")", .error),
        ("regexp(\"a{3,1}\", \"aaa\")", .error),
    ]

    @Test("matches as classad2 (PCRE) does on the shared subset", arguments: cases)
    func matches(_ text: String, _ expected: Value) throws {
        #expect(try ClassAd.eval(text) == expected, "\(text)")
    }

    @Test("PCRE features outside the dialect are refused (ERROR)", arguments: [
        #"regexp("(a)\\1", "aa")"#, #"regexp("a(?=b)", "ab")"#, #"regexp("\\bword", "word")"#,
        #"regexp("\\p{L}", "a")"#, #"regexp("a{2000}", "a")"#, #"regexp("[[:nope:]]", "a")"#,
    ])
    func refused(_ text: String) throws {
        #expect(try ClassAd.eval(text) == .error)
    }

    /// A small deterministic generator (SplitMix64), so a failure names a reproducible seed.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    @Test("random token soup parses or fails with a ParseError, and what parses evaluates and round-trips")
    func tokenSoup() throws {
        let pieces = ["(", ")", "[", "]", "{", "}", ",", ";", ".", "=", "?", ":", "?:", "+", "-", "*", "/", "%",
                      "&&", "||", "!", "==", "=?=", "is", "isnt", "<", ">=", "a", "MY", "TARGET", "x", "1",
                      "2.5", "\"s\"", "'q'", "true", "undefined", "error", "strcat", "regexp", "size", "9999999999",
                      " ", "\n", "1e999", "\"\\n\"", "/*c*/", "@", "\"", "\\", "é"]
        var random = SplitMix(state: 20_261_124)
        var parsed = 0
        for _ in 0..<5_000 {
            let text = (0..<Int(random.next() % 24)).map { _ in random.pick(pieces) }.joined(separator: random.pick(["", " "]))
            guard let expression = try? ClassAdParser.parseExpression(text) else { continue }
            parsed += 1
            _ = Evaluator(my: try ClassAd(parsing: "[a = x; x = a + 1; MY = 2]")).evaluate(expression)
            #expect(try ClassAdParser.parseExpression(expression.description) == expression, "\(text)")
        }
        #expect(parsed > 100)
    }

    @Test("random byte strings never crash the parser")
    func randomBytes() {
        var random = SplitMix(state: 7)
        for _ in 0..<2_000 {
            let bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? ClassAdParser.parseExpression(text)
            _ = try? ClassAd.parseList(text)
        }
    }
}
