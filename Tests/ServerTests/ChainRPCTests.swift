import Chain
import ChainTestSupport
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Server
import Testing

@Suite("Server with the chain's JSON-RPC: HTTP requests, batches, metrics, and subscriptions over WebSocket")
struct ChainRPCTests {
    let logger = Logger(label: "ws-test")

    @Test("single requests and batches reach RPCHandler; each request is counted under its method and outcome")
    func httpAndMetrics() async throws {
        let fixture = try await ServerFixture.make(rpc: { ChainRPCService(node: $0) })
        try await fixture.server.makeApplication().test(.router) { client in
            let single = try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#))
            #expect(try single.json == ["jsonrpc": "2.0", "id": 1, "result": "0x7a69"])
            let batch = try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"""
                [{"jsonrpc":"2.0","id":"a","method":"eth_blockNumber","params":[]},
                 {"jsonrpc":"2.0","id":"b","method":"eth_noSuchMethod","params":[]},
                 {"jsonrpc":"2.0","id":"c","method":"eth_chainId","params":[]}]
                """#))
            guard case .array(let answers) = try batch.json else { Issue.record("a batch answers an array"); return }
            #expect(answers.count == 3)
            #expect(answers.first?["result"] == "0x0")
            #expect(answers[1]["error"]?["code"] == .number("-32601"))
        }
        let metrics = fixture.server.metrics
        #expect(metrics.count(method: "eth_chainId", outcome: .success) == 2)
        #expect(metrics.count(method: "eth_blockNumber", outcome: .success) == 1)
        #expect(metrics.count(method: "eth_noSuchMethod", outcome: .error) == 1)
        #expect(metrics.count(method: "eth_noSuchMethod", outcome: .success) == 0)
    }

    @Test("a WebSocket client subscribed to newHeads and logs receives both for a mined deposit")
    func subscriptions() async throws {
        let fixture = try await ServerFixture.make(rpc: { ChainRPCService(node: $0) })
        let node = fixture.node
        let hub = Genesis.defaultHub
        let deposit = DevChain.transaction(from: 1, nonce: 0, to: hub, value: DevChain.oneRLC,
                                                data: DevChain.calldata("deposit()"))
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let logger = self.logger
            try await withTimeout { try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/", logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#))
                let heads = try JSONValue(parsing: try await WebSocketTransportTests.text(messages.next()))
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["logs",{"address":"\#(hub.lowercaseHex)"}]}"#))
                let logs = try JSONValue(parsing: try await WebSocketTransportTests.text(messages.next()))
                guard case .string(let headsID)? = heads["result"], case .string(let logsID)? = logs["result"] else {
                    Issue.record("eth_subscribe gave no ids: \(heads.serialized) \(logs.serialized)")
                    return
                }
                #expect(headsID != logsID)

                // The transaction goes in over HTTP on the same port, then a block is sealed.
                let sent = try await client.execute(
                    uri: "/", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":3,"method":"eth_sendRawTransaction","params":["\#(Hex.encode(deposit.rawBytes))"]}"#))
                #expect(try sent.json["result"] == .string(deposit.hash.hex))
                let block = try #require(try await node.seal())

                let head = try JSONValue(parsing: try await WebSocketTransportTests.text(messages.next()))
                #expect(head["method"] == "eth_subscription")
                #expect(head["params"]?["subscription"] == .string(headsID))
                #expect(head["params"]?["result"]?["number"] == "0x1")
                #expect(head["params"]?["result"]?["hash"] == .string(block.hash.hex))

                let log = try JSONValue(parsing: try await WebSocketTransportTests.text(messages.next()))
                #expect(log["params"]?["subscription"] == .string(logsID))
                let result = log["params"]?["result"]
                #expect(result?["transactionHash"] == .string(deposit.hash.hex))
                #expect(result?["blockNumber"] == "0x1")
                #expect(result?["blockHash"] == .string(block.hash.hex))
                // The escrow mints: Transfer(address(0), sender, 1e9 nRLC).
                #expect(result?["topics"] == .array([
                    .string(Keccak256.hash("Transfer(address,address,uint256)").hex),
                    .string(Hash32.zero.hex),
                    .string("0x" + String(repeating: "0", count: 24) + DevChain.keys[1].address.lowercaseHex.dropFirst(2)),
                ]))
                try await outbound.close(.normalClosure, reason: nil)
            } }
        }
        #expect(fixture.server.metrics.count(method: "eth_subscribe", outcome: .success) == 2)
        #expect(fixture.server.metrics.count(method: "eth_sendRawTransaction", outcome: .success) == 1)
    }
}
