/// Why typed data could not be read or encoded. Each case names the type, field or value path
/// (`message.to[1].wallet`) that is wrong.
public enum TypedDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON.
    case invalidJSON(JSONError)
    /// The document does not have the `eth_signTypedData_v4` shape (what is wrong, in words).
    case malformedDocument(String)
    /// A struct type name that is not an identifier or that shadows an atomic type.
    case invalidTypeName(String)
    /// A field name that is empty or contains a character that would make `encodeType` ambiguous.
    case invalidFieldName(type: String, field: String)
    /// A struct declares the same field name twice.
    case duplicateField(type: String, field: String)
    /// A field's type is not well formed (`uint7`, `bytes33`, `T[0]`, `T[x]`, …).
    case invalidFieldType(type: String, field: String, fieldType: String)
    /// A field refers to a struct type that `types` does not define.
    case undefinedType(String, usedBy: String)
    /// `primaryType` is not defined, or cannot be derived from `types`.
    case unknownPrimaryType(String)
    /// A value the type requires is absent or `null`.
    case missingValue(path: String, type: String)
    /// A value of the wrong JSON kind or form for its type.
    case invalidValue(path: String, type: String, reason: String)
    /// An integer outside its type's range.
    case outOfRange(path: String, type: String, value: String)
    /// A `bytesN` value of the wrong length.
    case wrongByteCount(path: String, type: String, expected: Int, actual: Int)
    /// A fixed-size array value with the wrong number of elements.
    case wrongArrayLength(path: String, type: String, expected: Int, actual: Int)
    /// A domain member that is not one of name, version, chainId, verifyingContract, salt.
    case unknownDomainField(String)
    /// `types.EIP712Domain` disagrees with the domain object or with the standard field types.
    case domainTypeMismatch(String)

    public var description: String {
        switch self {
        case .invalidJSON(let error): return "typed data: \(error)"
        case .malformedDocument(let reason): return "typed data: \(reason)"
        case .invalidTypeName(let name):
            return "typed data: type name '\(name)' must be an identifier ([A-Za-z_$][A-Za-z0-9_$]*) and not an atomic type"
        case .invalidFieldName(let type, let field):
            return "typed data: \(type) has a field named '\(field)'; names must be non-empty, without spaces, commas or parentheses"
        case .duplicateField(let type, let field): return "typed data: \(type) declares field '\(field)' twice"
        case .invalidFieldType(let type, let field, let fieldType):
            return "typed data: \(type).\(field) has type '\(fieldType)', which is not a valid EIP-712 type"
        case .undefinedType(let name, let usedBy):
            return "typed data: type '\(name)' (used by \(usedBy)) is not defined in types"
        case .unknownPrimaryType(let reason): return "typed data: primaryType \(reason)"
        case .missingValue(let path, let type): return "\(path): missing value of type \(type)"
        case .invalidValue(let path, let type, let reason): return "\(path) (\(type)): \(reason)"
        case .outOfRange(let path, let type, let value): return "\(path): \(value) is out of range for \(type)"
        case .wrongByteCount(let path, let type, let expected, let actual):
            return "\(path): \(type) takes exactly \(expected) bytes, got \(actual)"
        case .wrongArrayLength(let path, let type, let expected, let actual):
            return "\(path): \(type) takes exactly \(expected) elements, got \(actual)"
        case .unknownDomainField(let name):
            return "domain: unknown field '\(name)' (allowed: name, version, chainId, verifyingContract, salt)"
        case .domainTypeMismatch(let reason): return "types.EIP712Domain: \(reason)"
        }
    }
}
