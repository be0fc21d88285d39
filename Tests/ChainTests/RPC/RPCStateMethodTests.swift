import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC state methods: chain id, balances, nonces, code, fees")
struct RPCStateMethodTests {
    let alice = DevChain.keys[1].address
    let bob = DevChain.keys[2].address

    @Test("chain id, network version, client version, block number")
    func identity() async throws {
        let rpc = try await RPCFixture.make()
        #expect(try await rpc.result("eth_chainId") == "0x7a69")
        #expect(try await rpc.result("net_version") == "31337")
        #expect(try await rpc.result("web3_clientVersion") == .string(RPCHandler.defaultClientVersion))
        #expect(try await rpc.result("eth_blockNumber") == "0x0")
        try await rpc.node.seal(force: true)
        #expect(try await rpc.result("eth_blockNumber") == "0x1")
    }

    @Test("getBalance is the native balance in wei as a minimal quantity; older blocks are refused naming them")
    func balance() async throws {
        let rpc = try await RPCFixture.make()
        // 10,000 RLC = 1e22 wei = 0x21e19e0c9bab2400000.
        #expect(try await rpc.result("eth_getBalance", [.string(alice.lowercaseHex), "latest"]) == "0x21e19e0c9bab2400000")
        #expect(try await rpc.result("eth_getBalance", [.string(alice.checksummed)]) == "0x21e19e0c9bab2400000")
        let stranger = try Address(hex: "0x00000000000000000000000000000000000000aa")
        #expect(try await rpc.result("eth_getBalance", [.string(stranger.lowercaseHex), "pending"]) == "0x0")
        try await rpc.mine([DevChain.transaction(from: 1, nonce: 0, to: bob, value: 0x10, gasLimit: 21_000)])
        #expect(try await rpc.result("eth_getBalance", [.string(bob.lowercaseHex), "0x1"]) == "0x21e19e0c9bab2400010")
        let old = try await rpc.error("eth_getBalance", [.string(bob.lowercaseHex), "0x0"])
        #expect(old.code == -32000)
        #expect(old.message.contains("block 0") && old.message.contains("latest"))
        let earliest = try await rpc.error("eth_getBalance", [.string(bob.lowercaseHex), "earliest"])
        #expect(earliest.message.contains("block 0"))
        let future = try await rpc.error("eth_getBalance", [.string(bob.lowercaseHex), "0x9"])
        #expect(future.code == -32000 && future.message.contains("block 9"))
        let badChecksum = try await rpc.error("eth_getBalance", ["0x70997970c51812dc3A010C7d01b50e0d17dc79C8"])
        #expect(badChecksum.code == -32602)
        let badTag = try await rpc.error("eth_getBalance", [.string(bob.lowercaseHex), "newest"])
        #expect(badTag.code == -32602 && badTag.message.contains("parameter 1 (block)"))
    }

    @Test("getTransactionCount counts mined transactions, and with \"pending\" the waiting ones too")
    func transactionCount() async throws {
        let rpc = try await RPCFixture.make()
        try await rpc.mine([DevChain.transaction(from: 1, nonce: 0, to: bob, value: 1, gasLimit: 21_000)])
        for nonce in 1...2 {
            _ = try await rpc.result("eth_sendRawTransaction", [.string(Hex.encode(
                DevChain.transaction(from: 1, nonce: UInt64(nonce), to: bob, value: 1, gasLimit: 21_000).rawBytes))])
        }
        #expect(try await rpc.result("eth_getTransactionCount", [.string(alice.lowercaseHex), "latest"]) == "0x1")
        #expect(try await rpc.result("eth_getTransactionCount", [.string(alice.lowercaseHex), "pending"]) == "0x3")
        #expect(try await rpc.result("eth_getTransactionCount", [.string(bob.lowercaseHex), "pending"]) == "0x0")
    }

    @Test("getCode is non-empty at the hub and the three registries, empty elsewhere")
    func code() async throws {
        let rpc = try await RPCFixture.make()
        for address in [Genesis.defaultHub, Genesis.defaultAppRegistry, Genesis.defaultDatasetRegistry, Genesis.defaultWorkerpoolRegistry] {
            #expect(try await rpc.result("eth_getCode", [.string(address.checksummed), "latest"]) == "0xfe")
        }
        #expect(try await rpc.result("eth_getCode", [.string(alice.lowercaseHex), "latest"]) == "0x")
    }

    @Test("gas price and priority fee are zero; feeHistory is shaped as geth's, all fees zero")
    func fees() async throws {
        let rpc = try await RPCFixture.make()
        #expect(try await rpc.result("eth_gasPrice") == "0x0")
        #expect(try await rpc.result("eth_maxPriorityFeePerGas") == "0x0")
        try await rpc.mine([RPCFixture.deposit(from: 1, nonce: 0)])
        try await rpc.node.seal(force: true)
        // Head is 2: four blocks asked, three exist.
        let history = try await rpc.result("eth_feeHistory", ["0x4", "latest", [25, 75]])
        #expect(history.keys == ["oldestBlock", "baseFeePerGas", "gasUsedRatio", "reward"])
        #expect(history["oldestBlock"] == "0x0")
        #expect(history["baseFeePerGas"] == ["0x0", "0x0", "0x0", "0x0"])
        #expect(history["reward"] == [["0x0", "0x0"], ["0x0", "0x0"], ["0x0", "0x0"]])
        let ratios = try #require(history["gasUsedRatio"]).items
        #expect(ratios.count == 3)
        #expect(ratios[0] == .number("0") && ratios[2] == .number("0"))
        // Block 1 used 51,000 of 30,000,000,000 gas.
        if case .number(let literal) = ratios[1] { #expect(Double(literal) == 51_000.0 / 30_000_000_000.0) } else {
            Issue.record("gasUsedRatio[1] is not a number")
        }
        let noReward = try await rpc.result("eth_feeHistory", [2, "0x1"])
        #expect(noReward["reward"] == nil)
        #expect(noReward["oldestBlock"] == "0x0" && noReward["baseFeePerGas"]?.items.count == 3)
        let bad = try await rpc.error("eth_feeHistory", ["0x2", "latest", [75, 25]])
        #expect(bad.code == -32602 && bad.message.contains("reward percentiles"))
    }
}
