import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("WebSocket subscriptions: newHeads and logs notifications, unsubscribe, other methods delegated")
struct SubscriptionSessionTests {
    let keys = DevChain.keys.map(\.address)

    private func request(_ session: SubscriptionSession, _ text: String) async throws -> JSONValue {
        try JSONValue(parsing: try #require(await session.handle(text: text)))
    }

    @Test("after a block, newHeads sends its header and logs one notification per matching log")
    func notifications() async throws {
        let rpc = try await RPCFixture.make()
        let session = SubscriptionSession(handler: rpc.handler)
        let events = await rpc.node.events()
        #expect(!session.hasSubscriptions)
        let heads = try #require(try await request(session, #"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#)["result"]?.text)
        let filter = #"{"address":""# + Genesis.defaultHub.lowercaseHex + #"","topics":[null,null,[""# + topic(keys[1]).hex + #"",""# + topic(keys[3]).hex + #""]]}"#
        let logs = try #require(try await request(session, #"{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["logs","# + filter + "]}")["result"]?.text)
        #expect(heads != logs && session.hasSubscriptions)

        let block = try await rpc.mine([RPCFixture.deposit(from: 1, nonce: 0), RPCFixture.deposit(from: 2, nonce: 0),
                                        RPCFixture.deposit(from: 3, nonce: 0)])
        var iterator = events.makeAsyncIterator()
        let event = try #require(await iterator.next())
        #expect(event.block.hash == block.hash)
        let texts = session.notifications(for: event).map { try? JSONValue(parsing: $0) }
        #expect(texts.count == 3)
        #expect(texts.allSatisfy { $0?["jsonrpc"] == "2.0" && $0?["method"] == "eth_subscription" })
        let head = try #require(texts[0]?["params"])
        #expect(head["subscription"] == .string(heads))
        #expect(head["result"]?["hash"] == .string(block.hash.hex) && head["result"]?["number"] == "0x1")
        #expect(head["result"]?["parentHash"] != nil && head["result"]?["logsBloom"] != nil)
        let matched = texts.dropFirst().map { $0?["params"] }
        #expect(matched.allSatisfy { $0?["subscription"] == .string(logs) })
        #expect(matched.map { $0?["result"]?["topics"]?.items.last } == [.string(topic(keys[1]).hex), .string(topic(keys[3]).hex)])
        #expect(matched.map { $0?["result"]?["logIndex"] } == ["0x0", "0x2"])

        #expect(try await request(session, #"{"jsonrpc":"2.0","id":3,"method":"eth_unsubscribe","params":[""# + heads + #""]}"#)["result"] == true)
        #expect(try await request(session, #"{"jsonrpc":"2.0","id":4,"method":"eth_unsubscribe","params":[""# + heads + #""]}"#)["result"] == false)
        try await rpc.node.seal(force: true)
        let empty = try #require(await iterator.next())
        #expect(session.notifications(for: empty).isEmpty)
    }

    @Test("other methods and batches go to the handler; bad subscriptions name what is wrong")
    func delegationAndErrors() async throws {
        let rpc = try await RPCFixture.make()
        let session = SubscriptionSession(handler: rpc.handler, maxSubscriptions: 1)
        #expect(try await request(session, #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#)["result"] == "0x7a69")
        let batch = try await request(session, #"[{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]},{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}]"#)
        #expect(batch.items.count == 2 && batch.items[0]["result"]?.text?.hasPrefix("0x") == true && batch.items[1]["result"] == "0x0")
        let full = try await request(session, #"{"jsonrpc":"2.0","id":3,"method":"eth_subscribe","params":["logs"]}"#)
        #expect(full["error"]?["code"] == -32005)
        let kind = try await request(session, #"{"jsonrpc":"2.0","id":4,"method":"eth_subscribe","params":["newPendingTransactions"]}"#)
        #expect(kind["error"]?["code"] == -32602 && kind["error"]?["message"]?.text?.contains("newPendingTransactions") == true)
        let range = try await request(SubscriptionSession(handler: rpc.handler), #"{"jsonrpc":"2.0","id":5,"method":"eth_subscribe","params":["logs",{"fromBlock":"0x0"}]}"#)
        #expect(range["error"]?["code"] == -32602 && range["error"]?["message"]?.text?.contains("fromBlock") == true)
        #expect(await session.handle(text: #"{"jsonrpc":"2.0","method":"eth_chainId"}"#) == nil)
        let overHTTP = try await rpc.error("eth_subscribe", ["newHeads"])
        #expect(overHTTP.code == -32601 && overHTTP.message.contains("WebSocket"))
    }
}
