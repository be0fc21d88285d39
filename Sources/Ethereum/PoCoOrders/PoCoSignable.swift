/// An EIP-712 struct that PoCo hashes and signs in a `PoCoDomain`: the four orders (`PoCoOrder`)
/// and their `OrderOperation`s. Each type gives its struct hash (dedicated code over its fixed
/// layout), its typed-data form and its `sign` field; hashing, signing, signer recovery and the
/// generic typed-data view are written once, in this protocol's extension.
public protocol PoCoSignable: Hashable, Sendable {
    /// The Solidity struct name and EIP-712 primary type: `AppOrder`, `AppOrderOperation`, etc.
    static var typeName: String { get }
    /// The EIP-712 struct types `typedData(in:)` declares, by name: this type's fields and those
    /// of the struct types it refers to.
    static var typedDataTypes: [String: [TypedData.Field]] { get }

    /// `hashStruct(value)`: `keccak256(typeHash ‖ field words)`, `sign` excluded.
    var structHash: Hash32 { get }

    /// The fields as a typed-data message object (integers as decimal strings), `sign` excluded.
    var messageValue: JSONValue { get }

    /// The signature: 65 bytes `r ‖ s ‖ v`, 64 bytes EIP-2098, or empty when unsigned (for an
    /// order: presigned on chain, or not signed yet; for an operation: sent by the owner).
    var sign: [UInt8] { get set }
}

extension PoCoSignable {
    /// The digest that is signed: `keccak256(0x1901 ‖ domain.separator ‖ structHash)`. For an order,
    /// the order hash: the key of `viewConsumed` / `viewPresigned` and the value in `OrdersMatched`.
    public func hash(in domain: PoCoDomain) -> Hash32 {
        TypedData.digest(domainSeparator: domain.separator, structHash: structHash)
    }

    /// A copy whose `sign` is `key`'s signature of its hash in `domain` (65 bytes, v = 27/28, as
    /// iexec-sdk produces). Named `signed` because `sign` is the signature field.
    public func signed(with key: PrivateKey, in domain: PoCoDomain) -> Self {
        var copy = self
        copy.sign = key.sign(digest: hash(in: domain)).bytes
        return copy
    }

    /// The address that signed this value in `domain`, recovered from `sign`.
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

    /// True when `sign` is a valid signature of this value in `domain` by `account`.
    public func isSigned(by account: Address, in domain: PoCoDomain) -> Bool {
        (try? signer(in: domain)) == account
    }

    /// The value as generic `eth_signTypedData_v4` data (what a wallet would be asked to sign).
    public func typedData(in domain: PoCoDomain) -> TypedData {
        do {
            return try TypedData(
                types: Self.typedDataTypes, primaryType: Self.typeName, domain: domain.eip712Domain,
                message: messageValue)
        } catch {
            // The types and message are built by this module from typed values.
            preconditionFailure("\(Self.typeName)'s typed data is valid by construction: \(error)")
        }
    }
}

/// Why an order's (or an order operation's) signature gives no signer.
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
