/// A Solidity ABI type: what a value is encoded as in call data, return data and event data.
///
/// Only the types Solidity contracts use in external interfaces are modelled (no `fixed`/`ufixed`,
/// no `function`). Build one directly or parse its canonical text with `ABIType(parsing:)`.
/// Directly built types can be malformed (`.uint(bits: 7)`, an empty tuple, `T[0]`); the codec
/// refuses those with `ABIError.invalidType` before touching any value.
public indirect enum ABIType: Hashable, Sendable, CustomStringConvertible {
    /// `uintN`, N in 8…256 by steps of 8.
    case uint(bits: Int)
    /// `intN`, N in 8…256 by steps of 8 (two's complement).
    case int(bits: Int)
    /// `address`: 20 bytes, encoded left-padded like `uint160`.
    case address
    /// `bool`: encoded as the word 0 or 1.
    case bool
    /// `bytesN`, N in 1…32: right-padded with zeros to a word.
    case fixedBytes(Int)
    /// `bytes`: a length word, then the bytes right-padded to a whole number of words.
    case bytes
    /// `string`: UTF-8, encoded like `bytes`.
    case string
    /// `T[]`: a length word, then the elements encoded as a tuple.
    case array(ABIType)
    /// `T[k]`, k ≥ 1: the k elements encoded as a tuple, no length word.
    case fixedArray(ABIType, count: Int)
    /// `(T1,…,Tn)`, n ≥ 1: a struct.
    case tuple([ABIType])

    /// The most arrays and tuples the codec accepts nested in one another (`uint256` nests 0,
    /// `uint256[]` 1, `(uint256[])[2]` 3). Far above anything a contract uses; it bounds
    /// recursion on untrusted type text.
    public static let maxNestingDepth = 32

    /// `uint256`.
    public static let uint256 = ABIType.uint(bits: 256)
    /// `bytes32`.
    public static let bytes32 = ABIType.fixedBytes(32)

    /// The canonical spelling used in signatures: `uint256` (never `uint`), `(address,bytes)[2]`.
    public var canonical: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let count): return "bytes\(count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let element): return element.canonical + "[]"
        case .fixedArray(let element, let count): return element.canonical + "[\(count)]"
        case .tuple(let components): return "(" + components.map(\.canonical).joined(separator: ",") + ")"
        }
    }

    /// The canonical spelling.
    public var description: String { canonical }

    /// True when the encoding's size depends on the value (`bytes`, `string`, `T[]`, or anything
    /// containing one); such a value sits in the tail of its container, reached through an offset.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .uint, .int, .address, .bool, .fixedBytes: return false
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let components): return components.contains { $0.isDynamic }
        }
    }

    /// Bytes this type takes in its container's head: 32 for a dynamic type (the offset word),
    /// the whole encoding for a static one. Saturates at `Int.max` for absurdly large fixed
    /// arrays, which no real data can match anyway.
    public var headSize: Int {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes, .bytes, .string, .array:
            return 32
        case .fixedArray(let element, let count):
            if element.isDynamic { return 32 }
            let (size, overflow) = element.headSize.multipliedReportingOverflow(by: Swift.max(count, 0))
            return overflow ? Int.max : size
        case .tuple(let components):
            if isDynamic { return 32 }
            var total = 0
            for component in components {
                let (sum, overflow) = total.addingReportingOverflow(component.headSize)
                if overflow { return Int.max }
                total = sum
            }
            return total
        }
    }

    /// Checks that the type is one Solidity can express (bit widths, byte counts, array lengths,
    /// non-empty tuples) and nests at most `maxNestingDepth` deep. The walk stops at the depth
    /// limit, so a hostile, deeply nested type cannot exhaust the stack here.
    ///
    /// - Throws: `ABIError.invalidType` or `ABIError.nestingTooDeep`.
    public func validate() throws(ABIError) {
        try validate(enclosing: 0)
    }

    /// `enclosing` counts the arrays and tuples around this type.
    private func validate(enclosing: Int) throws(ABIError) {
        let limit = Self.maxNestingDepth
        switch self {
        case .uint(let bits), .int(let bits):
            guard bits >= 8, bits <= 256, bits % 8 == 0 else {
                throw .invalidType("\(canonical): the bit width must be a multiple of 8 from 8 to 256")
            }
        case .fixedBytes(let count):
            guard count >= 1, count <= 32 else {
                throw .invalidType("\(canonical): a fixed byte array has 1 to 32 bytes")
            }
        case .address, .bool, .bytes, .string:
            break
        case .array(let element):
            guard enclosing < limit else { throw .nestingTooDeep(limit: limit) }
            try element.validate(enclosing: enclosing + 1)
        case .fixedArray(let element, let count):
            guard enclosing < limit else { throw .nestingTooDeep(limit: limit) }
            try element.validate(enclosing: enclosing + 1)
            guard count >= 1 else { throw .invalidType("\(element.canonical)[\(count)]: a fixed array has at least 1 element") }
        case .tuple(let components):
            guard enclosing < limit else { throw .nestingTooDeep(limit: limit) }
            guard !components.isEmpty else { throw .invalidType("(): a tuple has at least 1 component") }
            for component in components { try component.validate(enclosing: enclosing + 1) }
        }
    }
}
