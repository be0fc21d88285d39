import Ethereum
import Foundation
import GRDB
import Ledger
import PoCo
import Testing

/// Damaged files and rows are reported as errors naming what is wrong, never a crash.
@Suite("State store: corrupt data is refused with a clear error")
struct CorruptionTests {
    static let key = StateKey.account(LedgerFixture.key(1).address)

    /// A store with one committed block, then `damage` applied through a second connection;
    /// returns what loading it throws.
    static func loadError(after damage: String, arguments: StatementArguments = []) async throws -> StateStoreError? {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        let state = PoCoState(storage: [key: .account(Account(balance: 4, frozen: 1))])
        let store = try SQLiteStateStore(path: path)
        try await store.commit(blockNumber: 1, changes: state.storage.map { StateChange(key: $0.key, value: $0.value) },
                               digest: state.digest)
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: damage, arguments: arguments) }
        try raw.close()
        do {
            _ = try await store.load()
            return nil
        } catch {
            return error
        }
    }

    @Test func aKeyThatIsNotAStateKeyIsNamed() async throws {
        let error = try await Self.loadError(after: "INSERT INTO state VALUES (x'dead', x'c0')")
        guard case .corruptKey(let key, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(key == [0xde, 0xad])
        #expect(error?.description.hasPrefix("state row with key 0xdead: bad key:") == true)
    }

    @Test func aValueThatIsNotAStateValueNamesItsKey() async throws {
        let error = try await Self.loadError(after: "UPDATE state SET value = x'ff'")
        guard case .corruptValue(let key, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(key == Self.key.encoded)
        #expect(reason.contains("state value"))
        #expect(error?.description.contains(Hex.encode(Self.key.encoded, prefix: true)) == true)
    }

    @Test func columnsThatAreNotBlobsAreRefused() async throws {
        let value = try await Self.loadError(after: "UPDATE state SET value = 'text'")
        #expect(value == .corruptValue(key: Self.key.encoded, reason: "value stored as TEXT \"text\", not a BLOB"))
        let key = try await Self.loadError(after: "INSERT INTO state VALUES (12, x'c0')")
        #expect(key == .corruptKey(key: Array("12".utf8), reason: "key stored as INTEGER 12, not a BLOB"))
    }

    @Test func aRowTheCommittedDigestDoesNotCoverIsCaught() async throws {
        // A well-formed row slipped in behind the store's back.
        let error = try await Self.loadError(after: "INSERT INTO state VALUES (?, ?)",
                                             arguments: [Data(StateKey.totalSupply.encoded), Data(StateValue.uint(5).encoded)])
        guard case .digestMismatch(let block, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(block == 1)
    }

    @Test func aMalformedHeadIsRefused() async throws {
        let shortDigest = try await Self.loadError(after: "UPDATE head SET digest = x'0102'")
        #expect(shortDigest == .corruptHead(reason: "digest BLOB 0x0102 is not 32 bytes"))
        let textNumber = try await Self.loadError(after: "UPDATE head SET blockNumber = 'one'")
        #expect(textNumber == .corruptHead(reason: "block number TEXT \"one\" is not a non-negative integer"))
    }

    @Test func rowsWithoutAHeadAreRefused() async throws {
        #expect(try await Self.loadError(after: "DELETE FROM head") == .missingHead(rows: 1))
    }

    @Test func aFileThatIsNotADatabaseIsRefusedOnOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStateStore(path: path)
            Issue.record("opened a file of garbage")
        } catch {
            guard case .open(let errorPath, _) = error else { Issue.record("got \(error)"); return }
            #expect(errorPath == path)
        }
    }

    @Test func aSchemaFromANewerVersionIsRefusedOnOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        try SQLiteStateStore(path: path).close()
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v2: from the future')") }
        try raw.close()
        #expect(throws: StateStoreError.newerSchema(path: path)) { try SQLiteStateStore(path: path) }
    }
}
