import Foundation
import Testing

@testable import Ethereum

/// Web3 Secret Storage v3: the definition's two official vectors, keystores written by
/// eth-account, our own round trips, and every way a file can be wrong.
@Suite("Keystore v3 (Web3 Secret Storage)")
struct KeystoreTests {
    /// The Web3 Secret Storage definition's test key, password and address (address from
    /// eth-account's `Account.from_key`).
    static let officialKey = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    static let officialAddress = "008aeeda4d805471df9b2a5b0f38a0c3bcba786b"
    static let officialID = "3198bc9c-6672-5ab3-d995-4942343ae5b6"

    /// The definition's PBKDF2 vector (c = 262,144), as geth would write it: the definition's
    /// values plus `address`, compact, in geth's key order (its structs' field order, which is
    /// alphabetical but for `ciphertext` before `cipherparams`; `kdfparams` is a sorted map).
    /// eth-account's `Account.decrypt` opens this exact text to `officialKey`.
    static let officialPBKDF2 = #"{"address":"008aeeda4d805471df9b2a5b0f38a0c3bcba786b","crypto":{"cipher":"aes-128-ctr","ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#

    /// The definition's scrypt vector (n = 2¹⁸, r = 1, p = 8; BoringSSL refuses r = 1 with this n,
    /// so it runs in our own ROMix), written the same way; eth-account opens this text too.
    static let officialScrypt = #"{"address":"008aeeda4d805471df9b2a5b0f38a0c3bcba786b","crypto":{"cipher":"aes-128-ctr","ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#

    /// Written by eth-account 0.13 `Account.encrypt(key, "pässwörd 🔑", kdf="scrypt",
    /// iterations=4096)`: unsorted keys, a checksummed address without 0x, a 16-byte salt.
    static let ethAccountScrypt = #"{"address": "2c7536E3605D9C16a7a3D7b1898e529396a65c23", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "34fa184fbe35ee549a53e7b4fb02d460"}, "ciphertext": "597ec5dc5b2757f0ef76e789b26f9d103d52eec78f8ad6a4933992cfe080178a", "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 4096, "r": 8, "p": 1, "salt": "03eda3b2f573a4d1c87e6fc5e3ee027a"}, "mac": "627905ed24f18e34a21189e741a90f0575efb3ec1235d6d3c3fcec8a1d7714ee"}, "id": "cb84de15-9ee2-4d1a-937f-ed69f85f0407", "version": 3}"#

    /// Written by eth-account `Account.encrypt(key, "pässwörd 🔑", kdf="pbkdf2", iterations=1000)`.
    static let ethAccountPBKDF2 = #"{"address": "2c7536E3605D9C16a7a3D7b1898e529396a65c23", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "c215e7606e819c0b02b4804047410dd1"}, "ciphertext": "ee22fbd098c0b4dc12cfc5b961d444647d10a584012eb6ed75e634cd3ca2a193", "kdf": "pbkdf2", "kdfparams": {"c": 1000, "dklen": 32, "prf": "hmac-sha256", "salt": "83f8ef7efc761efdfee4c9fe96a50f45"}, "mac": "6b83d0f30d3fa1c39eef6591e9a02316903d654fc4ce0388bbcafe489be19a32"}, "id": "51d87a8c-7fa1-450b-b935-676bb4a37540", "version": 3}"#
    static let ethAccountKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let ethAccountPassword = "pässwörd 🔑"

    // MARK: - Official vectors

    @Test func officialPBKDF2VectorDecrypts() throws {
        let key = try Keystore.decrypt(json: Self.officialPBKDF2, password: "testpassword")
        #expect(key.bytes.hexString == "0x" + Self.officialKey)
    }

    @Test func officialScryptVectorDecrypts() throws {
        let key = try Keystore.decrypt(json: Self.officialScrypt, password: "testpassword")
        #expect(key.bytes.hexString == "0x" + Self.officialKey)
    }

    /// With the vector's salt, iv and id, encrypting gives the vector byte for byte, JSON included.
    @Test func encryptReproducesOfficialPBKDF2Vector() throws {
        let file = try Keystore.encrypt(
            PrivateKey(hex: Self.officialKey), password: "testpassword", kdf: .pbkdf2(c: 262_144),
            salt: [UInt8](hex: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"),
            iv: [UInt8](hex: "6087dab2f9fdbbfaddc31a909735c1e6"), id: UUID(uuidString: Self.officialID))
        #expect(file.json == Self.officialPBKDF2)
        #expect(try KeystoreFile(json: Self.officialPBKDF2) == file)
    }

    @Test func officialScryptVectorParsesAndReserializes() throws {
        let file = try KeystoreFile(json: Self.officialScrypt)
        #expect(file.kdf == .scrypt(n: 262_144, r: 1, p: 8))
        #expect(file.address == (try Address(hex: Self.officialAddress)))
        #expect(file.id == Self.officialID)
        #expect(file.json == Self.officialScrypt)
    }

    // MARK: - eth-account interoperability and round trips

    @Test(arguments: [ethAccountScrypt, ethAccountPBKDF2])
    func ethAccountKeystoresDecrypt(json: String) throws {
        let key = try Keystore.decrypt(json: json, password: Self.ethAccountPassword)
        #expect(key.bytes.hexString == "0x" + Self.ethAccountKey)
    }

    @Test(arguments: [KeyDerivation.light, .pbkdf2(c: 1000)])
    func encryptThenDecrypt(kdf: KeyDerivation) throws {
        let key = try PrivateKey(hex: Self.ethAccountKey)
        let file = try Keystore.encrypt(key, password: Self.ethAccountPassword, kdf: kdf)
        let reparsed = try KeystoreFile(json: file.json)
        #expect(reparsed == file)
        #expect(try Keystore.decrypt(reparsed, password: Self.ethAccountPassword) == key)
        #expect(file.address == key.address)
        #expect(file.kdf == kdf)
    }

    @Test func freshFilesHaveRandomSaltIVAndV4UUID() throws {
        let key = try PrivateKey(hex: Self.ethAccountKey)
        let first = try Keystore.encrypt(key, password: "p", kdf: .pbkdf2(c: 1))
        let second = try Keystore.encrypt(key, password: "p", kdf: .pbkdf2(c: 1))
        #expect(first.salt.count == 32 && first.iv.count == 16)
        #expect(first.salt != second.salt && first.iv != second.iv && first.id != second.id)
        let id = try #require(first.id)
        #expect(id == id.lowercased())
        let uuid = try #require(UUID(uuidString: id))
        #expect(uuid.uuid.6 >> 4 == 4)  // version 4
        #expect(uuid.uuid.8 >> 6 == 0b10)  // RFC 4122 variant
        #expect(KeyDerivation.standard == .scrypt(n: 262_144, r: 8, p: 1))
        #expect(KeyDerivation.light == .scrypt(n: 4096, r: 8, p: 6))
    }

    /// The `Crypto` spelling some older tools wrote is accepted.
    @Test func capitalizedCryptoKeyIsAccepted() throws {
        let json = Self.ethAccountPBKDF2.replacingOccurrences(of: #""crypto":"#, with: #""Crypto":"#)
        #expect(json != Self.ethAccountPBKDF2)
        let key = try Keystore.decrypt(json: json, password: Self.ethAccountPassword)
        #expect(key.bytes.hexString == "0x" + Self.ethAccountKey)
    }

    /// NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt): the counter block is the whole 16-byte iv and
    /// carries across bytes (…feff → …ff00).
    @Test func aes128CTRMatchesNISTVector() throws {
        let ciphertext = try Keystore.aes128CTR(
            key: [UInt8](hex: "2b7e151628aed2a6abf7158809cf4f3c"),
            iv: [UInt8](hex: "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
            input: [UInt8](hex: "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"))
        #expect(ciphertext.hexString == "0x874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
            + "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee")
    }

    // MARK: - Wrong password, tampering

    @Test func wrongPasswordIsReported() throws {
        #expect(throws: KeystoreError.wrongPassword) {
            try Keystore.decrypt(json: Self.ethAccountPBKDF2, password: "passwörd 🔑")
        }
        #expect(KeystoreError.wrongPassword.description.hasPrefix("wrong password"))
    }

    @Test func tamperedCiphertextOrMACIsRefused() throws {
        let file = try KeystoreFile(json: Self.ethAccountPBKDF2)
        var badCiphertext = file
        badCiphertext.ciphertext[5] ^= 0x01
        #expect(throws: KeystoreError.wrongPassword) { try Keystore.decrypt(badCiphertext, password: Self.ethAccountPassword) }
        var badMAC = file
        badMAC.mac[31] ^= 0x80
        #expect(throws: KeystoreError.wrongPassword) { try Keystore.decrypt(badMAC, password: Self.ethAccountPassword) }
        var badSalt = file
        badSalt.salt[0] ^= 0x01
        #expect(throws: KeystoreError.wrongPassword) { try Keystore.decrypt(badSalt, password: Self.ethAccountPassword) }
    }

    @Test func addressFieldMustMatchTheKey() throws {
        var file = try KeystoreFile(json: Self.ethAccountPBKDF2)
        let other = try Address(hex: Self.officialAddress)
        file.address = other
        let expected = try PrivateKey(hex: Self.ethAccountKey).address
        #expect(throws: KeystoreError.addressMismatch(file: other, key: expected)) {
            try Keystore.decrypt(file, password: Self.ethAccountPassword)
        }
        // Without an address field there is nothing to compare.
        file.address = nil
        #expect(try Keystore.decrypt(file, password: Self.ethAccountPassword).address == expected)
    }

    @Test func partsSetByHandAreCheckedBeforeUse() throws {
        var file = try KeystoreFile(json: Self.ethAccountPBKDF2)
        file.iv = [0]
        #expect(throws: KeystoreError.invalidField("crypto.cipherparams.iv", reason: "expected 16 bytes, got 1")) {
            try Keystore.decrypt(file, password: "")
        }
        file = try KeystoreFile(json: Self.ethAccountPBKDF2)
        file.kdf = .pbkdf2(c: 0)
        #expect(throws: KeystoreError.kdf(.invalidPBKDF2Iterations(c: 0))) { try Keystore.decrypt(file, password: "") }
    }

    // MARK: - Malformed files

    /// `ethAccountScrypt` with `original` replaced by `replacement` (which must occur in it).
    static func altered(_ original: String, _ replacement: String, in json: String = ethAccountScrypt) throws -> String {
        let result = json.replacingOccurrences(of: original, with: replacement)
        try #require(result != json, "\(original) does not occur in the fixture")
        return result
    }

    @Test func malformedFieldsAreNamed() throws {
        let cases: [(String, KeystoreError)] = [
            (try Self.altered(#", "salt": "03eda3b2f573a4d1c87e6fc5e3ee027a""#, ""),
             .missingField("crypto.kdfparams.salt")),
            (try Self.altered(#""iv": "34fa"#, #""iv": "zzfa"#),
             .invalidField("crypto.cipherparams.iv", reason: "'z' at offset 0 is not a hex digit")),
            (try Self.altered(#""iv": "34fa184fbe35ee549a53e7b4fb02d460""#, #""iv": "34fa""#),
             .invalidField("crypto.cipherparams.iv", reason: "expected 16 bytes, got 2")),
            (try Self.altered("aes-128-ctr", "aes-128-cbc"), .unsupportedCipher("aes-128-cbc")),
            (try Self.altered(#""kdf": "scrypt""#, #""kdf": "argon2id""#), .unsupportedKDF("argon2id")),
            (try Self.altered(#""dklen": 32"#, #""dklen": 16"#),
             .invalidField("crypto.kdfparams.dklen", reason: "must be 32, got 16")),
            (try Self.altered(#""n": 4096"#, #""n": "4096""#),
             .invalidField("crypto.kdfparams.n", reason: "expected an integer, got a string")),
            (try Self.altered(#""n": 4096"#, #""n": 4096.5"#),
             .invalidField("crypto.kdfparams.n", reason: "expected an integer, got 4096.5")),
            (try Self.altered(#""n": 4096, "#, ""), .missingField("crypto.kdfparams.n")),
            (try Self.altered(#""cipherparams": {"iv": "34fa184fbe35ee549a53e7b4fb02d460"}"#, #""cipherparams": []"#),
             .invalidField("crypto.cipherparams", reason: "expected an object, got an array")),
            (try Self.altered(#""mac": "627905"#, #""mac": "62790"#),
             .invalidField("crypto.mac", reason: "hex has an odd number of digits (63); write two digits per byte")),
            (try Self.altered(#""version": 3"#, #""version": 4"#), .unsupportedVersion(4)),
            (try Self.altered(#", "version": 3"#, ""), .missingField("version")),
            (try Self.altered(#""crypto": "#, #""cryptography": "#), .missingField("crypto")),
            (try Self.altered("\"prf\": \"hmac-sha256\"", "\"prf\": \"hmac-sha512\"", in: Self.ethAccountPBKDF2),
             .unsupportedPRF("hmac-sha512")),
            (try Self.altered(#""c": 1000, "#, "", in: Self.ethAccountPBKDF2), .missingField("crypto.kdfparams.c")),
            ("not json", .invalidJSON("the text does not parse as JSON")),
            ("[1, 2]", .invalidJSON("the top level is not an object")),
            // Deep nesting is refused by the JSON parser rather than overflowing the stack.
            (String(repeating: "[", count: 100_000), .invalidJSON("the text does not parse as JSON")),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(expected)") { try KeystoreFile(json: json) }
        }
        #expect(KeystoreError.missingField("crypto.kdfparams.salt").description
            == "keystore field crypto.kdfparams.salt is missing")
        #expect(KeystoreError.unsupportedCipher("aes-128-cbc").description.contains("crypto.cipher"))
    }

    /// The JSON is read strictly (RFC 8259): a key given twice (which reading would win?) or a
    /// trailing comma is refused; a leading UTF-8 byte order mark is skipped.
    @Test func jsonIsReadStrictly() throws {
        let notJSON = KeystoreError.invalidJSON("the text does not parse as JSON")
        let duplicateKDF = try Self.altered(#""kdf": "scrypt""#, #""kdf": "pbkdf2", "kdf": "scrypt""#)
        #expect(throws: notJSON) { try KeystoreFile(json: duplicateKDF) }
        let trailingComma = try Self.altered(#""version": 3}"#, #""version": 3,}"#)
        #expect(throws: notJSON) { try KeystoreFile(json: trailingComma) }
        let withByteOrderMark = Data([0xEF, 0xBB, 0xBF]) + Data(Self.ethAccountScrypt.utf8)
        #expect(try KeystoreFile(jsonData: withByteOrderMark) == KeystoreFile(json: Self.ethAccountScrypt))
        #expect(throws: notJSON) { try KeystoreFile(jsonData: Data([0xEF, 0xBB]) + Data(Self.ethAccountScrypt.utf8)) }
    }

    @Test func badAddressFieldIsNamed() throws {
        let json = try Self.altered("2c7536E3605D9C16a7a3D7b1898e529396a65c23", "2c7536e3605d9c16a7a3D7b1898e529396a65c23")
        do {
            _ = try KeystoreFile(json: json)
            Issue.record("a wrong EIP-55 checksum in address was accepted")
        } catch {
            guard case .invalidField("address", _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
    }

    /// Hostile KDF parameters are refused while parsing, before any derivation.
    @Test func hostileKDFParametersAreRefused() throws {
        let cases: [(String, KeystoreError)] = [
            (try Self.altered(#""n": 4096"#, #""n": 4097"#), .kdf(.invalidScryptCost(n: 4097))),
            (try Self.altered(#""n": 4096"#, #""n": 4611686018427387904"#),
             .kdf(.scryptMemoryTooLarge(n: 1 << 62, r: 8, p: 1))),
            (try Self.altered(#""p": 1"#, #""p": 0"#), .kdf(.invalidScryptParallelism(p: 0))),
            (try Self.altered(#""n": 4096"#, #""n": 1e300"#),
             .invalidField("crypto.kdfparams.n", reason: "expected an integer, got 1e+300")),
            (try Self.altered(#""c": 1000"#, #""c": 1099511627776"#, in: Self.ethAccountPBKDF2),
             .kdf(.pbkdf2IterationsTooLarge(c: 1 << 40))),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(expected)") { try KeystoreFile(json: json) }
        }
    }

    // MARK: - File names

    /// geth's `UTC--<ISO 8601 with dashes, nanoseconds>Z--<address>`; dates checked with Python's
    /// `datetime.fromtimestamp(t, UTC)`.
    @Test func gethStyleFileNames() throws {
        let address = try Address(hex: Self.officialAddress)
        #expect(Keystore.fileName(for: address, at: Date(timeIntervalSince1970: 1_795_550_700))
            == "UTC--2026-11-24T20-05-00.000000000Z--008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSince1970: 951_868_799)) == "2000-02-29T23-59-59.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSince1970: 4_102_444_800)) == "2100-01-01T00-00-00.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00-00-00.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSinceReferenceDate: 0.25)) == "2001-01-01T00-00-00.250000000Z")
        // Out-of-range dates are clamped, not trapped on.
        #expect(Keystore.utcTimestamp(Date(timeIntervalSince1970: 1e15)) == "9999-12-31T23-59-59.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSince1970: -1)) == "1970-01-01T00-00-00.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSinceReferenceDate: .infinity)) == "9999-12-31T23-59-59.000000000Z")
        #expect(Keystore.utcTimestamp(Date(timeIntervalSinceReferenceDate: .nan)) == "2001-01-01T00-00-00.000000000Z")
    }
}
