import Chain
import ChainTestSupport
import Ethereum
import Testing

@Suite("Block size")
struct BlockSizeTests {
    @Test("the size from lengths equals the length of the block's RLP encoding, legacy and typed transactions alike",
          arguments: [0, 1, 3, 40])
    func sizeMatchesEncoding(transactions count: Int) async throws {
        let fixture = try await NodeFixture.make()
        let bob = DevChain.keys[9].address
        let raws: [[UInt8]] = (0..<count).map { index in
            if index % 2 == 0 {
                return DevChain.transaction(from: 1 + index % 5, nonce: UInt64(index / 5), to: bob, value: 1, gasLimit: 21_000).rawBytes
            }
            let legacy = LegacyTransaction(nonce: UInt64(index / 5), gasPrice: .zero, gasLimit: 21_000, to: bob, value: 1,
                                           data: [], chainId: Genesis.devChainId)
            return legacy.sign(with: DevChain.keys[1 + index % 5]).rawBytes
        }
        _ = await fixture.node.sendRawTransactions(raws)
        let block = try #require(try await fixture.node.seal(force: true))
        let stored = try await fixture.store.transactions(inBlock: block.number).map(\.included.transaction)
        #expect(stored.count == count)
        let body: [RLP.Item] = try stored.map { $0.type == .legacy ? try RLP.decode($0.rawBytes) : .bytes($0.rawBytes) }
        let encoded = RLP.encode(.list([block.header.rlpItem, .list(body), .list([])]))
        #expect(block.size == encoded.count)
    }
}
