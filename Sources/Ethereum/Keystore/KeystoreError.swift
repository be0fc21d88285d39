/// Why a keystore could not be read, written or opened.
///
/// Field paths are written as in the JSON, e.g. `crypto.kdfparams.salt`.
public enum KeystoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON, or its top level is not an object.
    case invalidJSON(String)
    /// A required field is absent.
    case missingField(String)
    /// A field is present but has the wrong type, length or value.
    case invalidField(String, reason: String)
    /// `version` is not 3.
    case unsupportedVersion(Int)
    /// `crypto.cipher` is not `aes-128-ctr`.
    case unsupportedCipher(String)
    /// `crypto.kdf` is neither `scrypt` nor `pbkdf2`.
    case unsupportedKDF(String)
    /// `crypto.kdfparams.prf` is not `hmac-sha256`.
    case unsupportedPRF(String)
    /// The KDF parameters are malformed or beyond the resource limits, or the KDF failed.
    case kdf(KDFError)
    /// The MAC does not match: the password is wrong, or the file was altered.
    case wrongPassword
    /// The decrypted key's address is not the file's `address` field.
    case addressMismatch(file: Address, key: Address)
    /// The MAC matched but the plaintext is not a valid secp256k1 private key.
    case invalidPrivateKey
    /// AES-128-CTR reported a failure.
    case cipherFailed(String)

    /// One line saying what is wrong and in which field.
    public var description: String {
        switch self {
        case .invalidJSON(let detail):
            return "keystore is not a valid JSON object: \(detail)"
        case .missingField(let path):
            return "keystore field \(path) is missing"
        case .invalidField(let path, let reason):
            return "keystore field \(path) is invalid: \(reason)"
        case .unsupportedVersion(let version):
            return "keystore version \(version) is not supported; only version 3 is"
        case .unsupportedCipher(let cipher):
            return "keystore cipher \"\(cipher)\" (crypto.cipher) is not supported; only aes-128-ctr is"
        case .unsupportedKDF(let kdf):
            return "keystore kdf \"\(kdf)\" (crypto.kdf) is not supported; only scrypt and pbkdf2 are"
        case .unsupportedPRF(let prf):
            return "keystore prf \"\(prf)\" (crypto.kdfparams.prf) is not supported; only hmac-sha256 is"
        case .kdf(let error):
            return "keystore crypto.kdfparams refused: \(error)"
        case .wrongPassword:
            return "wrong password: the keystore MAC does not match (or the file was altered)"
        case .addressMismatch(let file, let key):
            return "keystore address field is \(file.lowercaseHex) but the decrypted key's address is "
                + "\(key.lowercaseHex)"
        case .invalidPrivateKey:
            return "keystore decrypted to bytes that are not a valid secp256k1 private key"
        case .cipherFailed(let detail):
            return "AES-128-CTR failed: \(detail)"
        }
    }
}
