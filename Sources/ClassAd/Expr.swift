// The abstract syntax of ClassAd expressions.

/// Which ad an attribute reference names explicitly.
public enum Scope: Sendable, Equatable {
    /// `MY.name`: the ad holding the expression.
    case my
    /// `TARGET.name`: the other ad of a match.
    case target
}

/// Unary operators.
public enum UnaryOperator: String, Sendable, Equatable {
    /// Arithmetic identity `+x`.
    case plus = "+"
    /// Arithmetic negation `-x`.
    case minus = "-"
    /// Logical negation `!x`.
    case not = "!"
    /// Bitwise complement `~x`.
    case bitNot = "~"
}

/// Binary operators, with their ClassAd spelling.
public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    case or = "||", and = "&&"
    case bitOr = "|", bitXor = "^", bitAnd = "&"
    case equal = "==", notEqual = "!=", identical = "=?=", notIdentical = "=!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case shiftLeft = "<<", shiftRight = ">>", shiftRightUnsigned = ">>>"
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"

    /// Binding strength: a higher number binds tighter.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .bitOr: 3
        case .bitXor: 4
        case .bitAnd: 5
        case .equal, .notEqual, .identical, .notIdentical: 6
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 7
        case .shiftLeft, .shiftRight, .shiftRightUnsigned: 8
        case .add, .subtract: 9
        case .multiply, .divide, .modulo: 10
        }
    }
}

/// A ClassAd expression.
public indirect enum Expr: Sendable, Equatable {
    /// A literal value (integer, real, string, boolean, UNDEFINED, ERROR).
    case literal(Value)
    /// An attribute reference, unscoped or `MY.` / `TARGET.` scoped.
    case attribute(scope: Scope?, name: String)
    /// `expression.name`: an attribute of the ad the expression evaluates to.
    case select(Expr, String)
    /// `expression[index]`: a list element or an ad attribute.
    case `subscript`(Expr, Expr)
    /// A list literal `{ a, b }`.
    case list([Expr])
    /// A nested ad `[ a = 1; b = "x" ]`.
    case record(ClassAd)
    /// A unary operation.
    case unary(UnaryOperator, Expr)
    /// A binary operation.
    case binary(BinaryOperator, Expr, Expr)
    /// `condition ? then : else`.
    case conditional(Expr, Expr, Expr)
    /// `value ?: fallback`: the fallback when value is UNDEFINED.
    case elvis(Expr, Expr)
    /// A function call (name as written; matched ignoring case).
    case call(String, [Expr])
    /// `( expression )`, kept so that the text form reads as written.
    case parenthesized(Expr)
}
