/// EIP-191 version 0x45 (`personal_sign`): what wallets sign when asked to sign a message.
public enum EIP191 {
    /// `keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message)`, len in decimal.
    public static func hash<Bytes: Collection>(message: Bytes) -> Hash32 where Bytes.Element == UInt8 {
        var hasher = Keccak256()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(message)
        return hasher.finalize()
    }

    /// The EIP-191 hash of a text message's UTF-8 bytes.
    public static func hash(text: String) -> Hash32 {
        hash(message: Array(text.utf8))
    }

    /// Signs a message as `personal_sign` does.
    public static func sign<Bytes: Collection>(message: Bytes, with key: PrivateKey) -> Signature
    where Bytes.Element == UInt8 {
        key.sign(digest: hash(message: message))
    }

    /// The address that `personal_sign`-ed `message`.
    public static func recoverSigner<Bytes: Collection>(message: Bytes, signature: Signature) throws(Secp256k1Error)
        -> Address where Bytes.Element == UInt8 {
        try signature.recoverAddress(digest: hash(message: message))
    }
}
