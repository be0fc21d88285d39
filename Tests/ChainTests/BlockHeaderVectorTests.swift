import Chain
import Ethereum
import Testing

/// Block 1 of an ethereum/tests BlockchainTests fixture (the one quoted in Parity's
/// `json/src/blockchain/blockchain.rs` test): one legacy transaction calling a contract whose
/// code is `LOG1(offset 0, size 32, topic 0)` after storing 32 0xff bytes at 0.
@Suite struct BlockHeaderVectorTests {
    /// The block's only transaction, as the block RLP carries it.
    static let transaction = try! Hex.decode(
        "0xf864800a82c35094095e7baea6a6c7c4c2dfeb977efac326af552d8785012a05f200801ca0ee0b9ec878fbd4258a9473199d8ecc32996a20c323c004e79e0cda20e0418ce3a04e6bc63927d1510bab54f37e46fa036faf4b2c465d271920d9afea1fadf7bd21")

    @Test func transactionsRootMatchesHeader() throws {
        let expected = try Hash32(hex: "0x498785da562aa0c5dd5937cf15f22139b0b1bcf3b4fc48986e1bb1dae9292796")
        #expect(MerklePatriciaTrie.orderedRoot([Self.transaction]) == expected)
    }

    @Test func logsBloomMatchesHeader() throws {
        let log = ReceiptLog(
            address: try Address(Hex.decode("0x095e7baea6a6c7c4c2dfeb977efac326af552d87")),
            topics: [.zero],
            data: [UInt8](repeating: 0xff, count: 32))
        let expected = try Hex.decode(
            "0x00000000000000001000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000000000000002000000000000000000080000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000040000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000020000000000040000000000000000000000000000000000000000000000000000000")
        #expect(LogsBloom(logs: [log]).bytes == expected)
    }
}
