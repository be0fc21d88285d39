import Chain
import Ethereum
import Foundation
import GRDB
import Ledger
import PoCo
import Testing

/// A block whose write fails part-way (an SQLite trigger, installed behind the store's back, aborts
/// one statement of the commit's transaction) leaves the ledger exactly as it was, and usable.
@Suite("SQLite ledger: a failed commit stores nothing of its block")
struct SQLiteAtomicityTests {
    /// Runs a sabotaged commit of the chain's last block (it has transactions, logs, state and
    /// account changes, and its transactions wait as pending), checks the failure left no trace,
    /// then removes the sabotage and checks the same commit lands whole.
    func expectRollback(trigger name: String, _ sql: String, failingOn message: String) async throws {
        let chain = try await RecordedChain.make()
        let last = try #require(chain.commits.last)
        #expect(!last.block.storedLogs.isEmpty && !last.stateChanges.isEmpty && !last.accountChanges.isEmpty)
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        try await chain.replay(onto: store, commits: chain.commits.count - 1)
        try await store.addPending(last.block.transactions.map(\.transaction))
        let before = SnapshotParts(try #require(try await store.load()))
        let range = LogFilter(fromBlock: last.block.number, toBlock: .max)
        try Self.raw(path, sql)

        do {
            try await store.commit(last)
            Issue.record("the sabotaged commit succeeded")
        } catch {
            guard case .database(let operation, let reason) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(operation == "commit block \(last.block.number)")
            #expect(reason.contains(message))
        }
        for reader in [store, try SQLiteChainStore(path: path)] {
            #expect(SnapshotParts(try #require(try await reader.load())) == before)
            #expect(try await reader.block(number: last.block.number) == nil)
            #expect(try await reader.block(hash: last.block.hash) == nil)
            #expect(try await reader.transactions(inBlock: last.block.number) == [])
            #expect(try await reader.transaction(hash: last.block.transactions[0].transaction.hash) == nil)
            #expect(try await reader.logs(range, limit: 100) == [])
        }

        try Self.raw(path, "DROP TRIGGER \(name)")
        try await store.commit(last)
        let after = try #require(try await store.load())
        #expect(after.head == StoredBlock(last.block))
        #expect(after.pending == [])
        #expect(try await store.logs(range, limit: 100) == last.block.storedLogs)
        let expected = try #require(try await InMemoryChainStore.replayed(chain).load())
        #expect(SnapshotParts(after) == SnapshotParts(expected))
    }

    static func raw(_ path: String, _ sql: String) throws {
        let raw = try DatabaseQueue(path: path)
        try raw.write { db in try db.execute(sql: sql) }
        try raw.close()
    }

    @Test("a log insert failing after the block, its transactions and earlier logs")
    func failingLog() async throws {
        let last = try #require(try await RecordedChain.make().commits.last).block
        let lastLog = try #require(last.storedLogs.last)
        #expect(lastLog.logIndex > 0)
        try await expectRollback(
            trigger: "sabotage_log",
            "CREATE TRIGGER sabotage_log BEFORE INSERT ON logs WHEN NEW.log_index = \(lastLog.logIndex) BEGIN SELECT RAISE(ABORT, 'sabotaged log'); END",
            failingOn: "sabotaged log")
    }

    @Test("a pending delete failing after the block's rows")
    func failingPendingDelete() async throws {
        try await expectRollback(
            trigger: "sabotage_pending",
            "CREATE TRIGGER sabotage_pending BEFORE DELETE ON pending BEGIN SELECT RAISE(ABORT, 'sabotaged pending'); END",
            failingOn: "sabotaged pending")
    }

    @Test("an account write failing after the state writes")
    func failingAccount() async throws {
        try await expectRollback(
            trigger: "sabotage_account",
            "CREATE TRIGGER sabotage_account BEFORE UPDATE ON accounts BEGIN SELECT RAISE(ABORT, 'sabotaged account'); END",
            failingOn: "sabotaged account")
    }

    @Test("the head write, last of all, failing")
    func failingHead() async throws {
        try await expectRollback(
            trigger: "sabotage_head",
            "CREATE TRIGGER sabotage_head BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'sabotaged head'); END",
            failingOn: "sabotaged head")
    }

    @Test("a node whose commit fails halts, and a restart resumes at the last committed block")
    func nodeHaltsAndResumes() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        let node = try await openNode(store)
        let head = await node.head
        let transfer = Dev.transaction(from: 1, nonce: 0, to: Dev.address(2), value: 5, gasLimit: 21_000)
        _ = try await node.sendRawTransaction(transfer.rawBytes)
        try Self.raw(path, "CREATE TRIGGER sabotage_block BEFORE INSERT ON blocks BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        await #expect(throws: NodeError.self) { try await node.seal() }
        try Self.raw(path, "DROP TRIGGER sabotage_block")

        let resumed = try await openNode(try SQLiteChainStore(path: path))
        #expect(await resumed.head == head)
        #expect(await resumed.pendingTransaction(transfer.hash) != nil)
        let block = try #require(try await resumed.seal())
        #expect(block.number == 1 && block.transactionHashes == [transfer.hash])
    }
}
