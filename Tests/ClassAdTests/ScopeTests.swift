// Attribute lookup: scopes, nested ads, cycles, and the bounds on work.
import Testing
@testable import ClassAd

@Suite("ClassAd evaluation scopes")
struct ScopeTests {
    // Expected values computed by classad2 (PyPI htcondor 25.14.1):
    // `classad2.ExprTree(text).simplify(ClassAd(my), ClassAd(target)).eval()`. That library resolves
    // unscoped names in MY only, hence `.myOnly` here.
    static let my = "[a = b; b = a; c = c + 1; d = MY.x; x = 3; y = TARGET.x; z = q; n = [u = 1; v = x; w = u + 1]; l = {x, 2}]"
    static let target = "[x = 7; q = 9; mem = 20; back = TARGET.x; loop = TARGET.loop2; loop2 = 1]"
    static let cases: [(String, Value)] = [
        ("a", .undefined),
        ("c", .undefined),
        ("c + 0", .undefined),
        ("d", .integer(3)),
        ("x", .integer(3)),
        ("y", .integer(7)),
        ("z", .undefined),
        ("TARGET.q", .integer(9)),
        ("MY.q", .undefined),
        ("my.x", .integer(3)),
        ("target.x", .integer(7)),
        ("TARGET.back", .integer(3)),
        ("n.v", .integer(3)),
        ("n.w", .integer(2)),
        ("n.u", .integer(1)),
        ("n.x", .integer(3)),
        ("n[\"v\"]", .integer(3)),
        ("l[0]", .integer(3)),
        ("[u=1].x", .integer(3)),
        ("[x=1].x", .integer(1)),
        ("[u=1; v=x].v", .integer(3)),
        ("size(n)", .integer(3)),
        ("TARGET.mem > 10 && MY.x == 3", .boolean(true)),
        ("isUndefined(TARGET.nothing)", .boolean(true)),
        ("TARGET.loop", .undefined),
    ]

    @Test("lookup as classad2 resolves it", arguments: cases)
    func lookup(_ text: String, _ expected: Value) throws {
        let evaluator = Evaluator(my: try ClassAd(parsing: Self.my), target: try ClassAd(parsing: Self.target), unscopedLookup: .myOnly)
        #expect(evaluator.evaluate(try ClassAdParser.parseExpression(text)) == expected, "\(text)")
    }

    // classad2: `ExprTree("n").simplify(ClassAd(text), ClassAd()).eval()` is TRUE. The same name `p`
    // evaluated in two different nested ads at once is no cycle.
    @Test("a name met again in another ad is not a cycle")
    func sameNameOtherAd() throws {
        let ad = try ClassAd(parsing: "[a = [p = TRUE; q = 1].p; n = [p = [p = undefined; q = 2].a; q = 3].p]")
        #expect(Evaluator(my: ad, target: ClassAd(), unscopedLookup: .myOnly).evaluate(attribute: "n") == .boolean(true))
    }

    @Test("unscoped names fall back to TARGET by default, as HTCondor's daemons resolve them")
    func fallback() throws {
        let evaluator = Evaluator(my: try ClassAd(parsing: Self.my), target: try ClassAd(parsing: Self.target))
        #expect(evaluator.evaluate(try ClassAdParser.parseExpression("z")) == .integer(9))
        #expect(evaluator.evaluate(try ClassAdParser.parseExpression("mem * 2")) == .integer(40))
        // MY still wins over TARGET.
        #expect(evaluator.evaluate(try ClassAdParser.parseExpression("x")) == .integer(3))
        #expect(evaluator.evaluate(try ClassAdParser.parseExpression("nothing")) == .undefined)
    }

    @Test("attribute names ignore case")
    func caseInsensitiveNames() throws {
        let ad = try ClassAd(parsing: "[Memory = 2048; ARCH = \"x86_64\"]")
        #expect(try ClassAd.eval("memory + 1", ad: ad) == .integer(2049))
        #expect(try ClassAd.eval("MY.arch == \"X86_64\"", ad: ad) == .boolean(true))
    }

    @Test("work is bounded: exponential and deep reference chains end in ERROR")
    func bounded() throws {
        // a0 = 1; a_k = a_{k-1} + a_{k-1}: 2^60 steps if evaluated naively.
        var ad = ClassAd([("a0", .literal(.integer(1)))])
        for k in 1...60 {
            ad["a\(k)"] = .binary(.add, .attribute(scope: nil, name: "a\(k - 1)"), .attribute(scope: nil, name: "a\(k - 1)"))
        }
        #expect(Evaluator(my: ad).evaluate(attribute: "a60") == .error)
        #expect(Evaluator(my: ad).evaluate(attribute: "a10") == .integer(1024))
        // A chain of 5,000 references is deeper than the evaluator goes.
        var chain = ClassAd([("b0", .literal(.integer(1)))])
        for k in 1...5_000 {
            chain["b\(k)"] = .binary(.add, .attribute(scope: nil, name: "b\(k - 1)"), .literal(.integer(1)))
        }
        #expect(Evaluator(my: chain).evaluate(attribute: "b5000") == .error)
        #expect(Evaluator(my: chain).evaluate(attribute: "b100") == .integer(101))
        // strcat doubling: the string outgrows the size limit.
        var strings = ClassAd([("s0", .literal(.string("xxxxxxxx")))])
        for k in 1...40 {
            strings["s\(k)"] = .call("strcat", [.attribute(scope: nil, name: "s\(k - 1)"), .attribute(scope: nil, name: "s\(k - 1)")])
        }
        #expect(Evaluator(my: strings).evaluate(attribute: "s40") == .error)
    }

    @Test("regexp work is bounded: no catastrophic backtracking")
    func regexBounded() throws {
        let subject = String(repeating: "a", count: 5_000)
        #expect(try ClassAd.eval("regexp(\"^(a*)*(a|b)*c$\", \"\(subject)\")") == .boolean(false))
        #expect(try ClassAd.eval("regexp(\"(a?){1000}a{1000}\", \"\(subject)\")") == .error)
        #expect(try ClassAd.eval("regexp(\"(a|aa)+$\", \"\(subject)\")") == .boolean(true))
        #expect(try ClassAd.eval("regexp(\"(a)\\\\1\", \"aa\")") == .error) // back-references refused
    }
}
