import Chain
import ChainTestSupport
import Ethereum
import Synchronization
import Testing


@Suite("JSON-RPC envelope: requests, batches, notifications, error codes")
struct RPCEnvelopeTests {
    @Test("a single request is answered with jsonrpc, the same id (number or string) and the result")
    func singleRequest() async throws {
        let rpc = try await RPCFixture.make()
        let answer = try #require(try await rpc.post(#"{"jsonrpc":"2.0","id":7,"method":"eth_chainId","params":[]}"#))
        #expect(answer == ["jsonrpc": "2.0", "id": 7, "result": "0x7a69"])
        let named = try #require(try await rpc.post(#"{"jsonrpc":"2.0","id":"abc","method":"net_version"}"#))
        #expect(named == ["jsonrpc": "2.0", "id": "abc", "result": "31337"])
    }

    @Test("a body that is not JSON is a parse error -32700 with id null")
    func parseError() async throws {
        let rpc = try await RPCFixture.make()
        let answer = try #require(try await rpc.post(#"{"jsonrpc":"2.0","id":1,"method":"#))
        #expect(answer["id"] == .null)
        #expect(answer["error"]?["code"] == -32700)
        #expect(answer["result"] == nil)
    }

    @Test("invalid requests are -32600: not an object, wrong jsonrpc, method not a string, bad id, bad params")
    func invalidRequests() async throws {
        let rpc = try await RPCFixture.make()
        for body in [#"5"#, #"{"id":1,"method":"eth_chainId"}"#, #"{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}"#,
                     #"{"jsonrpc":"2.0","id":1,"method":5}"#, #"{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}"#,
                     #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":"x"}"#] {
            let answer = try #require(try await rpc.post(body), "\(body)")
            #expect(answer["error"]?["code"] == -32600, "\(body)")
        }
        // The id is echoed when it could be read.
        let answer = try #require(try await rpc.post(#"{"jsonrpc":"1.0","id":9,"method":"eth_chainId"}"#))
        #expect(answer["id"] == 9)
    }

    @Test("an unknown method is -32601 naming it; a wrong parameter is -32602 naming the parameter")
    func unknownMethodAndParams() async throws {
        let rpc = try await RPCFixture.make()
        let unknown = try await rpc.error("eth_mining")
        #expect(unknown.code == -32601)
        #expect(unknown.message.contains("eth_mining"))
        let bad = try await rpc.error("eth_getBalance", ["0x1234", "latest"])
        #expect(bad.code == -32602)
        #expect(bad.message.contains("parameter 0 (address)"))
        let tooMany = try await rpc.error("eth_chainId", [1])
        #expect(tooMany.code == -32602)
        let object = try await rpc.error("eth_blockNumber", ["a": 1])
        #expect(object.code == -32602)
        #expect(object.message.contains("array"))
    }

    @Test("a batch answers every request with an id, in order; invalid entries get their own error")
    func mixedBatch() async throws {
        let rpc = try await RPCFixture.make()
        let body = #"""
        [{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
         {"jsonrpc":"2.0","method":"eth_blockNumber"},
         42,
         {"jsonrpc":"2.0","id":3,"method":"nope"},
         {"jsonrpc":"2.0","id":4,"method":"eth_getBalance","params":["0xzz"]},
         {"jsonrpc":"2.0","id":5,"method":"web3_clientVersion"}]
        """#
        let answers = try #require(try await rpc.post(body)).items
        #expect(answers.count == 5)
        #expect(answers[0] == ["jsonrpc": "2.0", "id": 1, "result": "0x7a69"])
        #expect(answers[1]["id"] == .null && answers[1]["error"]?["code"] == -32600)
        #expect(answers[2]["id"] == 3 && answers[2]["error"]?["code"] == -32601)
        #expect(answers[3]["id"] == 4 && answers[3]["error"]?["code"] == -32602)
        #expect(answers[4]["result"] == .string(RPCHandler.defaultClientVersion))
        #expect(RPCHandler.defaultClientVersion.hasPrefix("iexec-swift/"))
    }

    @Test("an empty batch is one -32600 error object; a batch of notifications gets no answer; the batch size is bounded")
    func batchEdges() async throws {
        let rpc = try await RPCFixture.make()
        let empty = try #require(try await rpc.post("[]"))
        #expect(empty["error"]?["code"] == -32600)
        #expect(empty["id"] == .null)
        #expect(try await rpc.post(#"[{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_blockNumber"}]"#) == nil)
        #expect(try await rpc.post(#"{"jsonrpc":"2.0","method":"eth_chainId"}"#) == nil)
        let oversized = "[" + Array(repeating: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#, count: 1_001).joined(separator: ",") + "]"
        let refused = try #require(try await rpc.post(oversized))
        #expect(refused["error"]?["code"] == -32600)
        #expect(refused["error"]?["message"]?.text?.contains("1000") == true)
        let full = "[" + Array(repeating: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#, count: 1_000).joined(separator: ",") + "]"
        #expect(try #require(try await rpc.post(full)).items.count == 1_000)
    }

    @Test("a notification still runs: a sendRawTransaction without id is admitted")
    func notificationRuns() async throws {
        let rpc = try await RPCFixture.make()
        let transfer = DevChain.transaction(from: 1, nonce: 0, to: DevChain.keys[2].address, value: 5, gasLimit: 21_000)
        let body = #"{"jsonrpc":"2.0","method":"eth_sendRawTransaction","params":[""# + Hex.encode(transfer.rawBytes) + #""]}"#
        #expect(try await rpc.post(body) == nil)
        #expect(await rpc.node.pendingTransaction(transfer.hash) != nil)
    }

    @Test("a batch of sendRawTransaction is admitted by one node call (one durable write); refusals stay per entry")
    func batchedSends() async throws {
        let store = ObservedChainStore()
        let node = try await ChainNode.open(store: store, genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: true), clock: { 1_700_000_000 })
        let handler = RPCHandler(node: node)
        let transactions = (0..<20).map { nonce in
            DevChain.transaction(from: 1, nonce: UInt64(nonce), to: DevChain.keys[2].address, value: 1, gasLimit: 21_000)
        }
        let wrongChain = DevChain.transaction(from: 3, nonce: 0, to: DevChain.keys[2].address, gasLimit: 21_000, chainId: 1)
        var entries = transactions.enumerated().map { index, transaction in
            #"{"jsonrpc":"2.0","id":\#(index),"method":"eth_sendRawTransaction","params":[""# + Hex.encode(transaction.rawBytes) + #""]}"#
        }
        entries.insert(#"{"jsonrpc":"2.0","id":"bad","method":"eth_sendRawTransaction","params":["0x"# + Hex.encode(wrongChain.rawBytes, prefix: false) + #""]}"#, at: 5)
        entries.insert(#"{"jsonrpc":"2.0","id":"hex","method":"eth_sendRawTransaction","params":["0xabc"]}"#, at: 10)
        entries.append(#"{"jsonrpc":"2.0","id":"count","method":"eth_getTransactionCount","params":[""# + DevChain.keys[1].address.lowercaseHex + #"","pending"]}"#)
        let response = try #require(await handler.handle(Array(("[" + entries.joined(separator: ",") + "]").utf8)))
        let answers = try JSONValue(parsing: response).items
        #expect(answers.count == 23)
        #expect(store.writes.withLock { $0.pendingBatches } == [20])
        let byId = Dictionary(uniqueKeysWithValues: answers.map { ($0["id"]?.serialized ?? "", $0) })
        for (index, transaction) in transactions.enumerated() {
            #expect(byId["\(index)"]?["result"] == .string(transaction.hash.hex))
        }
        #expect(byId["\"bad\""]?["error"]?["code"] == -32000)
        #expect(byId["\"bad\""]?["error"]?["message"]?.text?.contains("chain") == true)
        #expect(byId["\"hex\""]?["error"]?["code"] == -32602)
        #expect(byId["\"count\""]?["result"] == "0x14")
        #expect(await node.metrics.pending == 20)
    }
}
