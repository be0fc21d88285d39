import Chain
import Ethereum
import Ledger
import PoCo
import Testing

@Suite("SQLite ledger: readers and writers side by side")
struct SQLiteConcurrencyTests {
    @Test("loads and queries racing the commits see whole blocks only")
    func readersSeeWholeBlocks() async throws {
        let chain = try await RecordedChain.make()
        // The snapshot after each block, from the in-memory store.
        let memory = InMemoryChainStore()
        var expected: [UInt64: SnapshotParts] = [:]
        try await chain.replay(onto: memory, commits: 0)
        expected[0] = SnapshotParts(try #require(try await memory.load()))
        for commit in chain.commits {
            try await memory.commit(commit)
            expected[commit.block.number] = SnapshotParts(try #require(try await memory.load()))
        }
        let logsPerBlock = Dictionary(grouping: chain.commits.flatMap(\.block.storedLogs), by: \.blockNumber)

        let directory = try TemporaryDirectory()
        let store = try SQLiteChainStore(path: directory.path("chain.sqlite"))
        try await chain.replay(onto: store, commits: 0)
        let seen = try await withThrowingTaskGroup(of: [(SnapshotParts, [StoredLog])].self) { group in
            group.addTask {
                for commit in chain.commits { try await store.commit(commit) }
                return []
            }
            for _ in 0..<3 {
                group.addTask {
                    var reads: [(SnapshotParts, [StoredLog])] = []
                    for _ in 0..<12 {
                        let snapshot = SnapshotParts(try #require(try await store.load()))
                        // Logs up to the head seen by the load: all of them, none of a later block half-written.
                        let logs = try await store.logs(LogFilter(fromBlock: 0, toBlock: snapshot.head.number), limit: 1_000)
                        reads.append((snapshot, logs))
                    }
                    return reads
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seen.count == 36)
        for (snapshot, logs) in seen {
            #expect(snapshot == expected[snapshot.head.number])
            let committed = (0...snapshot.head.number).flatMap { logsPerBlock[$0] ?? [] }
            #expect(logs == committed)
        }
    }

    @Test("two stores on one file racing to commit the same blocks: each block lands once")
    func twoWriters() async throws {
        let chain = try await RecordedChain.make()
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let first = try SQLiteChainStore(path: path)
        try await chain.replay(onto: first, commits: 0)
        let stores = [first, try SQLiteChainStore(path: path)]
        let outcomes = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for store in stores {
                group.addTask {
                    var won: [Bool] = []
                    for commit in chain.commits {
                        do throws(ChainStoreError) {
                            try await store.commit(commit)
                            won.append(true)
                        } catch {
                            // The busy timeout makes the loser wait, then see the winner's head.
                            guard case .notExtendingHead = error else { throw error }
                            won.append(false)
                        }
                    }
                    return won
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 2 && zip(outcomes[0], outcomes[1]).allSatisfy { $0 != $1 })
        let loaded = SnapshotParts(try #require(try await SQLiteChainStore(path: path).load()))
        #expect(loaded == SnapshotParts(try #require(try await InMemoryChainStore.replayed(chain).load())))
    }
}
