import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC transactions and receipts")
struct RPCTransactionTests {
    let alice = DevChain.keys[1].address
    let bob = DevChain.keys[2].address
    let hub = Genesis.defaultHub

    private func minimal(_ bytes: [UInt8]) -> JSONValue {
        let digits = Hex.encode(bytes, prefix: false).drop(while: { $0 == "0" })
        return .string("0x" + (digits.isEmpty ? "0" : digits))
    }

    @Test("sendRawTransaction returns the hash; refusals are -32000 with the node's reason")
    func send() async throws {
        let rpc = try await RPCFixture.make()
        let transfer = DevChain.transaction(from: 1, nonce: 0, to: bob, value: 1, gasLimit: 21_000)
        #expect(try await rpc.result("eth_sendRawTransaction", [.string(Hex.encode(transfer.rawBytes))]) == .string(transfer.hash.hex))
        let lowGas = DevChain.transaction(from: 2, nonce: 0, to: hub, value: DevChain.oneRLC,
                                             data: DevChain.calldata("deposit()"), gasLimit: 21_000)
        let refused = try await rpc.error("eth_sendRawTransaction", [.string(Hex.encode(lowGas.rawBytes))])
        #expect(refused.code == -32000)
        #expect(refused.message == NodeError.gasTooLow(needed: 51_000, limit: 21_000).description)
        let garbage = try await rpc.error("eth_sendRawTransaction", ["0x0102"])
        #expect(garbage.code == -32000)
        let notHex = try await rpc.error("eth_sendRawTransaction", ["hello"])
        #expect(notHex.code == -32602 && notHex.message.contains("signed transaction"))
    }

    @Test("a type-2 transaction reads back pending (no block fields) then mined, with every geth field")
    func eip1559() async throws {
        let rpc = try await RPCFixture.make()
        let signed = EIP1559Transaction(chainId: 31337, nonce: 0, maxPriorityFeePerGas: 2, maxFeePerGas: 0x3b9aca00,
                                        gasLimit: 60_000, to: hub, value: DevChain.oneRLC, data: DevChain.calldata("deposit()"))
            .sign(with: DevChain.keys[1])
        _ = try await rpc.result("eth_sendRawTransaction", [.string(Hex.encode(signed.rawBytes))])
        let pending = try await rpc.result("eth_getTransactionByHash", [.string(signed.hash.hex)])
        #expect(pending["blockHash"] == .null && pending["blockNumber"] == .null && pending["transactionIndex"] == .null)
        #expect(pending["gasPrice"] == "0x3b9aca00")
        #expect(try await rpc.result("eth_getTransactionReceipt", [.string(signed.hash.hex)]) == .null)

        let block = try #require(try await rpc.node.seal())
        let mined = try await rpc.result("eth_getTransactionByHash", [.string(signed.hash.hex)])
        let expected: JSONValue = [
            "hash": .string(signed.hash.hex), "from": .string(alice.lowercaseHex), "to": .string(hub.lowercaseHex),
            "nonce": "0x0", "gas": "0xea60", "value": "0xde0b6b3a7640000", "input": "0xd0e30db0", "type": "0x2",
            "chainId": "0x7a69", "maxPriorityFeePerGas": "0x2", "maxFeePerGas": "0x3b9aca00", "gasPrice": "0x0",
            "accessList": [], "yParity": .string("0x\(signed.signature.yParity)"), "v": .string("0x\(signed.signature.yParity)"),
            "r": minimal(signed.signature.r), "s": minimal(signed.signature.s),
            "blockHash": .string(block.hash.hex), "blockNumber": "0x1", "transactionIndex": "0x0",
        ]
        #expect(mined == expected)
    }

    @Test("legacy (EIP-155 v, gasPrice) and type-1 (accessList, yParity) render as geth renders them")
    func legacyAndAccessList() async throws {
        let rpc = try await RPCFixture.make()
        let legacy = LegacyTransaction(nonce: 0, gasPrice: 7, gasLimit: 21_000, to: bob, value: 9, chainId: 31337)
            .sign(with: DevChain.keys[1])
        let key = try Hash32(hex: "0x" + String(repeating: "01", count: 32))
        let typed = EIP2930Transaction(chainId: 31337, nonce: 1, gasPrice: 0, gasLimit: 21_000, to: bob, value: 3,
                                       accessList: [AccessList.Entry(address: hub, storageKeys: [key])])
            .sign(with: DevChain.keys[1])
        try await rpc.mine([legacy, typed])
        let first = try await rpc.result("eth_getTransactionByHash", [.string(legacy.hash.hex)])
        #expect(first["type"] == "0x0" && first["gasPrice"] == "0x7" && first["chainId"] == "0x7a69")
        // EIP-155: v = chainId·2 + 35 + yParity = 62709 + yParity.
        #expect(first["v"] == .string("0x" + String(62_709 + Int(legacy.signature.yParity), radix: 16)))
        #expect(first["yParity"] == nil && first["accessList"] == nil && first["maxFeePerGas"] == nil)
        #expect(first["transactionIndex"] == "0x0")
        let second = try await rpc.result("eth_getTransactionByHash", [.string(typed.hash.hex)])
        #expect(second["type"] == "0x1" && second["gasPrice"] == "0x0" && second["transactionIndex"] == "0x1")
        #expect(second["accessList"] == [["address": .string(hub.lowercaseHex), "storageKeys": .array([.string(key.hex)])]])
        #expect(second["yParity"] == second["v"])
        #expect(try await rpc.result("eth_getTransactionByHash", [.string(Hash32.zero.hex)]) == .null)
    }

    @Test("a receipt has status, gas, logs with positions, bloom, type, from/to, null contractAddress")
    func receipt() async throws {
        let rpc = try await RPCFixture.make()
        let transfer = DevChain.transaction(from: 2, nonce: 0, to: alice, value: 1, gasLimit: 21_000)
        let deposit = RPCFixture.deposit(from: 1, nonce: 0, rlc: 2)
        let block = try await rpc.mine([transfer, deposit])
        let receipt = try await rpc.result("eth_getTransactionReceipt", [.string(deposit.hash.hex)])
        #expect(receipt.keys == ["transactionHash", "transactionIndex", "blockHash", "blockNumber", "from", "to", "contractAddress",
                                 "cumulativeGasUsed", "gasUsed", "effectiveGasPrice", "logs", "logsBloom", "status", "type"])
        #expect(receipt["status"] == "0x1" && receipt["type"] == "0x2" && receipt["contractAddress"] == .null)
        #expect(receipt["gasUsed"] == "0xc738" && receipt["cumulativeGasUsed"] == "0x11940") // 51,000; 21,000 + 51,000
        #expect(receipt["effectiveGasPrice"] == "0x0")
        #expect(receipt["from"] == .string(alice.lowercaseHex) && receipt["to"] == .string(hub.lowercaseHex))
        #expect(receipt["transactionIndex"] == "0x1" && receipt["blockNumber"] == "0x1" && receipt["blockHash"] == .string(block.hash.hex))
        let logs = try #require(receipt["logs"]).items
        #expect(logs.count == 1)
        // Transfer(0x0, alice, 2e9 nRLC) from the hub, the block's first log.
        #expect(logs.first == [
            "address": .string(hub.lowercaseHex),
            "topics": [.string(topic("Transfer(address,address,uint256)").hex), .string(Hash32.zero.hex), .string(topic(alice).hex)],
            "data": .string("0x" + String(repeating: "0", count: 56) + "77359400"),
            "blockNumber": "0x1", "blockHash": .string(block.hash.hex), "transactionHash": .string(deposit.hash.hex),
            "transactionIndex": "0x1", "logIndex": "0x0", "removed": false,
        ])
        let bloom = try LogsBloom(try Hex.decode(try #require(receipt["logsBloom"]?.text)))
        #expect(bloom.contains(hub.bytes) && bloom.contains(topic(alice).bytes) && !bloom.contains(bob.bytes))
        let plain = try await rpc.result("eth_getTransactionReceipt", [.string(transfer.hash.hex)])
        #expect(plain["logs"] == [] && plain["gasUsed"] == "0x5208" && plain["logsBloom"] == .string("0x" + String(repeating: "0", count: 512)))
    }

    @Test("a reverted transaction's receipt has status 0 and Hardhat's revertReason")
    func revertedReceipt() async throws {
        let rpc = try await RPCFixture.make()
        let withdraw = DevChain.transaction(from: 3, nonce: 0, to: hub, data: DevChain.calldata("withdraw(uint256)", [.uint(1)]))
        try await rpc.mine([withdraw])
        let receipt = try await rpc.result("eth_getTransactionReceipt", [.string(withdraw.hash.hex)])
        #expect(receipt["status"] == "0x0")
        #expect(receipt["revertReason"] == "ERC20: transfer amount exceeds balance")
        #expect(receipt["logs"] == [])
    }
}
