import Ethereum
import Testing

@Suite("secp256k1 keys, signatures and recovery")
struct Secp256k1Tests {
    static let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")

    @Test func keyToAddress() {
        #expect(Self.key.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
    }

    @Test func invalidKeysAreRefused() {
        #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey([UInt8](repeating: 0, count: 32)) }
        #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey([UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: Secp256k1Error.invalidPrivateKey) { try PrivateKey([1, 2, 3]) }
    }

    @Test func signIsDeterministicLowSAndRecovers() throws {
        let digest = Keccak256.hash("iexec")
        let first = Self.key.sign(digest: digest)
        #expect(first == Self.key.sign(digest: digest))
        try first.validate()
        #expect(try first.recoverAddress(digest: digest) == Self.key.address)
        let viaBytes = try Signature(bytes: first.bytes)
        let viaCompact = try Signature(bytes: first.compactBytes)
        let viaZeroOne = try Signature(bytes: first.r + first.s + [first.yParity])
        #expect(viaBytes == first && viaCompact == first && viaZeroOne == first)
    }

    @Test func highSAndBadVAreRefused() throws {
        let digest = Keccak256.hash("iexec")
        let signature = Self.key.sign(digest: digest)
        // n − s flips a low s into the high half, with the other recovery id.
        let order = try UInt256(bigEndian: Hex.decode(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
        let s = try UInt256(bigEndian: signature.s)
        let highS = subtract(order, s)
        #expect(throws: Secp256k1Error.highS) {
            try Signature(bytes: signature.r + highS.bigEndianBytes + [27 + (1 - signature.yParity)])
        }
        #expect(throws: Secp256k1Error.invalidRecoveryId(29)) {
            try Signature(bytes: signature.r + signature.s + [29])
        }
        #expect(throws: Secp256k1Error.signatureLength(63)) { try Signature(bytes: [UInt8](repeating: 1, count: 63)) }
        #expect(throws: Secp256k1Error.invalidSignatureValues) {
            try Signature(bytes: [UInt8](repeating: 0, count: 64) + [27])
        }
    }

    /// Schoolbook subtraction on limbs, so this test does not lean on the arithmetic under test elsewhere.
    private func subtract(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var out = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (d1, o1) = a.limbs[index].subtractingReportingOverflow(b.limbs[index])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[index] = d2
            borrow = (o1 || o2) ? 1 : 0
        }
        return UInt256(limbs: out)
    }

    @Test func addressChecksum() throws {
        let text = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        let address = try Address(hex: text)
        #expect(address.checksummed == text)
        #expect(try Address(hex: text.lowercased()) == address)
        #expect(try Address(hex: "0x" + text.dropFirst(2).uppercased()) == address)
        #expect(throws: AddressError.badChecksum(given: "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                                                 expected: text)) {
            try Address(hex: "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        }
        #expect(throws: AddressError.wrongLength(19)) { try Address(hex: "0x" + String(repeating: "ab", count: 19)) }
    }

    @Test func personalSign() throws {
        // eth_account: Account.sign_message(encode_defunct(text="hello"), key) with the key above.
        let hash = EIP191.hash(text: "hello")
        #expect(hash.hex == "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750")
        let signature = EIP191.sign(message: Array("hello".utf8), with: Self.key)
        #expect(try EIP191.recoverSigner(message: Array("hello".utf8), signature: signature) == Self.key.address)
    }
}
