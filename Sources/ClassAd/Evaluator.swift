// Evaluation of ClassAd expressions with HTCondor's semantics (see docs/classad.md).

/// How an unscoped attribute reference is resolved once nested ads and MY have no binding for it.
public enum UnscopedLookup: Sendable, Equatable {
    /// Then TARGET, as HTCondor's daemons resolve Requirements and Rank (the default).
    case myThenTarget
    /// Only MY (and the ads enclosing the reference), as the bare `classad` library does.
    case myOnly
}

/// The limits that keep an evaluation's work bounded; past them the result is ERROR.
public struct EvaluationLimits: Sendable, Equatable {
    /// The most evaluation steps (one per node visited).
    public var maximumSteps: Int
    /// The deepest chain of nested evaluations (attribute references included).
    public var maximumDepth: Int
    /// The longest string or list a function may build, in bytes or elements.
    public var maximumSize: Int

    /// Limits for one evaluation.
    public init(maximumSteps: Int = 1_000_000, maximumDepth: Int = 1_000, maximumSize: Int = 1 << 20) {
        self.maximumSteps = maximumSteps
        self.maximumDepth = maximumDepth
        self.maximumSize = maximumSize
    }
}

/// Evaluates expressions in the scope of one ad (MY) and optionally a second (TARGET).
public struct Evaluator: Sendable {
    /// The ad an expression belongs to (MY).
    public var my: ClassAd?
    /// The other ad of a match (TARGET).
    public var target: ClassAd?
    /// Where unscoped references look after MY.
    public var unscopedLookup: UnscopedLookup
    /// Bounds on work, depth and sizes.
    public var limits: EvaluationLimits

    /// An evaluator with MY = `my` and TARGET = `target`.
    public init(my: ClassAd? = nil, target: ClassAd? = nil, unscopedLookup: UnscopedLookup = .myThenTarget,
                limits: EvaluationLimits = EvaluationLimits()) {
        self.my = my
        self.target = target
        self.unscopedLookup = unscopedLookup
        self.limits = limits
    }

    /// The value of `expression` with MY and TARGET as set.
    public func evaluate(_ expression: Expr) -> Value {
        let run = Evaluation(left: my, right: target, lookup: unscopedLookup, limits: limits)
        return run.evaluate(expression, Context(side: .left, nested: []))
    }

    /// The value of MY's attribute `name` (UNDEFINED when MY has none).
    public func evaluate(attribute name: String) -> Value {
        evaluate(.attribute(scope: .my, name: name))
    }
}

/// Which root ad plays MY: the left one (the evaluator's `my`) or the right one (its `target`).
enum Side: Hashable { case left, right }

/// Where an expression is being evaluated: its root side and the nested ads enclosing it.
struct Context {
    var side: Side
    /// The enclosing nested ads, innermost first.
    var nested: [ClassAd]
}

/// One evaluation's mutable state: its work counter and the attributes being evaluated (cycles).
final class Evaluation {
    struct ActiveAttribute: Hashable {
        var side: Side
        var ad: ObjectIdentifier
        var nesting: Int
        var name: String
    }

    let left: ClassAd?
    let right: ClassAd?
    let lookup: UnscopedLookup
    let limits: EvaluationLimits
    private var steps = 0
    private var depth = 0
    private var exhausted = false
    private var active: Set<ActiveAttribute> = []

    init(left: ClassAd?, right: ClassAd?, lookup: UnscopedLookup, limits: EvaluationLimits) {
        self.left = left
        self.right = right
        self.lookup = lookup
        self.limits = limits
    }

    func root(_ side: Side) -> ClassAd? { side == .left ? left : right }

    func evaluate(_ expression: Expr, _ context: Context) -> Value {
        if exhausted { return .error }
        steps += 1
        depth += 1
        defer { depth -= 1 }
        guard steps <= limits.maximumSteps, depth <= limits.maximumDepth else {
            exhausted = true
            return .error
        }
        switch expression {
        case .literal(let value):
            return value
        case .parenthesized(let inner):
            return evaluate(inner, context)
        case .attribute(let scope, let name):
            return reference(scope: scope, name: name, context)
        case .select(let base, let name):
            switch evaluate(base, context) {
            case .classAd(let ad): return attribute(name, of: ad, context)
            case .undefined: return .undefined
            default: return .error
            }
        case .subscript(let base, let index):
            return subscriptValue(evaluate(base, context), evaluate(index, context), context)
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(evaluate(item, context)) }
            return .list(values)
        case .record(let ad):
            return .classAd(ad)
        case .unary(let op, let operand):
            return Operators.unary(op, evaluate(operand, context))
        case .binary(.and, let l, let r):
            return logicalAnd(l, r, context)
        case .binary(.or, let l, let r):
            return logicalOr(l, r, context)
        case .binary(let op, let l, let r):
            return Operators.binary(op, evaluate(l, context), evaluate(r, context))
        case .conditional(let condition, let then, let otherwise):
            switch Operators.truth(evaluate(condition, context)) {
            case .value(true): return evaluate(then, context)
            case .value(false): return evaluate(otherwise, context)
            case .undefined: return .undefined
            case .error: return .error
            }
        case .elvis(let value, let fallback):
            let first = evaluate(value, context)
            return first == .undefined ? evaluate(fallback, context) : first
        case .call(let name, let arguments):
            return Functions.call(name, arguments, context, self)
        }
    }

    private func reference(scope: Scope?, name: String, _ context: Context) -> Value {
        switch scope {
        case .my:
            return rootAttribute(name, side: context.side)
        case .target:
            return rootAttribute(name, side: context.side == .left ? .right : .left)
        case nil:
            for (level, ad) in context.nested.enumerated() {
                if let expression = ad[name] {
                    let inner = Context(side: context.side, nested: Array(context.nested[level...]))
                    return guarded(expression, of: ad, name: name, inner)
                }
            }
            if let ad = root(context.side), let expression = ad[name] {
                return guarded(expression, of: ad, name: name, Context(side: context.side, nested: []))
            }
            if lookup == .myThenTarget {
                let other: Side = context.side == .left ? .right : .left
                if let ad = root(other), let expression = ad[name] {
                    return guarded(expression, of: ad, name: name, Context(side: other, nested: []))
                }
            }
            return .undefined
        }
    }

    private func rootAttribute(_ name: String, side: Side) -> Value {
        guard let ad = root(side), let expression = ad[name] else { return .undefined }
        return guarded(expression, of: ad, name: name, Context(side: side, nested: []))
    }

    /// An attribute of a nested ad value, looked up with that ad as the innermost scope: like
    /// HTCondor, a name the ad lacks is then looked for in the enclosing scopes.
    func attribute(_ name: String, of ad: ClassAd, _ context: Context) -> Value {
        reference(scope: nil, name: name, Context(side: context.side, nested: [ad] + context.nested))
    }

    /// Evaluates an attribute's expression; a reference back to an attribute still being evaluated
    /// is a cycle, UNDEFINED as in HTCondor.
    private func guarded(_ expression: Expr, of ad: ClassAd, name: String, _ context: Context) -> Value {
        let key = ActiveAttribute(side: context.side, ad: ObjectIdentifier(ad.identity), nesting: context.nested.count,
                                  name: name.lowercased())
        guard active.insert(key).inserted else { return .undefined }
        defer { active.remove(key) }
        return evaluate(expression, context)
    }

    private func subscriptValue(_ base: Value, _ index: Value, _ context: Context) -> Value {
        switch (base, index) {
        case (.error, _), (_, .error): return .error
        case (.undefined, _), (_, .undefined): return .undefined
        case (.list(let items), .integer(let i)):
            guard i >= 0, i < Int64(items.count) else { return .error }
            return items[Int(i)]
        case (.classAd(let ad), .string(let name)):
            return attribute(name, of: ad, context)
        default:
            return .error
        }
    }

    /// `&&`: FALSE wins over UNDEFINED; ERROR on the left wins over everything.
    private func logicalAnd(_ l: Expr, _ r: Expr, _ context: Context) -> Value {
        let left = Operators.truth(evaluate(l, context))
        switch left {
        case .error: return .error
        case .value(false): return .boolean(false)
        case .value(true), .undefined:
            switch Operators.truth(evaluate(r, context)) {
            case .error: return .error
            case .value(false): return .boolean(false)
            case .value(true): return left == .undefined ? .undefined : .boolean(true)
            case .undefined: return .undefined
            }
        }
    }

    /// `||`: TRUE wins over UNDEFINED; ERROR on the left wins over everything.
    private func logicalOr(_ l: Expr, _ r: Expr, _ context: Context) -> Value {
        let left = Operators.truth(evaluate(l, context))
        switch left {
        case .error: return .error
        case .value(true): return .boolean(true)
        case .value(false), .undefined:
            switch Operators.truth(evaluate(r, context)) {
            case .error: return .error
            case .value(true): return .boolean(true)
            case .value(false): return left == .undefined ? .undefined : .boolean(false)
            case .undefined: return .undefined
            }
        }
    }
}
