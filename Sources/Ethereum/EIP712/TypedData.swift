/// EIP-712 typed structured data, as `eth_signTypedData_v4` takes it: struct types, a primary type,
/// a domain and a message. Building one validates the types and encodes the message, so a
/// `TypedData` value always has a digest.
///
/// Behaviour where implementations differ or are lax (eth-account 0.14 `encode_typed_data` is the
/// oracle of the tests; MetaMask's eth-sig-util v4 as its source reads):
/// - Message members that no field declares are ignored, as both do (v4 signs only the declared
///   fields), so an extra member does not change the digest.
/// - A struct-typed field that is missing or `null` encodes as 32 zero bytes (both do; it is how
///   recursive types such as `Node(Node next)` end). Any other missing or `null` value is an
///   error (eth-account would hash a missing `string`/`bytes` as a zero word, eth-sig-util throws).
/// - Recursive (cyclic) type definitions are valid EIP-712 and accepted; a type that is used but
///   not defined is an error.
/// - Fixed-size arrays must have exactly their length (eth-account does not check), `bytesN`
///   values exactly N bytes (eth-account right-pads a shorter one). See `EIP712AtomicEncoding`.
public struct TypedData: Hashable, Sendable {
    /// One member of a struct type: `{"name": "wallet", "type": "address"}`.
    public struct Field: Hashable, Sendable {
        /// The member's name.
        public var name: String
        /// Its type, as written (`uint256`, `Person[]`, `bytes32`).
        public var type: String
        /// A field of the given name and type.
        public init(name: String, type: String) {
            (self.name, self.type) = (name, type)
        }
    }

    /// The struct types, by name, without `EIP712Domain` (which `domain` determines).
    public let types: [String: [Field]]
    /// The type of `message`.
    public let primaryType: String
    /// The signing domain.
    public let domain: EIP712Domain
    /// The message, a JSON object of type `primaryType`.
    public let message: JSONValue
    /// `hashStruct(primaryType, message)`.
    public let messageHash: Hash32

    /// The validated types with their parsed fields and type hashes.
    let encoder: EIP712Encoder

    /// Validates the types and encodes the message.
    ///
    /// - Throws: `TypedDataError` for a malformed or undefined type, or a message value that does
    ///   not fit its type.
    public init(
        types: [String: [Field]], primaryType: String, domain: EIP712Domain, message: JSONValue
    ) throws(TypedDataError) {
        let encoder = try EIP712Encoder(types: types)
        guard types[primaryType] != nil else {
            throw .unknownPrimaryType("'\(primaryType)' is not defined in types")
        }
        self.types = types
        self.primaryType = primaryType
        self.domain = domain
        self.message = message
        self.encoder = encoder
        self.messageHash = Keccak256.hash(try encoder.encodeStruct(primaryType, message, path: "message"))
    }

    /// Parses the `eth_signTypedData_v4` JSON document.
    public init(json: String) throws(TypedDataError) {
        try self.init(jsonValue: JSONValue(parsing: json.utf8, invalidJSON: TypedDataError.invalidJSON))
    }

    /// Reads `{"types": …, "primaryType": …, "domain": …, "message": …}`.
    ///
    /// `primaryType` may be omitted when exactly one type is not used by another (eth-account's
    /// rule). `types.EIP712Domain` may be omitted; when given, it must list exactly the domain's
    /// members, with the standard types, in the standard order (the references disagree on any
    /// other order, so it is refused). Other top-level members are refused, so that a misspelt key
    /// is not silently ignored.
    public init(jsonValue: JSONValue) throws(TypedDataError) {
        guard case .object(let document) = jsonValue else {
            throw .malformedDocument("the document must be a JSON object, got \(jsonValue.kindDescription)")
        }
        let known: Set<String> = ["types", "primaryType", "domain", "message"]
        if let unknown = document.keys.sorted().first(where: { !known.contains($0) }) {
            throw .malformedDocument("unknown top-level member '\(unknown)' (expected types, primaryType, domain, message)")
        }
        guard case .object(let typeMembers)? = document["types"] else {
            throw .malformedDocument("'types' must be an object of struct definitions")
        }
        var types: [String: [Field]] = [:]
        for (name, definition) in typeMembers {
            types[name] = try Self.readFields(definition, typeName: name)
        }
        let domainValue = document["domain"] ?? .object([:])
        let domain = try EIP712Domain(jsonValue: domainValue)
        if let declared = types.removeValue(forKey: "EIP712Domain"), declared != domain.fields {
            let given = declared.map { "\($0.type) \($0.name)" }.joined(separator: ",")
            throw .domainTypeMismatch("declares (\(given)) but the domain implies \(domain.typeString)")
        }
        guard let message = document["message"] else { throw .malformedDocument("'message' is missing") }
        let primaryType: String
        switch document["primaryType"] {
        case .string(let name)?: primaryType = name
        case nil: primaryType = try Self.derivePrimaryType(types)
        case let other?: throw .malformedDocument("'primaryType' must be a string, got \(other.kindDescription)")
        }
        try self.init(types: types, primaryType: primaryType, domain: domain, message: message)
    }

    private static func readFields(_ definition: JSONValue, typeName: String) throws(TypedDataError) -> [Field] {
        guard case .array(let items) = definition else {
            throw .malformedDocument("types.\(typeName) must be an array of {name, type}")
        }
        return try items.map { item throws(TypedDataError) in
            guard case .object(let members) = item, members.count == 2,
                case .string(let name)? = members["name"], case .string(let type)? = members["type"]
            else {
                throw .malformedDocument("types.\(typeName) entries must be {\"name\": string, \"type\": string}")
            }
            return Field(name: name, type: type)
        }
    }

    /// The one type no other type uses, as eth-account derives it.
    private static func derivePrimaryType(_ types: [String: [Field]]) throws(TypedDataError) -> String {
        var used = Set<String>()
        for (name, fields) in types {
            for field in fields {
                if let core = EIP712FieldType.parse(field.type)?.coreStructName, core != name { used.insert(core) }
            }
        }
        let roots = types.keys.filter { !used.contains($0) }.sorted()
        guard roots.count == 1, let root = roots.first else {
            throw .unknownPrimaryType("is not given and cannot be derived (candidates: \(roots.joined(separator: ", ")))")
        }
        return root
    }

    /// The document as `eth_signTypedData_v4` JSON, with `EIP712Domain` declared.
    public var jsonValue: JSONValue {
        var typeMembers: [String: JSONValue] = [:]
        for (name, fields) in types {
            typeMembers[name] = .array(fields.map { .object(["name": .string($0.name), "type": .string($0.type)]) })
        }
        typeMembers["EIP712Domain"] = .array(domain.fields.map { .object(["name": .string($0.name), "type": .string($0.type)]) })
        return .object([
            "types": .object(typeMembers), "primaryType": .string(primaryType),
            "domain": domain.jsonValue, "message": message,
        ])
    }

    /// The document as compact JSON text, ready for a wallet's `eth_signTypedData_v4`.
    public var json: String { jsonValue.serialized }

    public static func == (lhs: TypedData, rhs: TypedData) -> Bool {
        lhs.types == rhs.types && lhs.primaryType == rhs.primaryType && lhs.domain == rhs.domain
            && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(messageHash)
        hasher.combine(domain)
    }
}
