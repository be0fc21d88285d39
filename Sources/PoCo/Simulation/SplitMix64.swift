/// SplitMix64 (Steele, Lea and Flood, 2014; Vigna's reference C code): a small seeded generator
/// whose every output follows from its seed, so a simulation replays exactly on any machine.
/// Not cryptographic. The sabotage simulator draws all its randomness from it, never from the
/// system generator.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    /// The generator's whole state: the seed advanced by the golden-ratio increment once per draw.
    public private(set) var state: UInt64

    /// A generator whose first output is the SplitMix64 mix of `seed + 0x9E3779B97F4A7C15`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject (no modulo bias); written
    /// here rather than taken from the standard library so the draws cannot change with Swift's
    /// version. A bound of zero yields zero and consumes nothing.
    public mutating func next(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            // 2^64 mod bound: low halves under it belong to an incomplete last interval.
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform index in `0..<count`; zero when `count` is not positive.
    public mutating func index(below count: Int) -> Int {
        count > 0 ? Int(next(below: UInt64(count))) : 0
    }

    /// A uniform number in [0, 1): the top 53 bits over 2^53.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`: never at 0 or below, always at 1 or above. Draws one
    /// number either way, so a change of probability does not shift later draws.
    public mutating func chance(_ probability: Double) -> Bool {
        let draw = nextUnit()
        return draw < probability
    }
}
