// Arithmetic on UInt256 with Swift's integer semantics: `+ - * / %` trap on overflow or a zero
// divisor, `&+ &- &*` wrap mod 2²⁵⁶, `…ReportingOverflow` report, and `adding(_:)` & co. throw
// `ArithmeticError` for callers (a state machine, a contract model) that must revert, not crash.

extension UInt256 {
    /// Why a checked operation has no 256-bit result.
    public enum ArithmeticError: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The result is 2²⁵⁶ or more (addition, multiplication, power).
        case overflow
        /// The result is below zero (subtraction of a larger value).
        case underflow
        /// The divisor is zero (division, remainder).
        case divisionByZero

        public var description: String {
            switch self {
            case .overflow: return "arithmetic overflow: the result does not fit in 256 bits"
            case .underflow: return "arithmetic underflow: subtracting a larger value from a smaller one"
            case .divisionByZero: return "division by zero"
            }
        }
    }
}

// MARK: Reporting overflow

extension UInt256 {
    /// `self + other` mod 2²⁵⁶, and whether the true sum is 2²⁵⁶ or more.
    @inlinable
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(other.w0)
        let (r1, c1) = Self.add(w1, other.w1, carry: c0)
        let (r2, c2) = Self.add(w2, other.w2, carry: c1)
        let (r3, c3) = Self.add(w3, other.w3, carry: c2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3)
    }

    /// `self − other` mod 2²⁵⁶, and whether `other` was larger (the true difference is negative).
    @inlinable
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
        let (r1, b1) = Self.subtract(w1, other.w1, borrow: b0)
        let (r2, b2) = Self.subtract(w2, other.w2, borrow: b1)
        let (r3, b3) = Self.subtract(w3, other.w3, borrow: b2)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3)
    }

    /// `self · other` mod 2²⁵⁶, and whether the true product is 2²⁵⁶ or more.
    @inlinable
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (high, low) = multipliedFullWidth(by: other)
        return (low, !high.isZero)
    }

    /// The quotient, or `(self, true)` when `other` is zero (as Swift's integers do).
    @inlinable
    public func dividedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if other.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: other).quotient, false)
    }

    /// The remainder, or `(self, true)` when `other` is zero (as Swift's integers do).
    @inlinable
    public func remainderReportingOverflow(dividingBy other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if other.isZero { return (self, true) }
        return (quotientAndRemainder(dividingBy: other).remainder, false)
    }

    /// `a + b + carry` on one limb, with the carry out.
    @inlinable
    static func add(_ a: UInt64, _ b: UInt64, carry: Bool) -> (UInt64, Bool) {
        let (sum, c1) = a.addingReportingOverflow(b)
        let (total, c2) = sum.addingReportingOverflow(carry ? 1 : 0)
        return (total, c1 || c2)
    }

    /// `a − b − borrow` on one limb, with the borrow out.
    @inlinable
    static func subtract(_ a: UInt64, _ b: UInt64, borrow: Bool) -> (UInt64, Bool) {
        let (difference, b1) = a.subtractingReportingOverflow(b)
        let (total, b2) = difference.subtractingReportingOverflow(borrow ? 1 : 0)
        return (total, b1 || b2)
    }
}

// MARK: Multiplication

extension UInt256 {
    /// The exact 512-bit product, as its high and low 256-bit halves.
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        let a = limbs, b = other.limbs
        var product: [UInt64] = [0, 0, 0, 0, 0, 0, 0, 0]
        for i in 0..<4 where a[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                (carry, product[i + j]) = Self.multiplyAdd(a[i], b[j], product[i + j], carry)
            }
            product[i + 4] = carry
        }
        return (UInt256(limbs: Array(product[4..<8])), UInt256(limbs: Array(product[0..<4])))
    }

    /// The product mod 2²⁵⁶: only the partial products that land in the low 256 bits.
    @usableFromInline
    func multipliedWrapping(by other: UInt256) -> UInt256 {
        let a = limbs, b = other.limbs
        var product: [UInt64] = [0, 0, 0, 0]
        for i in 0..<4 where a[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<(4 - i) {
                (carry, product[i + j]) = Self.multiplyAdd(a[i], b[j], product[i + j], carry)
            }
        }
        return UInt256(limbs: product)
    }

    /// `a · b + c + d` as (high, low); it cannot exceed 128 bits: (2⁶⁴−1)² + 2·(2⁶⁴−1) = 2¹²⁸ − 1.
    @inlinable
    static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        let (low1, carry1) = low.addingReportingOverflow(c)
        let (low2, carry2) = low1.addingReportingOverflow(d)
        return (high &+ (carry1 ? 1 : 0) &+ (carry2 ? 1 : 0), low2)
    }
}

// MARK: Division (Knuth, TAOCP vol. 2, 4.3.1, Algorithm D, on 64-bit limbs)

extension UInt256 {
    /// Quotient and remainder of `self / divisor`. Traps when `divisor` is zero, like `UInt`.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "Division by zero")
        if divisor > self { return (.zero, self) }
        let divisorLength = divisor.significantLimbCount
        if divisorLength == 1 {
            let (quotient, remainder) = quotientAndRemainder(dividingByLimb: divisor.w0)
            return (quotient, UInt256(remainder))
        }
        let dividendLength = significantLimbCount
        // D1: shift both so that the divisor's top limb has its top bit set; then each estimated
        // quotient limb is at most 2 too large.
        let shift = divisor.limbs[divisorLength - 1].leadingZeroBitCount
        let v = (divisor << shift).limbs
        var u = (self << shift).limbs
        u.append(shift == 0 ? 0 : limbs[3] >> UInt64(64 - shift))
        let vTop = v[divisorLength - 1], vNext = v[divisorLength - 2]
        var quotient: [UInt64] = [0, 0, 0, 0]

        for j in stride(from: dividendLength - divisorLength, through: 0, by: -1) {
            // D3: estimate the quotient limb from the top two dividend limbs (u[j+n] ≤ vTop holds).
            let top = u[j + divisorLength], next = u[j + divisorLength - 1]
            var estimate: UInt64
            var partial: UInt64
            var partialFits = true
            if top >= vTop {
                // The true estimate is ≥ 2⁶⁴: clamp to 2⁶⁴ − 1; the partial remainder is next + vTop.
                estimate = .max
                let (sum, overflow) = next.addingReportingOverflow(vTop)
                (partial, partialFits) = (sum, !overflow)
            } else {
                (estimate, partial) = vTop.dividingFullWidth((high: top, low: next))
            }
            // Refine with the second divisor limb while the partial remainder stays below 2⁶⁴.
            while partialFits {
                let product = estimate.multipliedFullWidth(by: vNext)
                let third = u[j + divisorLength - 2]
                guard product.high > partial || (product.high == partial && product.low > third) else { break }
                estimate -= 1
                let (sum, overflow) = partial.addingReportingOverflow(vTop)
                partial = sum
                partialFits = !overflow
            }
            // D4: subtract estimate · v from the window u[j ... j+n].
            var carry: UInt64 = 0
            var borrow = false
            for i in 0..<divisorLength {
                let (high, low) = Self.multiplyAdd(estimate, v[i], carry, 0)
                carry = high
                (u[i + j], borrow) = Self.subtract(u[i + j], low, borrow: borrow)
            }
            (u[j + divisorLength], borrow) = Self.subtract(u[j + divisorLength], carry, borrow: borrow)
            // D6: rarely (probability ~2/2⁶⁴) the estimate was one too large: add back.
            if borrow {
                estimate -= 1
                var addCarry = false
                for i in 0..<divisorLength {
                    (u[i + j], addCarry) = Self.add(u[i + j], v[i], carry: addCarry)
                }
                u[j + divisorLength] &+= addCarry ? 1 : 0
            }
            quotient[j] = estimate
        }
        // D8: the remainder is the low n limbs of u, shifted back.
        let remainder = UInt256(limbs: Array(u[0..<4])) >> shift
        return (UInt256(limbs: quotient), remainder)
    }

    /// How many limbs are needed to hold the value (0 for zero).
    @usableFromInline
    var significantLimbCount: Int {
        if w3 != 0 { return 4 }
        if w2 != 0 { return 3 }
        if w1 != 0 { return 2 }
        return w0 != 0 ? 1 : 0
    }
}

// MARK: Operators

extension UInt256 {
    /// Sum; traps on overflow, like `UInt`.
    @inlinable
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflow")
        return sum
    }

    /// Difference; traps when `rhs > lhs`, like `UInt`.
    @inlinable
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction underflow")
        return difference
    }

    /// Product; traps on overflow, like `UInt`.
    @inlinable
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflow")
        return product
    }

    /// Quotient, rounded down; traps on a zero divisor, like `UInt`.
    @inlinable
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }

    /// Remainder; traps on a zero divisor, like `UInt`.
    @inlinable
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    /// Sum mod 2²⁵⁶.
    @inlinable
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.addingReportingOverflow(rhs).partialValue
    }

    /// Difference mod 2²⁵⁶.
    @inlinable
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.subtractingReportingOverflow(rhs).partialValue
    }

    /// Product mod 2²⁵⁶.
    @inlinable
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.multipliedWrapping(by: rhs)
    }

    /// Adds in place; traps on overflow.
    @inlinable
    public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    /// Subtracts in place; traps on underflow.
    @inlinable
    public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
    /// Multiplies in place; traps on overflow.
    @inlinable
    public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }
    /// Divides in place; traps on a zero divisor.
    @inlinable
    public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
    /// Takes the remainder in place; traps on a zero divisor.
    @inlinable
    public static func %= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs % rhs }
    /// Adds in place mod 2²⁵⁶.
    @inlinable
    public static func &+= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &+ rhs }
    /// Subtracts in place mod 2²⁵⁶.
    @inlinable
    public static func &-= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &- rhs }
    /// Multiplies in place mod 2²⁵⁶.
    @inlinable
    public static func &*= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &* rhs }
}

// MARK: Checked forms that throw

extension UInt256 {
    /// `self + other`, or `ArithmeticError.overflow`.
    @inlinable
    public func adding(_ other: UInt256) throws(ArithmeticError) -> UInt256 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw .overflow }
        return sum
    }

    /// `self − other`, or `ArithmeticError.underflow` when `other` is larger.
    @inlinable
    public func subtracting(_ other: UInt256) throws(ArithmeticError) -> UInt256 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        if overflow { throw .underflow }
        return difference
    }

    /// `self · other`, or `ArithmeticError.overflow`.
    @inlinable
    public func multiplied(by other: UInt256) throws(ArithmeticError) -> UInt256 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw .overflow }
        return product
    }

    /// `self / other` rounded down, or `ArithmeticError.divisionByZero`.
    @inlinable
    public func divided(by other: UInt256) throws(ArithmeticError) -> UInt256 {
        if other.isZero { throw .divisionByZero }
        return quotientAndRemainder(dividingBy: other).quotient
    }

    /// `self % other`, or `ArithmeticError.divisionByZero`.
    @inlinable
    public func remainder(dividingBy other: UInt256) throws(ArithmeticError) -> UInt256 {
        if other.isZero { throw .divisionByZero }
        return quotientAndRemainder(dividingBy: other).remainder
    }
}

// MARK: Powers

extension UInt256 {
    /// `self` raised to `exponent`, mod 2²⁵⁶ (wrapping, as the EVM's `EXP`); `0⁰` is 1.
    public func power(_ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        // Left to right over the exponent's bits: square, then multiply when the bit is set.
        for bit in stride(from: 255 - exponent.leadingZeroBitCount, through: 0, by: -1) {
            result = result &* result
            if exponent.bit(bit) { result = result &* self }
        }
        return result
    }

    /// `self` raised to a non-negative `exponent`, mod 2²⁵⁶ (wrapping). Traps on a negative exponent.
    public func power(_ exponent: Int) -> UInt256 {
        precondition(exponent >= 0, "UInt256.power needs a non-negative exponent")
        return power(UInt256(exponent))
    }

    /// `self` raised to `exponent` exactly, or `ArithmeticError.overflow` when it reaches 2²⁵⁶.
    public func raised(to exponent: UInt256) throws(ArithmeticError) -> UInt256 {
        var result = UInt256.one
        // Left to right, every intermediate value is self^(a prefix of exponent) ≤ the final
        // value, so an intermediate overflow means the result overflows.
        for bit in stride(from: 255 - exponent.leadingZeroBitCount, through: 0, by: -1) {
            result = try result.multiplied(by: result)
            if exponent.bit(bit) { result = try result.multiplied(by: self) }
        }
        return result
    }

    /// Whether bit `index` (0 = least significant, < 256) is set.
    @inlinable
    func bit(_ index: Int) -> Bool {
        (limb(index / 64) >> UInt64(index % 64)) & 1 == 1
    }
}
