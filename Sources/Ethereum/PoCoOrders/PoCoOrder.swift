/// What the four PoCo orders (`AppOrder`, `DatasetOrder`, `WorkerpoolOrder`, `RequestOrder`) share:
/// an EIP-712 struct with a fixed field layout, hashed and signed in a `PoCoDomain` (`hash(in:)`,
/// `signed(with:in:)`, `signer(in:)` come from `PoCoSignable`), read from and written to
/// iexec-sdk's JSON.
///
/// The hashes are computed by dedicated code over the fixed layout (no generic typed-data path);
/// `typedData(in:)` gives the same order as generic `TypedData`, which the tests use to cross-check.
public protocol PoCoOrder: PoCoSignable, Codable {
    /// How many tasks the order offers or asks for in all.
    var volume: UInt256 { get }

    /// The EIP-712 fields in struct order (`sign` is not one: it is not signed).
    static var fields: [TypedData.Field] { get }
    /// `keccak256(typeString)`.
    static var typeHash: Hash32 { get }
    /// The type hash of `<typeName>Operation(<typeName> order,uint256 operation)<typeString>`.
    static var operationTypeHash: Hash32 { get }

    /// Reads an order from iexec-sdk's JSON object; see `OrderJSONError` for the rules.
    init(jsonValue: JSONValue) throws(OrderJSONError)
}

extension PoCoOrder {
    /// `AppOrder(address app,uint256 appprice,…,bytes32 salt)`.
    public static var typeString: String {
        typeName + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    /// The order's only struct type: `[typeName: fields]`.
    public static var typedDataTypes: [String: [TypedData.Field]] { [typeName: fields] }

    /// Parses an order from JSON text (iexec-sdk's field names).
    public init(json: String) throws(OrderJSONError) {
        try self.init(jsonValue: JSONValue(parsing: json.utf8, invalidJSON: OrderJSONError.invalidJSON))
    }

    /// The order as a JSON object: integers as decimal strings, addresses checksummed, hex
    /// lowercase, `sign` only when present.
    public var jsonValue: JSONValue {
        guard case .object(var members) = messageValue else { return messageValue }
        if !sign.isEmpty { members["sign"] = .string(Hex.encode(sign)) }
        return .object(members)
    }

    /// Compact JSON text with the fields in struct order, then `sign` when present.
    public var json: String {
        guard case .object(let members) = jsonValue else { return jsonValue.serialized }
        let names = Self.fields.map(\.name) + (sign.isEmpty ? [] : ["sign"])
        return JSONValue.serializedObject(names.compactMap { name in members[name].map { (key: name, value: $0) } })
    }
}

extension PoCoOrder {
    /// Decodes by the rules of `init(jsonValue:)`, through `JSONValue`. With `JSONDecoder`,
    /// integers written as JSON numbers must fit in 64 bits, larger ones must be decimal strings
    /// as iexec-sdk writes them; `init(json:)` has no such limit.
    public init(from decoder: any Decoder) throws {
        try self.init(jsonValue: JSONValue(from: decoder))
    }

    /// Encodes the fields as `json` writes them, every one a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: OrderCodingKey.self)
        guard case .object(let members) = jsonValue else { return }
        for (name, value) in members {
            if case .string(let text) = value {
                try container.encode(text, forKey: OrderCodingKey(stringValue: name))
            }
        }
    }
}

/// A coding key for any field name.
struct OrderCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
