import Chain
import Ethereum
import Foundation
import GRDB
@testable import Ledger
import PoCo
import Testing

@Suite("SQLite ledger: what was committed is there after a reopen")
struct SQLitePersistenceTests {
    @Test("closing and reopening the file gives the same snapshot and the same answers")
    func reopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        let scenario = try await runScenario(on: store)
        let head = await scenario.node.head
        let before = SnapshotParts(try #require(try await store.load()))
        let logs = try await store.logs(LogFilter(fromBlock: 0, toBlock: .max), limit: 1_000)
        let transactions = try await store.transactions(inBlock: 3)
        try store.close()

        let reopened = try SQLiteChainStore(path: path)
        let after = SnapshotParts(try #require(try await reopened.load()))
        #expect(after == before)
        #expect(after.head == head)
        #expect(after.genesis == Dev.genesis)
        #expect(after.pending == scenario.pending.map(\.rawBytes))
        #expect(try await reopened.logs(LogFilter(fromBlock: 0, toBlock: .max), limit: 1_000) == logs)
        #expect(try await reopened.transactions(inBlock: 3) == transactions)
        #expect(try await reopened.block(hash: head.hash) == head)

        // A node on the reopened file resumes and mines the pending transactions; reopened
        // again, they are in a block and no longer pending.
        let node = try await openNode(reopened)
        #expect(await node.head == head)
        let block = try #require(try await node.seal())
        #expect(block.transactionHashes == scenario.pending.map(\.hash))
        try reopened.close()
        let third = try SQLiteChainStore(path: path)
        #expect(try await third.load()?.pending == [])
        #expect(try await third.load()?.head == block)
        for pending in scenario.pending { #expect(try await third.transaction(hash: pending.hash)?.blockNumber == block.number) }
    }

    @Test("a hundred pending transactions in one call keep their order across a reopen; duplicates in the call are ignored")
    func pendingOrder() async throws {
        let chain = try await RecordedChain.make()
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        try await chain.replay(onto: store)
        // Senders interleaved so that the order is not that of hashes or senders.
        let transactions = (0..<100).map { Dev.transaction(from: $0 % 10, nonce: UInt64(100 + $0 / 10), to: Dev.address(($0 + 3) % 10), value: 1, gasLimit: 21_000) }
        let mined = try #require(chain.commits.last?.block.transactions.first?.transaction)
        try await store.addPending(Array(transactions[..<70]) + [transactions[5], mined] + transactions[70...] + [transactions[99]])
        try store.close()
        #expect(try await SQLiteChainStore(path: path).load()?.pending == transactions.map(\.rawBytes))
    }

    @Test("the genesis comes back exactly, from its JSON")
    func genesisRoundTrip() async throws {
        var genesis = Genesis(chainId: 134, governance: Dev.address(0))
        genesis.timestamp = 1_234
        genesis.accounts = [GenesisAccount(address: Dev.address(3), balance: Dev.oneRLC * 1_000_000_007, escrow: 5)]
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let node = try await ChainNode.open(store: try SQLiteChainStore(path: path), genesis: genesis, clock: { 2_000 })
        let head = await node.head
        let loaded = try #require(try await SQLiteChainStore(path: path).load())
        #expect(loaded.genesis == genesis)
        #expect(loaded.head == head && head.number == 0)
        #expect(loaded.accounts[Dev.address(3)] == NativeAccount(balance: Dev.oneRLC * 1_000_000_007))
    }

    @Test("a new file holds no chain; the file is in WAL mode with the chosen synchronous level")
    func modes() async throws {
        let directory = try TemporaryDirectory()
        let normal = try SQLiteChainStore(path: directory.path("normal.sqlite"))
        #expect(try await normal.load() == nil)
        #expect(try await normal.block(number: 0) == nil)
        #expect(try await normal.logs(LogFilter(fromBlock: 0, toBlock: .max), limit: 10) == [])
        #expect(try await normal.writerSynchronousLevel() == 1)
        let full = try SQLiteChainStore(path: directory.path("full.sqlite"), synchronous: .full)
        #expect(try await full.writerSynchronousLevel() == 2)
        try await RecordedChain.make().replay(onto: full)
        try full.close()
        let raw = try DatabaseQueue(path: directory.path("full.sqlite"))
        #expect(try await raw.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test("rows on disk are the chain types' own bytes")
    func rowsOnDisk() async throws {
        let chain = try await RecordedChain.make()
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteChainStore(path: path)
        try await chain.replay(onto: store)
        try store.close()
        let block = try #require(chain.commits.last).block
        let raw = try DatabaseQueue(path: path)
        let (header, size, rawTransaction, head, state, accounts) = try await raw.read { db in
            (try Data.fetchOne(db, sql: "SELECT header FROM blocks WHERE number = ?", arguments: [Int64(block.number)]),
             try Int.fetchOne(db, sql: "SELECT size FROM blocks WHERE number = ?", arguments: [Int64(block.number)]),
             try Data.fetchOne(db, sql: "SELECT raw FROM transactions WHERE hash = ?", arguments: [Data(block.transactions[0].transaction.hash.bytes)]),
             try Int.fetchOne(db, sql: "SELECT head FROM chain"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM state"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts"))
        }
        #expect(header.map { [UInt8]($0) } == block.header.encoded)
        // The size computed from lengths is the one of the encoded body.
        #expect(size == StoredBlock(block).size)
        #expect(rawTransaction.map { [UInt8]($0) } == block.transactions[0].transaction.rawBytes)
        #expect(head == Int(block.number))
        let snapshot = try #require(try await InMemoryChainStore.replayed(chain).load())
        #expect(state == snapshot.state.storage.count && accounts == snapshot.accounts.count)
    }
}

extension InMemoryChainStore {
    /// A store holding `chain`'s genesis and commits.
    static func replayed(_ chain: RecordedChain) async throws -> InMemoryChainStore {
        let store = InMemoryChainStore()
        try await chain.replay(onto: store)
        return store
    }
}
