/// What the four PoCo orders (`AppOrder`, `DatasetOrder`, `WorkerpoolOrder`, `RequestOrder`) share:
/// an EIP-712 struct with a fixed field layout, hashed and signed in a `PoCoDomain`.
///
/// The hashes are computed by dedicated code over the fixed layout (no generic typed-data path);
/// `typedData(in:)` gives the same order as generic `TypedData`, which the tests use to cross-check.
public protocol PoCoOrder: Hashable, Sendable, Codable {
    /// The Solidity struct name, `AppOrder` etc.
    static var typeName: String { get }
    /// The EIP-712 fields in struct order (`sign` is not one: it is not signed).
    static var fields: [TypedData.Field] { get }
    /// `keccak256(typeString)`.
    static var typeHash: Hash32 { get }
    /// The type hash of `<typeName>Operation(<typeName> order,uint256 operation)<typeString>`.
    static var operationTypeHash: Hash32 { get }

    /// The order's signature: 65 bytes `r ‖ s ‖ v`, 64 bytes EIP-2098, or empty when unsigned
    /// (presigned on chain, or not signed yet).
    var sign: [UInt8] { get set }

    /// `hashStruct(order)`: `keccak256(typeHash ‖ field words)`, `sign` excluded.
    var structHash: Hash32 { get }

    /// The fields as a typed-data message object (integers as decimal strings), `sign` excluded.
    var messageValue: JSONValue { get }

    /// Reads an order from iexec-sdk's JSON object; see `OrderJSONError` for the rules.
    init(jsonValue: JSONValue) throws(OrderJSONError)
}

extension PoCoOrder {
    /// `AppOrder(address app,uint256 appprice,…,bytes32 salt)`.
    public static var typeString: String {
        typeName + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    /// The order hash: `keccak256(0x1901 ‖ domain.separator ‖ structHash)`, the key of
    /// `viewConsumed` / `viewPresigned` and the value in `OrdersMatched`.
    public func hash(in domain: PoCoDomain) -> Hash32 {
        TypedData.digest(domainSeparator: domain.separator, structHash: structHash)
    }

    /// A copy of the order whose `sign` is `key`'s signature of its hash in `domain` (65 bytes,
    /// v = 27/28, as iexec-sdk produces). Named `signed` because `sign` is the signature field.
    public func signed(with key: PrivateKey, in domain: PoCoDomain) -> Self {
        var copy = self
        copy.sign = key.sign(digest: hash(in: domain)).bytes
        return copy
    }

    /// The address that signed this order in `domain`, recovered from `sign`.
    ///
    /// - Throws: `OrderSignatureError.unsigned` when `sign` is empty, `.invalid` when it is not a
    ///   valid 65- or 64-byte low-s signature.
    public func signer(in domain: PoCoDomain) throws(OrderSignatureError) -> Address {
        guard !sign.isEmpty else { throw .unsigned(Self.typeName) }
        do throws(Secp256k1Error) {
            return try Signature(bytes: sign).recoverAddress(digest: hash(in: domain))
        } catch {
            throw .invalid(error)
        }
    }

    /// True when `sign` is a valid signature of this order in `domain` by `account`.
    public func isSigned(by account: Address, in domain: PoCoDomain) -> Bool {
        (try? signer(in: domain)) == account
    }

    /// The order as generic `eth_signTypedData_v4` data (what a wallet would be asked to sign).
    public func typedData(in domain: PoCoDomain) -> TypedData {
        do {
            return try TypedData(
                types: [Self.typeName: Self.fields], primaryType: Self.typeName,
                domain: domain.eip712Domain, message: messageValue)
        } catch {
            // The fields and message are built by this module from typed values.
            preconditionFailure("an order's typed data is valid by construction: \(error)")
        }
    }

    /// Parses an order from JSON text (iexec-sdk's field names).
    public init(json: String) throws(OrderJSONError) {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue(parsing: json)
        } catch {
            throw .invalidJSON(error)
        }
        try self.init(jsonValue: value)
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
    /// Writes the fields as `json` does, every one a string. The order types' `encode(to:)`.
    /// (Decoding goes through `JSONValue`: with `JSONDecoder`, integers written as JSON numbers
    /// must fit in 64 bits, larger ones must be decimal strings as iexec-sdk writes them;
    /// `init(json:)` has no such limit.)
    public func encodeFields(to encoder: any Encoder) throws {
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

/// Why an order's signature gives no signer.
public enum OrderSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The order (type named) carries no signature.
    case unsigned(String)
    /// The signature bytes are not a valid signature.
    case invalid(Secp256k1Error)

    public var description: String {
        switch self {
        case .unsigned(let type): return "\(type) has no signature (sign is empty)"
        case .invalid(let error): return "sign: \(error)"
        }
    }
}
