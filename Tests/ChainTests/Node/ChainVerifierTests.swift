import Chain
import ChainTestSupport
import Ethereum
import PoCo
import Testing

@Suite("Chain verifier: replay from genesis checks every header field")
struct ChainVerifierTests {
    let hub = Genesis.defaultHub

    /// A chain of six blocks: deposits (with logs), transfers, a reverted call, a balance override
    /// and an empty block after a time jump. Returns the store and the number of transactions.
    private func buildChain() async throws -> (store: InMemoryChainStore, transactions: Int, head: StoredBlock) {
        let fixture = try await NodeFixture.make()
        let node = fixture.node
        let bob = DevChain.keys[2].address
        var count = 0
        func send(_ transactions: [SignedTransaction]) async throws {
            for result in await node.sendRawTransactions(transactions.map(\.rawBytes)) { _ = try result.get() }
            count += transactions.count
            try await node.seal()
        }
        try await send([
            DevChain.transaction(from: 1, nonce: 0, to: hub, value: DevChain.oneRLC * 3, data: DevChain.calldata("deposit()")),
            DevChain.transaction(from: 3, nonce: 0, to: bob, value: 5, gasLimit: 21_000),
        ])
        try await send([
            DevChain.transaction(from: 1, nonce: 1, to: hub, data: DevChain.calldata("withdraw(uint256)", [.uint(UInt256(1_000_000_000))])),
            DevChain.transaction(from: 4, nonce: 0, to: hub, data: DevChain.calldata("withdraw(uint256)", [.uint(UInt256(1))])),
        ])
        _ = try await node.setBalance(DevChain.keys[5].address, wei: 12_345)
        _ = try await node.increaseTime(seconds: 3_600)
        _ = try await node.mine()
        try await send([DevChain.transaction(from: 5, nonce: 0, to: bob, value: 45, gasLimit: 21_000)])
        return (fixture.store, count, await node.head)
    }

    @Test("an untouched chain verifies: every block and transaction counted")
    func untouchedChainVerifies() async throws {
        let (store, transactions, head) = try await buildChain()
        #expect(head.number == 5)
        let report = try await ChainVerifier(store: store).verify()
        #expect(report.mismatch == nil)
        #expect(report.verified)
        #expect(report.head == 5)
        #expect(report.blocksChecked == 6)
        #expect(report.transactionsChecked == transactions)
    }

    @Test("a stored header with another state root is caught at that block, naming the field and both values")
    func tamperedStateRoot() async throws {
        let (store, _, _) = try await buildChain()
        let forged = Keccak256.hash("forged")
        let real = try #require(try await store.block(number: 2)).header.stateRoot
        let tampered = TamperedStore(base: store, block: { block in
            guard block.number == 2 else { return block }
            var copy = block
            copy.header.stateRoot = forged
            return copy
        })
        let report = try await ChainVerifier(store: tampered).verify()
        let mismatch = try #require(report.mismatch)
        #expect(mismatch == ChainMismatch(blockNumber: 2, field: "stateRoot", stored: forged.hex, recomputed: real.hex))
        #expect(report.blocksChecked == 2)
        #expect(mismatch.description.hasPrefix("block 2: stateRoot is \(forged.hex) in the ledger, replay gives \(real.hex)"))
    }

    @Test("a transaction credited to another sender is caught by signature recovery")
    func tamperedSender() async throws {
        let (store, _, _) = try await buildChain()
        let impostor = DevChain.keys[9].address
        let tampered = TamperedStore(base: store, transactions: { number, transactions in
            guard number == 1 else { return transactions }
            var copy = transactions
            copy[1].included.sender = impostor
            return copy
        })
        let mismatch = try #require(try await ChainVerifier(store: tampered).verify().mismatch)
        #expect(mismatch.blockNumber == 1)
        #expect(mismatch.field == "sender of transaction 1")
        #expect(mismatch.stored == impostor.checksummed)
        #expect(mismatch.recomputed == DevChain.keys[3].address.checksummed)
    }

    @Test("a stored outcome that execution does not give (gas, status) is caught")
    func tamperedOutcome() async throws {
        let (store, _, _) = try await buildChain()
        let tampered = TamperedStore(base: store, transactions: { number, transactions in
            guard number == 2 else { return transactions }
            var copy = transactions
            copy[1].included.outcome.succeeded = true
            return copy
        })
        let mismatch = try #require(try await ChainVerifier(store: tampered).verify().mismatch)
        #expect(mismatch.blockNumber == 2)
        #expect(mismatch.field == "outcome of transaction 1")
        #expect(mismatch.stored.hasPrefix("status 1"))
        #expect(mismatch.recomputed.hasPrefix("status 0"))
    }

    @Test("a changed timestamp (an input of execution) is caught by the block hash; a broken link by parentHash")
    func tamperedInputsAndLinks() async throws {
        let (store, _, _) = try await buildChain()
        let retimed = TamperedStore(base: store, block: { block in
            guard block.number == 3 else { return block }
            var copy = block
            copy.header.timestamp += 1
            return copy
        })
        let timeMismatch = try #require(try await ChainVerifier(store: retimed).verify().mismatch)
        #expect(timeMismatch.blockNumber == 3)
        #expect(timeMismatch.field == "hash")

        let relinked = TamperedStore(base: store, block: { block in
            guard block.number == 4 else { return block }
            var copy = block
            copy.header.parentHash = Keccak256.hash("elsewhere")
            return copy
        })
        let linkMismatch = try #require(try await ChainVerifier(store: relinked).verify().mismatch)
        #expect(linkMismatch.blockNumber == 4)
        #expect(linkMismatch.field == "parentHash")
    }

    @Test("a genesis block that is not the stored genesis's, or a stored state off the replay, is caught")
    func tamperedGenesisAndState() async throws {
        let (store, _, head) = try await buildChain()
        let genesisTampered = TamperedStore(base: store, block: { block in
            guard block.number == 0 else { return block }
            var copy = block
            copy.header.extraData = Array(repeating: 0, count: 32)
            return copy
        })
        let genesisMismatch = try #require(try await ChainVerifier(store: genesisTampered).verify().mismatch)
        #expect(genesisMismatch.blockNumber == 0)
        #expect(genesisMismatch.field == "extraData (genesis hash)")

        let stateTampered = TamperedStore(base: store, snapshot: { snapshot in
            var copy = snapshot
            copy.accounts[DevChain.keys[7].address] = NativeAccount(balance: 1)
            return copy
        })
        let report = try await ChainVerifier(store: stateTampered).verify()
        let stateMismatch = try #require(report.mismatch)
        #expect(stateMismatch.blockNumber == head.number)
        #expect(stateMismatch.field == "stored state root")
        #expect(report.blocksChecked == head.number + 1)
    }

    @Test("an empty ledger is an error, not a verified chain")
    func emptyLedger() async throws {
        await #expect(throws: ChainVerificationError.noChain) {
            try await ChainVerifier(store: InMemoryChainStore()).verify()
        }
    }
}

/// A ledger that alters what it reads back: a forged or corrupted database.
private struct TamperedStore: ChainStore {
    let base: InMemoryChainStore
    var block: @Sendable (StoredBlock) -> StoredBlock = { $0 }
    var transactions: @Sendable (UInt64, [StoredTransaction]) -> [StoredTransaction] = { $1 }
    var snapshot: @Sendable (ChainSnapshot) -> ChainSnapshot = { $0 }

    func load() async throws(ChainStoreError) -> ChainSnapshot? {
        guard let loaded = try await base.load() else { return nil }
        var altered = snapshot(loaded)
        altered.head = block(altered.head)
        return altered
    }

    func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                    accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try await base.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
    }

    func commit(_ commit: BlockCommit) async throws(ChainStoreError) { try await base.commit(commit) }
    func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) { try await base.addPending(transactions) }
    func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) { try await base.removePending(hashes) }

    func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? {
        try await base.block(number: number).map(block)
    }

    func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? {
        try await base.block(hash: hash).map(block)
    }

    func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        transactions(number, try await base.transactions(inBlock: number))
    }

    func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? {
        try await base.transaction(hash: hash)
    }

    func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        try await base.logs(filter, limit: limit)
    }
}
