import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC filters: changes since the last poll, filter logs, uninstall, expiry")
struct RPCFilterTests {
    let keys = DevChain.keys.map(\.address)

    @Test("a log filter reports only logs of blocks sealed since the last poll, matching its topics")
    func logFilterChanges() async throws {
        let rpc = try await RPCFixture.make()
        try await rpc.mine([RPCFixture.deposit(from: 1, nonce: 0)])
        let id = try await rpc.result("eth_newFilter", [["topics": [.null, .null, [.string(topic(keys[2]).hex), .string(topic(keys[3]).hex)]]]])
        #expect(id.text?.hasPrefix("0x") == true && id.text?.count == 34)
        #expect(try await rpc.result("eth_getFilterChanges", [id]) == [])
        try await rpc.mine([RPCFixture.deposit(from: 2, nonce: 0), RPCFixture.deposit(from: 4, nonce: 0)])
        try await rpc.mine([RPCFixture.deposit(from: 3, nonce: 0)])
        let changes = try await rpc.result("eth_getFilterChanges", [id])
        #expect(changes.items.compactMap { $0["topics"]?.items.last?.text } == [topic(keys[2]).hex, topic(keys[3]).hex])
        #expect(changes.items.map { $0["blockNumber"] } == ["0x2", "0x3"])
        #expect(try await rpc.result("eth_getFilterChanges", [id]) == [])
        // eth_getFilterLogs reads the whole range (latest..latest by default): block 3's log.
        #expect(try await rpc.result("eth_getFilterLogs", [id]).items.count == 1)
        #expect(try await rpc.result("eth_uninstallFilter", [id]) == true)
        #expect(try await rpc.result("eth_uninstallFilter", [id]) == false)
        let gone = try await rpc.error("eth_getFilterChanges", [id])
        #expect(gone.code == -32000 && gone.message.contains("filter not found"))
    }

    @Test("a log filter with a range reports only blocks inside it; getFilterLogs gives the whole range")
    func rangedFilter() async throws {
        let rpc = try await RPCFixture.make()
        let id = try await rpc.result("eth_newFilter", [["fromBlock": "0x0", "toBlock": "0x2"]])
        for nonce in 0..<3 { try await rpc.mine([RPCFixture.deposit(from: 1, nonce: UInt64(nonce))]) }
        #expect(try await rpc.result("eth_getFilterChanges", [id]).items.map { $0["blockNumber"] } == ["0x1", "0x2"])
        #expect(try await rpc.result("eth_getFilterLogs", [id]).items.count == 2)
        let refused = try await rpc.error("eth_newFilter", [["blockHash": .string(Hash32.zero.hex)]])
        #expect(refused.code == -32602)
    }

    @Test("a block filter reports the hashes of blocks sealed since the last poll")
    func blockFilter() async throws {
        let rpc = try await RPCFixture.make()
        let id = try await rpc.result("eth_newBlockFilter")
        let one = try #require(try await rpc.node.seal(force: true))
        let two = try #require(try await rpc.node.seal(force: true))
        #expect(try await rpc.result("eth_getFilterChanges", [id]) == [.string(one.hash.hex), .string(two.hash.hex)])
        #expect(try await rpc.result("eth_getFilterChanges", [id]) == [])
        let three = try #require(try await rpc.node.seal(force: true))
        #expect(try await rpc.result("eth_getFilterChanges", [id]) == [.string(three.hash.hex)])
        let notLogs = try await rpc.error("eth_getFilterLogs", [id])
        #expect(notLogs.code == -32602 && notLogs.message.contains("block filter"))
    }

    @Test("a filter not polled for 5 minutes expires; polling keeps it alive")
    func expiry() async throws {
        let rpc = try await RPCFixture.make()
        let kept = try await rpc.result("eth_newBlockFilter")
        let dropped = try await rpc.result("eth_newFilter", [[:]])
        rpc.clock.advance(by: .seconds(200))
        _ = try await rpc.result("eth_getFilterChanges", [kept])
        rpc.clock.advance(by: .seconds(200))
        #expect(try await rpc.result("eth_getFilterChanges", [kept]) == [])
        let expired = try await rpc.error("eth_getFilterChanges", [dropped])
        #expect(expired.code == -32000 && expired.message.contains("300 seconds"))
        rpc.clock.advance(by: .seconds(299))
        #expect(try await rpc.result("eth_getFilterChanges", [kept]) == [])
        rpc.clock.advance(by: .seconds(300))
        #expect(try await rpc.error("eth_getFilterChanges", [kept]).code == -32000)
        #expect(try await rpc.error("eth_getFilterChanges", [5]).code == -32602)
    }
}
