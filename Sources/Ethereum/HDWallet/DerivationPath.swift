/// One step of a BIP-32 derivation path: an index below 2³¹, normal or hardened.
public struct ChildIndex: Sendable, Hashable, CustomStringConvertible {
    /// 2³¹: the first hardened index in BIP-32's numbering; also the bound on `value`.
    public static let hardenedOffset: UInt32 = 1 << 31

    /// The index as written in a path, without the hardened offset: 0 ..< 2³¹.
    public let value: UInt32
    /// Whether the child is hardened (written `44'` or `44H`): derived from the parent private
    /// key, so a parent public key cannot derive it.
    public let isHardened: Bool

    /// An index `value` (below 2³¹), hardened or not.
    public init(_ value: UInt32, hardened: Bool) throws(DerivationPathError) {
        guard value < Self.hardenedOffset else { throw .indexOutOfRange(value) }
        (self.value, self.isHardened) = (value, hardened)
    }

    /// A hardened index, e.g. `.hardened(44)` for `44'`.
    public static func hardened(_ value: UInt32) throws(DerivationPathError) -> ChildIndex {
        try ChildIndex(value, hardened: true)
    }

    /// A normal (non-hardened) index.
    public static func normal(_ value: UInt32) throws(DerivationPathError) -> ChildIndex {
        try ChildIndex(value, hardened: false)
    }

    /// BIP-32's `i`: `value`, plus 2³¹ when hardened; serialized big-endian in the derivation.
    public var rawIndex: UInt32 { isHardened ? value | Self.hardenedOffset : value }

    /// The index as a path writes it: `44'` or `0`.
    public var description: String { isHardened ? "\(value)'" : "\(value)" }
}

/// A BIP-32 derivation path from the master key, such as `m/44'/60'/0'/0/3`.
public struct DerivationPath: Sendable, Hashable, CustomStringConvertible {
    /// The most levels below the master key: BIP-32 stores the depth in one byte.
    public static let maxDepth = 255

    /// The steps from the master key, first to last; empty for `m` itself.
    public let components: [ChildIndex]

    /// `m`: the master key itself.
    public static let master = DerivationPath(uncheckedComponents: [])

    private init(uncheckedComponents: [ChildIndex]) { components = uncheckedComponents }

    /// A path from its steps (at most `maxDepth`).
    public init(components: [ChildIndex]) throws(DerivationPathError) {
        guard components.count <= Self.maxDepth else { throw .tooDeep(components.count) }
        self.components = components
    }

    /// Parses `m`, then `/`-separated decimal indices, each optionally followed by a hardened
    /// mark `'`, `h` or `H`: `m/44'/60'/0'/0/3`, `m/0H/1`. Indices must be below 2³¹ with or
    /// without the mark (an unmarked 2³¹ + k would silently mean `k'`, so it is refused too).
    /// No spaces, signs or empty segments.
    public init(_ text: String) throws(DerivationPathError) {
        guard !text.isEmpty else { throw .empty }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.first == "m" else { throw .missingRoot(String(segments.first ?? "")) }
        let steps = segments.dropFirst()
        guard steps.count <= Self.maxDepth else { throw .tooDeep(steps.count) }
        var components: [ChildIndex] = []
        components.reserveCapacity(steps.count)
        for (offset, segment) in steps.enumerated() {
            components.append(try Self.parseSegment(Array(segment.utf8), text: String(segment), position: offset + 1))
        }
        self.components = components
    }

    /// Parses one segment; `position` is 1 for the segment after `m`.
    private static func parseSegment(
        _ bytes: [UInt8], text: String, position: Int
    ) throws(DerivationPathError) -> ChildIndex {
        guard !bytes.isEmpty else { throw .emptySegment(position: position) }
        var digits = bytes[...]
        var hardened = false
        if let last = digits.last, last == UInt8(ascii: "'") || last == UInt8(ascii: "h") || last == UInt8(ascii: "H") {
            hardened = true
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidSegment(position: position, segment: text)
        }
        // Stops as soon as the value reaches 2³¹ (so below 2³⁵ in UInt64): no overflow whatever
        // the digit count.
        var value: UInt64 = 0
        for digit in digits {
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
            guard value < UInt64(ChildIndex.hardenedOffset) else {
                throw .indexTooLarge(position: position, segment: text)
            }
        }
        return try ChildIndex(UInt32(value), hardened: hardened)
    }

    /// BIP-44's Ethereum path `m/44'/60'/account'/0/index`, the one wallets and dev chains use.
    public static func ethereum(account: UInt32 = 0, index: UInt32) throws(DerivationPathError) -> DerivationPath {
        try DerivationPath(components: [
            .hardened(44), .hardened(60), .hardened(account), .normal(0), .normal(index),
        ])
    }

    /// The path in the `m/44'/60'/0'/0/3` form (hardened mark `'`).
    public var description: String {
        (["m"] + components.map(\.description)).joined(separator: "/")
    }
}

/// Why a derivation path or child index was refused.
public enum DerivationPathError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path text is empty.
    case empty
    /// The path does not start with the segment `m` (the given first segment).
    case missingRoot(String)
    /// A segment between two `/` (or after the last) is empty; `position` 1 is the one after `m`.
    case emptySegment(position: Int)
    /// A segment is not decimal digits with an optional `'`, `h` or `H`.
    case invalidSegment(position: Int, segment: String)
    /// A segment's index is 2³¹ or more.
    case indexTooLarge(position: Int, segment: String)
    /// A child index built in code is 2³¹ or more.
    case indexOutOfRange(UInt32)
    /// The path has more than `DerivationPath.maxDepth` levels.
    case tooDeep(Int)

    /// One line saying what is wrong and in which segment.
    public var description: String {
        switch self {
        case .empty:
            return "derivation path is empty; expected e.g. m/44'/60'/0'/0/0"
        case .missingRoot(let first):
            return "derivation path must start with \"m\", got first segment \"\(first)\""
        case .emptySegment(let position):
            return "derivation path segment \(position) (after m) is empty"
        case .invalidSegment(let position, let segment):
            return "derivation path segment \(position) \"\(segment)\" is not a decimal index with an optional ' h or H"
        case .indexTooLarge(let position, let segment):
            return "derivation path segment \(position) \"\(segment)\": index must be below 2^31 "
                + "(2147483648); write hardened indices as n' instead of n + 2^31"
        case .indexOutOfRange(let value):
            return "child index \(value) must be below 2^31 (2147483648); mark hardening separately"
        case .tooDeep(let depth):
            return "derivation path has \(depth) levels, over BIP-32's limit of \(DerivationPath.maxDepth)"
        }
    }
}
