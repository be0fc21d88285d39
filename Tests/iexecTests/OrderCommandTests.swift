import Ethereum
import Foundation
import Testing

@testable import iexec

/// `iexec order hash|sign` on iExec's own published orders (iexec-commons-poco's signing tests,
/// chain 133, hub 0x3eca…4E7f), whose hashes and signatures are in poco-vectors.json.
@Suite("iexec order hash|sign")
struct OrderCommandTests {
    static let hub = "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"
    static let commonsKey = "0x650fbe1e220c2e019202bceec7e0005c66c737111e42a33b700dad4579c0d2fc"

    struct Published {
        var type: String
        var order: String
        var digest: String
        var signature: String
    }

    static func published() throws -> [Published] {
        // The Ethereum tests' copy of shared/spec/vectors.json, read from the source tree.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EthereumTests/Fixtures/poco-vectors.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let orders = try #require(root["orders_published"] as? [[String: Any]])
        return try orders.filter { ($0["id"] as? String)?.hasPrefix("commons-") == true }.map { vector in
            let order = try JSONSerialization.data(withJSONObject: try #require(vector["order"]))
            let type = try #require(vector["type"] as? String).dropLast("Order".count).lowercased()
            return Published(type: type, order: String(decoding: order, as: UTF8.self),
                             digest: try #require(vector["typedDataDigest"] as? String),
                             signature: try #require(vector["signature"] as? String))
        }
    }

    static func stdin(_ text: String) -> FileHandle {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try? pipe.fileHandleForWriting.close()
        return pipe.fileHandleForReading
    }

    func hash(_ json: String, type: String, chainId: String = "133", hub: String = OrderCommandTests.hub) throws
        -> CommandOutput {
        var command = try Order.Hash.parse(["--type", type, "--chain-id", chainId, "--hub", hub])
        command.input = Self.stdin(json)
        return try command.execute()
    }

    @Test func hashesIExecPublishedOrders() throws {
        let vectors = try Self.published()
        #expect(vectors.count == 4)
        for vector in vectors {
            #expect(try hash(vector.order, type: vector.type).fields["orderHash"] as? String == vector.digest)
        }
    }

    @Test func signReproducesIExecPublishedSignatures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-order-\(UUID())").path
        let imported = try Wallet.Import.parse(
            [Self.commonsKey, "--password", "pw", "--keystoredir", directory, "--light"]).execute()
        let keystore = try #require(imported.fields["file"] as? String)
        for vector in try Self.published() {
            var command = try Order.Sign.parse([
                "--type", vector.type, "--chain-id", "133", "--hub", Self.hub, "--keystore", keystore, "--password", "pw",
            ])
            command.input = Self.stdin(vector.order)
            let output = try command.execute()
            #expect(output.fields["orderHash"] as? String == vector.digest)
            #expect(output.fields["sign"] as? String == vector.signature)
            #expect(output.fields["signer"] as? String == "0x000a9c787a972F70F0903890E266F41c795C4DcA")
            let signedOrder = try #require(output.fields["order"] as? [String: Any])
            #expect(signedOrder["sign"] as? String == vector.signature)
        }
    }

    @Test func integersMayBeNumbersOrDecimalStrings() throws {
        let vector = try #require(try Self.published().first { $0.type == "app" })
        let withNumbers = vector.order.replacingOccurrences(of: #""volume":"1""#, with: #""volume":1"#)
        #expect(withNumbers != vector.order)
        #expect(try hash(withNumbers, type: "app").fields["orderHash"] as? String == vector.digest)
    }

    @Test func badInputNamesTheField() throws {
        let vector = try #require(try Self.published().first { $0.type == "app" })
        func message(_ json: String, type: String = "app", chainId: String = "133", hub: String = Self.hub) -> String {
            do {
                _ = try hash(json, type: type, chainId: chainId, hub: hub)
                return "accepted"
            } catch {
                return String(describing: error)
            }
        }
        #expect(message(vector.order.replacingOccurrences(of: #""volume":"1""#, with: #""volume":"1x""#))
            .hasPrefix("volume:"))
        #expect(message(vector.order.replacingOccurrences(of: #""volume":"1""#, with: #""volume":"1","extra":0"#))
            .hasPrefix("extra:"))
        #expect(message(vector.order.replacingOccurrences(of: "0x2EbD509d", with: "0x2ebD509d")).hasPrefix("app:"))
        #expect(message(vector.order.replacingOccurrences(of: #""salt":"0xbe"#, with: #""salt":"0xb"#)).hasPrefix("salt:"))
        #expect(message(vector.order, type: "request").contains("RequestOrder"))
        #expect(message(vector.order, chainId: "12a").hasPrefix("--chain-id:"))
        #expect(message(vector.order, hub: "0x3eca1b216a7df1c7689aeb259ffb83adfb894e7").hasPrefix("--hub:"))
        #expect(message("").hasPrefix("no order on standard input"))
    }
}
