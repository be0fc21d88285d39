import Chain
import ChainTestSupport
import Ethereum
import PoCo
import Testing

@Suite("Chain node: admission, sealing, conservation")
struct NodeSealingTests {
    let hub = Genesis.defaultHub

    /// Native coin of every account the test touches plus the hub: must never change.
    private func totalCoin(_ node: ChainNode, _ addresses: [Address]) async -> UInt256 {
        var total = UInt256.zero
        for address in Set(addresses + [hub]) { total = total + (await node.account(address).balance) }
        return total
    }

    @Test("a deposit and a transfer are mined in one block, with receipts, logs and conserved coin")
    func depositAndTransfer() async throws {
        let fixture = try await NodeFixture.make()
        let node = fixture.node
        let alice = DevChain.keys[1].address, bob = DevChain.keys[2].address
        let before = await totalCoin(node, [alice, bob])
        let deposit = DevChain.transaction(from: 1, nonce: 0, to: hub, value: DevChain.oneRLC * 5,
                                              data: DevChain.calldata("deposit()"))
        let transfer = DevChain.transaction(from: 1, nonce: 1, to: bob, value: DevChain.oneRLC, gasLimit: 21_000)
        let results = await node.sendRawTransactions([deposit.rawBytes, transfer.rawBytes])
        #expect(try results.map { try $0.get() } == [deposit.hash, transfer.hash])

        let block = try #require(try await node.seal())
        #expect(block.number == 1)
        #expect(block.transactionHashes == [deposit.hash, transfer.hash])
        #expect(await node.account(alice).nonce == 2)
        #expect(await node.account(bob).balance == Genesis.devBalance + DevChain.oneRLC)
        #expect(await node.pocoState.account(alice).balance == UInt256(5_000_000_000))
        #expect(await totalCoin(node, [alice, bob]) == before)

        let stored = try #require(try await fixture.store.transaction(hash: deposit.hash))
        #expect(stored.included.outcome.succeeded)
        #expect(stored.included.outcome.gasUsed == 51_000)
        // The escrow mints: Transfer(0x0, alice, 5e9 nRLC).
        #expect(stored.included.outcome.logs.map { $0.topics.first } == [Keccak256.hash("Transfer(address,address,uint256)")])
        #expect(block.header.gasUsed == 72_000)
        #expect(try await node.seal() == nil)
    }

    @Test("a reverted call keeps only the nonce and says why")
    func revertKeepsNonce() async throws {
        let fixture = try await NodeFixture.make()
        let withdraw = DevChain.transaction(
            from: 3, nonce: 0, to: hub, data: DevChain.calldata("withdraw(uint256)", [.uint(UInt256(1))]))
        _ = try await fixture.node.sendRawTransaction(withdraw.rawBytes)
        try await fixture.node.seal()
        let stored = try #require(try await fixture.store.transaction(hash: withdraw.hash))
        #expect(!stored.included.outcome.succeeded)
        #expect(stored.included.outcome.revertReason != nil)
        #expect(await fixture.node.account(DevChain.keys[3].address).nonce == 1)
    }

    @Test("refusals name the rule: unknown selector, gas too low, wrong chain, funds")
    func refusals() async throws {
        let node = try await NodeFixture.make().node
        let unknown = DevChain.transaction(from: 1, nonce: 0, to: hub, data: [0xde, 0xad, 0xbe, 0xef])
        await #expect(throws: NodeError.self) { try await node.sendRawTransaction(unknown.rawBytes) }
        let lowGas = DevChain.transaction(from: 1, nonce: 0, to: hub, value: DevChain.oneRLC,
                                             data: DevChain.calldata("deposit()"), gasLimit: 21_000)
        await #expect(throws: NodeError.gasTooLow(needed: 51_000, limit: 21_000)) {
            try await node.sendRawTransaction(lowGas.rawBytes)
        }
        let wrongChain = DevChain.transaction(from: 1, nonce: 0, to: hub, chainId: 1)
        await #expect(throws: NodeError.rejected(.wrongChainId(expected: 31337, actual: 1))) {
            try await node.sendRawTransaction(wrongChain.rawBytes)
        }
        let tooMuch = DevChain.transaction(from: 1, nonce: 0, to: DevChain.keys[2].address,
                                              value: Genesis.devBalance + 1, gasLimit: 21_000)
        await #expect(throws: NodeError.self) { try await node.sendRawTransaction(tooMuch.rawBytes) }
        let aboveBlock = DevChain.transaction(from: 1, nonce: 0, to: DevChain.keys[2].address, gasLimit: 40_000_000_000)
        await #expect(throws: NodeError.gasAboveBlockLimit(limit: 40_000_000_000, blockLimit: 30_000_000_000)) {
            try await node.sendRawTransaction(aboveBlock.rawBytes)
        }
        #expect(await node.metrics.pending == 0)
    }

    @Test("a restart resumes at the last block with the pending transactions, same state root")
    func restartResumes() async throws {
        let fixture = try await NodeFixture.make()
        let first = DevChain.transaction(from: 1, nonce: 0, to: DevChain.keys[2].address, value: 7, gasLimit: 21_000)
        _ = try await fixture.node.sendRawTransaction(first.rawBytes)
        let block = try #require(try await fixture.node.seal())
        let pending = DevChain.transaction(from: 1, nonce: 1, to: DevChain.keys[2].address, value: 8, gasLimit: 21_000)
        _ = try await fixture.node.sendRawTransaction(pending.rawBytes)

        let resumed = try await NodeFixture.make(store: fixture.store)
        #expect(await resumed.node.head == block)
        #expect(await resumed.node.pendingTransaction(pending.hash) != nil)
        let next = try #require(try await resumed.node.seal())
        #expect(next.transactionHashes == [pending.hash])
        #expect(next.header.parentHash == block.hash)
    }

    @Test("eth_call runs views and simulates functions without changing state; estimateGas is per function")
    func callsAndEstimates() async throws {
        let node = try await NodeFixture.make().node
        let alice = DevChain.keys[1].address
        let balanceOf = DevChain.calldata("balanceOf(address)", [.address(alice)])
        #expect(try await node.call(CallRequest(to: hub, data: balanceOf)) == [UInt8](repeating: 0, count: 32))
        let deposit = CallRequest(from: alice, to: hub, data: DevChain.calldata("deposit()"), value: DevChain.oneRLC)
        #expect(try await node.call(deposit) == [UInt8](repeating: 0, count: 31) + [1])
        #expect(await node.pocoState.account(alice).balance == .zero)
        #expect(try await node.estimateGas(deposit) == 51_000)
        let withdraw = CallRequest(from: alice, to: hub, data: DevChain.calldata("withdraw(uint256)", [.uint(5)]))
        await #expect(throws: NodeError.self) { try await node.call(withdraw) }
    }
}

@Suite("Chain node: long blocks")
struct NodeLongBlockTests {
    @Test("a block longer than one execution slice seals whole, conserves coin, and replays to the same header")
    func multiSliceBlock() async throws {
        let fixture = try await NodeFixture.make()
        let bob = DevChain.address(9)
        let raws = (1...6).flatMap { key in
            (0..<60).map { nonce in
                DevChain.transaction(from: key, nonce: UInt64(nonce), to: bob, value: 1, gasLimit: 21_000).rawBytes
            }
        }
        #expect(await fixture.node.sendRawTransactions(raws).allSatisfy { (try? $0.get()) != nil })
        let block = try #require(try await fixture.node.seal())
        #expect(block.transactionHashes.count == 360)
        #expect(await fixture.node.account(bob).balance == Genesis.devBalance + 360)
        let report = try await ChainVerifier(store: fixture.store).verify()
        #expect(report.verified)
        #expect(report.transactionsChecked == 360)
    }
}
