/// A validated set of struct types and the EIP-712 encoding over them: `encodeType`, `typeHash`,
/// `encodeData`.
struct EIP712Encoder: Hashable, Sendable {
    let types: [String: [TypedData.Field]]
    let parsedFields: [String: [EIP712FieldType]]
    let typeHashes: [String: Hash32]

    /// Checks every type name, field name and field type, and that every struct used is defined.
    init(types: [String: [TypedData.Field]]) throws(TypedDataError) {
        var parsed: [String: [EIP712FieldType]] = [:]
        // Sorted so the first error reported does not depend on dictionary order.
        for name in types.keys.sorted() {
            guard name != "EIP712Domain" else {
                throw .malformedDocument("EIP712Domain is built from the domain; leave it out of types here")
            }
            guard EIP712FieldType.isIdentifier(Substring(name)), !EIP712FieldType.isAtomicName(name) else {
                throw .invalidTypeName(name)
            }
            var seen = Set<String>()
            var fieldTypes: [EIP712FieldType] = []
            for field in types[name] ?? [] {
                guard !field.name.isEmpty, !field.name.contains(where: { $0.isWhitespace || ",()".contains($0) }) else {
                    throw .invalidFieldName(type: name, field: field.name)
                }
                guard seen.insert(field.name).inserted else { throw .duplicateField(type: name, field: field.name) }
                guard let type = EIP712FieldType.parse(field.type) else {
                    throw .invalidFieldType(type: name, field: field.name, fieldType: field.type)
                }
                if let used = type.coreStructName, types[used] == nil {
                    throw .undefinedType(used, usedBy: "\(name).\(field.name)")
                }
                fieldTypes.append(type)
            }
            parsed[name] = fieldTypes
        }
        self.types = types
        self.parsedFields = parsed
        var hashes: [String: Hash32] = [:]
        for name in types.keys {
            hashes[name] = Keccak256.hash(Self.encodeType(name, types: types, parsed: parsed))
        }
        self.typeHashes = hashes
    }

    /// `Primary(fields)` followed by every struct it references, directly or through other structs
    /// or arrays, sorted by name, each once. Recursive references are followed once.
    static func encodeType(
        _ primary: String, types: [String: [TypedData.Field]], parsed: [String: [EIP712FieldType]]
    ) -> String {
        var found = Set<String>([primary])
        var pending = [primary]
        while let next = pending.popLast() {
            for type in parsed[next] ?? [] {
                if let core = type.coreStructName, found.insert(core).inserted { pending.append(core) }
            }
        }
        let order = [primary] + found.subtracting([primary]).sorted()
        return order.map { name in
            name + "(" + (types[name] ?? []).map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    /// `typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)` for an object value of struct `name`.
    func encodeStruct(_ name: String, _ value: JSONValue, path: String) throws(TypedDataError) -> [UInt8] {
        guard let fields = types[name], let fieldTypes = parsedFields[name], let typeHash = typeHashes[name] else {
            throw .undefinedType(name, usedBy: path)
        }
        guard case .object(let members) = value else {
            throw .invalidValue(path: path, type: name, reason: "expected an object, got \(value.kindDescription)")
        }
        var out = typeHash.bytes
        out.reserveCapacity(32 * (fields.count + 1))
        for (field, type) in zip(fields, fieldTypes) {
            out += try word(of: members[field.name], as: type, path: path + "." + field.name)
        }
        return out
    }

    /// The 32-byte encoding of one value: atomic types as words, dynamic ones and arrays hashed,
    /// structs as their `hashStruct` (zero when missing or null).
    func word(of value: JSONValue?, as type: EIP712FieldType, path: String) throws(TypedDataError) -> [UInt8] {
        switch (type, value) {
        case (.structure, nil), (.structure, .null?):
            return [UInt8](repeating: 0, count: 32)
        case (.structure(let name), let value?):
            return Keccak256.hash(try encodeStruct(name, value, path: path)).bytes
        case (_, nil), (_, .null?):
            throw .missingValue(path: path, type: type.description)
        case (.array(let element, let length), let value?):
            guard case .array(let items) = value else {
                throw .invalidValue(path: path, type: type.description, reason: "expected an array, got \(value.kindDescription)")
            }
            if let length, items.count != length {
                throw .wrongArrayLength(path: path, type: type.description, expected: length, actual: items.count)
            }
            var hasher = Keccak256()
            for (index, item) in items.enumerated() {
                hasher.update(try word(of: item, as: element, path: "\(path)[\(index)]"))
            }
            return hasher.finalize().bytes
        case (_, let value?):
            return try EIP712AtomicEncoding.word(of: value, as: type, path: path)
        }
    }
}

extension TypedData {
    /// `encodeType` of a struct type: `Mail(Person from,Person to,string contents)Person(string name,address wallet)`.
    ///
    /// - Throws: `TypedDataError.undefinedType` when `types` has no such struct.
    public func encodeType(_ typeName: String) throws(TypedDataError) -> String {
        guard types[typeName] != nil else { throw .undefinedType(typeName, usedBy: "encodeType") }
        return EIP712Encoder.encodeType(typeName, types: types, parsed: encoder.parsedFields)
    }

    /// `keccak256(encodeType(typeName))`.
    public func typeHash(_ typeName: String) throws(TypedDataError) -> Hash32 {
        guard let hash = encoder.typeHashes[typeName] else { throw .undefinedType(typeName, usedBy: "typeHash") }
        return hash
    }

    /// `typeHash ‖ encodeData(value)`: the bytes `hashStruct` hashes, for a value of any struct type here.
    public func encodeData(_ typeName: String, value: JSONValue) throws(TypedDataError) -> [UInt8] {
        try encoder.encodeStruct(typeName, value, path: "value")
    }

    /// `keccak256(typeHash ‖ encodeData(value))`.
    public func hashStruct(_ typeName: String, value: JSONValue) throws(TypedDataError) -> Hash32 {
        Keccak256.hash(try encodeData(typeName, value: value))
    }

    /// `hashStruct(EIP712Domain, domain)`.
    public var domainSeparator: Hash32 { domain.separator }

    /// `keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))`: what the signer signs.
    public var digest: Hash32 { Self.digest(domainSeparator: domainSeparator, structHash: messageHash) }

    /// The typed-data digest of a struct hash under a domain separator.
    public static func digest(domainSeparator: Hash32, structHash: Hash32) -> Hash32 {
        var message = [UInt8]()
        message.reserveCapacity(66)
        message.append(0x19)
        message.append(0x01)
        message.append(contentsOf: domainSeparator.bytes)
        message.append(contentsOf: structHash.bytes)
        return Keccak256.hash(message)
    }

    /// Signs the digest, as `eth_signTypedData_v4` does.
    public func sign(with key: PrivateKey) -> Signature {
        key.sign(digest: digest)
    }

    /// The address whose key produced `signature` over this typed data.
    public func recoverSigner(_ signature: Signature) throws(Secp256k1Error) -> Address {
        try signature.recoverAddress(digest: digest)
    }

    /// The signer of a 65-byte (`r ‖ s ‖ v`) or 64-byte (EIP-2098) signature over this typed data.
    public func recoverSigner(signatureBytes: [UInt8]) throws(Secp256k1Error) -> Address {
        try recoverSigner(Signature(bytes: signatureBytes))
    }
}
