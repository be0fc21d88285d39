// One-call entry points for tools: evaluate a text, parse ads, render `{"value","type"}` JSON.

extension ClassAd {
    /// Parses one ad in text form `[ name = expression; … ]`.
    public init(parsing text: String) throws(ParseError) {
        self = try ClassAdParser.parseAd(text)
    }

    /// Parses ads in text form: one ad, a list `{ [ … ], [ … ] }`, or ads one after another.
    public static func parseList(_ text: String) throws(ParseError) -> [ClassAd] {
        try ClassAdParser.parseAds(text)
    }

    /// Parses and evaluates `text` with MY = `ad` and TARGET = `target`.
    public static func eval(_ text: String, ad: ClassAd? = nil, target: ClassAd? = nil,
                            unscopedLookup: UnscopedLookup = .myThenTarget) throws(ParseError) -> Value {
        let expression = try ClassAdParser.parseExpression(text)
        return Evaluator(my: ad, target: target, unscopedLookup: unscopedLookup).evaluate(expression)
    }
}

extension Value {
    /// The value as JSON `{"value": …, "type": "…"}`: numbers, strings and booleans as JSON values,
    /// UNDEFINED and ERROR as null, lists as arrays of such objects, ads as their text form;
    /// non-finite reals as their ClassAd text (`real("INF")`).
    public var json: String {
        var out = "{\"value\":"
        switch self {
        case .undefined, .error: out += "null"
        case .boolean(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .real(let r): out += r.isFinite ? JSONText.real(r) : JSONText.string(Unparser.real(r))
        case .string(let s): out += JSONText.string(s)
        case .list(let items): out += "[" + items.map(\.json).joined(separator: ",") + "]"
        case .classAd(let ad): out += JSONText.string(ad.description)
        }
        out += ",\"type\":\"\(typeName)\"}"
        return out
    }
}

extension MatchResult {
    /// `{"index": …, "match": …, "rank": …}`; an infinite rank (JSON has none) is null.
    public var json: String {
        "{\"index\":\(index),\"match\":\(matches),\"rank\":\(rank.isFinite ? JSONText.real(rank) : "null")}"
    }
}

extension MatchExplanation {
    /// The analysis as JSON: `{"machines": n, "matching": n, "rejectedByMachines": n,
    /// "jobHasRequirements": b, "clauses": [{"expression","rejected","undefined","error"}],
    /// "machineClauses": [same], "machinesWithoutRequirements": n,
    /// "perMachine": [{"index","match","failedClauses","machineAccepts"}]}`.
    public var json: String {
        func object(_ clause: Clause) -> String {
            "{\"expression\":\(JSONText.string(clause.expression)),\"rejected\":\(clause.rejected),\"undefined\":\(clause.undefined),\"error\":\(clause.error)}"
        }
        let clauseObjects = clauses.map(object)
        let machineObjects = machines.map {
            "{\"index\":\($0.index),\"match\":\($0.matches),\"failedClauses\":[\($0.failedClauses.map(String.init).joined(separator: ","))],\"machineAccepts\":\($0.machineAccepts)}"
        }
        return "{\"machines\":\(machines.count),\"matching\":\(matching),\"rejectedByMachines\":\(rejectedByMachines),"
            + "\"jobHasRequirements\":\(jobHasRequirements),\"clauses\":[\(clauseObjects.joined(separator: ","))],"
            + "\"machineClauses\":[\(machineClauses.map(object).joined(separator: ","))],"
            + "\"machinesWithoutRequirements\":\(machinesWithoutRequirements),"
            + "\"perMachine\":[\(machineObjects.joined(separator: ","))]}"
    }
}

enum JSONText {
    /// A finite double in a form JSON parsers read back exactly (Swift's shortest round-trip text).
    static func real(_ r: Double) -> String {
        let text = "\(r)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
