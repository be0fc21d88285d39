import Ethereum
import GRDB
import Ledger
import PoCo
import Testing

/// A block whose write fails part-way (an SQLite trigger aborts one statement of the commit's
/// transaction) must leave the store exactly as it was, and usable.
@Suite("State store: a failed commit changes nothing")
struct AtomicityTests {
    /// A store holding the escrow scenario's blocks 0…3; block 4 (writes, then a removal, then
    /// writes) is left to commit.
    static func prepared(_ directory: TemporaryDirectory) async throws -> (SQLiteStateStore, [FixtureBlock]) {
        let blocks = try LedgerFixture.escrowBlocks()
        let store = try SQLiteStateStore(path: directory.path("state.sqlite"))
        try await commit(Array(blocks.prefix(4)), to: store)
        return (store, blocks)
    }

    /// Installs `trigger` through a second connection, as a sabotage the store does not know of.
    static func sabotage(_ directory: TemporaryDirectory, _ sql: String) throws {
        let raw = try DatabaseQueue(path: directory.path("state.sqlite"))
        try raw.write { db in try db.execute(sql: sql) }
        try raw.close()
    }

    static func undo(_ directory: TemporaryDirectory, trigger name: String) throws {
        try sabotage(directory, "DROP TRIGGER \(name)")
    }

    /// Commits block 4 with `trigger` in place, checks the refusal left the store as it was, then
    /// drops the trigger and checks the same block now lands whole.
    func expectRollback(trigger name: String, _ sql: String, failingOn message: String) async throws {
        let directory = try TemporaryDirectory()
        let (store, blocks) = try await Self.prepared(directory)
        let block = blocks[4]
        // Writes come before the removal, so a failing removal has writes to roll back.
        let removal = try #require(block.changes.firstIndex { $0.value == nil })
        #expect(block.changes[..<removal].contains { $0.value != nil })
        let before = try await store.load()
        try Self.sabotage(directory, sql)

        do {
            try await store.commit(blockNumber: block.number, changes: block.changes, digest: block.state.digest)
            Issue.record("the sabotaged commit succeeded")
        } catch {
            guard case .database(let operation, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(operation == "commit block 4")
            #expect(reason.contains(message))
        }
        #expect(try await store.load() == before)
        let reopened = try await SQLiteStateStore(path: directory.path("state.sqlite")).load()
        #expect(reopened == before)

        try Self.undo(directory, trigger: name)
        try await store.commit(blockNumber: block.number, changes: block.changes, digest: block.state.digest)
        #expect(try await store.load() == StoredState(state: block.state, head: CommittedHead(blockNumber: 4, digest: block.state.digest)))
    }

    @Test func aWriteFailingAfterEarlierWritesRollsThemBack() async throws {
        // Aborts on the block's last upsert, after its earlier writes and its removal ran.
        let changes = try LedgerFixture.escrowBlocks()[4].changes
        let last = try #require(changes.last { $0.value != nil })
        let firstTouch = try #require(changes.firstIndex { $0.key == last.key })
        #expect(changes[..<firstTouch].contains { $0.value == nil } && changes[..<firstTouch].contains { $0.value != nil })
        try await expectRollback(
            trigger: "sabotage_upsert",
            """
            CREATE TRIGGER sabotage_upsert BEFORE INSERT ON state
            WHEN NEW.key = x'\(Hex.encode(last.key.encoded, prefix: false))'
            BEGIN SELECT RAISE(ABORT, 'sabotaged upsert'); END
            """,
            failingOn: "sabotaged upsert")
    }

    @Test func aFailingRemovalRollsBackTheBlock() async throws {
        try await expectRollback(
            trigger: "sabotage_delete",
            "CREATE TRIGGER sabotage_delete BEFORE DELETE ON state BEGIN SELECT RAISE(ABORT, 'sabotaged delete'); END",
            failingOn: "sabotaged delete")
    }

    @Test func aFailingHeadWriteRollsBackEveryStateWrite() async throws {
        // The head is written last: every state row of the block was already written.
        try await expectRollback(
            trigger: "sabotage_head",
            "CREATE TRIGGER sabotage_head BEFORE UPDATE ON head BEGIN SELECT RAISE(ABORT, 'sabotaged head'); END",
            failingOn: "sabotaged head")
    }
}
