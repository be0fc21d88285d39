import Chain
import Ethereum
import GRDB
@testable import Ledger
import PoCo
import Testing

/// `eth_getLogs` must not scan the chain: SQLite's own plan for each query shape shows an index search.
@Suite("SQLite ledger: log queries search indexes")
struct SQLiteQueryPlanTests {
    static func store() async throws -> (SQLiteChainStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let store = try SQLiteChainStore(path: directory.path("chain.sqlite"))
        try await RecordedChain.make().replay(onto: store)
        return (store, directory)
    }

    /// The plan's lines, checked to contain `index` on the logs and no scan of a table.
    func expectSearch(_ filter: LogFilter, using index: String, in store: SQLiteChainStore,
                      sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let plan = try await store.logsQueryPlan(filter)
        let joined = plan.joined(separator: " | ")
        #expect(plan.contains { $0.hasPrefix("SEARCH l USING INDEX \(index) (") || $0.hasPrefix("SEARCH l USING COVERING INDEX \(index) (") },
                "\(joined)", sourceLocation: sourceLocation)
        #expect(plan.contains { $0.hasPrefix("SEARCH b USING INTEGER PRIMARY KEY") }, "\(joined)", sourceLocation: sourceLocation)
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(joined)", sourceLocation: sourceLocation)
    }

    @Test("address, topic0, topic1, topic2, topic3, and address with topics each use an index")
    func indexedShapes() async throws {
        let (store, directory) = try await Self.store()
        let (hub, registry) = (Dev.hub, Dev.genesis.appRegistry)
        let alice = Dev.topic(Dev.address(1))
        let range: (UInt64, UInt64) = (2, 1_000)
        func filter(_ addresses: [Address] = [], _ topics: [[Hash32]] = []) -> LogFilter {
            LogFilter(fromBlock: range.0, toBlock: range.1, addresses: addresses, topics: topics)
        }
        try await expectSearch(filter([hub]), using: "logs_by_address", in: store)
        try await expectSearch(filter([hub, registry]), using: "logs_by_address", in: store)
        try await expectSearch(filter([], [[Dev.transferTopic]]), using: "logs_by_topic0", in: store)
        try await expectSearch(filter([], [[Dev.transferTopic, Dev.approvalTopic]]), using: "logs_by_topic0", in: store)
        try await expectSearch(filter([], [[], [alice]]), using: "logs_by_topic1", in: store)
        try await expectSearch(filter([], [[], [], [alice]]), using: "logs_by_topic2", in: store)
        try await expectSearch(filter([], [[], [], [], [alice]]), using: "logs_by_topic3", in: store)
        try await expectSearch(filter([hub], [[Dev.transferTopic]]), using: "logs_by_topic0", in: store)
        try await expectSearch(filter([hub], [[Dev.transferTopic], [alice]]), using: "logs_by_topic1", in: store)
        try await expectSearch(filter([registry], [[], [], [alice, Dev.topic(.zero)]]), using: "logs_by_topic2", in: store)
        // The block range bounds the index search too, not only the value.
        let plan = try await store.logsQueryPlan(filter([hub]))
        #expect(plan.contains { $0.contains("logs_by_address (address=? AND block_number>? AND block_number<?)") }, "\(plan)")
        withExtendedLifetime(directory) {}
    }

    @Test("a query by block range alone reads the primary key's range")
    func rangeOnly() async throws {
        let (store, directory) = try await Self.store()
        let plan = try await store.logsQueryPlan(LogFilter(fromBlock: 3, toBlock: 4))
        #expect(plan.contains { $0.hasPrefix("SEARCH l USING PRIMARY KEY (block_number>? AND block_number<?)") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        withExtendedLifetime(directory) {}
    }
}
