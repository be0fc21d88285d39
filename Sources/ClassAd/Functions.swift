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

    /// As in HTCondor, an UNDEFINED argument wins over an ERROR one.
    private static func member(_ item: Value, _ list: Value) -> Value {
        if item == .undefined || list == .undefined { return .undefined }
        switch item {
        case .error, .list, .classAd: return .error
        default: break
        }
        guard case .list(let elements) = list else { return .error }
        for element in elements where Operators.binary(.equal, item, element) == .boolean(true) {
            return .boolean(true)
        }
        return .boolean(false)
    }

    /// `substr(s, offset [, length])`: byte offsets; a negative offset counts from the end, a
    /// negative length leaves that many bytes off the end; out-of-range parts are clipped.
    private static func substring(_ values: [Value]) -> Value {
        // An UNDEFINED argument wins over an ERROR one, as in HTCondor.
        if values.contains(.undefined) { return .undefined }
        guard case .string(let text) = values[0], case .integer(let wideOffset) = values[1] else { return .error }
        let bytes = Array(text.utf8)
        let count = Int64(bytes.count)
        // HTCondor reads offset and length as C ints: 64-bit values are truncated to 32 bits.
        let rawOffset = Int64(Int32(truncatingIfNeeded: wideOffset))
        var offset = rawOffset < 0 ? count + rawOffset : rawOffset
        offset = min(max(offset, 0), count)
        var length = count - offset
        if values.count == 3 {
            guard case .integer(let wideLength) = values[2] else { return .error }
            let rawLength = Int64(Int32(truncatingIfNeeded: wideLength))
            length = rawLength < 0 ? max(count - offset + rawLength, 0) : min(rawLength, count - offset)
        }
        return .string(String(decoding: bytes[Int(offset)..<Int(offset + length)], as: UTF8.self))
    }

    /// The number a string starts with, read as C's strtod would (`"-0.02{ }"` is -0.02, `"12abc"`
    /// is 12): an integer when it has no fraction or exponent; ERROR when it starts with none.
    static func numericPrefix(_ text: String) -> Value {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0D) { i += 1 }
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        var digits = 0
        while isDigit(i) { i += 1; digits += 1 }
        var isReal = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            var j = i + 1, fraction = 0
            while isDigit(j) { j += 1; fraction += 1 }
            if digits + fraction > 0 { isReal = true; digits += fraction; i = j }
        }
        guard digits > 0 else { return .error }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                isReal = true
                i = j
            }
        }
        let prefix = String(decoding: bytes[start..<i], as: UTF8.self)
        if !isReal, let integer = Int64(prefix) { return .integer(integer) }
        return Double(prefix).map { .real($0) } ?? .error
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
            // HTCondor reads the string as a real (strtod), even when it is an integer.
            switch numericPrefix(s) {
            case .integer(let i): return .integer(int64(Double(i).rounded(rule)))
            case .real(let r): return .integer(int64(r.rounded(rule)))
            default: return .error
            }
        default: return .error // UNDEFINED included, as in HTCondor.
        }
    }

    private static func extremum(_ value: Value, isMinimum: Bool) -> Value {
        guard case .list(let elements) = value else { return value == .undefined ? .undefined : .error }
        var best: Value = .undefined
        var sawReal = false
        var count = 0
        for element in elements {
            switch element {
            case .undefined: continue
            case .integer, .boolean: break
            case .real: sawReal = true
            default: return .error
            }
            count += 1
            if best == .undefined {
                best = element
            } else if Operators.binary(isMinimum ? .less : .greater, element, best) == .boolean(true) {
                best = element
            }
        }
        // HTCondor hands back a lone element as it is; among several, booleans count as integers.
        if count == 1 { return best }
        if case .boolean(let b) = best { best = .integer(b ? 1 : 0) }
        if sawReal, case .integer(let i) = best { return .real(Double(i)) }
        return best
    }

    private static func regexp(_ values: [Value]) -> Value {
        // HTCondor's order: any ERROR, then any UNDEFINED, then the types.
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
