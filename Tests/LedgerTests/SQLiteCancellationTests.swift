import Chain
import Ethereum
import Ledger
import Testing

/// A node shutting down cancels its block producer; the block it was committing must still land.
@Suite("SQLite ledger: a write is never abandoned by cancellation")
struct SQLiteCancellationTests {
    @Test("a commit and a pending record whose task is cancelled at once still complete")
    func cancelledWritesComplete() async throws {
        let chain = try await RecordedChain.make()
        let last = try #require(chain.commits.last)
        let directory = try TemporaryDirectory()
        let store = try SQLiteChainStore(path: directory.path("chain.sqlite"))
        try await chain.replay(onto: store, commits: chain.commits.count - 1)

        let pending = Task { try await store.addPending(last.block.transactions.map(\.transaction)) }
        pending.cancel()
        try await pending.value
        #expect(try await store.load()?.pending == last.block.transactions.map(\.transaction.rawBytes))

        let commit = Task { try await store.commit(last) }
        commit.cancel()
        try await commit.value
        #expect(try await store.load()?.head == StoredBlock(last.block))
        #expect(try await store.load()?.pending == [])
    }
}
