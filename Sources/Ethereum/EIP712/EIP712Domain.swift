/// The EIP-712 domain: which fields are present decides the `EIP712Domain` type, in the standard
/// order name, version, chainId, verifyingContract, salt (as eth-account builds it).
public struct EIP712Domain: Hashable, Sendable {
    /// The signing domain's name (`iExecODB` for PoCo).
    public var name: String?
    /// The domain's version (`5.0.0` for PoCo).
    public var version: String?
    /// The EIP-155 chain id.
    public var chainId: UInt256?
    /// The contract that verifies the signature (the PoCo hub).
    public var verifyingContract: Address?
    /// A disambiguating salt.
    public var salt: Hash32?

    /// A domain with the given fields; absent ones are left out of the type.
    public init(
        name: String? = nil, version: String? = nil, chainId: UInt256? = nil,
        verifyingContract: Address? = nil, salt: Hash32? = nil
    ) {
        (self.name, self.version, self.chainId, self.verifyingContract, self.salt) =
            (name, version, chainId, verifyingContract, salt)
    }

    /// The five standard fields with their types, in the order EIP-712 lists them.
    static let standardFields: [TypedData.Field] = [
        .init(name: "name", type: "string"),
        .init(name: "version", type: "string"),
        .init(name: "chainId", type: "uint256"),
        .init(name: "verifyingContract", type: "address"),
        .init(name: "salt", type: "bytes32"),
    ]

    /// The `EIP712Domain` struct type for the fields present.
    public var fields: [TypedData.Field] {
        let present = [name != nil, version != nil, chainId != nil, verifyingContract != nil, salt != nil]
        return zip(Self.standardFields, present).filter(\.1).map(\.0)
    }

    /// `EIP712Domain(string name,…)` for the fields present.
    public var typeString: String {
        "EIP712Domain(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    /// Keccak-256 of `typeString`.
    public var typeHash: Hash32 { Keccak256.hash(typeString) }

    /// `hashStruct(domain)`: the domain separator every typed-data digest of this domain starts with.
    public var separator: Hash32 {
        var encoded = typeHash.bytes
        if let name { encoded += Keccak256.hash(name).bytes }
        if let version { encoded += Keccak256.hash(version).bytes }
        if let chainId { encoded += chainId.bigEndianBytes }
        if let verifyingContract { encoded += [UInt8](repeating: 0, count: 12) + verifyingContract.bytes }
        if let salt { encoded += salt.bytes }
        return Keccak256.hash(encoded)
    }

    /// Reads a domain object (`{"name": …, "chainId": …}`) with the same value rules as a message.
    ///
    /// - Throws: `TypedDataError.unknownDomainField` for a member outside the five standard ones.
    public init(jsonValue: JSONValue) throws(TypedDataError) {
        guard case .object(let members) = jsonValue else {
            throw .malformedDocument("domain must be an object, got \(jsonValue.kindDescription)")
        }
        for key in members.keys.sorted() where !Self.standardFields.contains(where: { $0.name == key }) {
            throw .unknownDomainField(key)
        }
        self.init()
        if let value = members["name"] { name = try Self.text(value, field: "name") }
        if let value = members["version"] { version = try Self.text(value, field: "version") }
        if let value = members["chainId"] {
            let (negative, magnitude) = try EIP712AtomicEncoding.integer(value, type: .uint(bits: 256), path: "domain.chainId")
            guard !negative || magnitude.isZero else {
                throw .outOfRange(path: "domain.chainId", type: "uint256", value: EIP712AtomicEncoding.shown(value))
            }
            chainId = magnitude
        }
        // The word readers validate; the fixed-size slices below cannot fail.
        if let value = members["verifyingContract"] {
            let word = try EIP712AtomicEncoding.word(of: value, as: .address, path: "domain.verifyingContract")
            verifyingContract = try? Address(Array(word[12...]))
        }
        if let value = members["salt"] {
            let word = try EIP712AtomicEncoding.word(of: value, as: .fixedBytes(32), path: "domain.salt")
            salt = try? Hash32(word)
        }
    }

    private static func text(_ value: JSONValue, field: String) throws(TypedDataError) -> String {
        guard case .string(let text) = value else {
            throw .invalidValue(path: "domain.\(field)", type: "string", reason: "expected a string, got \(value.kindDescription)")
        }
        return text
    }

    /// The domain as a JSON object, chainId as a decimal string.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if let name { members["name"] = .string(name) }
        if let version { members["version"] = .string(version) }
        if let chainId { members["chainId"] = .number(chainId.description) }
        if let verifyingContract { members["verifyingContract"] = .string(verifyingContract.checksummed) }
        if let salt { members["salt"] = .string(salt.hex) }
        return .object(members)
    }
}
