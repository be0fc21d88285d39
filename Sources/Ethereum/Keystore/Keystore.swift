import Crypto
import CryptoExtras
import Foundation

/// Web3 Secret Storage (keystore v3): encrypting a private key under a password, and opening it.
///
/// The password is used as its UTF-8 bytes, without Unicode normalization, as geth and
/// eth-account do.
public enum Keystore {
    /// Encrypts `key` under `password` into a version 3 keystore.
    ///
    /// - Parameters:
    ///   - kdf: the key derivation; geth's standard scrypt (n = 2¹⁸, r = 8, p = 1) by default.
    ///     `.light` is much faster, for tests and throw-away keys.
    ///   - salt: the KDF salt; 32 fresh random bytes when nil.
    ///   - iv: the 16-byte AES-CTR initial counter block; fresh random bytes when nil.
    ///   - id: the file's UUID; a fresh random (version 4) one when nil.
    /// - Throws: `.kdf` when the KDF parameters are refused; `.invalidField` for an `iv` that is
    ///   not 16 bytes.
    public static func encrypt(
        _ key: PrivateKey, password: String, kdf: KeyDerivation = .standard,
        salt: [UInt8]? = nil, iv: [UInt8]? = nil, id: UUID? = nil
    ) throws(KeystoreError) -> KeystoreFile {
        let salt = salt ?? randomBytes(32)
        let iv = iv ?? randomBytes(16)
        guard iv.count == 16 else {
            throw .invalidField("crypto.cipherparams.iv", reason: "expected 16 bytes, got \(iv.count)")
        }
        let derived = try deriveKey(kdf: kdf, password: password, salt: salt)
        let ciphertext = try aes128CTR(key: Array(derived[0..<16]), iv: iv, input: key.bytes)
        return KeystoreFile(
            id: (id ?? UUID()).uuidString.lowercased(), address: key.address, kdf: kdf, salt: salt,
            iv: iv, ciphertext: ciphertext, mac: mac(derivedKey: derived, ciphertext: ciphertext))
    }

    /// Opens a keystore: derives the key, checks the MAC (a mismatch means a wrong password or an
    /// altered file), decrypts, and checks the key's address against the file's `address` field
    /// when there is one.
    public static func decrypt(_ file: KeystoreFile, password: String) throws(KeystoreError) -> PrivateKey {
        // The parts may have been set by hand rather than parsed, so check them again.
        guard file.iv.count == 16 else {
            throw .invalidField("crypto.cipherparams.iv", reason: "expected 16 bytes, got \(file.iv.count)")
        }
        guard file.ciphertext.count == 32 else {
            throw .invalidField("crypto.ciphertext", reason: "expected 32 bytes, got \(file.ciphertext.count)")
        }
        guard file.mac.count == 32 else {
            throw .invalidField("crypto.mac", reason: "expected 32 bytes, got \(file.mac.count)")
        }
        let derived = try deriveKey(kdf: file.kdf, password: password, salt: file.salt)
        guard constantTimeEqual(mac(derivedKey: derived, ciphertext: file.ciphertext), file.mac) else {
            throw .wrongPassword
        }
        let plaintext = try aes128CTR(key: Array(derived[0..<16]), iv: file.iv, input: file.ciphertext)
        let key: PrivateKey
        do throws(Secp256k1Error) {
            key = try PrivateKey(plaintext)
        } catch {
            throw .invalidPrivateKey
        }
        if let expected = file.address, expected != key.address {
            throw .addressMismatch(file: expected, key: key.address)
        }
        return key
    }

    /// Parses keystore JSON and opens it (see `decrypt(_:password:)`).
    public static func decrypt(json: String, password: String) throws(KeystoreError) -> PrivateKey {
        try decrypt(KeystoreFile(json: json), password: password)
    }

    /// Parses keystore JSON bytes and opens them (see `decrypt(_:password:)`).
    public static func decrypt(jsonData: Data, password: String) throws(KeystoreError) -> PrivateKey {
        try decrypt(KeystoreFile(jsonData: jsonData), password: password)
    }

    /// The file name geth gives a keystore:
    /// `UTC--<yyyy>-<MM>-<dd>T<hh>-<mm>-<ss>.<nnnnnnnnn>Z--<address, 40 lowercase hex digits, no 0x>`,
    /// e.g. `UTC--2026-11-24T20-05-00.000000000Z--008aeeda4d805471df9b2a5b0f38a0c3bcba786b`.
    /// The time is UTC with nanoseconds; dashes replace the colons of ISO 8601 so the name is
    /// valid on every file system. Dates outside years 1970…9999 are clamped into that range.
    public static func fileName(for address: Address, at date: Date = Date()) -> String {
        "UTC--\(utcTimestamp(date))--\(Hex.encode(address.bytes, prefix: false))"
    }

    // MARK: - Pieces

    static func deriveKey(kdf: KeyDerivation, password: String, salt: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do throws(KDFError) {
            return try kdf.deriveKey(
                password: Array(password.utf8), salt: salt, outputByteCount: KeystoreFile.derivedKeyLength)
        } catch {
            throw .kdf(error)
        }
    }

    /// `keccak256(derivedKey[16..<32] ‖ ciphertext)`.
    static func mac(derivedKey: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        Keccak256.hash(derivedKey[16..<32] + ciphertext).bytes
    }

    /// AES-128 in counter mode with `iv` as the whole initial 128-bit counter block, incremented
    /// big-endian over all 16 bytes (what the keystore format and NIST SP 800-38A use).
    static func aes128CTR(key: [UInt8], iv: [UInt8], input: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do {
            let nonce = try AES._CTR.Nonce(nonceBytes: iv)
            return Array(try AES._CTR.encrypt(input, using: SymmetricKey(data: key), nonce: nonce))
        } catch {
            throw .cipherFailed("\(error)")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// `2026-11-24T20-05-00.000000000Z` for `date`, computed without Calendar so every digit
    /// is exact.
    static func utcTimestamp(_ date: Date) -> String {
        // Date counts seconds from 2001-01-01 UTC; 978,307,200 s separate that from 1970.
        let sinceReference = date.timeIntervalSinceReferenceDate
        let minimum = -978_307_200.0, maximum = 253_402_300_799.0 - 978_307_200.0
        let clamped = sinceReference.isNaN ? 0 : min(max(sinceReference, minimum), maximum)
        let whole = clamped.rounded(.down)
        let nanoseconds = min(Int(((clamped - whole) * 1e9).rounded(.down)), 999_999_999)
        let unixSeconds = Int(whole) + 978_307_200
        let (days, secondOfDay) = unixSeconds.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2))-"
            + "\(pad(secondOfDay / 60 % 60, 2))-\(pad(secondOfDay % 60, 2)).\(pad(nanoseconds, 9))Z"
    }

    /// Year, month, day of the proleptic Gregorian calendar for a non-negative day count since
    /// 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
