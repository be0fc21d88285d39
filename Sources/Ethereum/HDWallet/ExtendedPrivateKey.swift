import CSecp256k1
import Crypto

/// A BIP-32 extended private key: a secp256k1 private key with its chain code, and where it
/// sits in the tree. Its `description` never shows the secret or the chain code.
///
/// Only private derivation (CKDpriv) is provided; serialization to `xprv` is not (it needs
/// RIPEMD-160 for the parent fingerprint, which the dependencies lack).
public struct ExtendedPrivateKey: Sendable, Hashable, CustomStringConvertible {
    /// The smallest and largest seed BIP-32 allows: 128 to 512 bits.
    public static let seedByteCountRange = 16...64

    /// The key at this node.
    public let privateKey: PrivateKey
    /// The 32-byte chain code that, with the key, derives the children.
    public let chainCode: [UInt8]
    /// The path from the master key to this node (`m` for the master key itself).
    public let path: DerivationPath

    /// The master key of a seed: `I = HMAC-SHA512(key: "Bitcoin seed", data: seed)`, key = I_L,
    /// chain code = I_R. The seed must be 16 to 64 bytes (a BIP-39 seed is 64).
    public init(seed: [UInt8]) throws(HDWalletError) {
        guard Self.seedByteCountRange.contains(seed.count) else { throw .seedLength(seed.count) }
        let digest = Self.hmacSHA512(key: Array("Bitcoin seed".utf8), data: seed)
        // I_L zero or ≥ n: BIP-32 says the seed is unusable.
        guard let key = try? PrivateKey(Array(digest[0..<32])) else { throw .invalidMasterKey }
        self.init(privateKey: key, chainCode: Array(digest[32..<64]), path: DerivationPath.master)
    }

    private init(privateKey: PrivateKey, chainCode: [UInt8], path: DerivationPath) {
        (self.privateKey, self.chainCode, self.path) = (privateKey, chainCode, path)
    }

    /// How many levels below the master key this node is.
    public var depth: Int { path.components.count }

    /// BIP-32 CKDpriv: the child at `index`.
    ///
    /// `I = HMAC-SHA512(key: chainCode, data: 0x00 ‖ key ‖ ser32(i))` for a hardened index,
    /// `data: compressed public key ‖ ser32(i)` for a normal one; child key = I_L + key (mod n),
    /// chain code = I_R. When I_L ≥ n or the child key is zero (probability below 2⁻¹²⁷) BIP-32
    /// says to move on to the next index; this throws `HDWalletError.invalidChildKey` instead, so
    /// that a path always names the key derived at exactly its indices (eth-account skips).
    public func derivedChild(_ index: ChildIndex) throws(HDWalletError) -> ExtendedPrivateKey {
        guard depth < DerivationPath.maxDepth else { throw .depthOverflow(path) }
        let data = (index.isHardened ? [0] + privateKey.bytes : privateKey.publicKey.compressed)
            + Self.bigEndian(index.rawIndex)
        let digest = Self.hmacSHA512(key: chainCode, data: data)
        let childPath: DerivationPath
        do { childPath = try DerivationPath(components: path.components + [index]) } catch {
            throw .depthOverflow(path)
        }
        var childKeyBytes = privateKey.bytes
        // Fails exactly when the tweak I_L is ≥ n or the sum is zero.
        let tweaked = secp256k1_ec_seckey_tweak_add(
            Secp256k1Context.shared.pointer, &childKeyBytes, Array(digest[0..<32]))
        guard tweaked == 1, let childKey = try? PrivateKey(childKeyBytes) else {
            throw .invalidChildKey(childPath)
        }
        return ExtendedPrivateKey(privateKey: childKey, chainCode: Array(digest[32..<64]), path: childPath)
    }

    /// The descendant at `relativePath`, whose steps are taken from this node (so a master key
    /// and `m/44'/60'` give the key at `m/44'/60'`).
    public func derived(_ relativePath: DerivationPath) throws(HDWalletError) -> ExtendedPrivateKey {
        var node = self
        for index in relativePath.components { node = try node.derivedChild(index) }
        return node
    }

    /// Shows the path and address, never the secret or the chain code.
    public var description: String { "ExtendedPrivateKey(path: \(path), address: \(privateKey.address))" }

    static func hmacSHA512(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
