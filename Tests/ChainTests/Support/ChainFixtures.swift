import Ethereum
import Foundation
import PoCo
import Testing

/// A chain's system addresses: the hub of vectors.json's chainId-134 domain, and three registries.
enum Fixtures {
    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: try! Address(hex: "0x0000000000000000000000000000000000000a11"))

    static let alice = try! Address(hex: "0x00000000000000000000000000000000000a1cE0")
    static let bob = try! Address(hex: "0x0000000000000000000000000000000000000B0b")
    static let hashA = Keccak256.hash("a")
    static let hashB = Keccak256.hash("b")
}

/// vectors.json (the Ethereum tests' copy), read through a path relative to this file.
enum Vectors {
    static let fileData: Data = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("EthereumTests/Fixtures/poco-vectors.json")
        return (try? Data(contentsOf: url)) ?? Data()
    }()

    static var file: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: fileData)) as? [String: Any]) ?? [:]
    }

    static func example(_ name: String) throws -> [String: Any] {
        let examples = try #require(file["abi_encoding_examples"] as? [String: Any])
        return try #require(examples[name] as? [String: Any], "vector \(name) missing")
    }

    /// The entry `id` of a list section (`orders_published`, `orders_extra`, `order_operations`).
    static func entry(_ section: String, _ id: String) throws -> [String: Any] {
        let entries = try #require(file[section] as? [[String: Any]])
        return try #require(entries.first { $0["id"] as? String == id }, "\(section) \(id) missing")
    }

    /// An order's JSON object (as text, for `init(json:)`) and the entry's published signature
    /// (`signature`, or `sign_as_published_signer_unknown` where the SDK's signer is not known).
    static func order(_ section: String, _ id: String) throws -> (json: String, sign: [UInt8]) {
        let entry = try entry(section, id)
        let object = try #require(entry["order"] as? [String: Any])
        let json = try #require(String(data: try JSONSerialization.data(withJSONObject: object), encoding: .utf8))
        let sign = try #require((entry["signature"] ?? entry["sign_as_published_signer_unknown"]) as? String)
        return (json, try [UInt8](hex: sign))
    }
}
