/// Why an order's JSON was refused. The description starts with the field it is about.
///
/// Rules (iexec-sdk's JSON): every EIP-712 field is required, including `salt` (an order without
/// one is not the order anyone signed); `sign` is optional (absent or `"0x"` means unsigned). A
/// member that is neither is refused, so a misspelt field is not silently dropped. Integers are
/// JSON integer literals or strings holding a decimal or `0x`-hex unsigned integer below 2²⁵⁶;
/// addresses are `0x` + 40 hex digits, mixed case only with a valid EIP-55 checksum; `tag` and
/// `salt` are `0x` + 64 hex digits; `params` is a string (the JSON text iexec-sdk stringifies).
public enum OrderJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON.
    case invalidJSON(JSONError)
    /// The JSON is not an object (order type, what was found).
    case notAnObject(order: String, found: String)
    /// A member that is not a field of this order type.
    case unknownField(String, order: String)
    /// A required field is absent.
    case missingField(String, order: String)
    /// A field whose value is not acceptable (field, why).
    case invalidField(String, reason: String)
    /// `AnyPoCoOrder` could not tell the type: not exactly one of appprice, datasetprice,
    /// workerpoolprice, requester is present.
    case unrecognizedOrder

    public var description: String {
        switch self {
        case .invalidJSON(let error): return "order: \(error)"
        case .notAnObject(let order, let found): return "\(order): expected a JSON object, got \(found)"
        case .unknownField(let field, let order): return "\(field): not a field of \(order)"
        case .missingField(let field, let order): return "\(field): missing (required in \(order))"
        case .invalidField(let field, let reason): return "\(field): \(reason)"
        case .unrecognizedOrder:
            return "order: cannot tell its type; it needs exactly one of appprice (app), datasetprice (dataset), workerpoolprice (workerpool), requester (request)"
        }
    }
}

/// Reads the fields of one order object, each with its own error naming it.
struct OrderFieldReader {
    private let members: [String: JSONValue]
    private let orderType: String

    /// Checks the object has no member outside `fields` + `sign`; reports the first one, by name.
    init(_ value: JSONValue, orderType: String, fields: [TypedData.Field]) throws(OrderJSONError) {
        guard case .object(let members) = value else {
            throw .notAnObject(order: orderType, found: value.kindDescription)
        }
        let allowed = Set(fields.map(\.name) + ["sign"])
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .unknownField(unknown, order: orderType)
        }
        self.members = members
        self.orderType = orderType
    }

    private func required(_ field: String) throws(OrderJSONError) -> JSONValue {
        guard let value = members[field] else { throw .missingField(field, order: orderType) }
        return value
    }

    func address(_ field: String) throws(OrderJSONError) -> Address {
        guard case .string(let text) = try required(field), text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidField(field, reason: "expected an address string (0x + 40 hex digits), got \(shown(members[field]))")
        }
        do throws(AddressError) {
            return try Address(hex: text)
        } catch {
            throw .invalidField(field, reason: error.description)
        }
    }

    func uint256(_ field: String) throws(OrderJSONError) -> UInt256 {
        let value = try required(field)
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let literal): text = literal
        default: throw .invalidField(field, reason: "expected an unsigned integer, got \(value.kindDescription)")
        }
        let isHex = text.hasPrefix("0x") || text.hasPrefix("0X")
        let wellFormed = isHex
            ? text.count > 2 && text.utf8.dropFirst(2).allSatisfy { Hex.nibble($0) != nil }
            : !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        guard wellFormed, !(isHex && !isString(value)) else {
            throw .invalidField(field, reason: "\(shown(value)) is not an unsigned integer")
        }
        do {
            return isHex ? try UInt256(hex: text) : try UInt256(decimal: text)
        } catch {
            throw .invalidField(field, reason: "\(shown(value)) does not fit in 256 bits")
        }
    }

    func bytes32(_ field: String) throws(OrderJSONError) -> Hash32 {
        guard case .string(let text) = try required(field), text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidField(field, reason: "expected 0x + 64 hex digits, got \(shown(members[field]))")
        }
        do throws(HexError) {
            return try Hash32(hex: text)
        } catch {
            throw .invalidField(field, reason: "\(shown(.string(text))) is not a bytes32: \(error)")
        }
    }

    func string(_ field: String) throws(OrderJSONError) -> String {
        guard case .string(let text) = try required(field) else {
            throw .invalidField(field, reason: "expected a string, got \(shown(members[field]))")
        }
        return text
    }

    /// `sign`: absent, `"0x"` (unsigned) or hex bytes. Its length and validity are checked when a
    /// signer is recovered, since a contract (ERC-1271) signer may use other lengths.
    func signature() throws(OrderJSONError) -> [UInt8] {
        guard let value = members["sign"] else { return [] }
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidField("sign", reason: "expected 0x-prefixed hex, got \(shown(value))")
        }
        do throws(HexError) {
            return try Hex.decode(text)
        } catch {
            throw .invalidField("sign", reason: error.description)
        }
    }

    private func isString(_ value: JSONValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    private func shown(_ value: JSONValue?) -> String {
        value.map(EIP712AtomicEncoding.shown) ?? "nothing"
    }
}
