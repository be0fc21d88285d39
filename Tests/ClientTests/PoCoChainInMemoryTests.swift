import Chain
import ChainTestSupport
import Client
import Ethereum
import PoCo
import Testing

/// `InMemoryPoCoChain`: the PoCo flow through the `PoCoChain` protocol, blocks and time as the
/// test drives them, heads, and native coin accounting.
@Suite struct PoCoChainInMemoryTests {
    static func chain() -> InMemoryPoCoChain {
        InMemoryPoCoChain(config: DevChain.genesis.config, genesisTime: DevChain.time,
                          allocations: Dictionary(uniqueKeysWithValues: DevChain.keys.map { ($0.address, Genesis.devBalance) }))
    }

    @Test func theScenarioRuns() async throws {
        let chain = Self.chain()
        let outcome = try await PoCoChainScenario.run(on: chain)
        PoCoChainScenario.check(outcome, config: chain.config)
    }

    @Test func aTaskIsClaimedOnceTheTestMovesTimePastItsDeadline() async throws {
        PoCoChainDeadlineScenario.check(try await PoCoChainDeadlineScenario.run(on: Self.chain()))
    }

    @Test func eachBatchIsOneBlockAtTheTestsTime() async throws {
        let chain = Self.chain()
        let key = DevChain.keys[1]
        chain.setTime(DevChain.time + 100)
        let results = try await chain.send([.escrow(.withdraw(amount: 0)), .escrow(.withdraw(amount: 0))], signer: key)
        let receipts = try results.map { try $0.get() }
        #expect(receipts.map(\.blockNumber) == [1, 1])
        #expect(receipts.map(\.blockTimestamp) == [DevChain.time + 100, DevChain.time + 100])
        #expect(receipts[0].transactionHash != receipts[1].transactionHash)
        try await chain.increaseTime(seconds: 50)
        #expect(try await chain.mine() == ChainHead(number: 2, timestamp: DevChain.time + 150))
        #expect(try await chain.head() == ChainHead(number: 2, timestamp: DevChain.time + 150))
    }

    @Test func headsAnnounceEachBlockUntilTheConsumerStops() async throws {
        let chain = Self.chain()
        var heads = chain.heads().makeAsyncIterator()
        chain.advance(seconds: 7)
        try await chain.mine()
        _ = try await chain.send(.escrow(.withdraw(amount: 0)), signer: DevChain.keys[2])
        #expect(await heads.next() == ChainHead(number: 1, timestamp: DevChain.time + 7))
        #expect(await heads.next() == ChainHead(number: 2, timestamp: DevChain.time + 7))
        chain.finish()
        #expect(await heads.next() == nil)
    }

    @Test func nativeCoinMovesWithDepositsAndWithdrawals() async throws {
        let chain = Self.chain()
        let key = DevChain.keys[3]
        let hub = chain.config.hub
        let before = chain.nativeBalance(key.address)
        // 2 nRLC and 5 wei of change: the change goes back, 2e9 wei stay with the hub.
        let wei = UInt256(2_000_000_005 as UInt64)
        _ = try await chain.send(.escrow(.deposit), value: wei, signer: key)
        #expect(chain.nativeBalance(hub) == UInt256(2_000_000_000 as UInt64))
        #expect(chain.nativeBalance(key.address) + chain.nativeBalance(hub) == before)
        #expect(try await chain.account(key.address) == Account(balance: 2))
        _ = try await chain.send(.escrow(.withdraw(amount: 2)), signer: key)
        #expect(chain.nativeBalance(hub).isZero)
        #expect(chain.nativeBalance(key.address) == before)
    }

    @Test func aPayableCallBeyondTheSignersCoinIsRefusedAndChangesNothing() async throws {
        let chain = Self.chain()
        let poor = try PrivateKey(hex: "0x" + String(repeating: "42", count: 32))
        await #expect {
            _ = try await chain.send(.escrow(.deposit), value: 1, signer: poor)
        } throws: { error in
            guard case .rpc(_, let message)? = error as? ChainClientError else { return false }
            return message.contains("insufficient funds")
        }
        #expect(try await chain.account(poor.address) == Account())
    }

    @Test func logFiltersFollowEthGetLogs() {
        let a = Keccak256.hash("a"), b = Keccak256.hash("b"), c = Keccak256.hash("c")
        let hub = DevChain.hub
        let log = ChainLog(blockNumber: 5, transactionHash: a, logIndex: 0, address: hub, topics: [a, b], data: [])
        #expect(ChainLogFilter(fromBlock: 5).matches(log, head: 5))
        #expect(!ChainLogFilter(fromBlock: 6).matches(log, head: 9))
        #expect(!ChainLogFilter(fromBlock: 0).matches(log, head: 4))
        #expect(!ChainLogFilter(fromBlock: 0, toBlock: 4).matches(log, head: 9))
        #expect(!ChainLogFilter(fromBlock: 0, address: DevChain.address(1)).matches(log, head: 9))
        #expect(ChainLogFilter(fromBlock: 0, address: hub, topics: [[a, c], nil]).matches(log, head: 9))
        #expect(ChainLogFilter(fromBlock: 0, topics: [nil, [b]]).matches(log, head: 9))
        #expect(!ChainLogFilter(fromBlock: 0, topics: [nil, [c]]).matches(log, head: 9))
        // More positions than the log has topics never match, even a wildcard (geth).
        #expect(!ChainLogFilter(fromBlock: 0, topics: [nil, nil, nil]).matches(log, head: 9))
    }

    @Test func aRevertedViewCarriesPoCosReason() async throws {
        let chain = Self.chain()
        await #expect(throws: ChainClientError.reverted(function: "viewCategory", reason: PoCoError.unknownCategory.reason)) {
            _ = try await chain.category(99)
        }
    }
}
