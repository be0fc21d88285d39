import Ethereum
import Ledger
import PoCo
import Testing

@Suite("State store: readers and writers side by side")
struct ConcurrencyTests {
    @Test func readersDuringCommitsSeeWholeBlocksOnly() async throws {
        let blocks = try LedgerFixture.lifecycleBlocks()
        let directory = try TemporaryDirectory()
        let store = try SQLiteStateStore(path: directory.path("state.sqlite"))
        try await commit(Array(blocks.prefix(1)), to: store)
        let committed = Dictionary(blocks.map { ($0.number, $0.state) }, uniquingKeysWith: { first, _ in first })

        // Loads race the commits; each must be some block's whole state (a partial block would also
        // fail `load`'s digest check).
        let seen = try await withThrowingTaskGroup(of: [StoredState].self) { group in
            group.addTask {
                try await commit(Array(blocks.dropFirst()), to: store)
                return []
            }
            for _ in 0..<3 {
                group.addTask {
                    var loads: [StoredState] = []
                    for _ in 0..<15 { loads.append(try await store.load()) }
                    return loads
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seen.count == 45)
        for load in seen {
            let number = try #require(load.head?.blockNumber)
            #expect(load.state == committed[number])
        }
    }

    @Test func twoConnectionsCommittingTheSameBlocksWaitForTheLockAndCommitEachOnce() async throws {
        // Two stores on one file (two pools, as two processes would have) race to commit blocks
        // 1…30: the busy timeout makes the loser wait, then see the winner's head, never SQLITE_BUSY.
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        let stores = [try SQLiteStateStore(path: path), try SQLiteStateStore(path: path)]
        let blocks = (1...30).map { n -> FixtureBlock in
            let state = PoCoState(storage: [.totalSupply: .uint(UInt256(n))])
            return FixtureBlock(number: UInt64(n), changes: [StateChange(key: .totalSupply, value: .uint(UInt256(n)))], state: state)
        }
        let outcomes = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for store in stores {
                group.addTask {
                    var won: [Bool] = []
                    for block in blocks {
                        do throws(StateStoreError) {
                            try await store.commit(blockNumber: block.number, changes: block.changes, digest: block.state.digest)
                            won.append(true)
                        } catch {
                            guard case .blockNotAfterHead = error else { throw error }
                            won.append(false)
                        }
                    }
                    return won
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Both go through every block in order, so each block was committed by exactly one of them.
        #expect(outcomes.count == 2 && zip(outcomes[0], outcomes[1]).allSatisfy { $0 != $1 })
        let final = try await SQLiteStateStore(path: path).load()
        #expect(final.head?.blockNumber == 30)
        #expect(final.state == blocks[29].state)
    }
}
