// A regular-expression matcher with linear-time guarantees (Thompson NFA / Pike VM), for `regexp`.
//
// Dialect: a subset of PCRE (the library HTCondor uses) with no backtracking features: literals,
// `.`, `^`, `$`, bracket expressions with ranges, negation, `\d \w \s` and POSIX classes such as
// `[:digit:]`; `* + ? {m} {m,} {m,n}` (lazy `?` accepted), `|`, `( )`, `(?: )`; escapes
// `\d \D \w \W \s \S \n \t \r` and any escaped punctuation. Back-references, look-around and
// other PCRE extensions are refused (the call is ERROR). Options: `i` ignores case, `s` lets `.`
// match a newline, `m` makes `^`/`$` match at line breaks; other letters are ignored.
// `regexp` answers whether the pattern matches anywhere in the subject.

struct BoundedRegex {
    struct Failure: Error {}

    /// A set of scalars: ranges, possibly negated.
    struct CharacterClass {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false

        func contains(_ scalar: UInt32, ignoringCase: Bool) -> Bool {
            var found = ranges.contains { $0.contains(scalar) }
            if !found, ignoringCase {
                let other = BoundedRegex.otherCase(scalar)
                found = other != scalar && ranges.contains { $0.contains(other) }
            }
            return found != negated
        }
    }

    indirect enum Node {
        case empty
        case scalar(UInt32)
        case any
        case set(CharacterClass)
        case lineStart, lineEnd
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, minimum: Int, maximum: Int?)
    }

    enum Instruction {
        case scalar(UInt32)
        case any
        case set(CharacterClass)
        case lineStart, lineEnd
        case split(Int, Int)
        case jump(Int)
        case match
    }

    static let maximumPatternScalars = 1_000
    static let maximumProgram = 20_000
    static let maximumRepeat = 1_000
    /// Subject length × program length above which the match is refused (well under a second).
    static let maximumWork = 10_000_000

    private(set) var program: [Instruction] = []
    let ignoreCase: Bool
    let dotAll: Bool
    let multiline: Bool

    init(_ pattern: String, options: String) throws(Failure) {
        ignoreCase = options.contains("i")
        dotAll = options.contains("s")
        multiline = options.contains("m")
        let scalars = pattern.unicodeScalars.map(\.value)
        guard scalars.count <= Self.maximumPatternScalars else { throw Failure() }
        var parser = RegexParser(scalars)
        let tree = try parser.parse()
        try compile(tree)
        program.append(.match)
    }

    static func otherCase(_ s: UInt32) -> UInt32 {
        if s >= 0x41 && s <= 0x5A { return s + 32 }
        if s >= 0x61 && s <= 0x7A { return s - 32 }
        return s
    }

    private mutating func emit(_ instruction: Instruction) throws(Failure) -> Int {
        guard program.count < Self.maximumProgram else { throw Failure() }
        program.append(instruction)
        return program.count - 1
    }

    private mutating func compile(_ node: Node) throws(Failure) {
        switch node {
        case .empty: break
        case .scalar(let s): _ = try emit(.scalar(s))
        case .any: _ = try emit(.any)
        case .set(let set): _ = try emit(.set(set))
        case .lineStart: _ = try emit(.lineStart)
        case .lineEnd: _ = try emit(.lineEnd)
        case .sequence(let nodes): for n in nodes { try compile(n) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (position, branch) in branches.enumerated() {
                if position < branches.count - 1 {
                    let split = try emit(.split(0, 0))
                    try compile(branch)
                    jumps.append(try emit(.jump(0)))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(branch)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try compile(inner) }
            if let maximum {
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(try emit(.split(0, 0)))
                    try compile(inner)
                }
                for s in splits { program[s] = .split(s + 1, program.count) }
            } else {
                let split = try emit(.split(0, 0))
                try compile(inner)
                _ = try emit(.jump(split))
                program[split] = .split(split + 1, program.count)
            }
        }
    }

    /// Whether the pattern matches somewhere in `subject`; nil when the work would exceed the bound.
    func matches(_ subject: String) -> Bool? {
        let text = subject.unicodeScalars.map(\.value)
        guard (text.count + 1).multipliedReportingOverflow(by: program.count).partialValue <= Self.maximumWork else { return nil }
        var current: [Int] = [], next: [Int] = []
        // `seen[pc] == g` when pc is already in the list for position g (the generation).
        var seen = [Int](repeating: -1, count: program.count)
        var stack: [Int] = []
        for position in 0...text.count {
            // Unanchored search: a new thread starts at every position.
            add(0, at: position, text, &current, &seen, &stack)
            let scalar: UInt32? = position < text.count ? text[position] : nil
            next.removeAll(keepingCapacity: true)
            for pc in current {
                switch program[pc] {
                case .match: return true
                case .scalar(let s):
                    if let scalar, s == scalar || (ignoreCase && Self.otherCase(s) == scalar) {
                        add(pc + 1, at: position + 1, text, &next, &seen, &stack)
                    }
                case .any:
                    if let scalar, dotAll || scalar != 0x0A { add(pc + 1, at: position + 1, text, &next, &seen, &stack) }
                case .set(let set):
                    if let scalar, set.contains(scalar, ignoringCase: ignoreCase) {
                        add(pc + 1, at: position + 1, text, &next, &seen, &stack)
                    }
                default: break
                }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without consuming input (ε-closure).
    private func add(_ pc: Int, at position: Int, _ text: [UInt32], _ list: inout [Int], _ seen: inout [Int],
                     _ stack: inout [Int]) {
        let generation = position
        stack.append(pc)
        while let top = stack.popLast() {
            guard seen[top] != generation else { continue }
            seen[top] = generation
            switch program[top] {
            case .jump(let target): stack.append(target)
            case .split(let a, let b):
                stack.append(b)
                stack.append(a)
            case .lineStart:
                let atStart = position == 0 || (multiline && text[position - 1] == 0x0A)
                if atStart { stack.append(top + 1) }
            case .lineEnd:
                let atEnd = position == text.count || (multiline && text[position] == 0x0A)
                if atEnd { stack.append(top + 1) }
            default:
                list.append(top)
            }
        }
    }
}
