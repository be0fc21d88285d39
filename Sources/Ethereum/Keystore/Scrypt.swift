/// Our own scrypt (RFC 7914 §5), for the parameter sets BoringSSL refuses.
///
/// BoringSSL enforces the RFC's "n < 2^(128·r/8)" (so with r = 1, n ≤ 2¹⁵), but geth
/// (golang.org/x/crypto/scrypt) and eth-account (pycryptodome) do not, and the official Web3 Secret
/// Storage scrypt vector uses n = 2¹⁸, r = 1, p = 8. swift-crypto also sizes BoringSSL's memory
/// limit as 128·n·r·p + one page, below what BoringSSL needs when p = 1 and r > 16. For those,
/// this runs ROMix itself; the two PBKDF2-HMAC-SHA256 steps still run in BoringSSL.
/// Tests check it against RFC 7914's §8 (Salsa20/8) and §12 (scrypt) vectors.
enum Scrypt {
    /// Whether swift-crypto's BoringSSL scrypt takes these (already validated) parameters.
    static func boringSSLAccepts(n: Int, r: Int, p: Int) -> Bool {
        // BoringSSL's own check; r ≤ 3 here, so the shift cannot overflow.
        if 16 * r <= 63, n >= 1 << (16 * r) { return false }
        // swift-crypto passes max_mem = 128·n·r·p + page size; BoringSSL needs 128·r·(n + p + 1).
        // 4 KiB is the smallest page size, so this never claims a set BoringSSL would refuse.
        return 128 * n * r * p + 4096 >= 128 * r * (n + p + 1)
    }

    /// scrypt(password, salt, n, r, p, outputByteCount), RFC 7914 §6. Parameters must have passed
    /// `KeyDerivation.validate()`, which bounds every product used here.
    static func deriveKey(
        password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, outputByteCount: Int
    ) throws(KDFError) -> [UInt8] {
        let blockBytes = 128 * r
        var b = try KeyDerivation.pbkdf2SHA256(
            password: password, salt: salt, iterations: 1, outputByteCount: p * blockBytes)
        let words = 32 * r
        let x = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
        let y = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
        let v = UnsafeMutablePointer<UInt32>.allocate(capacity: n * words)
        defer {
            x.deallocate()
            y.deallocate()
            v.deallocate()
        }
        b.withUnsafeMutableBytes { bytes in
            for block in 0..<p {
                let base = block * blockBytes
                for i in 0..<words {
                    let o = base + 4 * i
                    x[i] = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8
                        | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                }
                roMix(x, scratch: y, table: v, n: n, r: r)
                for i in 0..<words {
                    let o = base + 4 * i
                    bytes[o] = UInt8(truncatingIfNeeded: x[i])
                    bytes[o + 1] = UInt8(truncatingIfNeeded: x[i] >> 8)
                    bytes[o + 2] = UInt8(truncatingIfNeeded: x[i] >> 16)
                    bytes[o + 3] = UInt8(truncatingIfNeeded: x[i] >> 24)
                }
            }
        }
        return try KeyDerivation.pbkdf2SHA256(
            password: password, salt: b, iterations: 1, outputByteCount: outputByteCount)
    }

    /// scryptROMix (RFC 7914 §5) in place on `x` (32·r words), using `scratch` (32·r words) and
    /// `table` (n·32·r words).
    static func roMix(
        _ x: UnsafeMutablePointer<UInt32>, scratch: UnsafeMutablePointer<UInt32>,
        table: UnsafeMutablePointer<UInt32>, n: Int, r: Int
    ) {
        let words = 32 * r
        var current = x
        var other = scratch
        for i in 0..<n {
            (table + i * words).update(from: current, count: words)
            blockMix(current, into: other, r: r)
            swap(&current, &other)
        }
        let mask = n - 1
        let last = (2 * r - 1) * 16
        for _ in 0..<n {
            // Integerify: the first word of the last 64-byte block, mod n (n ≤ 2²³ here).
            let j = Int(current[last]) & mask
            let row = table + j * words
            for k in 0..<words { current[k] ^= row[k] }
            blockMix(current, into: other, r: r)
            swap(&current, &other)
        }
        // n is a power of two ≥ 2, so after 2n swaps `current` is `x` again.
        assert(current == x)
    }

    /// scryptBlockMix (RFC 7914 §4): 2·r Salsa20/8 calls, even outputs first, then odd ones.
    static func blockMix(
        _ input: UnsafeMutablePointer<UInt32>, into output: UnsafeMutablePointer<UInt32>, r: Int
    ) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { buffer in
            guard let t = buffer.baseAddress else { return }
            t.update(from: input + (2 * r - 1) * 16, count: 16)
            for i in 0..<(2 * r) {
                let block = input + i * 16
                for k in 0..<16 { t[k] ^= block[k] }
                salsa20_8(t)
                let destination = output + ((i & 1 == 0) ? (i / 2) : (r + i / 2)) * 16
                destination.update(from: t, count: 16)
            }
        }
    }

    /// The Salsa20/8 core (RFC 7914 §3) in place on 16 words. Written out with locals and
    /// wrapping operators so that debug builds stay usable.
    static func salsa20_8(_ b: UnsafeMutablePointer<UInt32>) {
        var x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3]
        var x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7]
        var x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11]
        var x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15]
        var t: UInt32
        for _ in 0..<4 {
            // Columns.
            t = x0 &+ x12; x4 ^= (t &<< 7) | (t &>> 25)
            t = x4 &+ x0; x8 ^= (t &<< 9) | (t &>> 23)
            t = x8 &+ x4; x12 ^= (t &<< 13) | (t &>> 19)
            t = x12 &+ x8; x0 ^= (t &<< 18) | (t &>> 14)
            t = x5 &+ x1; x9 ^= (t &<< 7) | (t &>> 25)
            t = x9 &+ x5; x13 ^= (t &<< 9) | (t &>> 23)
            t = x13 &+ x9; x1 ^= (t &<< 13) | (t &>> 19)
            t = x1 &+ x13; x5 ^= (t &<< 18) | (t &>> 14)
            t = x10 &+ x6; x14 ^= (t &<< 7) | (t &>> 25)
            t = x14 &+ x10; x2 ^= (t &<< 9) | (t &>> 23)
            t = x2 &+ x14; x6 ^= (t &<< 13) | (t &>> 19)
            t = x6 &+ x2; x10 ^= (t &<< 18) | (t &>> 14)
            t = x15 &+ x11; x3 ^= (t &<< 7) | (t &>> 25)
            t = x3 &+ x15; x7 ^= (t &<< 9) | (t &>> 23)
            t = x7 &+ x3; x11 ^= (t &<< 13) | (t &>> 19)
            t = x11 &+ x7; x15 ^= (t &<< 18) | (t &>> 14)
            // Rows.
            t = x0 &+ x3; x1 ^= (t &<< 7) | (t &>> 25)
            t = x1 &+ x0; x2 ^= (t &<< 9) | (t &>> 23)
            t = x2 &+ x1; x3 ^= (t &<< 13) | (t &>> 19)
            t = x3 &+ x2; x0 ^= (t &<< 18) | (t &>> 14)
            t = x5 &+ x4; x6 ^= (t &<< 7) | (t &>> 25)
            t = x6 &+ x5; x7 ^= (t &<< 9) | (t &>> 23)
            t = x7 &+ x6; x4 ^= (t &<< 13) | (t &>> 19)
            t = x4 &+ x7; x5 ^= (t &<< 18) | (t &>> 14)
            t = x10 &+ x9; x11 ^= (t &<< 7) | (t &>> 25)
            t = x11 &+ x10; x8 ^= (t &<< 9) | (t &>> 23)
            t = x8 &+ x11; x9 ^= (t &<< 13) | (t &>> 19)
            t = x9 &+ x8; x10 ^= (t &<< 18) | (t &>> 14)
            t = x15 &+ x14; x12 ^= (t &<< 7) | (t &>> 25)
            t = x12 &+ x15; x13 ^= (t &<< 9) | (t &>> 23)
            t = x13 &+ x12; x14 ^= (t &<< 13) | (t &>> 19)
            t = x14 &+ x13; x15 ^= (t &<< 18) | (t &>> 14)
        }
        b[0] &+= x0; b[1] &+= x1; b[2] &+= x2; b[3] &+= x3
        b[4] &+= x4; b[5] &+= x5; b[6] &+= x6; b[7] &+= x7
        b[8] &+= x8; b[9] &+= x9; b[10] &+= x10; b[11] &+= x11
        b[12] &+= x12; b[13] &+= x13; b[14] &+= x14; b[15] &+= x15
    }
}
