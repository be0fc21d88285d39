import Ethereum
import Foundation
import GRDB
import Ledger
import PoCo
import Testing

@Suite("State store: committed blocks survive a reopen")
struct PersistenceTests {
    @Test func reopeningAfterEachBlockGivesBackExactlyTheCommittedState() async throws {
        let blocks = try LedgerFixture.escrowBlocks()
        // The scenario removes a key (Bob's emptied account), so deletes are exercised.
        let bob = LedgerFixture.key(2).address
        #expect(blocks[2].state[.account(bob)] != nil && blocks[3].state[.account(bob)] == nil)
        #expect(blocks[3].changes.contains { $0.key == .account(bob) && $0.value == nil })

        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        for block in blocks {
            let store = try SQLiteStateStore(path: path)
            try await store.commit(blockNumber: block.number, changes: block.changes, digest: block.state.digest)
            try store.close()
            let reopened = try await SQLiteStateStore(path: path).load()
            #expect(reopened.state == block.state)
            #expect(reopened.state.digest == block.state.digest)
            #expect(reopened.head == CommittedHead(blockNumber: block.number, digest: block.state.digest))
        }
    }

    @Test func aWholeDealLifecycleRoundTrips() async throws {
        let blocks = try LedgerFixture.lifecycleBlocks()
        let final = try #require(blocks.last).state
        // The run leaves deals, tasks, consensuses and contributions to store.
        #expect(final.storage.keys.contains { if case .deal = $0 { true } else { false } })
        #expect(final.storage.keys.contains { if case .task = $0 { true } else { false } })
        #expect(final.storage.keys.contains { if case .consensus = $0 { true } else { false } })
        #expect(final.storage.keys.contains { if case .contribution = $0 { true } else { false } })

        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        let store = try SQLiteStateStore(path: path)
        try await commit(blocks, to: store)
        try store.close()
        let reopened = try SQLiteStateStore(path: path)
        let loaded = try await reopened.load()
        #expect(loaded.state == final)
        #expect(loaded.state.digest == final.digest)
        #expect(try await reopened.head()?.blockNumber == UInt64(blocks.count - 1))
    }

    @Test func aNewStoreIsEmpty() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStateStore(path: directory.path("state.sqlite"))
        #expect(try await store.load() == StoredState(state: PoCoState(), head: nil))
        #expect(try await store.head() == nil)
    }

    @Test func rowsOnDiskAreTheCanonicalBytesInWALMode() async throws {
        let blocks = try LedgerFixture.escrowBlocks()
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        let store = try SQLiteStateStore(path: path)
        try await commit(blocks, to: store)
        try store.close()

        let raw = try DatabaseQueue(path: path)
        let (rows, mode, head) = try raw.read { db in
            (try Row.fetchAll(db, sql: "SELECT key, value FROM state").map { [UInt8]($0["key"] as Data) + [0xff] + [UInt8]($0["value"] as Data) },
             try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Row.fetchOne(db, sql: "SELECT blockNumber, digest FROM head"))
        }
        let expected = try #require(blocks.last).state.storage.map { $0.key.encoded + [0xff] + $0.value.encoded }
        #expect(Set(rows) == Set(expected) && rows.count == expected.count)
        #expect(mode == "wal")
        #expect(head?["blockNumber"] as Int64? == Int64(blocks.count - 1))
        #expect(head?["digest"] as Data? == Data(try #require(blocks.last).state.digest.bytes))
    }
}

/// The behaviour every `StateStore` shares, run against both implementations.
@Suite("State store: shared contract")
struct StateStoreContractTests {
    enum Kind: CaseIterable, Sendable { case sqlite, memory }

    /// A store of `kind`, with the directory that must outlive it.
    static func make(_ kind: Kind) throws -> (any StateStore, TemporaryDirectory?) {
        switch kind {
        case .memory: return (InMemoryStateStore(), nil)
        case .sqlite:
            let directory = try TemporaryDirectory()
            return (try SQLiteStateStore(path: directory.path("state.sqlite")), directory)
        }
    }

    @Test(arguments: Kind.allCases)
    func laterChangesOfABlockWinAndRemovalsRemove(kind: Kind) async throws {
        let (store, directory) = try Self.make(kind)
        let a = LedgerFixture.key(1).address
        var expected = PoCoState(storage: [.totalSupply: .uint(3), .account(a): .account(Account(balance: 3, frozen: 0))])
        try await store.commit(blockNumber: 7, changes: [
            StateChange(key: .totalSupply, value: .uint(1)), StateChange(key: .account(a), value: .account(Account(balance: 3, frozen: 0))),
            StateChange(key: .totalSupply, value: .uint(3)), StateChange(key: .score(a), value: .uint(2)),
            StateChange(key: .score(a), value: nil),
        ], digest: expected.digest)
        #expect(try await store.load() == StoredState(state: expected, head: CommittedHead(blockNumber: 7, digest: expected.digest)))

        expected = PoCoState(storage: [.totalSupply: .uint(3)])
        try await store.commit(blockNumber: 9, changes: [StateChange(key: .account(a), value: nil)], digest: expected.digest)
        #expect(try await store.load().state == expected)
        #expect(try await store.head() == CommittedHead(blockNumber: 9, digest: expected.digest))
        withExtendedLifetime(directory) {}
    }

    @Test(arguments: Kind.allCases)
    func aBlockNotAfterTheHeadIsRefusedAndChangesNothing(kind: Kind) async throws {
        let (store, directory) = try Self.make(kind)
        let blocks = try LedgerFixture.escrowBlocks()
        try await commit(Array(blocks.prefix(2)), to: store)
        let before = try await store.load()
        let stray = [StateChange(key: .totalSupply, value: .uint(42))]
        for number: UInt64 in [0, 1] {
            await #expect(throws: StateStoreError.blockNotAfterHead(blockNumber: number, head: 1)) {
                try await store.commit(blockNumber: number, changes: stray, digest: .zero)
            }
        }
        await #expect(throws: StateStoreError.blockNumberTooLarge(UInt64(Int64.max) + 1)) {
            try await store.commit(blockNumber: UInt64(Int64.max) + 1, changes: stray, digest: .zero)
        }
        #expect(try await store.load() == before)
        withExtendedLifetime(directory) {}
    }

    @Test(arguments: Kind.allCases)
    func aWrongDigestIsCaughtOnLoad(kind: Kind) async throws {
        let (store, directory) = try Self.make(kind)
        let state = PoCoState(storage: [.totalSupply: .uint(5)])
        try await store.commit(blockNumber: 1, changes: [StateChange(key: .totalSupply, value: .uint(5))],
                               digest: PoCoState().digest)
        await #expect(throws: StateStoreError.digestMismatch(blockNumber: 1, committed: PoCoState().digest, rebuilt: state.digest)) {
            try await store.load()
        }
        withExtendedLifetime(directory) {}
    }

    @Test func bothStoresAgreeOnALifecycleRun() async throws {
        let blocks = try LedgerFixture.lifecycleBlocks()
        var loaded: [StoredState] = []
        for kind in Kind.allCases {
            let (store, directory) = try Self.make(kind)
            try await commit(blocks, to: store)
            loaded.append(try await store.load())
            withExtendedLifetime(directory) {}
        }
        #expect(loaded.count == 2 && loaded[0] == loaded[1])
        #expect(loaded.first?.state == blocks.last?.state)
    }
}
