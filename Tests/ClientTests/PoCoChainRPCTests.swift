import Chain
import ChainTestSupport
import Client
import Ethereum
import PoCo
import Testing

/// `RPCPoCoChain` against a real node on loopback: the same scenario as the in-memory chain (and
/// the same outcome), heads over WebSocket and by polling, dev time, reverts and transport errors.
@Suite struct PoCoChainRPCTests {
    @Test func theScenarioRunsAndMatchesTheInMemoryChain() async throws {
        let remote = try await PoCoNodeFixture.withNode { chain, _ in
            #expect(chain.config == DevChain.genesis.config)
            return try await PoCoChainScenario.run(on: chain)
        }
        PoCoChainScenario.check(remote, config: DevChain.genesis.config)
        let local = try await PoCoChainScenario.run(on: PoCoChainInMemoryTests.chain())
        #expect(remote.timeless == local.timeless)
    }

    @Test func aTaskIsClaimedOnceTheNodesTimePassesItsDeadline() async throws {
        let remote = try await PoCoNodeFixture.withNode { chain, _ in try await PoCoChainDeadlineScenario.run(on: chain) }
        PoCoChainDeadlineScenario.check(remote)
        #expect(remote == (try await PoCoChainDeadlineScenario.run(on: PoCoChainInMemoryTests.chain())))
    }

    @Test func headsArriveOverTheWebSocket() async throws {
        // Polling every hour: only the subscription can deliver heads within the test.
        let options = RPCChainOptions(receiptTimeout: .seconds(10), headPollInterval: .seconds(3_600))
        try await PoCoNodeFixture.withNode(options: options) { chain, _ in
            try await Self.expectHeads(chain)
        }
    }

    @Test func headsArriveByPollingWithoutTheWebSocket() async throws {
        let options = RPCChainOptions(receiptTimeout: .seconds(10), headPollInterval: .milliseconds(20), useWebSocket: false)
        try await PoCoNodeFixture.withNode(options: options) { chain, _ in
            try await Self.expectHeads(chain)
        }
    }

    /// Mines blocks until the stream has given three heads; they increase and are the node's.
    static func expectHeads(_ chain: RPCPoCoChain) async throws {
        let start = try await chain.head()
        let seen = try await withThrowingTaskGroup(of: [ChainHead]?.self) { group in
            group.addTask {
                var heads: [ChainHead] = []
                for await head in chain.heads() {
                    heads.append(head)
                    if heads.count == 3 { break }
                }
                return heads
            }
            group.addTask {
                // When the watcher has subscribed is not observable: keep sealing until it reports.
                while !_Concurrency.Task.isCancelled {
                    try await chain.mine()
                    try await _Concurrency.Task.sleep(for: .milliseconds(30))
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() { if let heads = next { return heads } }
            return []
        }
        #expect(seen.count == 3)
        #expect(seen.map(\.number) == seen.map(\.number).sorted())
        #expect(Set(seen.map(\.number)).count == 3)
        #expect(seen.allSatisfy { $0.number > start.number })
        let head = try await chain.head()
        #expect(seen.allSatisfy { $0.number <= head.number })
    }

    @Test func devTimeMovesTheNextBlocks() async throws {
        try await PoCoNodeFixture.withNode { chain, _ in
            let before = try await chain.mine()
            try await chain.increaseTime(seconds: 3_600)
            let after = try await chain.mine()
            #expect(after.number == before.number + 1)
            #expect(after.timestamp >= before.timestamp + 3_600)
        }
    }

    @Test func aRevertedViewAndCallCarryPoCosReason() async throws {
        try await PoCoNodeFixture.withNode { chain, _ in
            await #expect(throws: ChainClientError.reverted(function: "viewCategory", reason: PoCoError.unknownCategory.reason)) {
                _ = try await chain.category(99)
            }
            // Withdrawing more than the balance reverts on chain; the receipt's reason comes back.
            let key = DevChain.keys[6]
            await #expect {
                _ = try await chain.send(.escrow(.withdraw(amount: 5)), signer: key)
            } throws: { error in
                guard case .reverted(let function, let reason)? = error as? ChainClientError else { return false }
                return function == "withdraw" && !reason.isEmpty
            }
            // The nonce was used by the reverted transaction: the next send still goes through.
            _ = try await chain.send(.escrow(.deposit), value: UInt256(1_000_000_000 as UInt64), signer: key)
            #expect(try await chain.account(key.address) == Account(balance: 1))
        }
    }

    @Test func aPayableCallBeyondTheSignersCoinIsRefused() async throws {
        try await PoCoNodeFixture.withNode { chain, _ in
            let poor = try PrivateKey(hex: "0x" + String(repeating: "42", count: 32))
            await #expect {
                _ = try await chain.send(.escrow(.deposit), value: 1, signer: poor)
            } throws: { error in
                guard case .rpc(_, let message)? = error as? ChainClientError else { return false }
                return message.contains("insufficient funds")
            }
            #expect(try await chain.account(poor.address) == Account())
        }
    }

    @Test func aNonceUsedElsewhereIsRecovered() async throws {
        try await PoCoNodeFixture.withNode { chain, node in
            let key = DevChain.keys[7]
            _ = try await chain.send(.escrow(.withdraw(amount: 0)), signer: key)
            // Another process sends from the same key: the client's count is now behind.
            let data = PoCoBinding.encodeCall(.escrow(.withdraw(amount: 0)), config: chain.config).data
            let other = DevChain.transaction(from: 7, nonce: 1, to: chain.config.hub, data: data)
            for result in await node.sendRawTransactions([other.rawBytes]) { _ = try result.get() }
            _ = try await chain.send(.escrow(.withdraw(amount: 0)), signer: key)
            #expect(await node.nextNonce(key.address, includingPending: true) == 3)
        }
    }

    @Test func aTransactionNobodySealsIsReportedNotMined() async throws {
        let options = RPCChainOptions(receiptTimeout: .milliseconds(300))
        try await PoCoNodeFixture.withNode(options: options, sealing: false) { chain, node in
            let results = try await chain.send([.escrow(.withdraw(amount: 0))], signer: DevChain.keys[8])
            guard case .failure(.notMined(_, let waited))? = results.first else {
                Issue.record("expected notMined, got \(results)")
                return
            }
            #expect(waited >= 0.3)
            // It is pending: sealing now mines it.
            _ = try await node.seal()
            #expect(try await chain.head().number == 1)
            #expect(await node.nextNonce(DevChain.address(8), includingPending: false) == 1)
        }
    }

    @Test func anUnreachableNodeSaysSo() async throws {
        await #expect {
            // The HTTP client retries a refused connection until the request's deadline.
            _ = try await RPCPoCoChain.connect(url: "http://127.0.0.1:1", options: RPCChainOptions(requestTimeout: .milliseconds(300)))
        } throws: { error in
            guard case .unreachable(let detail)? = error as? ChainClientError else { return false }
            return detail.contains("127.0.0.1:1")
        }
    }
}
