import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC eth_getLogs: ranges, blockHash, addresses, topics with null and OR-lists")
struct RPCLogTests {
    let hub = Genesis.defaultHub
    let keys = DevChain.keys.map(\.address)
    let transferTopic = topic("Transfer(address,address,uint256)")

    /// Block 1: deposits of accounts 1 and 2; block 2: a plain transfer, then a deposit of account 3.
    private func chain(_ rpc: RPCFixture) async throws -> (StoredBlock, StoredBlock) {
        let first = try await rpc.mine([RPCFixture.deposit(from: 1, nonce: 0), RPCFixture.deposit(from: 2, nonce: 0)])
        let second = try await rpc.mine([DevChain.transaction(from: 4, nonce: 0, to: keys[5], value: 1, gasLimit: 21_000),
                                         RPCFixture.deposit(from: 3, nonce: 0)])
        return (first, second)
    }

    /// The minted-to account of each Transfer log (topic 2).
    private func recipients(_ logs: JSONValue) -> [String] { logs.items.compactMap { $0["topics"]?.items.last?.text } }

    @Test("a range returns the logs in chain order with their positions")
    func range() async throws {
        let rpc = try await RPCFixture.make()
        let (_, second) = try await chain(rpc)
        let all = try await rpc.result("eth_getLogs", [["fromBlock": "earliest", "toBlock": "latest"]])
        #expect(recipients(all) == [topic(keys[1]).hex, topic(keys[2]).hex, topic(keys[3]).hex])
        let last = try #require(all.items.last)
        #expect(last["blockNumber"] == "0x2" && last["blockHash"] == .string(second.hash.hex))
        #expect(last["transactionIndex"] == "0x1" && last["logIndex"] == "0x0")
        #expect(all.items[1]["logIndex"] == "0x1")
        // Defaults are latest..latest.
        #expect(recipients(try await rpc.result("eth_getLogs", [[:]])) == [topic(keys[3]).hex])
        #expect(recipients(try await rpc.result("eth_getLogs", [["fromBlock": "0x1", "toBlock": "0x1"]])).count == 2)
        #expect(try await rpc.result("eth_getLogs", [["fromBlock": "0x5", "toBlock": "0x9"]]) == [])
    }

    @Test("topics: null matches anything, a list is an OR, positions past the list are free")
    func topics() async throws {
        let rpc = try await RPCFixture.make()
        _ = try await chain(rpc)
        let either = try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "topics": [
            .string(transferTopic.hex), .null, [.string(topic(keys[1]).hex), .string(topic(keys[3]).hex)]]]])
        #expect(recipients(either) == [topic(keys[1]).hex, topic(keys[3]).hex])
        let one = try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "topics": [.null, .null, .string(topic(keys[2]).hex)]]])
        #expect(recipients(one) == [topic(keys[2]).hex])
        let wildcardList = try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "topics": [[.string(transferTopic.hex), .null]]]])
        #expect(wildcardList.items.count == 3)
        let other = try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "topics": [.string(topic("Approval(address,address,uint256)").hex)]]])
        #expect(other == [])
        let tooDeep = try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "topics": [.null, .null, .null, .string(transferTopic.hex)]]])
        #expect(tooDeep == [])
    }

    @Test("address: one or a list; blockHash picks one block")
    func addressesAndHash() async throws {
        let rpc = try await RPCFixture.make()
        let (first, _) = try await chain(rpc)
        let registry = Genesis.defaultAppRegistry
        #expect(try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "address": .string(registry.lowercaseHex)]]) == [])
        #expect(try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "address": .string(hub.checksummed)]]).items.count == 3)
        #expect(try await rpc.result("eth_getLogs", [["fromBlock": "0x0", "address": [.string(registry.lowercaseHex), .string(hub.lowercaseHex)]]]).items.count == 3)
        let inBlock = try await rpc.result("eth_getLogs", [["blockHash": .string(first.hash.hex)]])
        #expect(recipients(inBlock) == [topic(keys[1]).hex, topic(keys[2]).hex])
    }

    @Test("bad filters are -32602 naming the field; an unknown block hash is -32000; too many results is -32005")
    func errors() async throws {
        let rpc = try await RPCFixture.make()
        let (first, _) = try await chain(rpc)
        let both = try await rpc.error("eth_getLogs", [["blockHash": .string(first.hash.hex), "fromBlock": "0x0"]])
        #expect(both.code == -32602 && both.message.contains("blockHash"))
        let reversed = try await rpc.error("eth_getLogs", [["fromBlock": "0x2", "toBlock": "0x1"]])
        #expect(reversed.code == -32602 && reversed.message.contains("fromBlock 2 is after toBlock 1"))
        let five = try await rpc.error("eth_getLogs", [["topics": [.null, .null, .null, .null, .null]]])
        #expect(five.code == -32602 && five.message.contains("topics"))
        let badTopic = try await rpc.error("eth_getLogs", [["topics": [["0x12"]]]])
        #expect(badTopic.code == -32602 && badTopic.message.contains("topics[0][0]"))
        let badAddress = try await rpc.error("eth_getLogs", [["address": ["0x01"]]])
        #expect(badAddress.code == -32602 && badAddress.message.contains("address[0]"))
        let unknownKey = try await rpc.error("eth_getLogs", [["form": "0x1"]])
        #expect(unknownKey.code == -32602 && unknownKey.message.contains("form"))
        let unknownBlock = try await rpc.error("eth_getLogs", [["blockHash": .string(Hash32.zero.hex)]])
        #expect(unknownBlock.code == -32000 && unknownBlock.message.contains("not found"))

        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: true, maxLogResults: 2), clock: { 1_700_000_000 })
        let limited = RPCFixture(node: node, store: InMemoryChainStore(), handler: RPCHandler(node: node), clock: ManualClock())
        _ = try await chain(limited)
        let tooMany = try await limited.error("eth_getLogs", [["fromBlock": "0x0"]])
        #expect(tooMany.code == -32005 && tooMany.message.contains("2"))
        #expect(try await limited.result("eth_getLogs", [["fromBlock": "0x1", "toBlock": "0x1"]]).items.count == 2)
    }
}

@Suite("eth_getLogs limits")
struct RPCLogLimitTests {
    @Test("a filter listing more than 1,000 addresses and topics is refused, naming the limit")
    func tooManyFilterValues() async throws {
        let fixture = try await NodeFixture.make()
        let handler = RPCHandler(node: fixture.node)
        let topics = (0..<1_001).map { JSONValue.string(Keccak256.hash("topic \($0)").hex) }
        let result = await handler.call(method: "eth_getLogs", params: .array([.object(["topics": .array([.array(topics)])])]))
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.code == -32602)
        #expect(error.message.contains("more than the limit of 1000"))
    }
}
