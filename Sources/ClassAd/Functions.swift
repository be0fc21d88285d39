// The built-in functions of the subset (names match ignoring case), with HTCondor's semantics.

enum Functions {
    static func call(_ name: String, _ arguments: [Expr], _ context: Context, _ run: Evaluation) -> Value {
        func argument(_ index: Int) -> Value { run.evaluate(arguments[index], context) }
        func all() -> [Value] { arguments.map { run.evaluate($0, context) } }
        switch name.lowercased() {
        case "ifthenelse":
            guard arguments.count == 3 else { return .error }
            switch Operators.truth(argument(0)) {
            case .value(true): return argument(1)
            case .value(false): return argument(2)
            case .undefined: return .undefined
            case .error: return .error
            }
        case "isundefined":
            guard arguments.count == 1 else { return .error }
            return .boolean(argument(0) == .undefined)
        case "iserror":
            guard arguments.count == 1 else { return .error }
            return .boolean(argument(0) == .error)
        case "member":
            guard arguments.count == 2 else { return .error }
            return member(argument(0), argument(1))
        case "size":
            guard arguments.count == 1 else { return .error }
            switch argument(0) {
            case .string(let s): return .integer(Int64(s.utf8.count))
            case .list(let items): return .integer(Int64(items.count))
            case .classAd(let ad): return .integer(Int64(ad.count))
            case .undefined: return .undefined
            default: return .error
            }
        case "strcat":
            var text = ""
            for value in all() {
                guard let piece = stringForm(value) else { return value == .undefined ? .undefined : .error }
                text += piece
                if text.utf8.count > run.limits.maximumSize { return .error }
            }
            return .string(text)
        case "tolower", "toupper":
            guard arguments.count == 1 else { return .error }
            let value = argument(0)
            guard let text = stringForm(value) else { return value == .undefined ? .undefined : .error }
            return .string(asciiCase(text, upper: name.lowercased() == "toupper"))
        case "substr":
            guard arguments.count == 2 || arguments.count == 3 else { return .error }
            return substring(all())
        case "floor", "ceiling", "round":
            guard arguments.count == 1 else { return .error }
            let rule: FloatingPointRoundingRule = switch name.lowercased() {
            case "floor": .down
            case "ceiling": .up
            default: .toNearestOrEven
            }
            return rounded(argument(0), rule)
        case "min", "max":
            guard arguments.count == 1 else { return .error }
            return extremum(argument(0), isMinimum: name.lowercased() == "min")
        case "regexp":
            guard arguments.count == 2 || arguments.count == 3 else { return .error }
            return regexp(all())
        case "stringlistmember":
            guard arguments.count == 2 || arguments.count == 3 else { return .error }
            return stringListMember(all())
        default:
            return .error
        }
    }

    /// The text of a value as `strcat` and `toLower` see it; nil for UNDEFINED and ERROR.
    static func stringForm(_ value: Value) -> String? {
        switch value {
        case .undefined, .error: nil
        case .string(let s): s
        case .integer(let i): String(i)
        case .real(let r): Unparser.real(r)
        case .boolean(let b): b ? "true" : "false"
        case .list, .classAd: value.description
        }
    }

    static func asciiCase(_ text: String, upper: Bool) -> String {
        let mapped = text.utf8.map { b -> UInt8 in
            if upper, b >= 0x61, b <= 0x7A { return b - 32 }
            if !upper, b >= 0x41, b <= 0x5A { return b + 32 }
            return b
        }
        return String(decoding: mapped, as: UTF8.self)
    }

    private static func member(_ item: Value, _ list: Value) -> Value {
        switch item {
        case .undefined: return .undefined
        case .error, .list, .classAd: return .error
        default: break
        }
        guard case .list(let elements) = list else { return list == .undefined ? .undefined : .error }
        for element in elements where Operators.binary(.equal, item, element) == .boolean(true) {
            return .boolean(true)
        }
        return .boolean(false)
    }

    /// `substr(s, offset [, length])`: byte offsets; a negative offset counts from the end, a
    /// negative length leaves that many bytes off the end; out-of-range parts are clipped.
    private static func substring(_ values: [Value]) -> Value {
        if values.contains(.error) { return .error }
        if values.contains(.undefined) { return .undefined }
        guard case .string(let text) = values[0], case .integer(let rawOffset) = values[1] else { return .error }
        let bytes = Array(text.utf8)
        let count = Int64(bytes.count)
        var offset = rawOffset < 0 ? count &+ rawOffset : rawOffset
        offset = min(max(offset, 0), count)
        var length = count - offset
        if values.count == 3 {
            guard case .integer(let rawLength) = values[2] else { return .error }
            length = rawLength < 0 ? max(count - offset + max(rawLength, -count), 0) : min(rawLength, count - offset)
        }
        return .string(String(decoding: bytes[Int(offset)..<Int(offset + length)], as: UTF8.self))
    }

    /// C's conversion of a double to int64 on x86-64: out of range and NaN give INT64_MIN.
    static func int64(_ r: Double) -> Int64 {
        guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else { return .min }
        return Int64(r)
    }

    private static func rounded(_ value: Value, _ rule: FloatingPointRoundingRule) -> Value {
        switch value {
        case .integer: return value
        case .boolean(let b): return .integer(b ? 1 : 0)
        case .real(let r): return .integer(int64(r.rounded(rule)))
        case .string(let s):
            if let i = Int64(s) { return .integer(i) }
            if let r = Double(s) { return .integer(int64(r.rounded(rule))) }
            return .error
        default: return .error // UNDEFINED included, as in HTCondor.
        }
    }

    private static func extremum(_ value: Value, isMinimum: Bool) -> Value {
        guard case .list(let elements) = value else { return value == .undefined ? .undefined : .error }
        var best: Value = .undefined
        var sawReal = false
        for element in elements {
            switch element {
            case .undefined: continue
            case .integer, .boolean: break
            case .real: sawReal = true
            default: return .error
            }
            if best == .undefined {
                best = element
            } else if Operators.binary(isMinimum ? .less : .greater, element, best) == .boolean(true) {
                best = element
            }
        }
        switch best {
        case .boolean(let b): best = .integer(b ? 1 : 0)
        default: break
        }
        if sawReal, case .integer(let i) = best { return .real(Double(i)) }
        return best
    }

    private static func regexp(_ values: [Value]) -> Value {
        if values.contains(.error) { return .error }
        if values.contains(.undefined) { return .undefined }
        guard case .string(let pattern) = values[0], case .string(let subject) = values[1] else { return .error }
        var options = ""
        if values.count == 3 {
            guard case .string(let given) = values[2] else { return .error }
            options = given
        }
        guard let regex = try? BoundedRegex(pattern, options: options),
              let found = regex.matches(subject) else { return .error }
        return .boolean(found)
    }

    /// `stringListMember(item, list [, delimiters])` as HTCondor documents it: the list is split on
    /// any delimiter character (default `", "`), items are trimmed, comparison keeps case.
    private static func stringListMember(_ values: [Value]) -> Value {
        if values.contains(.error) { return .error }
        if values.contains(.undefined) { return .undefined }
        guard case .string(let item) = values[0], case .string(let list) = values[1] else { return .error }
        var delimiters: Set<Character> = [",", " "]
        if values.count == 3 {
            guard case .string(let given) = values[2] else { return .error }
            delimiters = Set(given)
        }
        let members = list.split(whereSeparator: { delimiters.contains($0) })
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
        return .boolean(members.contains(item))
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var view = self[...]
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
