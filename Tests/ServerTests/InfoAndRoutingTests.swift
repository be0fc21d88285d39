import Chain
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("Server: /info, JSON-RPC over HTTP, errors as JSON")
struct InfoAndRoutingTests {
    @Test("/info gives the chain id, the system addresses and the head, and follows new blocks")
    func info() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.server.makeApplication().test(.router) { client in
            let first = try await client.execute(uri: "/info", method: .get)
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "application/json")
            let json = try first.json
            #expect(json["chainId"] == .number("31337"))
            // The fixed system addresses of docs/chain.md, checksummed.
            #expect(json["hub"] == .string("0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"))
            #expect(json["appRegistry"] == .string("0xA03644e9599023C39b7Be756Ba56e941B2dFF6cA"))
            #expect(json["datasetRegistry"] == .string("0x1e09bF22F229bdd116891443f88691c567be61D3"))
            #expect(json["workerpoolRegistry"] == .string("0xf09E51d20bCb14ea679B4f8F9AcF1515285809f9"))
            // Dev account 0 (test mnemonic, m/44'/60'/0'/0/0) governs.
            #expect(json["governance"] == .string("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
            #expect(json["head"]?["number"] == .number("0"))
            #expect(json["head"]?["hash"] == .string(await fixture.node.head.hash.hex))
            #expect(json["clientVersion"] == .string(NodeServerConfiguration.defaultClientVersion))

            let block = try #require(try await fixture.node.seal(force: true))
            let second = try await client.execute(uri: "/info", method: .get).json
            #expect(second["head"]?["number"] == .number("1"))
            #expect(second["head"]?["hash"] == .string(block.hash.hex))
        }
    }

    @Test("POST / hands the body to the JSON-RPC layer and answers application/json")
    func postRPC() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.server.makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":7,"method":"eth_chainId"}"#))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try response.json == ["jsonrpc": "2.0", "id": 7, "result": "0x7a69"])
            // A notification (no id) gets no body.
            let notification = try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"eth_chainId"}"#))
            #expect(notification.status == .noContent)
            #expect(notification.body.readableBytes == 0)
        }
    }

    @Test("a body over the limit is refused before the handler with a JSON-RPC error saying the limit")
    func bodyLimit() async throws {
        let fixture = try await ServerFixture.make(maxBodySize: 1_000)
        try await fixture.server.makeApplication().test(.router) { client in
            let padding = String(repeating: " ", count: 1_000)
            let response = try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"# + padding))
            #expect(response.status == .contentTooLarge)
            let json = try response.json
            #expect(json["error"]?["code"] == .number("-32600"))
            guard case .string(let message)? = json["error"]?["message"] else { Issue.record("no message"); return }
            #expect(message.contains("1000-byte limit"))
            #expect(fixture.server.metrics.count(method: "eth_chainId", outcome: .success) == 0)
            // Exactly at the limit passes.
            let fits = #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#
            let exact = fits + String(repeating: " ", count: 1_000 - fits.utf8.count)
            let accepted = try await client.execute(uri: "/", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: exact))
            #expect(accepted.status == .ok)
        }
    }

    @Test("wrong method is 405 with Allow, unknown path 404, wrong content type 415: all JSON")
    func errors() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.server.makeApplication().test(.router) { client in
            let get = try await client.execute(uri: "/", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(try get.json["status"] == .number("405"))
            let postInfo = try await client.execute(uri: "/info", method: .post)
            #expect(postInfo.status == .methodNotAllowed)
            #expect(postInfo.headers[.allow] == "GET")

            let missing = try await client.execute(uri: "/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/json")
            #expect(try missing.json == ["status": 404, "error": "no such endpoint: GET /nope"])

            let text = try await client.execute(uri: "/", method: .post, headers: [.contentType: "text/plain"],
                                                body: ByteBuffer(string: "{}"))
            #expect(text.status == .unsupportedMediaType)
            #expect(try text.json["error"]?["code"] == .number("-32600"))
        }
    }
}
