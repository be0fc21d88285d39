import Crypto
import CryptoExtras

/// A password-based key derivation function of Web3 Secret Storage, with its cost parameters.
///
/// Parameters come from keystore files, which may be hostile, so `validate()` refuses not only
/// malformed values but also ones that would allocate too much memory or run too long (see the
/// `max…` limits). `deriveKey` validates before doing any work.
public enum KeyDerivation: Sendable, Hashable, CustomStringConvertible {
    /// scrypt (RFC 7914): `n` the CPU/memory cost (a power of two > 1), `r` the block size,
    /// `p` the parallelism. Memory used is about 128·r·(n + p + 1) bytes.
    case scrypt(n: Int, r: Int, p: Int)
    /// PBKDF2 (RFC 8018) with HMAC-SHA256 as the pseudo-random function and `c` iterations.
    case pbkdf2(c: Int)

    /// geth's standard scrypt parameters (n = 2¹⁸, r = 8, p = 1): 256 MiB, about a second.
    public static let standard = KeyDerivation.scrypt(n: 262_144, r: 8, p: 1)
    /// geth's "light" scrypt parameters (n = 2¹², r = 8, p = 6): 4 MiB, fast; for tests and
    /// throw-away keys.
    public static let light = KeyDerivation.scrypt(n: 4096, r: 8, p: 6)

    /// The most memory scrypt may use, 128·r·(n + p + 1) bytes: 1 GiB. geth's standard needs 256 MiB.
    public static let maxScryptMemoryBytes = 1 << 30
    /// The most scrypt work, n·r·p (time grows linearly with it): 2²⁵, 16 times geth's standard.
    public static let maxScryptWork = 1 << 25
    /// The most PBKDF2 iterations: 10 million (the Web3 Secret Storage example uses 262,144).
    public static let maxPBKDF2Iterations = 10_000_000
    /// The longest derived key this type produces, in bytes (keystores use 32).
    public static let maxOutputByteCount = 64

    /// The `kdf` name a keystore file uses: `scrypt` or `pbkdf2`.
    public var name: String {
        switch self {
        case .scrypt: return "scrypt"
        case .pbkdf2: return "pbkdf2"
        }
    }

    /// The KDF and its parameters, e.g. `scrypt(n: 262144, r: 8, p: 1)`.
    public var description: String {
        switch self {
        case .scrypt(let n, let r, let p): return "scrypt(n: \(n), r: \(r), p: \(p))"
        case .pbkdf2(let c): return "pbkdf2(c: \(c), prf: hmac-sha256)"
        }
    }

    /// Checks the parameters are well-formed and within the resource limits.
    public func validate() throws(KDFError) {
        switch self {
        case .scrypt(let n, let r, let p):
            guard n > 1, n & (n - 1) == 0 else { throw .invalidScryptCost(n: n) }
            guard r >= 1 else { throw .invalidScryptBlockSize(r: r) }
            guard p >= 1 else { throw .invalidScryptParallelism(p: p) }
            // Overflow-checked: the values may come from a hostile file.
            let (extraBlocks, extraOverflow) = p.addingReportingOverflow(1)
            let (blocks, blocksOverflow) = n.addingReportingOverflow(extraBlocks)
            let (blockBytes, blockBytesOverflow) = r.multipliedReportingOverflow(by: 128)
            let (memory, memoryOverflow) = blocks.multipliedReportingOverflow(by: blockBytes)
            guard !extraOverflow, !blocksOverflow, !blockBytesOverflow, !memoryOverflow,
                  memory <= Self.maxScryptMemoryBytes
            else { throw .scryptMemoryTooLarge(n: n, r: r, p: p) }
            let (nr, nrOverflow) = n.multipliedReportingOverflow(by: r)
            let (work, workOverflow) = nr.multipliedReportingOverflow(by: p)
            guard !nrOverflow, !workOverflow, work <= Self.maxScryptWork else {
                throw .scryptWorkTooLarge(n: n, r: r, p: p)
            }
        case .pbkdf2(let c):
            guard c >= 1 else { throw .invalidPBKDF2Iterations(c: c) }
            guard c <= Self.maxPBKDF2Iterations else { throw .pbkdf2IterationsTooLarge(c: c) }
        }
    }

    /// Derives `outputByteCount` bytes from `password` and `salt`.
    ///
    /// scrypt runs in BoringSSL when BoringSSL accepts the parameters, else in `Scrypt`, our own
    /// implementation of RFC 7914 §5 (BoringSSL follows the RFC's n < 2^(16·r) rule, which the
    /// official Web3 Secret Storage vector, n = 2¹⁸ with r = 1, breaks; geth and eth-account accept
    /// it). PBKDF2-HMAC-SHA256 always runs in BoringSSL.
    public func deriveKey(
        password: [UInt8], salt: [UInt8], outputByteCount: Int = 32
    ) throws(KDFError) -> [UInt8] {
        try validate()
        guard (1...Self.maxOutputByteCount).contains(outputByteCount) else {
            throw .invalidOutputLength(outputByteCount)
        }
        switch self {
        case .scrypt(let n, let r, let p):
            if Scrypt.boringSSLAccepts(n: n, r: r, p: p) {
                do {
                    let key = try KDF.Scrypt.deriveKey(
                        from: password, salt: salt, outputByteCount: outputByteCount,
                        rounds: n, blockSize: r, parallelism: p)
                    return key.withUnsafeBytes { Array($0) }
                } catch {
                    throw .backendFailed("BoringSSL scrypt: \(error)")
                }
            }
            return try Scrypt.deriveKey(
                password: password, salt: salt, n: n, r: r, p: p, outputByteCount: outputByteCount)
        case .pbkdf2(let c):
            return try Self.pbkdf2SHA256(
                password: password, salt: salt, iterations: c, outputByteCount: outputByteCount)
        }
    }

    /// PBKDF2-HMAC-SHA256 through BoringSSL, without swift-crypto's 210,000-round floor (keystores
    /// and scrypt's inner PBKDF2 use fewer). Callers bound `iterations` and `outputByteCount`.
    static func pbkdf2SHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, outputByteCount: Int
    ) throws(KDFError) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha256,
                outputByteCount: outputByteCount, unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .backendFailed("BoringSSL PBKDF2: \(error)")
        }
    }
}

/// Why a key derivation was refused or failed.
public enum KDFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// scrypt `n` is not a power of two greater than 1.
    case invalidScryptCost(n: Int)
    /// scrypt `r` is below 1.
    case invalidScryptBlockSize(r: Int)
    /// scrypt `p` is below 1.
    case invalidScryptParallelism(p: Int)
    /// scrypt would need more than `KeyDerivation.maxScryptMemoryBytes`.
    case scryptMemoryTooLarge(n: Int, r: Int, p: Int)
    /// scrypt would do more than `KeyDerivation.maxScryptWork` (n·r·p).
    case scryptWorkTooLarge(n: Int, r: Int, p: Int)
    /// PBKDF2 `c` is below 1.
    case invalidPBKDF2Iterations(c: Int)
    /// PBKDF2 `c` is above `KeyDerivation.maxPBKDF2Iterations`.
    case pbkdf2IterationsTooLarge(c: Int)
    /// The requested key length is outside 1…`KeyDerivation.maxOutputByteCount`.
    case invalidOutputLength(Int)
    /// The cryptographic library reported a failure (e.g. out of memory).
    case backendFailed(String)

    /// One line saying which parameter is wrong and why.
    public var description: String {
        switch self {
        case .invalidScryptCost(let n):
            return "scrypt n must be a power of two greater than 1, got \(n)"
        case .invalidScryptBlockSize(let r):
            return "scrypt r must be at least 1, got \(r)"
        case .invalidScryptParallelism(let p):
            return "scrypt p must be at least 1, got \(p)"
        case .scryptMemoryTooLarge(let n, let r, let p):
            return "scrypt n=\(n), r=\(r), p=\(p) needs 128·r·(n+p+1) bytes, over the limit of "
                + "\(KeyDerivation.maxScryptMemoryBytes) bytes (1 GiB)"
        case .scryptWorkTooLarge(let n, let r, let p):
            return "scrypt n=\(n), r=\(r), p=\(p): n·r·p is over the limit of "
                + "\(KeyDerivation.maxScryptWork) (it would take too long)"
        case .invalidPBKDF2Iterations(let c):
            return "pbkdf2 c (iterations) must be at least 1, got \(c)"
        case .pbkdf2IterationsTooLarge(let c):
            return "pbkdf2 c (iterations) \(c) is over the limit of \(KeyDerivation.maxPBKDF2Iterations)"
        case .invalidOutputLength(let count):
            return "derived key length must be 1...\(KeyDerivation.maxOutputByteCount) bytes, got \(count)"
        case .backendFailed(let message):
            return "key derivation failed: \(message)"
        }
    }
}
