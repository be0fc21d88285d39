import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("JSON-RPC blocks: tags, full transactions, every London field, hash = keccak(RLP(header))")
struct RPCBlockTests {
    let hub = Genesis.defaultHub

    /// The block hash recomputed from the JSON fields alone: keccak256 of the RLP list of the 16
    /// London header fields (Yellow Paper order, EIP-1559's baseFeePerGas last).
    private func recomputedHash(_ block: JSONValue) throws -> String {
        func bytes(_ key: String) throws -> [UInt8] { try Hex.decode(try #require(block[key]?.text, "\(key) missing")) }
        func quantity(_ key: String) throws -> RLP.Item {
            let value = try UInt256(hex: try #require(block[key]?.text, "\(key) missing"))
            return .bytes(value.minimalBigEndianBytes)
        }
        let header = RLP.Item.list([
            .bytes(try bytes("parentHash")), .bytes(try bytes("sha3Uncles")), .bytes(try bytes("miner")),
            .bytes(try bytes("stateRoot")), .bytes(try bytes("transactionsRoot")), .bytes(try bytes("receiptsRoot")),
            .bytes(try bytes("logsBloom")), try quantity("difficulty"), try quantity("number"), try quantity("gasLimit"),
            try quantity("gasUsed"), try quantity("timestamp"), .bytes(try bytes("extraData")), .bytes(try bytes("mixHash")),
            .bytes(try bytes("nonce")), try quantity("baseFeePerGas"),
        ])
        return Keccak256.hash(RLP.encode(header)).hex
    }

    @Test("every London header field is present; the hash is keccak(RLP(header)) of the reported fields")
    func fieldsAndHash() async throws {
        let rpc = try await RPCFixture.make()
        let deposit = RPCFixture.deposit(from: 1, nonce: 0)
        let sealed = try await rpc.mine([deposit])
        let block = try await rpc.result("eth_getBlockByNumber", ["latest", false])
        #expect(block.keys == ["hash", "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot",
                               "logsBloom", "difficulty", "totalDifficulty", "number", "gasLimit", "gasUsed", "timestamp",
                               "extraData", "mixHash", "nonce", "baseFeePerGas", "size", "transactions", "uncles"])
        #expect(block["hash"] == .string(sealed.hash.hex))
        #expect(try recomputedHash(block) == sealed.hash.hex)
        #expect(block["number"] == "0x1" && block["gasUsed"] == "0xc738" && block["baseFeePerGas"] == "0x0")
        #expect(block["difficulty"] == "0x0" && block["totalDifficulty"] == "0x0" && block["nonce"] == "0x0000000000000000")
        // keccak256(rlp([])), the ommers hash of every post-merge block.
        #expect(block["sha3Uncles"] == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
        #expect(block["timestamp"] == "0x6553f100") // the fixture's clock, 1,700,000,000
        #expect(block["transactions"] == [.string(deposit.hash.hex)] && block["uncles"] == [])
        #expect(block["size"] == .string("0x" + String(sealed.size, radix: 16)))
        let genesis = try await rpc.result("eth_getBlockByNumber", ["earliest", false])
        #expect(try recomputedHash(genesis) == genesis["hash"]?.text)
        #expect(block["parentHash"] == genesis["hash"])
        #expect(genesis["transactions"] == [])
    }

    @Test("tags and numbers name blocks; a block above the head is null; getBlockByHash finds it; full objects")
    func lookups() async throws {
        let rpc = try await RPCFixture.make()
        let deposit = RPCFixture.deposit(from: 1, nonce: 0)
        let transfer = DevChain.transaction(from: 2, nonce: 0, to: DevChain.keys[3].address, value: 1, gasLimit: 21_000)
        let sealed = try await rpc.mine([deposit, transfer])
        try await rpc.node.seal(force: true)
        for tag: JSONValue in ["latest", "pending", "safe", "finalized", "0x2"] {
            #expect(try await rpc.result("eth_getBlockByNumber", [tag, false])["number"] == "0x2", "\(tag)")
        }
        #expect(try await rpc.result("eth_getBlockByNumber", ["0x3", false]) == .null)
        let byHash = try await rpc.result("eth_getBlockByHash", [.string(sealed.hash.hex), true])
        #expect(byHash["number"] == "0x1")
        let full = byHash["transactions"]?.items ?? []
        #expect(full.count == 2)
        #expect(full.first == (try await rpc.result("eth_getTransactionByHash", [.string(deposit.hash.hex)])))
        #expect(full.last?["transactionIndex"] == "0x1")
        #expect(try await rpc.result("eth_getBlockByNumber", ["0x1", false]) == (try await rpc.result("eth_getBlockByHash", [.string(sealed.hash.hex)])))
        #expect(try await rpc.result("eth_getBlockByHash", [.string(Hash32.zero.hex), false]) == .null)
        let bad = try await rpc.error("eth_getBlockByNumber", ["0x1", "yes"])
        #expect(bad.code == -32602 && bad.message.contains("full transactions"))
        let missing = try await rpc.error("eth_getBlockByHash", [])
        #expect(missing.code == -32602 && missing.message.contains("block hash"))
    }
}
