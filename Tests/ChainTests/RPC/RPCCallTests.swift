import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC eth_call and eth_estimateGas")
struct RPCCallTests {
    let alice = DevChain.keys[1].address
    let hub = Genesis.defaultHub

    @Test("eth_call returns a view's ABI return data and simulates a function without changing state")
    func callsAndViews() async throws {
        let rpc = try await RPCFixture.make()
        try await rpc.mine([RPCFixture.deposit(from: 1, nonce: 0, rlc: 3)])
        let balanceOf = Hex.encode(DevChain.calldata("balanceOf(address)", [.address(alice)]))
        // 3 RLC = 3e9 nRLC = 0xb2d05e00.
        let expected = "0x" + String(repeating: "0", count: 56) + "b2d05e00"
        #expect(try await rpc.result("eth_call", [["to": .string(hub.lowercaseHex), "data": .string(balanceOf)], "latest"]) == .string(expected))
        #expect(try await rpc.result("eth_call", [["to": .string(hub.lowercaseHex), "input": .string(balanceOf)], "pending"]) == .string(expected))
        #expect(try await rpc.result("eth_call", [["to": .string(hub.lowercaseHex), "input": .string(balanceOf)], "0x1"]) == .string(expected))
        let deposit: JSONValue = ["from": .string(alice.lowercaseHex), "to": .string(hub.lowercaseHex),
                                  "data": .string(Hex.encode(DevChain.calldata("deposit()"))), "value": "0xde0b6b3a7640000",
                                  "gas": "0x100000", "gasPrice": "0x0"]
        #expect(try await rpc.result("eth_call", [deposit, "latest"]) == .string("0x" + String(repeating: "0", count: 63) + "1"))
        #expect(try await rpc.result("eth_call", [["to": .string(hub.lowercaseHex), "data": .string(balanceOf)]]) == .string(expected))
        #expect(try await rpc.result("eth_estimateGas", [deposit]) == "0xc738") // 51,000
        #expect(try await rpc.result("eth_estimateGas", [["from": .string(alice.lowercaseHex), "to": .string(DevChain.keys[2].address.lowercaseHex), "value": "0x1"]]) == "0x5208")
    }

    @Test("a revert is code 3, \"execution reverted: <reason>\", data = Error(string) ABI bytes")
    func revert() async throws {
        let rpc = try await RPCFixture.make()
        let withdraw: JSONValue = ["from": .string(alice.lowercaseHex), "to": .string(hub.lowercaseHex),
                                   "data": .string(Hex.encode(DevChain.calldata("withdraw(uint256)", [.uint(5)])))]
        // eth_abi (Python): '0x08c379a0' + encode(['string'], ['ERC20: transfer amount exceeds balance']).hex()
        let expectedData = "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000026"
            + "45524332303a207472616e7366657220616d6f756e7420657863656564732062"
            + "616c616e63650000000000000000000000000000000000000000000000000000"
        for method in ["eth_call", "eth_estimateGas"] {
            let error = try await rpc.error(method, [withdraw, "latest"])
            #expect(error.code == 3)
            #expect(error.message == "execution reverted: ERC20: transfer amount exceeds balance")
            #expect(error.data == .string(expectedData))
        }
        // The response carries it as geth does.
        let body = #"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":["# + withdraw.serialized + #","latest"]}"#
        let answer = try #require(try await rpc.post(body))
        #expect(answer["error"] == ["code": 3, "message": "execution reverted: ERC20: transfer amount exceeds balance",
                                    "data": .string(expectedData)])
    }

    @Test("calls at an older block are refused naming the block; bad call objects name the field")
    func refusals() async throws {
        let rpc = try await RPCFixture.make()
        try await rpc.node.seal(force: true)
        let call: JSONValue = ["to": .string(hub.lowercaseHex), "data": .string(Hex.encode(DevChain.calldata("balanceOf(address)", [.address(alice)])))]
        let old = try await rpc.error("eth_call", [call, "0x0"])
        #expect(old.code == -32000)
        #expect(old.message == "state at block 0 is not available (only the latest, block 1, is kept): use \"latest\"")
        let noTo = try await rpc.error("eth_call", [["data": "0x"], "latest"])
        #expect(noTo.code == -32000 && noTo.message.contains("creat"))
        let badData = try await rpc.error("eth_call", [["to": .string(hub.lowercaseHex), "data": "0x123"], "latest"])
        #expect(badData.code == -32602 && badData.message.contains("parameter 0 (call object).data"))
        let conflicting = try await rpc.error("eth_call", [["to": .string(hub.lowercaseHex), "data": "0x12", "input": "0x34"]])
        #expect(conflicting.code == -32602 && conflicting.message.contains("data and input"))
        let unknown = try await rpc.error("eth_call", [["to": .string(hub.lowercaseHex), "data": "0xdeadbeef"]])
        #expect(unknown.code == -32000 && unknown.message.contains("0xdeadbeef"))
        let missing = try await rpc.error("eth_call", [])
        #expect(missing.code == -32602 && missing.message.contains("call object"))
    }
}
