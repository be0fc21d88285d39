import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC development methods: evm_increaseTime, evm_mine, anvil_setBalance")
struct RPCDevMethodTests {
    let bob = DevChain.keys[2].address

    @Test("evm_increaseTime moves later blocks' time; evm_mine seals a block, at a given timestamp too")
    func timeAndMining() async throws {
        let rpc = try await RPCFixture.make()
        #expect(try await rpc.result("evm_increaseTime", [3_600]) == 3_600)
        #expect(try await rpc.result("evm_increaseTime", ["0x10"]) == 3_616)
        #expect(try await rpc.result("evm_mine") == "0x0")
        let block = try await rpc.result("eth_getBlockByNumber", ["latest", false])
        #expect(block["number"] == "0x1")
        #expect(block["timestamp"] == .string("0x" + String(1_700_000_000 + 3_616, radix: 16)))
        // 1,700,003,716 = 0x6553ff84: 100 s after the head.
        #expect(try await rpc.result("evm_mine", ["0x6553ff84"]) == "0x0")
        #expect(try await rpc.result("eth_getBlockByNumber", ["latest", false])["timestamp"] == "0x6553ff84")
        #expect(try await rpc.result("evm_mine", [["timestamp": 1_700_003_816]]) == "0x0")
        #expect(try await rpc.result("eth_getBlockByNumber", ["latest", false])["timestamp"] == "0x6553ffe8")
        #expect(try await rpc.result("eth_blockNumber") == "0x3")
        let backwards = try await rpc.error("evm_mine", ["0x1"])
        #expect(backwards.code == -32602 && backwards.message.contains("before"))
        let negative = try await rpc.error("evm_increaseTime", [-5])
        #expect(negative.code == -32602 && negative.message.contains("seconds"))
    }

    @Test("anvil_setBalance sets a balance in a block; the hub's is refused")
    func setBalance() async throws {
        let rpc = try await RPCFixture.make()
        #expect(try await rpc.result("anvil_setBalance", [.string(bob.lowercaseHex), "0x3e8"]) == .null)
        #expect(try await rpc.result("eth_getBalance", [.string(bob.lowercaseHex), "latest"]) == "0x3e8")
        #expect(try await rpc.result("eth_blockNumber") == "0x1")
        let hub = try await rpc.error("anvil_setBalance", [.string(Genesis.defaultHub.lowercaseHex), "0x1"])
        #expect(hub.code == -32602 && hub.message.contains("system contract"))
        let badAmount = try await rpc.error("anvil_setBalance", [.string(bob.lowercaseHex), "1000"])
        #expect(badAmount.code == -32602 && badAmount.message.contains("parameter 1 (balance)"))
    }

    @Test("without --dev the development methods are -32601 saying to start with --dev")
    func refusedWithoutDev() async throws {
        let rpc = try await RPCFixture.make(dev: false)
        for (method, params) in [("evm_increaseTime", [1] as JSONValue), ("evm_mine", []),
                                 ("anvil_setBalance", [.string(bob.lowercaseHex), "0x1"])] {
            let error = try await rpc.error(method, params)
            #expect(error.code == -32601, "\(method)")
            #expect(error.message.contains("--dev") && error.message.contains(method), "\(method)")
        }
        #expect(try await rpc.result("eth_blockNumber") == "0x0")
    }
}
