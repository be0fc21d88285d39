// The operators on values: arithmetic, comparison, identity, bitwise, truth.

/// A value seen as a condition.
enum Truth: Equatable {
    case value(Bool)
    case undefined
    case error
}

enum Operators {
    /// Booleans and non-zero numbers are conditions; strings, lists and ads are not (ERROR).
    static func truth(_ value: Value) -> Truth {
        switch value {
        case .boolean(let b): .value(b)
        case .integer(let i): .value(i != 0)
        case .real(let r): .value(r != 0)
        case .undefined: .undefined
        default: .error
        }
    }

    /// A number for arithmetic: booleans count as 0 and 1.
    private enum Number {
        case integer(Int64)
        case real(Double)

        init?(_ value: Value) {
            switch value {
            case .integer(let i): self = .integer(i)
            case .real(let r): self = .real(r)
            case .boolean(let b): self = .integer(b ? 1 : 0)
            default: return nil
            }
        }

        var real: Double {
            switch self {
            case .integer(let i): Double(i)
            case .real(let r): r
            }
        }
    }

    static func unary(_ op: UnaryOperator, _ value: Value) -> Value {
        switch value {
        case .error: return .error
        case .undefined: return .undefined
        default: break
        }
        switch (op, value) {
        case (.not, _):
            switch truth(value) {
            case .value(let b): return .boolean(!b)
            case .undefined: return .undefined
            case .error: return .error
            }
        case (.minus, .integer(let i)): return .integer(0 &- i)
        case (.minus, .real(let r)): return .real(-r)
        case (.plus, .integer), (.plus, .real): return value
        case (.bitNot, .integer(let i)): return .integer(~i)
        default: return .error
        }
    }

    static func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        switch op {
        case .identical: return identical(left, right)
        case .notIdentical:
            if case .boolean(let b) = identical(left, right) { return .boolean(!b) }
            return .error
        default: break
        }
        if left == .error || right == .error { return .error }
        if left == .undefined || right == .undefined { return .undefined }
        switch op {
        case .add, .subtract, .multiply, .divide, .modulo: return arithmetic(op, left, right)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return compare(op, left, right)
        default: return bitwise(op, left, right)
        }
    }

    private static func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        guard let a = Number(left), let b = Number(right) else { return .error }
        if case .integer(let x) = a, case .integer(let y) = b {
            switch op {
            case .add: return .integer(x &+ y)
            case .subtract: return .integer(x &- y)
            case .multiply: return .integer(x &* y)
            case .divide:
                if y == 0 { return .error }
                // HTCondor answers INT64_MAX for INT64_MIN / -1 rather than trapping.
                if x == .min && y == -1 { return .integer(.max) }
                return .integer(x / y)
            default:
                if y == 0 { return .error }
                if y == -1 { return .integer(0) }
                return .integer(x % y)
            }
        }
        let x = a.real, y = b.real
        let result: Double
        switch op {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide: result = x / y
        default: return .error // HTCondor has no real modulus.
        }
        // HTCondor turns a result of +infinity (overflow, x/0 with x > 0) into ERROR; -inf and NaN stay.
        return result == .infinity ? .error : .real(result)
    }

    /// Strings compare ignoring ASCII case; numbers after promotion; anything else is ERROR.
    private static func compare(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        let order: Int
        if case .string(let x) = left, case .string(let y) = right {
            order = caseInsensitiveOrder(x, y)
        } else if let a = Number(left), let b = Number(right) {
            if case .integer(let x) = a, case .integer(let y) = b {
                order = x < y ? -1 : (x == y ? 0 : 1)
            } else {
                let x = a.real, y = b.real
                if x.isNaN || y.isNaN { return .boolean(op == .notEqual) }
                order = x < y ? -1 : (x == y ? 0 : 1)
            }
        } else {
            return .error
        }
        switch op {
        case .equal: return .boolean(order == 0)
        case .notEqual: return .boolean(order != 0)
        case .less: return .boolean(order < 0)
        case .lessOrEqual: return .boolean(order <= 0)
        case .greater: return .boolean(order > 0)
        default: return .boolean(order >= 0)
        }
    }

    static func caseInsensitiveOrder(_ x: String, _ y: String) -> Int {
        var a = x.utf8.makeIterator(), b = y.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let p?, let q?):
                let lp = p >= 0x41 && p <= 0x5A ? p + 32 : p
                let lq = q >= 0x41 && q <= 0x5A ? q + 32 : q
                if lp != lq { return lp < lq ? -1 : 1 }
            }
        }
    }

    /// `=?=`: same type and same value, strings compared with case. Two lists or ads are ERROR
    /// (HTCondor does not compare them); a list or ad against anything else is FALSE.
    static func identical(_ left: Value, _ right: Value) -> Value {
        let leftComposite = isComposite(left), rightComposite = isComposite(right)
        if leftComposite || rightComposite { return leftComposite && rightComposite ? .error : .boolean(false) }
        switch (left, right) {
        case (.undefined, .undefined), (.error, .error): return .boolean(true)
        case (.boolean(let x), .boolean(let y)): return .boolean(x == y)
        case (.integer(let x), .integer(let y)): return .boolean(x == y)
        case (.real(let x), .real(let y)): return .boolean(x == y)
        case (.string(let x), .string(let y)): return .boolean(x == y)
        default: return .boolean(false)
        }
    }

    private static func isComposite(_ value: Value) -> Bool {
        switch value {
        case .list, .classAd: true
        default: false
        }
    }

    private static func bitwise(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        // Integers only (booleans too are ERROR); `<<` and `>>>` take the count modulo 64, as x86-64 does.
        guard case .integer(let x) = left, case .integer(let y) = right else { return .error }
        switch op {
        case .bitAnd: return .integer(x & y)
        case .bitOr: return .integer(x | y)
        case .bitXor: return .integer(x ^ y)
        case .shiftLeft: return .integer(x &<< y)
        case .shiftRight:
            // HTCondor shifts a negative value one bit at a time, filling with the sign: a count of
            // zero or less leaves it, 64 or more gives -1. A non-negative value shifts modulo 64.
            if x >= 0 { return .integer(x &>> y) }
            if y <= 0 { return .integer(x) }
            return .integer(y >= 63 ? -1 : x >> y)
        default:
            // HTCondor's logical shift of a negative value: an arithmetic shift by the count modulo 64,
            // masked by ~(-1 << ((64 - count) mod 64)); so `-1 >>> 64` is 0 while `5 >>> 64` is 5.
            if x >= 0 { return .integer(x &>> y) }
            return .integer((x &>> y) & ~(Int64(-1) &<< (64 &- y)))
        }
    }
}
