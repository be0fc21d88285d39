import Foundation
import Testing

@testable import Ethereum

/// scrypt and PBKDF2-HMAC-SHA256 against RFC 7914's vectors (also recomputed with Python's
/// hashlib, OpenSSL) and RFC 6070-style SHA-256 vectors (hashlib.pbkdf2_hmac).
@Suite("Key derivation: scrypt and PBKDF2-HMAC-SHA256")
struct KDFTests {
    struct ScryptVector: Sendable, CustomStringConvertible {
        let password: String, salt: String, n: Int, r: Int, p: Int, expected: String
        var description: String { "scrypt n=\(n) r=\(r) p=\(p)" }
    }

    /// RFC 7914 §12, the three vectors that fit our limits (the fourth is refused, see below).
    static let rfc7914Scrypt: [ScryptVector] = [
        ScryptVector(
            password: "", salt: "", n: 16, r: 1, p: 1,
            expected: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ScryptVector(
            password: "password", salt: "NaCl", n: 1024, r: 8, p: 16,
            expected: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ScryptVector(
            password: "pleaseletmein", salt: "SodiumChloride", n: 16384, r: 8, p: 1,
            expected: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ]

    @Test(arguments: rfc7914Scrypt)
    func scryptRFC7914(vector: ScryptVector) throws {
        let kdf = KeyDerivation.scrypt(n: vector.n, r: vector.r, p: vector.p)
        let derived = try kdf.deriveKey(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8), outputByteCount: 64)
        #expect(derived.hexString == "0x" + vector.expected)
    }

    /// Our own ROMix (used where BoringSSL refuses the parameters) on the same vectors.
    @Test(arguments: rfc7914Scrypt)
    func ownScryptRFC7914(vector: ScryptVector) throws {
        let derived = try Scrypt.deriveKey(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            n: vector.n, r: vector.r, p: vector.p, outputByteCount: 64)
        #expect(derived.hexString == "0x" + vector.expected)
    }

    /// RFC 7914 §8: the Salsa20/8 core alone.
    @Test func salsa20_8Core() throws {
        var block = try [UInt8](hex:
            "7e879a214f3ec9867ca940e641718f26baee555b8c61c1b50df846116dcd3b1d"
            + "ee24f319df9b3d8514121e4b5ac5aa3276021d2909c74829edebc68db8b8c25e")
        block.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<16 { words[i] = UInt32(littleEndian: words[i]) }
            if let base = words.baseAddress { Scrypt.salsa20_8(base) }
            for i in 0..<16 { words[i] = words[i].littleEndian }
        }
        #expect(block.hexString == "0xa41f859c6608cc993b81cacb020cef05044b2181a2fd337dfd7b1c6396682f29"
            + "b4393168e3c9e6bcfe6bc5b7a06d96bae424cc102c91745c24ad673dc7618f81")
    }

    /// Parameter sets BoringSSL refuses run in our ROMix; references from pycryptodome's scrypt
    /// (n = 2¹⁶, r = 1: BoringSSL's n < 2^(16·r) rule) and hashlib (r = 17, p = 1: swift-crypto's
    /// memory limit is one page short).
    @Test func parametersBoringSSLRefusesStillDerive() throws {
        #expect(!Scrypt.boringSSLAccepts(n: 65536, r: 1, p: 1))
        #expect(!Scrypt.boringSSLAccepts(n: 16, r: 17, p: 1))
        #expect(!Scrypt.boringSSLAccepts(n: 262_144, r: 1, p: 8))
        #expect(Scrypt.boringSSLAccepts(n: 262_144, r: 8, p: 1))
        #expect(Scrypt.boringSSLAccepts(n: 4096, r: 8, p: 6))
        #expect(Scrypt.boringSSLAccepts(n: 32768, r: 1, p: 1))
        let password = Array("password".utf8), salt = Array("NaCl".utf8)
        #expect(try KeyDerivation.scrypt(n: 65536, r: 1, p: 1).deriveKey(password: password, salt: salt).hexString
            == "0xe31d00a86544bc78c07b2cbcb9df8fa5add5e6390e28153509c032382914c0b6")
        #expect(try KeyDerivation.scrypt(n: 16, r: 17, p: 1).deriveKey(password: password, salt: salt).hexString
            == "0x11482d9f9a470d4ed45301188c453e73a0d6ffb4dfcd9f8e7a24630a9c454f2c")
    }

    /// RFC 7914 §12's fourth vector (n = 2²⁰, r = 8) needs just over 1 GiB: refused by our limit.
    @Test func scryptOverMemoryLimitIsRefused() {
        #expect(throws: KDFError.scryptMemoryTooLarge(n: 1_048_576, r: 8, p: 1)) {
            try KeyDerivation.scrypt(n: 1_048_576, r: 8, p: 1).deriveKey(
                password: Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), outputByteCount: 64)
        }
    }

    struct PBKDF2Vector: Sendable, CustomStringConvertible {
        let password: String, salt: String, c: Int, expected: String
        var description: String { "pbkdf2 c=\(c) dklen=\(expected.count / 2)" }
    }

    /// RFC 7914 §11 (first two) and the RFC 6070 inputs with SHA-256 (hashlib.pbkdf2_hmac).
    static let pbkdf2Vectors: [PBKDF2Vector] = [
        PBKDF2Vector(
            password: "passwd", salt: "salt", c: 1,
            expected: "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
        PBKDF2Vector(
            password: "Password", salt: "NaCl", c: 80000,
            expected: "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
        PBKDF2Vector(
            password: "password", salt: "salt", c: 1,
            expected: "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        PBKDF2Vector(
            password: "password", salt: "salt", c: 2,
            expected: "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
        PBKDF2Vector(
            password: "password", salt: "salt", c: 4096,
            expected: "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
        PBKDF2Vector(
            password: "passwordPASSWORDpassword", salt: "saltSALTsaltSALTsaltSALTsaltSALTsalt", c: 4096,
            expected: "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"),
        PBKDF2Vector(password: "pass\0word", salt: "sa\0lt", c: 4096, expected: "89b69d0516f829893c696226650a8687"),
    ]

    @Test(arguments: pbkdf2Vectors)
    func pbkdf2SHA256(vector: PBKDF2Vector) throws {
        let derived = try KeyDerivation.pbkdf2(c: vector.c).deriveKey(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            outputByteCount: vector.expected.count / 2)
        #expect(derived.hexString == "0x" + vector.expected)
    }

    @Test func malformedParametersAreRefused() {
        #expect(throws: KDFError.invalidScryptCost(n: 1000)) { try KeyDerivation.scrypt(n: 1000, r: 8, p: 1).validate() }
        #expect(throws: KDFError.invalidScryptCost(n: 1)) { try KeyDerivation.scrypt(n: 1, r: 8, p: 1).validate() }
        #expect(throws: KDFError.invalidScryptCost(n: 0)) { try KeyDerivation.scrypt(n: 0, r: 8, p: 1).validate() }
        #expect(throws: KDFError.invalidScryptCost(n: Int.min)) {
            try KeyDerivation.scrypt(n: Int.min, r: 8, p: 1).validate()
        }
        #expect(throws: KDFError.invalidScryptBlockSize(r: 0)) { try KeyDerivation.scrypt(n: 16, r: 0, p: 1).validate() }
        #expect(throws: KDFError.invalidScryptParallelism(p: -1)) {
            try KeyDerivation.scrypt(n: 16, r: 1, p: -1).validate()
        }
        #expect(throws: KDFError.invalidPBKDF2Iterations(c: 0)) { try KeyDerivation.pbkdf2(c: 0).validate() }
        #expect(throws: KDFError.invalidOutputLength(0)) {
            try KeyDerivation.pbkdf2(c: 1).deriveKey(password: [], salt: [], outputByteCount: 0)
        }
        #expect(throws: KDFError.invalidOutputLength(65)) {
            try KeyDerivation.light.deriveKey(password: [], salt: [], outputByteCount: 65)
        }
    }

    /// Values a hostile keystore could carry: refused before any allocation or work, without
    /// arithmetic overflow.
    @Test func hostileParametersAreRefused() {
        #expect(throws: KDFError.scryptMemoryTooLarge(n: 1 << 62, r: 8, p: 1)) {
            try KeyDerivation.scrypt(n: 1 << 62, r: 8, p: 1).validate()
        }
        #expect(throws: KDFError.scryptMemoryTooLarge(n: 2, r: Int.max, p: 1)) {
            try KeyDerivation.scrypt(n: 2, r: Int.max, p: 1).validate()
        }
        #expect(throws: KDFError.scryptMemoryTooLarge(n: 2, r: 1, p: Int.max)) {
            try KeyDerivation.scrypt(n: 2, r: 1, p: Int.max).validate()
        }
        // 8.5 MiB but n·r·p = 2²⁶: too slow rather than too big.
        #expect(throws: KDFError.scryptWorkTooLarge(n: 65536, r: 1, p: 1024)) {
            try KeyDerivation.scrypt(n: 65536, r: 1, p: 1024).validate()
        }
        // RFC 6070's 16,777,216-iteration vector is over the 10 million limit.
        #expect(throws: KDFError.pbkdf2IterationsTooLarge(c: 16_777_216)) {
            try KeyDerivation.pbkdf2(c: 16_777_216).deriveKey(password: [], salt: [])
        }
        #expect(throws: KDFError.pbkdf2IterationsTooLarge(c: Int.max)) { try KeyDerivation.pbkdf2(c: Int.max).validate() }
        // The limits themselves are accepted, as are geth's presets.
        #expect(throws: Never.self) { try KeyDerivation.pbkdf2(c: KeyDerivation.maxPBKDF2Iterations).validate() }
        #expect(throws: Never.self) { try KeyDerivation.scrypt(n: 1 << 19, r: 8, p: 1).validate() }
        #expect(throws: Never.self) { try KeyDerivation.standard.validate() }
        #expect(throws: Never.self) { try KeyDerivation.light.validate() }
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(KDFError.invalidScryptCost(n: 1000).description
            == "scrypt n must be a power of two greater than 1, got 1000")
        #expect(KDFError.pbkdf2IterationsTooLarge(c: 20_000_000).description
            == "pbkdf2 c (iterations) 20000000 is over the limit of 10000000")
        #expect(KDFError.scryptMemoryTooLarge(n: 1_048_576, r: 8, p: 1).description.contains("1 GiB"))
    }
}
