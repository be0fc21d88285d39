import Chain
import ChainTestSupport
import Ethereum
import ServiceLifecycle
import Testing

@Suite("Block producer")
struct BlockProducerTests {
    @Test("on demand: a burst sent while the producer runs is mined, sharing blocks, and events arrive in order")
    func onDemandBatches() async throws {
        let fixture = try await NodeFixture.make()
        let node = fixture.node
        let events = await node.events()
        let bob = DevChain.keys[9].address
        let burst = (1...5).flatMap { key in
            (0..<4).map { nonce in
                DevChain.transaction(from: key, nonce: UInt64(nonce), to: bob, value: 1, gasLimit: 21_000)
            }
        }
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await BlockProducer(node: node).run() }
            let results = await node.sendRawTransactions(burst.map(\.rawBytes))
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            var mined: [Hash32] = []
            var numbers: [UInt64] = []
            for await event in events {
                mined += event.block.transactionHashes
                numbers.append(event.block.number)
                if mined.count == burst.count { break }
            }
            group.cancelAll()
            #expect(Set(mined) == Set(burst.map(\.hash)))
            #expect(numbers == Array(1...UInt64(numbers.count)))
            // Twenty transactions in one admission call are ready together: one block takes them all.
            #expect(numbers.count == 1)
        }
        #expect(await node.account(bob).balance == Genesis.devBalance + 20)
    }
}
