import Crypto
import CryptoExtras
import Foundation

/// BIP-39 mnemonic to seed.
///
/// Only the seed derivation is implemented. The mnemonic is NOT validated against the English
/// word list or its checksum (the word list is not shipped): any text gives a seed, so a typo
/// gives a different wallet rather than an error. Check mnemonics elsewhere when that matters.
public enum BIP39 {
    /// PBKDF2 iterations fixed by BIP-39.
    public static let iterations = 2048
    /// Length of the seed, in bytes.
    public static let seedByteCount = 64

    /// The 64-byte seed: PBKDF2-HMAC-SHA512(password: NFKD(mnemonic), salt: "mnemonic" +
    /// NFKD(passphrase), 2048 iterations). Words are used as given: pass them separated by single
    /// spaces (U+0020), as BIP-39 writes them (Japanese mnemonics use U+3000). An empty
    /// mnemonic is refused.
    public static func seed(mnemonic: String, passphrase: String = "") throws(HDWalletError) -> [UInt8] {
        // Also keeps an empty buffer away from swift-crypto, which force-unwraps its base address.
        guard !mnemonic.isEmpty else { throw .emptyMnemonic }
        let password = Array(mnemonic.decomposedStringWithCompatibilityMapping.utf8)
        let salt = Array("mnemonic".utf8) + Array(passphrase.decomposedStringWithCompatibilityMapping.utf8)
        do {
            // swift-crypto's checked API refuses fewer than 210,000 rounds; BIP-39 fixes 2048.
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha512,
                outputByteCount: seedByteCount, unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .seedDerivationFailed("BoringSSL PBKDF2-HMAC-SHA512: \(error)")
        }
    }
}
