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
    /// Logical or, three-valued: TRUE wins over UNDEFINED.
    case or = "||"
    /// Logical and, three-valued: FALSE wins over UNDEFINED.
    case and = "&&"
    /// Bitwise or on integers.
    case bitOr = "|"
    /// Bitwise exclusive or on integers.
    case bitXor = "^"
    /// Bitwise and on integers.
    case bitAnd = "&"
    /// Equality; strings compare ignoring case; UNDEFINED if either side is.
    case equal = "=="
    /// Inequality; strings compare ignoring case; UNDEFINED if either side is.
    case notEqual = "!="
    /// Identity (`=?=`, `is`): same type and value, never UNDEFINED; strings keep case.
    case identical = "=?="
    /// Non-identity (`=!=`, `isnt`).
    case notIdentical = "=!="
    /// Less than.
    case less = "<"
    /// Less than or equal.
    case lessOrEqual = "<="
    /// Greater than.
    case greater = ">"
    /// Greater than or equal.
    case greaterOrEqual = ">="
    /// Left shift on integers.
    case shiftLeft = "<<"
    /// Arithmetic right shift on integers.
    case shiftRight = ">>"
    /// Logical right shift on integers.
    case shiftRightUnsigned = ">>>"
    /// Addition (integers wrap around).
    case add = "+"
    /// Subtraction (integers wrap around).
    case subtract = "-"
    /// Multiplication (integers wrap around).
    case multiply = "*"
    /// Division; by zero is ERROR; integers truncate.
    case divide = "/"
    /// Remainder on integers (sign of the dividend); by zero is ERROR; on reals ERROR.
    case modulo = "%"

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
