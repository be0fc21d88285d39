import Ethereum
import Foundation
import Testing

/// The `ids` and `lifecycle` sections of poco-vectors.json: deal and task ids, the contribute
/// authorization, result hash and seal, enclave signatures — each rebuilt from the module's
/// primitives (packed ABI encoding, Keccak-256, EIP-191, secp256k1), as the PoCo engine will.
@Suite("PoCo ids and lifecycle hashes (vectors.json)")
struct PoCoIdentifierVectorTests {
    static var vectors: [String: Any] {
        let url = Bundle.module.url(forResource: "poco-vectors", withExtension: "json", subdirectory: "Fixtures")
        let data = url.flatMap { try? Data(contentsOf: $0) } ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    static func hash(_ text: Any?) throws -> Hash32 { try Hash32(hex: try #require(text as? String)) }
    static func address(_ text: Any?) throws -> Address { try Address(hex: try #require(text as? String)) }

    /// keccak256(abi.encodePacked(values…)).
    static func packedHash(_ values: [ABIValue], _ types: [ABIType]) throws -> Hash32 {
        Keccak256.hash(try ABI.encodePacked(values, as: types))
    }

    static func taskId(deal: Hash32, index: Int) throws -> Hash32 {
        try packedHash([.bytes32(deal), .uint(UInt256(index))], [.bytes32, .uint256])
    }

    @Test func dealAndTaskIds() throws {
        let ids = try #require(Self.vectors["ids"] as? [[String: Any]])
        #expect(ids.count == 4)
        for vector in ids {
            if let dealHex = vector["dealid"], let index = vector["idx"] as? Int, let task = vector["taskid"] {
                #expect(try Self.taskId(deal: Self.hash(dealHex), index: index) == Self.hash(task))
                continue
            }
            let requestHash = try Self.hash(vector["requestorderTypedDataDigest"])
            let consumed = try #require(vector["consumed"] as? Int)
            let deal = try Self.packedHash([.bytes32(requestHash), .uint(UInt256(consumed))], [.bytes32, .uint256])
            #expect(deal == (try Self.hash(vector["dealid"])), "\(vector["id"] ?? "")")
            for task in try #require(vector["tasks"] as? [[String: Any]]) {
                let index = try #require(task["idx"] as? Int)
                #expect(try Self.taskId(deal: deal, index: index) == Self.hash(task["taskid"]))
            }
        }
    }

    @Test func publishedPackedHashesAndSignature() throws {
        let lifecycle = try #require(Self.vectors["lifecycle"] as? [String: Any])
        let checks = try #require(lifecycle["published_checks"] as? [[String: Any]])
        let byId = Dictionary(uniqueKeysWithValues: checks.map { ($0["id"] as? String ?? "", $0) })

        let preimage = try #require(byId["authorization-preimage-published"])
        #expect(try Self.packedHash(
            [.address(Self.address(preimage["worker"])), .bytes32(Self.hash(preimage["taskid"])),
             .address(Self.address(preimage["enclaveChallenge"]))],
            [.address, .bytes32, .address]) == Self.hash(preimage["hash"]))

        let pair = try #require(byId["address-bytes32-packed-published"])
        #expect(try Self.packedHash([.address(Self.address(pair["a"])), .bytes32(Self.hash(pair["b"]))],
                                    [.address, .bytes32]) == Self.hash(pair["hash"]))

        let signed = try #require(byId["eip191-sign-32byte-hash-published"])
        let key = try PrivateKey(hex: try #require(signed["privateKey"] as? String))
        let message = try Self.hash(signed["messageHash"])
        #expect(message == Keccak256.hash(UInt256(3).bigEndianBytes))
        #expect(EIP191.hash(message: message.bytes) == (try Self.hash(signed["ethSignedMessageHash"])))
        #expect(Hex.encode(EIP191.sign(message: message.bytes, with: key).bytes) == signed["signature"] as? String)
        #expect(key.address == (try Self.address(signed["signer"])))
    }

    @Test func resultHashSealAndContributeSignatures() throws {
        let lifecycle = try #require(Self.vectors["lifecycle"] as? [String: Any])
        let examples = try #require(lifecycle["computed_examples"] as? [String: Any])
        let inputs = try #require(examples["inputs"] as? [String: Any])
        let worker = try Self.address(inputs["worker"])
        let task = try Self.hash(inputs["taskid"])
        let digest = try Self.hash(inputs["resultDigest"])
        #expect(digest == Keccak256.hash("iExec result digest example"))
        let resultHash = try Self.packedHash([.bytes32(task), .bytes32(digest)], [.bytes32, .bytes32])
        let resultSeal = try Self.packedHash([.address(worker), .bytes32(task), .bytes32(digest)], [.address, .bytes32, .bytes32])
        #expect(resultHash == (try Self.hash((examples["resultHash"] as? [String: Any])?["value"])))
        #expect(resultSeal == (try Self.hash((examples["resultSeal"] as? [String: Any])?["value"])))

        let authorizations = try #require(examples["contribute_authorization"] as? [[String: Any]])
        #expect(authorizations.count == 3)
        for authorization in authorizations {
            let message = try Self.packedHash(
                [.address(worker), .bytes32(task), .address(Self.address(authorization["enclaveChallenge"]))],
                [.address, .bytes32, .address])
            #expect(message == (try Self.hash(authorization["messageHash"])))
            #expect(EIP191.hash(message: message.bytes) == (try Self.hash(authorization["ethSignedMessageHash"])))
            let key = try PrivateKey(hex: try #require(authorization["signerKey"] as? String))
            let signature = EIP191.sign(message: message.bytes, with: key)
            #expect(Hex.encode(signature.bytes) == authorization["authorizationSign"] as? String)
            #expect(try EIP191.recoverSigner(message: message.bytes, signature: signature) == Self.address(authorization["signer"]))
        }

        let enclave = try #require(examples["contribute_enclaveSign"] as? [String: Any])
        let enclaveKey = try PrivateKey(hex: try #require(enclave["enclavePrivateKey"] as? String))
        #expect(enclaveKey.bytes == Keccak256.hash("poco-spec enclave test key").bytes)
        #expect(enclaveKey.address == (try Self.address(enclave["enclaveChallenge"])))
        let enclaveMessage = try Self.packedHash([.bytes32(resultHash), .bytes32(resultSeal)], [.bytes32, .bytes32])
        #expect(enclaveMessage == (try Self.hash(enclave["messageHash"])))
        #expect(EIP191.hash(message: enclaveMessage.bytes) == (try Self.hash(enclave["ethSignedMessageHash"])))
        #expect(Hex.encode(EIP191.sign(message: enclaveMessage.bytes, with: enclaveKey).bytes) == enclave["enclaveSign"] as? String)

        let callback = try #require(examples["contributeAndFinalize"] as? [String: Any])
        let callbackDigest = Keccak256.hash(try Hex.decode(try #require(callback["resultsCallback"] as? String)))
        #expect(callbackDigest == (try Self.hash(callback["resultDigest"])))
        #expect(try Self.packedHash([.bytes32(task), .bytes32(callbackDigest)], [.bytes32, .bytes32])
            == Self.hash(callback["resultHash"]))
        #expect(try Self.packedHash([.address(worker), .bytes32(task), .bytes32(callbackDigest)], [.address, .bytes32, .bytes32])
            == Self.hash(callback["resultSeal"]))
    }
}
