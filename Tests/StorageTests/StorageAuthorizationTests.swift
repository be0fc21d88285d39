import Ethereum
import Storage
import Foundation
import Testing

@Suite("Storage request signatures")
struct StorageAuthorizationTests {
    static let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    static let cid = try! ContentID(parsing: "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")

    @Test("the signature is eth-account's personal_sign of the documented text")
    func matchesEthAccount() throws {
        // eth-account 0.13: Account.sign_message(encode_defunct(text=message), key).signature
        let expected = "0x5d23da0503079b7788c9f3c0e6c178abebfbc17ea146b980686986a1cd3a92ad"
            + "56b28cab96413fe5f3bbd3048965d2363bfd98f48800db2dc4816321ea3b12381c"
        let authorization = StorageAuthorization(signing: "PUT", cid: Self.cid, timestamp: 1_764_000_000, with: Self.key)
        #expect(Hex.encode(authorization.signature.bytes, prefix: true) == expected)
        #expect(authorization.signer.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
    }

    @Test("headers round-trip and verify within the allowed clock skew")
    func roundTrip() throws {
        let signed = StorageAuthorization(signing: "GET", cid: Self.cid, timestamp: 1_000_000, with: Self.key)
        let headers = Dictionary(uniqueKeysWithValues: signed.headers.map { ($0.name, $0.value) })
        let parsed = try #require(try StorageAuthorization(header: { headers[$0] }))
        #expect(parsed == signed)
        #expect(try parsed.verify(method: "GET", cid: Self.cid, now: 1_000_300) == Self.key.address)
        #expect(throws: StorageAuthorizationError.expired(timestamp: 1_000_000, now: 1_000_301)) {
            try parsed.verify(method: "GET", cid: Self.cid, now: 1_000_301)
        }
        // Signed for GET, replayed as PUT: refused.
        #expect(throws: StorageAuthorizationError.wrongSigner(claimed: Self.key.address)) {
            try parsed.verify(method: "PUT", cid: Self.cid, now: 1_000_000)
        }
    }

    @Test("no headers is unsigned; some missing or malformed is an error naming them")
    func parsing() throws {
        #expect(try StorageAuthorization(header: { _ in nil }) == nil)
        #expect(throws: StorageAuthorizationError.missingHeader("X-Iexec-Timestamp, X-Iexec-Signature")) {
            try StorageAuthorization(header: { $0 == StorageAuthorization.signerHeader ? Self.key.address.checksummed : nil })
        }
        let readers = try StorageAuthorization.readers(from: " \(Self.key.address.checksummed), ,0x0000000000000000000000000000000000000001")
        #expect(readers.count == 2)
        #expect(throws: StorageAuthorizationError.malformed("X-Iexec-Readers", "0x12")) {
            try StorageAuthorization.readers(from: "0x12")
        }
    }
}

@Suite("Storage receipts")
struct StorageReceiptTests {
    @Test("a receipt verifies, survives JSON, and any changed field breaks it")
    func receipt() throws {
        let key = StorageAuthorizationTests.key
        let receipt = StorageReceipt(cid: StorageAuthorizationTests.cid, reader: .zero, bytes: 11,
                                     timestamp: 1_764_000_000, serverKey: key)
        #expect(receipt.verify())
        let json = try JSONEncoder().encode(receipt)
        #expect(try JSONDecoder().decode(StorageReceipt.self, from: json) == receipt)
        var forged = receipt
        forged.bytes = 12
        #expect(!forged.verify())
    }
}
