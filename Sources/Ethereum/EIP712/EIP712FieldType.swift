/// A field type of EIP-712, parsed from its text (`uint256`, `bytes32`, `Person[]`, `uint8[2][]`).
indirect enum EIP712FieldType: Hashable, Sendable, CustomStringConvertible {
    case uint(bits: Int)
    case int(bits: Int)
    case address
    case bool
    case fixedBytes(Int)
    case bytes
    case string
    case structure(String)
    /// `element[length]`, or `element[]` when `length` is nil. `T[2][]` is a dynamic array of `T[2]`.
    case array(element: EIP712FieldType, length: Int?)

    /// More array dimensions than any real message uses; bounds the encoder's recursion.
    static let maxArrayDimensions = 16
    /// Fixed array lengths above this are refused (no message carries a million-element array).
    static let maxFixedLength = 1 << 20

    /// Names of atomic types, or shaped like one (`uint7`, `bytes33`): a struct may not be called so.
    static func isAtomicName(_ name: String) -> Bool {
        atomic(name) != nil || looksAtomic(name)
    }

    /// `uint`, `int` or `bytes` followed by digits: an atomic type, valid or not.
    private static func looksAtomic(_ name: String) -> Bool {
        for prefix in ["uint", "int", "bytes"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if !rest.isEmpty && rest.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        }
        return false
    }

    /// Parses a field type; `nil` when the text is not a well-formed type. Struct names are taken
    /// as written and checked against `types` by the caller.
    static func parse(_ text: String) -> EIP712FieldType? {
        parse(Substring(text), dimensions: 0)
    }

    private static func parse(_ text: Substring, dimensions: Int) -> EIP712FieldType? {
        if text.hasSuffix("]") {
            guard dimensions < maxArrayDimensions, let open = text.lastIndex(of: "[") else { return nil }
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            guard let element = parse(text[..<open], dimensions: dimensions + 1) else { return nil }
            if inside.isEmpty { return .array(element: element, length: nil) }
            guard let length = decimal(inside), length > 0, length <= maxFixedLength else { return nil }
            return .array(element: element, length: length)
        }
        if let atomic = atomic(String(text)) { return atomic }
        guard isIdentifier(text), !looksAtomic(String(text)) else { return nil }
        return .structure(String(text))
    }

    /// `uint`/`int` alone mean 256 bits, as Solidity and both reference encoders read them.
    private static func atomic(_ name: String) -> EIP712FieldType? {
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "bytes": return .bytes
        case "string": return .string
        case "uint": return .uint(bits: 256)
        case "int": return .int(bits: 256)
        default: break
        }
        if name.hasPrefix("uint"), let bits = decimal(name.dropFirst(4)), bits % 8 == 0, (8...256).contains(bits) {
            return .uint(bits: bits)
        }
        if name.hasPrefix("int"), let bits = decimal(name.dropFirst(3)), bits % 8 == 0, (8...256).contains(bits) {
            return .int(bits: bits)
        }
        if name.hasPrefix("bytes"), let count = decimal(name.dropFirst(5)), (1...32).contains(count) {
            return .fixedBytes(count)
        }
        return nil
    }

    /// Digits without a leading zero, at most 7 of them (so the value fits an `Int` easily).
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 7, text.first != "0", text.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return Int(text)
    }

    /// `[A-Za-z_$][A-Za-z0-9_$]*`: what Solidity accepts as a struct name.
    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
        }
    }

    /// The struct this type is built on, through any arrays.
    var coreStructName: String? {
        switch self {
        case .structure(let name): return name
        case .array(let element, _): return element.coreStructName
        default: return nil
        }
    }

    /// The canonical text (`uint` reads back as `uint256`); used in error messages only, since
    /// `encodeType` must repeat the type exactly as the document wrote it.
    var description: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let count): return "bytes\(count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .structure(let name): return name
        case .array(let element, let length): return "\(element)[\(length.map(String.init) ?? "")]"
        }
    }
}
