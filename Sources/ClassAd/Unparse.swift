// The ClassAd text form of values and expressions (HTCondor's "unparse").
import Foundation

extension Value: CustomStringConvertible {
    /// The value in ClassAd text form: `1`, `1.500000000000000E+00`, `"x"`, `{ 1,2 }`, `[ a = 1 ]`.
    public var description: String {
        var out = ""
        Unparser.value(self, into: &out)
        return out
    }
}

extension Expr: CustomStringConvertible {
    /// The expression in ClassAd text form; parsing it gives back an equal expression.
    public var description: String {
        var out = ""
        Unparser.expression(self, into: &out)
        return out
    }
}

extension ClassAd: CustomStringConvertible {
    /// The ad in ClassAd text form, `[ name = expression; … ]`.
    public var description: String {
        var out = ""
        Unparser.ad(self, into: &out)
        return out
    }
}

enum Unparser {
    private static let keywords: Set<String> = ["true", "false", "undefined", "error", "is", "isnt", "my", "target"]

    /// HTCondor's form of a real: `%.15E`, with `0.0`, `-0.0`, `real("INF")`, `real("NaN")` apart.
    static func real(_ r: Double) -> String {
        if r.isNaN { return "real(\"NaN\")" }
        if r.isInfinite { return r > 0 ? "real(\"INF\")" : "real(\"-INF\")" }
        if r == 0 { return r.sign == .minus ? "-0.0" : "0.0" }
        return String(format: "%.15E", r)
    }

    static func quote(_ s: String, with quote: Character) -> String {
        var out = String(quote)
        for character in s.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if Character(character) == quote { out += "\\" }
                out.unicodeScalars.append(character)
            }
        }
        out.append(quote)
        return out
    }

    static func name(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let isIdentifier = !bytes.isEmpty && bytes.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || (b >= 0x30 && b <= 0x39)
        } && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
        return isIdentifier && !keywords.contains(name.lowercased()) ? name : quote(name, with: "'")
    }

    static func value(_ value: Value, into out: inout String) {
        switch value {
        case .undefined: out += "undefined"
        case .error: out += "error"
        case .boolean(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .real(let r): out += real(r)
        case .string(let s): out += quote(s, with: "\"")
        case .list(let items):
            out += "{ "
            for (position, item) in items.enumerated() {
                if position > 0 { out += "," }
                Self.value(item, into: &out)
            }
            out += " }"
        case .classAd(let ad): Self.ad(ad, into: &out)
        }
    }

    static func ad(_ ad: ClassAd, into out: inout String) {
        out += "[ "
        for (position, attribute) in ad.attributes.enumerated() {
            if position > 0 { out += "; " }
            out += name(attribute.name)
            out += " = "
            expression(attribute.expression, into: &out)
        }
        out += " ]"
    }

    static func expression(_ expression: Expr, into out: inout String) {
        switch expression {
        case .literal(let v): value(v, into: &out)
        case .attribute(let scope, let attribute):
            switch scope {
            case .my: out += "MY."
            case .target: out += "TARGET."
            case nil: break
            }
            out += name(attribute)
        case .select(let base, let attribute):
            Self.expression(base, into: &out)
            out += "."
            out += name(attribute)
        case .subscript(let base, let index):
            Self.expression(base, into: &out)
            out += "["
            Self.expression(index, into: &out)
            out += "]"
        case .list(let items):
            out += "{ "
            for (position, item) in items.enumerated() {
                if position > 0 { out += "," }
                Self.expression(item, into: &out)
            }
            out += " }"
        case .record(let nested): ad(nested, into: &out)
        case .unary(let op, let operand):
            out += op.rawValue
            // A space keeps `- -1` from reading as a different token sequence.
            if case .unary = operand { out += " " }
            if case .literal(.integer(let i)) = operand, i < 0 { out += " " }
            if case .literal(.real(let r)) = operand, r.sign == .minus { out += " " }
            Self.expression(operand, into: &out)
        case .binary(let op, let left, let right):
            // Operands are written as parsed: `.parenthesized` nodes keep the grouping the source had;
            // trees built by hand get parentheses where precedence needs them.
            operand(left, under: op, isRight: false, into: &out)
            // HTCondor writes `=?=` and `=!=` as `is` and `isnt`.
            let spelling = switch op {
            case .identical: "is"
            case .notIdentical: "isnt"
            default: op.rawValue
            }
            out += " \(spelling) "
            operand(right, under: op, isRight: true, into: &out)
        case .conditional(let condition, let then, let otherwise):
            grouped(condition, into: &out)
            out += " ? "
            Self.expression(then, into: &out)
            out += " : "
            Self.expression(otherwise, into: &out)
        case .elvis(let value, let fallback):
            // `?:` binds tighter than any operator: only operands go bare on either side.
            operandOfElvis(value, into: &out)
            out += " ?: "
            if case .elvis = fallback {
                out += "("
                Self.expression(fallback, into: &out)
                out += ")"
            } else if case .literal(.integer(let i)) = fallback, i < 0 {
                out += String(i) // `x ?: -1` parses back to the same negative literal.
            } else if case .literal(.real(let r)) = fallback, r.sign == .minus, r.isFinite {
                out += real(r)
            } else {
                operandOfElvis(fallback, into: &out)
            }
        case .call(let function, let arguments):
            out += function
            out += "("
            for (position, argument) in arguments.enumerated() {
                if position > 0 { out += "," }
                Self.expression(argument, into: &out)
            }
            out += ")"
        case .parenthesized(let inner):
            out += "("
            Self.expression(inner, into: &out)
            out += ")"
        }
    }

    private static func operandOfElvis(_ expression: Expr, into out: inout String) {
        switch expression {
        case .literal(.integer(let i)) where i < 0: out += "(\(i))"
        case .literal(.real(let r)) where r.sign == .minus: out += "(" + real(r) + ")"
        case .literal, .attribute, .select, .subscript, .list, .record, .call, .parenthesized, .elvis:
            Self.expression(expression, into: &out)
        default:
            out += "("
            Self.expression(expression, into: &out)
            out += ")"
        }
    }

    private static func grouped(_ expression: Expr, into out: inout String) {
        switch expression {
        case .conditional:
            out += "("
            Self.expression(expression, into: &out)
            out += ")"
        default:
            Self.expression(expression, into: &out)
        }
    }

    private static func operand(_ expression: Expr, under op: BinaryOperator, isRight: Bool, into out: inout String) {
        let needsParentheses: Bool = switch expression {
        case .binary(let inner, _, _): inner.precedence < op.precedence || (isRight && inner.precedence == op.precedence)
        case .conditional: true
        default: false
        }
        if needsParentheses { out += "(" }
        Self.expression(expression, into: &out)
        if needsParentheses { out += ")" }
    }
}

