import Chain
import Ethereum
import Foundation
import GRDB
import Ledger
import PoCo
import Testing

/// Damaged files and rows are reported as `.corrupt` naming the row, never a crash or a wrong answer.
@Suite("SQLite ledger: corrupt rows are refused, naming the row")
struct SQLiteCorruptionTests {
    /// A ledger holding the recorded chain with `damage` applied through a second connection.
    static func damaged(_ damage: String, _ arguments: StatementArguments = []) async throws -> (SQLiteChainStore, RecordedChain, TemporaryDirectory) {
        let chain = try await RecordedChain.make()
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        try await chain.replay(onto: store)
        try await store.addPending(chain.pending)
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: damage, arguments: arguments) }
        try raw.close()
        return (store, chain, directory)
    }

    /// A `.corrupt` error's row and reason.
    struct Corruption: Equatable {
        var what: String
        var reason: String
        init(_ what: String, _ reason: String) {
            self.what = what
            self.reason = reason
        }
    }

    /// The `.corrupt` error `body` throws.
    static func corruption(_ body: () async throws -> Void) async -> Corruption? {
        do {
            try await body()
            Issue.record("no error")
        } catch {
            guard let error = error as? ChainStoreError, case .corrupt(let what, let reason) = error else {
                Issue.record("got \(error)")
                return nil
            }
            #expect(error.description.hasPrefix("the ledger is corrupt: \(what): "))
            return Corruption(what, reason)
        }
        return nil
    }

    @Test("state rows: a key that is no state key, a value that is no state value, a TEXT value")
    func stateRows() async throws {
        var (store, _, directory) = try await Self.damaged("INSERT INTO state VALUES (x'dead', x'c0')")
        var found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "state row with key 0xdead")
        #expect(found?.reason.hasPrefix("bad key") == true)

        let key = StateKey.account(Dev.address(1)).encoded
        (store, _, directory) = try await Self.damaged("UPDATE state SET value = x'ff' WHERE key = ?", [Data(key)])
        found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "state row with key \(Hex.encode(key, prefix: true))")
        #expect(found?.reason.hasPrefix("bad value") == true)

        (store, _, directory) = try await Self.damaged("UPDATE state SET value = 'text' WHERE key = ?", [Data(key)])
        found = await Self.corruption { _ = try await store.load() }
        #expect(found?.reason == "value stored as TEXT \"text\", not a BLOB")
        withExtendedLifetime(directory) {}
    }

    @Test("an account, a pending transaction and the genesis that do not decode")
    func accountPendingGenesis() async throws {
        let address = Dev.address(2)
        var (store, chain, directory) = try await Self.damaged("UPDATE accounts SET account = x'01' WHERE address = ?", [Data(address.bytes)])
        var found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "account row \(address.checksummed)")

        (store, chain, directory) = try await Self.damaged("UPDATE pending SET raw = 42 WHERE hash = ?", [Data(chain.pending[1].hash.bytes)])
        found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "pending row 2")
        #expect(found?.reason == "raw stored as INTEGER 42, not a BLOB")

        (store, chain, directory) = try await Self.damaged("UPDATE chain SET genesis = '{\"chainId\": 1}'")
        found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "chain row")
        #expect(found?.reason.contains("governance") == true)
        withExtendedLifetime(directory) {}
    }

    @Test("blocks: a damaged header, a header of another block, a head that is not stored")
    func blocks() async throws {
        var (store, chain, directory) = try await Self.damaged("UPDATE blocks SET header = x'c0' WHERE number = 3")
        var found = await Self.corruption { _ = try await store.block(number: 3) }
        #expect(found?.what == "block 3")
        #expect(found?.reason.hasPrefix("header does not decode") == true)

        (store, chain, directory) = try await Self.damaged("UPDATE blocks SET header = (SELECT header FROM blocks WHERE number = 2) WHERE number = 6")
        found = await Self.corruption { _ = try await store.load() }
        #expect(found?.what == "block 6")
        #expect(found?.reason.hasPrefix("header is of block 2") == true)

        (store, chain, directory) = try await Self.damaged("UPDATE chain SET head = 9")
        found = await Self.corruption { _ = try await store.load() }
        #expect(found == Corruption("chain row", "head block 9 is not stored"))
        // A commit on such a head is refused too, naming the same row.
        found = await Self.corruption { try await store.commit(chain.commits[0]) }
        #expect(found?.what == "chain row")
        withExtendedLifetime(directory) {}
    }

    @Test("transactions and logs: bytes that do not hash to their row, a short topic, a broken outcome")
    func transactionsAndLogs() async throws {
        let recorded = try await RecordedChain.make()
        let hash = try #require(recorded.commits.first).block.transactions[1].transaction.hash
        var (store, _, directory) = try await Self.damaged(
            "UPDATE transactions SET raw = (SELECT raw FROM transactions WHERE block_number = 1 AND tx_index = 0) WHERE hash = ?",
            [Data(hash.bytes)])
        var found = await Self.corruption { _ = try await store.transaction(hash: hash) }
        #expect(found?.what == "transaction \(hash.hex)")
        #expect(found?.reason.hasPrefix("raw bytes hash to") == true)
        found = await Self.corruption { _ = try await store.transactions(inBlock: 1) }
        #expect(found?.what == "transaction \(hash.hex)")

        (store, _, directory) = try await Self.damaged("UPDATE transactions SET outcome = x'c3010203' WHERE hash = ?", [Data(hash.bytes)])
        found = await Self.corruption { _ = try await store.transaction(hash: hash) }
        #expect(found?.reason == "outcome has 3 fields, expected 4 or 5")

        (store, _, directory) = try await Self.damaged("UPDATE logs SET topic1 = x'0102' WHERE block_number = 1 AND log_index = 0")
        found = await Self.corruption { _ = try await store.logs(LogFilter(fromBlock: 0, toBlock: 9), limit: 100) }
        #expect(found == Corruption("log 0 of block 1", "topic1 has 2 bytes, expected 32"))

        (store, _, directory) = try await Self.damaged("UPDATE logs SET topic1 = NULL WHERE block_number = 1 AND log_index = 0")
        found = await Self.corruption { _ = try await store.transactions(inBlock: 1) }
        #expect(found == Corruption("log 0 of block 1", "topic1 is NULL but a later topic is not"))

        (store, _, directory) = try await Self.damaged("DELETE FROM logs WHERE block_number = 1 AND log_index = 0")
        found = await Self.corruption { _ = try await store.transactions(inBlock: 1) }
        #expect(found?.reason.hasPrefix("has 0 stored logs from index 0, its outcome says 1") == true)
        withExtendedLifetime(directory) {}
    }

    @Test("a file that is not a database, and one from a newer version, are refused on open")
    func files() async throws {
        let directory = try TemporaryDirectory()
        let garbage = directory.path("garbage.sqlite")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try SQLiteChainStore(path: garbage)
            Issue.record("opened a file of garbage")
        } catch {
            guard case .open(let path, _) = error else { Issue.record("got \(error)"); return }
            #expect(path == garbage)
        }

        let newer = directory.path("newer.sqlite")
        try SQLiteChainStore(path: newer).close()
        let raw = try DatabaseQueue(path: newer)
        try await raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v2: from the future')") }
        try raw.close()
        #expect(throws: ChainStoreError.newerSchema(path: newer)) { try SQLiteChainStore(path: newer) }
    }
}
