import Chain
import ChainTestSupport
import Ethereum
import Market
import PoCo
import Server
import Testing

@Suite("Server: the market's view of a chain node")
struct ChainNodeMarketChainTests {
    static let alice = DevChain.address(1)

    /// A deposit (hub logs) and an app registration (registry logs) from dev account 1, in block 1.
    static func depositAndRegister(_ node: ChainNode) async throws -> [SignedTransaction] {
        let config = node.pocoConfig
        let deposit = DevChain.transaction(from: 1, nonce: 0, to: config.hub, value: DevChain.oneRLC * 5,
                                           data: DevChain.calldata("deposit()"))
        let createApp = DevChain.transaction(
            from: 1, nonce: 1, to: config.appRegistry,
            data: DevChain.calldata("createApp(address,string,string,bytes,bytes32,bytes)",
                                    [.address(alice), .string("app"), .string("DOCKER"), .bytes([1]),
                                     .bytes32(.zero), .bytes([])]))
        for result in await node.sendRawTransactions([deposit.rawBytes, createApp.rawBytes]) { _ = try result.get() }
        _ = try #require(try await node.seal())
        return [deposit, createApp]
    }

    @Test("config, snapshot and heads follow the node")
    func snapshotAndHeads() async throws {
        let node = try await ChainNode.open(store: InMemoryChainStore(), genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: true), clock: { DevChain.time + 10 })
        let chain = ChainNodeMarketChain(node: node)
        #expect(chain.config == DevChain.genesis.config)

        let genesis = await chain.snapshot()
        #expect(genesis.blockNumber == 0)
        #expect(genesis.timestamp == DevChain.genesis.timestamp)
        #expect(genesis.state.account(Self.alice).balance == .zero)

        var heads = await chain.heads().makeAsyncIterator()
        _ = try await Self.depositAndRegister(node)
        #expect(await heads.next() == 1)
        let after = await chain.snapshot()
        #expect(after.blockNumber == 1)
        #expect(after.timestamp == (await node.head.header.timestamp))
        #expect(after.state.account(Self.alice).balance == UInt256(5_000_000_000))
        #expect(after.state == (await node.pocoState))
    }

    @Test("logs are the hub's logs from the ledger, in chain order, whatever the query limit")
    func hubLogs() async throws {
        let store = InMemoryChainStore()
        let node = try await ChainNode.open(store: store, genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: true), clock: { DevChain.time })
        let transactions = try await Self.depositAndRegister(node)
        // Two more blocks of hub logs, so that a limit of 1 makes the range split.
        for nonce in 2...3 as ClosedRange<UInt64> {
            let deposit = DevChain.transaction(from: 1, nonce: nonce, to: node.pocoConfig.hub, value: DevChain.oneRLC,
                                               data: DevChain.calldata("deposit()"))
            _ = try await node.sendRawTransaction(deposit.rawBytes)
            _ = try #require(try await node.seal())
        }

        // The reference: every receipt log of blocks 1…3 as the ledger stores them.
        var all: [StoredLog] = []
        for number in 1...3 as ClosedRange<UInt64> {
            for transaction in try await store.transactions(inBlock: number) { all += transaction.logs }
        }
        let hub = node.pocoConfig.hub
        let expected = all.filter { $0.log.address == hub }.map {
            MarketLog(blockNumber: $0.blockNumber, address: hub, topics: $0.log.topics, data: $0.log.data)
        }
        #expect(all.contains { $0.log.address != hub }, "the app registration logs from its registry")
        #expect(expected.count >= 3)
        #expect(transactions.count == 2)

        let whole = try await ChainNodeMarketChain(node: node).logs(blocks: 1...3)
        #expect(whole == expected)
        let split = try await ChainNodeMarketChain(node: node, logQueryLimit: 1).logs(blocks: 1...3)
        #expect(split == expected)
        #expect(try await ChainNodeMarketChain(node: node).logs(blocks: 2...2) == expected.filter { $0.blockNumber == 2 })
        #expect(try await ChainNodeMarketChain(node: node).logs(blocks: 4...9).isEmpty)
    }
}
