// Differential test against HTCondor's classad2 (PyPI htcondor 25.14.1).
//
// Tests/Interop/classad_diff.py generates random cases and classad2's answers into a JSON file;
// Tests/Interop/classad-test.sh runs it, then this suite with CLASSAD_DIFF_CASES naming the file.
// Without that variable the suite checks the committed corpus (DifferentialCorpus.swift): cases on
// which we once disagreed with classad2, fixed since, kept as regressions.
import Foundation
import Testing
@testable import ClassAd

/// One differential case, as classad_diff.py writes it.
struct DifferentialCase: Decodable, Sendable {
    /// A JSON scalar of the expected value: classad_diff.py writes numbers as exact text.
    enum Scalar: Decodable, Sendable, Equatable {
        case text(String), flag(Bool), count(Int), none

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .none }
            else if let b = try? container.decode(Bool.self) { self = .flag(b) }
            else if let i = try? container.decode(Int.self) { self = .count(i) }
            else { self = .text(try container.decode(String.self)) }
        }
    }

    struct Expected: Decodable, Sendable {
        var type: String?
        var value: Scalar?
        var match: Bool?
        var rank: String?
    }

    var kind: String
    var expr: String?
    var my: String?
    var target: String?
    var a: String?
    var b: String?
    var expected: Expected

    static func eval(_ expr: String, my: String? = nil, target: String? = nil, type: String, value: Scalar) -> Self {
        Self(kind: "eval", expr: expr, my: my, target: target, expected: Expected(type: type, value: value))
    }

    static func match(_ a: String, _ b: String, match: Bool, rank: String) -> Self {
        Self(kind: "match", a: a, b: b, expected: Expected(match: match, rank: rank))
    }

    /// nil when we agree with classad2, else what differs.
    func disagreement() -> String? {
        do {
            if kind == "match" { return try matchDisagreement() }
            return try evalDisagreement()
        } catch {
            return "we fail to parse: \(error)"
        }
    }

    private func evalDisagreement() throws -> String? {
        guard let expr else { return "case without expr" }
        if expected.type == "parse-error" {
            return (try? ClassAdParser.parseExpression(expr)) == nil ? nil : "classad2 refuses to parse, we accept"
        }
        let expression = try ClassAdParser.parseExpression(expr)
        let myAd = try my.map { text throws(ParseError) in try ClassAd(parsing: text) }
        let targetAd = try target.map { text throws(ParseError) in try ClassAd(parsing: text) }
        let value = Evaluator(my: myAd, target: targetAd, unscopedLookup: .myOnly).evaluate(expression)
        let same: Bool = switch (value, expected.value ?? .none) {
        case (.integer(let i), .text(let t)): expected.type == "integer" && String(i) == t
        case (.real(let r), .text(let t)): expected.type == "real" && Self.sameReal(r, t)
        case (.string(let s), .text(let t)): expected.type == "string" && s == t
        case (.boolean(let b), .flag(let f)): expected.type == "boolean" && b == f
        case (.list(let items), .count(let n)): expected.type == "list" && items.count == n
        case (.undefined, .none), (.error, .none), (.classAd, .none): expected.type == value.typeName
        default: false
        }
        return same ? nil : "we answer \(value) (\(value.typeName)), classad2 \(expected.type ?? "?") \(expected.value ?? .none)"
    }

    private static func sameReal(_ r: Double, _ text: String) -> Bool {
        switch text {
        case "nan": return r.isNaN
        case "inf": return r == .infinity
        case "-inf": return r == -.infinity
        default:
            guard let e = Double(text) else { return false }
            return r == e && r.sign == e.sign
        }
    }

    private func matchDisagreement() throws -> String? {
        guard let a, let b, let expectedMatch = expected.match, let expectedRank = expected.rank.flatMap(Double.init) else {
            return "incomplete match case"
        }
        let adA = try ClassAd(parsing: a), adB = try ClassAd(parsing: b)
        let match = Matchmaker.symmetricMatch(adA, adB, unscopedLookup: .myOnly)
        let rank = Matchmaker.rank(adA, adB, unscopedLookup: .myOnly)
        if match != expectedMatch { return "we answer match \(match), classad2 \(expectedMatch)" }
        if rank != expectedRank { return "we rank \(rank), classad2 \(expectedRank)" }
        return nil
    }

    /// The case as a line of DifferentialCorpus.swift, to keep a fixed disagreement as a regression.
    var swiftLiteral: String {
        func quoted(_ s: String?) -> String { s.map { "#\"\($0)\"#" } ?? "nil" }
        if kind == "match" {
            return ".match(\(quoted(a)), \(quoted(b)), match: \(expected.match ?? false), rank: \"\(expected.rank ?? "0.0")\"),"
        }
        let value: String = switch expected.value ?? .none {
        case .text(let t): ".text(\(quoted(t)))"
        case .flag(let f): ".flag(\(f))"
        case .count(let n): ".count(\(n))"
        case .none: ".none"
        }
        return ".eval(\(quoted(expr)), my: \(quoted(my)), target: \(quoted(target)), type: \"\(expected.type ?? "")\", value: \(value)),"
    }
}

@Suite("ClassAd differential against classad2")
struct ClassAdDifferential {
    struct CaseFile: Decodable {
        var seed: UInt64
        var cases: [DifferentialCase]
    }

    @Test("every case agrees with classad2 (generated file from CLASSAD_DIFF_CASES, else the committed corpus)")
    func agrees() throws {
        let cases: [DifferentialCase]
        var origin = "committed corpus"
        if let path = ProcessInfo.processInfo.environment["CLASSAD_DIFF_CASES"] {
            let file = try JSONDecoder().decode(CaseFile.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
            cases = file.cases
            origin = "\(path), seed \(file.seed)"
        } else {
            cases = DifferentialCorpus.cases
        }
        #expect(!cases.isEmpty)
        var disagreements: [String] = []
        for (index, c) in cases.enumerated() {
            if let why = c.disagreement() {
                disagreements.append("case \(index): \(why)\n    \(c.swiftLiteral)")
            }
        }
        let summary = "\(disagreements.count) of \(cases.count) cases disagree (\(origin))"
        print("ClassAdDifferential: " + summary)
        #expect(disagreements.isEmpty, "\(summary):\n\(disagreements.prefix(40).joined(separator: "\n"))")
    }
}
