// The values of the ClassAd language and the ClassAd record itself (see docs/classad.md).

/// A ClassAd value: the result of evaluating an expression.
///
/// Lists hold evaluated values; a nested ad keeps its attributes as expressions, evaluated on demand
/// in the scope where the ad was met (HTCondor's lazy semantics).
public enum Value: Sendable, Equatable {
    /// No value: an attribute that is absent, or an operation over absent operands.
    case undefined
    /// An operation that makes no sense (a type mismatch, division by zero, a bad call).
    case error
    /// `true` or `false`.
    case boolean(Bool)
    /// A 64-bit signed integer; arithmetic wraps around as in HTCondor (C++ int64 on two's complement).
    case integer(Int64)
    /// A double-precision real.
    case real(Double)
    /// A string (case kept; `==` compares it ignoring case).
    case string(String)
    /// A list of values.
    case list([Value])
    /// A nested ad.
    case classAd(ClassAd)

    /// The type name used in the `{"value","type"}` JSON form.
    public var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .error: "error"
        case .boolean: "boolean"
        case .integer: "integer"
        case .real: "real"
        case .string: "string"
        case .list: "list"
        case .classAd: "classad"
        }
    }

    /// Whether this value is TRUE in the sense of a match: the boolean `true` or a non-zero number.
    public var isTrueForMatch: Bool {
        switch self {
        case .boolean(let b): b
        case .integer(let i): i != 0
        case .real(let r): r != 0 && !r.isNaN
        default: false
        }
    }
}

/// A ClassAd: attribute names (case-insensitive, first spelling kept) bound to expressions.
public struct ClassAd: Sendable, Equatable {
    /// An object whose identity names this ad (and its copies) for cycle detection during evaluation.
    final class Identity: Sendable {}

    /// Shared by copies; a reference back to an attribute of the same ad being evaluated is a cycle.
    private(set) var identity = Identity()
    /// The attributes in the order they were defined, with their spelling as written.
    public private(set) var attributes: [(name: String, expression: Expr)] = []
    /// Lower-cased name → index into `attributes`.
    private var index: [String: Int] = [:]

    /// An empty ad.
    public init() {}

    /// An ad with these attributes, in order; a later binding of a name replaces an earlier one.
    public init(_ attributes: [(String, Expr)]) {
        for (name, expression) in attributes { self[name] = expression }
    }

    /// The expression bound to `name` (case-insensitive), or nil.
    public subscript(name: String) -> Expr? {
        get { index[name.lowercased()].map { attributes[$0].expression } }
        set {
            let key = name.lowercased()
            if let position = index[key] {
                if let newValue {
                    attributes[position].expression = newValue
                } else {
                    attributes.remove(at: position)
                    rebuildIndex()
                }
            } else if let newValue {
                index[key] = attributes.count
                attributes.append((name, newValue))
            }
        }
    }

    /// The number of attributes.
    public var count: Int { attributes.count }

    /// The attribute names, in definition order.
    public var names: [String] { attributes.map(\.name) }

    private mutating func rebuildIndex() {
        index = [:]
        for (position, attribute) in attributes.enumerated() { index[attribute.name.lowercased()] = position }
    }

    /// Ads are equal when they bind the same names (ignoring case and order) to equal expressions.
    public static func == (lhs: ClassAd, rhs: ClassAd) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (name, expression) in lhs.attributes where rhs[name] != expression { return false }
        return true
    }
}
