import CSecp256k1

/// The one libsecp256k1 context of the process. Signing, public-key derivation and recovery take
/// it as `const`, which the library documents as safe to share between threads.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()
    let pointer: OpaquePointer

    private init() {
        pointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        // Blinds the signing computations against side channels; needs fresh randomness once.
        var seed = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in seed.indices { seed[index] = generator.next() }
        _ = secp256k1_context_randomize(pointer, seed)
    }
}

/// Why a key or signature was refused.
public enum Secp256k1Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A private key is zero, or not below the curve order, or not 32 bytes.
    case invalidPrivateKey
    /// A signature is not 64 or 65 bytes.
    case signatureLength(Int)
    /// `v` is not 0, 1, 27 or 28.
    case invalidRecoveryId(UInt64)
    /// `s` is above n/2; Ethereum (EIP-2) and PoCo accept only the low-s form.
    case highS
    /// `r` or `s` is zero or not below the curve order.
    case invalidSignatureValues
    /// No public key recovers from this signature and digest.
    case recoveryFailed
    /// A public key is not a valid point.
    case invalidPublicKey

    public var description: String {
        switch self {
        case .invalidPrivateKey: return "private key must be 32 bytes, non-zero and below the secp256k1 order"
        case .signatureLength(let count): return "a signature is 65 bytes (r, s, v) or 64 bytes (EIP-2098), got \(count)"
        case .invalidRecoveryId(let v): return "signature v must be 0, 1, 27 or 28, got \(v)"
        case .highS: return "signature s is in the upper half of the curve order (high-s); re-sign with a low-s signer"
        case .invalidSignatureValues: return "signature r and s must be non-zero and below the curve order"
        case .recoveryFailed: return "no public key recovers from this signature and digest"
        case .invalidPublicKey: return "not a valid secp256k1 public key"
        }
    }
}

/// A secp256k1 private key. Its `description` never shows the secret.
public struct PrivateKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 secret bytes, big-endian.
    public let bytes: [UInt8]

    /// Wraps 32 bytes that must be a valid scalar (non-zero, below the curve order).
    public init(_ bytes: [UInt8]) throws(Secp256k1Error) {
        guard bytes.count == 32, secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1 else {
            throw .invalidPrivateKey
        }
        self.bytes = bytes
    }

    /// Parses `0x` + 64 hex digits.
    public init(hex: String) throws {
        try self.init(Hex.decode(hex, count: 32))
    }

    /// A fresh key from the system's cryptographic random source.
    public static func random() -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            if let key = try? PrivateKey(candidate) { return key }
        }
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        var point = secp256k1_pubkey()
        let created = secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &point, bytes)
        precondition(created == 1, "a verified private key always has a public key")
        return PublicKey(point: point)
    }

    /// The account address of this key.
    public var address: Address { Address(publicKey: publicKey) }

    /// Signs a 32-byte digest: deterministic nonce (RFC 6979), low-s, with the recovery id.
    public func sign(digest: Hash32) -> Signature {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let signed = secp256k1_ecdsa_sign_recoverable(
            Secp256k1Context.shared.pointer, &recoverable, digest.bytes, bytes, nil, nil)
        precondition(signed == 1, "signing with a verified key cannot fail")
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryId: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(
            Secp256k1Context.shared.pointer, &compact, &recoveryId, &recoverable)
        return Signature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), yParity: UInt8(recoveryId))
    }

    public var description: String { "PrivateKey(address: \(address))" }
}

/// A secp256k1 public key (a curve point).
public struct PublicKey: Sendable, Hashable {
    /// SEC1 uncompressed form: `0x04 ‖ x ‖ y`, 65 bytes.
    public let uncompressed: [UInt8]

    init(point: secp256k1_pubkey) {
        var point = point
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.pointer, &out, &length, &point, UInt32(SECP256K1_EC_UNCOMPRESSED))
        uncompressed = out
    }

    /// Parses a SEC1 public key, compressed (33 bytes) or uncompressed (65 bytes).
    public init(sec1 bytes: [UInt8]) throws(Secp256k1Error) {
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &point, bytes, bytes.count) == 1 else {
            throw .invalidPublicKey
        }
        self.init(point: point)
    }

    /// The account address of this key.
    public var address: Address { Address(publicKey: self) }
}

/// An ECDSA signature with its recovery bit, as Ethereum carries it.
public struct Signature: Sendable, Hashable {
    /// Big-endian `r`, 32 bytes.
    public let r: [UInt8]
    /// Big-endian `s`, 32 bytes, always in the lower half of the order once validated.
    public let s: [UInt8]
    /// The parity of the nonce point's y (0 or 1): the recovery id.
    public let yParity: UInt8

    /// n/2 for secp256k1: the largest `s` Ethereum accepts (EIP-2).
    static let halfOrder: [UInt8] = try! Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    /// Builds a signature from its parts, refusing a high `s` or a bad length.
    public init(r: [UInt8], s: [UInt8], yParity: UInt8) {
        precondition(r.count == 32 && s.count == 32 && yParity <= 1)
        (self.r, self.s, self.yParity) = (r, s, yParity)
    }

    /// Parses 65 bytes `r ‖ s ‖ v` (v = 0, 1, 27 or 28) or 64 bytes EIP-2098 `r ‖ yParityAndS`.
    /// A high-`s` signature is refused.
    public init(bytes: [UInt8]) throws(Secp256k1Error) {
        switch bytes.count {
        case 65:
            let v = bytes[64]
            guard let parity = Self.parity(fromV: UInt64(v)) else { throw .invalidRecoveryId(UInt64(v)) }
            self.init(r: Array(bytes[0..<32]), s: Array(bytes[32..<64]), yParity: parity)
        case 64:
            var s = Array(bytes[32..<64])
            let parity = s[0] >> 7
            s[0] &= 0x7f
            self.init(r: Array(bytes[0..<32]), s: s, yParity: parity)
        default:
            throw .signatureLength(bytes.count)
        }
        try validate()
    }

    /// Maps `v` = 0/1/27/28 to the y parity.
    static func parity(fromV v: UInt64) -> UInt8? {
        switch v {
        case 0, 1: return UInt8(v)
        case 27, 28: return UInt8(v - 27)
        default: return nil
        }
    }

    /// Checks `r`, `s` are in range and `s` is low.
    public func validate() throws(Secp256k1Error) {
        if s.lexicographicallyPrecedes(Self.halfOrder) || s == Self.halfOrder {
            guard r.contains(where: { $0 != 0 }), s.contains(where: { $0 != 0 }) else {
                throw .invalidSignatureValues
            }
            return
        }
        throw .highS
    }

    /// `v` in the legacy form, 27 or 28.
    public var v: UInt8 { yParity + 27 }

    /// 65 bytes `r ‖ s ‖ v` with v = 27/28, as `eth_sign` and iExec orders carry it.
    public var bytes: [UInt8] { r + s + [v] }

    /// 64 bytes EIP-2098 compact form: `r ‖ (yParity << 255 | s)`.
    public var compactBytes: [UInt8] {
        var yParityAndS = s
        yParityAndS[0] |= yParity << 7
        return r + yParityAndS
    }

    /// Recovers the signer's public key from the digest it signed.
    public func recoverPublicKey(digest: Hash32) throws(Secp256k1Error) -> PublicKey {
        try validate()
        let context = Secp256k1Context.shared.pointer
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &recoverable, r + s, Int32(yParity)) == 1
        else { throw .invalidSignatureValues }
        var point = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &point, &recoverable, digest.bytes) == 1 else {
            throw .recoveryFailed
        }
        return PublicKey(point: point)
    }

    /// Recovers the signer's address from the digest it signed.
    public func recoverAddress(digest: Hash32) throws(Secp256k1Error) -> Address {
        try recoverPublicKey(digest: digest).address
    }
}
