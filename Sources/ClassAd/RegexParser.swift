// The pattern syntax of BoundedRegex (see the dialect described there).

struct RegexParser {
    typealias Node = BoundedRegex.Node
    typealias CharacterClass = BoundedRegex.CharacterClass

    private let pattern: [UInt32]
    private var position = 0
    private var depth = 0
    private static let maximumDepth = 100

    init(_ pattern: [UInt32]) { self.pattern = pattern }

    private var current: UInt32? { position < pattern.count ? pattern[position] : nil }

    private static func ascii(_ c: Character) -> UInt32 { c.unicodeScalars.first.map(\.value) ?? 0 }

    mutating func parse() throws(BoundedRegex.Failure) -> Node {
        let node = try alternation()
        guard position == pattern.count else { throw BoundedRegex.Failure() }
        return node
    }

    private mutating func alternation() throws(BoundedRegex.Failure) -> Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw BoundedRegex.Failure() }
        var branches = [try sequence()]
        while current == Self.ascii("|") {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(BoundedRegex.Failure) -> Node {
        var items: [Node] = []
        while let c = current, c != Self.ascii("|"), c != Self.ascii(")") {
            var atom = try self.atom()
            while let q = current {
                let bounds: (Int, Int?)
                if q == Self.ascii("*") { bounds = (0, nil); position += 1 }
                else if q == Self.ascii("+") { bounds = (1, nil); position += 1 }
                else if q == Self.ascii("?") { bounds = (0, 1); position += 1 }
                else if q == Self.ascii("{"), let counted = try counted() { bounds = counted }
                else { break }
                // A lazy or possessive suffix changes which match is found, never whether one is.
                if current == Self.ascii("?") || current == Self.ascii("+") { position += 1 }
                atom = .repetition(atom, minimum: bounds.0, maximum: bounds.1)
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func number() -> Int? {
        var value = 0, digits = 0
        while let c = current, c >= 0x30, c <= 0x39 {
            value = min(value * 10 + Int(c - 0x30), BoundedRegex.maximumRepeat + 1)
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    /// `{m}`, `{m,}`, `{m,n}`; a `{` that starts none of these is a literal, as in PCRE.
    private mutating func counted() throws(BoundedRegex.Failure) -> (Int, Int?)? {
        let start = position
        position += 1
        guard let minimum = number() else { position = start; return nil }
        var maximum: Int? = minimum
        if current == Self.ascii(",") {
            position += 1
            maximum = number()
        }
        guard current == Self.ascii("}") else { position = start; return nil }
        position += 1
        guard minimum <= BoundedRegex.maximumRepeat, (maximum ?? 0) <= BoundedRegex.maximumRepeat,
              minimum <= (maximum ?? minimum) else { throw BoundedRegex.Failure() }
        return (minimum, maximum)
    }

    private mutating func atom() throws(BoundedRegex.Failure) -> Node {
        guard let c = current else { throw BoundedRegex.Failure() }
        position += 1
        switch c {
        case Self.ascii("."): return .any
        case Self.ascii("^"): return .lineStart
        case Self.ascii("$"): return .lineEnd
        case Self.ascii("("):
            if current == Self.ascii("?") {
                // Only the non-capturing group `(?:` is in the dialect.
                guard position + 1 < pattern.count, pattern[position + 1] == Self.ascii(":") else { throw BoundedRegex.Failure() }
                position += 2
            }
            let inner = try alternation()
            guard current == Self.ascii(")") else { throw BoundedRegex.Failure() }
            position += 1
            return inner
        case Self.ascii("["): return .set(try bracket())
        case Self.ascii("\\"): return try escape(inBracket: false)
        case Self.ascii("*"), Self.ascii("+"), Self.ascii("?"), Self.ascii(")"): throw BoundedRegex.Failure()
        default: return .scalar(c)
        }
    }

    private static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
    private static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F]
    private static let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]

    private mutating func escape(inBracket: Bool) throws(BoundedRegex.Failure) -> Node {
        guard let e = current else { throw BoundedRegex.Failure() }
        position += 1
        switch e {
        case Self.ascii("d"): return .set(CharacterClass(ranges: Self.digits))
        case Self.ascii("D"): return .set(CharacterClass(ranges: Self.digits, negated: true))
        case Self.ascii("w"): return .set(CharacterClass(ranges: Self.word))
        case Self.ascii("W"): return .set(CharacterClass(ranges: Self.word, negated: true))
        case Self.ascii("s"): return .set(CharacterClass(ranges: Self.space))
        case Self.ascii("S"): return .set(CharacterClass(ranges: Self.space, negated: true))
        case Self.ascii("n"): return .scalar(0x0A)
        case Self.ascii("t"): return .scalar(0x09)
        case Self.ascii("r"): return .scalar(0x0D)
        default:
            // Escaped letters and digits are PCRE extensions (back-references, \b, \p…): refused.
            let isAlphanumeric = (e >= 0x30 && e <= 0x39) || (e >= 0x41 && e <= 0x5A) || (e >= 0x61 && e <= 0x7A)
            if isAlphanumeric { throw BoundedRegex.Failure() }
            return .scalar(e)
        }
    }

    private static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "digit": digits, "alpha": [0x41...0x5A, 0x61...0x7A], "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "upper": [0x41...0x5A], "lower": [0x61...0x7A], "space": space, "blank": [0x09...0x09, 0x20...0x20],
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66], "word": word,
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "print": [0x20...0x7E], "graph": [0x21...0x7E],
    ]

    /// A bracket expression; the `[` is consumed.
    private mutating func bracket() throws(BoundedRegex.Failure) -> CharacterClass {
        var set = CharacterClass()
        if current == Self.ascii("^") { set.negated = true; position += 1 }
        var first = true
        while true {
            guard let c = current else { throw BoundedRegex.Failure() }
            if c == Self.ascii("]") && !first { position += 1; return set }
            first = false
            var low: UInt32
            if c == Self.ascii("["), position + 1 < pattern.count, pattern[position + 1] == Self.ascii(":") {
                guard let close = (position + 2..<pattern.count).first(where: { pattern[$0] == Self.ascii(":") }),
                      close + 1 < pattern.count, pattern[close + 1] == Self.ascii("]") else { throw BoundedRegex.Failure() }
                let name = String(decoding: pattern[(position + 2)..<close].map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
                guard let ranges = Self.posixClasses[name] else { throw BoundedRegex.Failure() }
                set.ranges += ranges
                position = close + 2
                continue
            }
            position += 1
            if c == Self.ascii("\\") {
                switch try escape(inBracket: true) {
                case .scalar(let s): low = s
                case .set(let inner) where !inner.negated:
                    set.ranges += inner.ranges
                    continue
                default: throw BoundedRegex.Failure()
                }
            } else {
                low = c
            }
            if current == Self.ascii("-"), position + 1 < pattern.count, pattern[position + 1] != Self.ascii("]") {
                position += 1
                guard var high = current else { throw BoundedRegex.Failure() }
                position += 1
                if high == Self.ascii("\\") {
                    guard case .scalar(let s) = try escape(inBracket: true) else { throw BoundedRegex.Failure() }
                    high = s
                }
                guard low <= high else { throw BoundedRegex.Failure() }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
    }
}
