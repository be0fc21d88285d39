import Chain
import Ethereum
import Ledger
import PoCo
import Testing

/// The `ChainStore` contract, run against both implementations with a real node writing to them.
@Suite("Chain store: the contract both stores keep")
struct ChainStoreContractTests {
    @Test("blocks, transactions and receipts read back as the node sealed them", arguments: StoreKind.allCases)
    func blocksAndTransactions(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let scenario = try await runScenario(on: store)
        let head = await scenario.node.head
        #expect(head.number == 6)
        #expect(try await store.block(number: head.number) == head)
        #expect(try await store.block(hash: head.hash) == head)
        #expect(try await store.block(number: head.number + 1) == nil)
        #expect(try await store.block(hash: Keccak256.hash("no such block")) == nil)
        #expect(try await store.transactions(inBlock: head.number + 1) == [])

        var seen: [Hash32] = []
        var parent = Hash32.zero
        for number in 0...head.number {
            let block = try #require(try await store.block(number: number))
            #expect(block.number == number && block.header.parentHash == parent && block.hash == block.header.hash)
            #expect(try await store.block(hash: block.hash) == block)
            let transactions = try await store.transactions(inBlock: number)
            #expect(transactions.map(\.hash) == block.transactionHashes)
            var nextLog = 0
            for (index, transaction) in transactions.enumerated() {
                #expect(transaction.index == index && transaction.blockNumber == number && transaction.blockHash == block.hash)
                #expect(transaction.firstLogIndex == nextLog)
                nextLog += transaction.included.outcome.logs.count
                #expect(try await store.transaction(hash: transaction.hash) == transaction)
            }
            // The block's gas is the last receipt's cumulative gas.
            #expect(block.header.gasUsed == (transactions.last?.included.outcome.cumulativeGasUsed ?? 0))
            seen += block.transactionHashes
            parent = block.hash
        }
        #expect(seen == scenario.mined)
        // The override block records it; the reverted call keeps its reason and has no logs.
        #expect(try await store.block(number: 5)?.balanceOverrides == [BalanceOverride(address: Dev.address(7), balance: 12_345)])
        let reverted = try #require(try await store.transaction(hash: scenario.reverted))
        #expect(!reverted.included.outcome.succeeded && reverted.included.outcome.logs.isEmpty)
        #expect(reverted.included.outcome.revertReason?.isEmpty == false)
        #expect(reverted.included.sender == Dev.address(6))
        for pending in scenario.pending { #expect(try await store.transaction(hash: pending.hash) == nil) }
        withExtendedLifetime(directory) {}
    }

    @Test("both stores give identical answers to every query")
    func storesAgree() async throws {
        let memory = InMemoryChainStore()
        let directory = try TemporaryDirectory()
        let sqlite = try SQLiteChainStore(path: directory.path("chain.sqlite"))
        let head = try await runScenario(on: memory).node.head
        #expect(try await runScenario(on: sqlite).node.head == head)

        for number in 0...head.number + 1 {
            #expect(try await memory.block(number: number) == sqlite.block(number: number))
            #expect(try await memory.transactions(inBlock: number) == sqlite.transactions(inBlock: number))
        }
        for transaction in try await allLogs(memory, head: head.number).map(\.transactionHash) {
            #expect(try await memory.transaction(hash: transaction) == sqlite.transaction(hash: transaction))
        }
        for filter in Self.filters(head: head.number) {
            #expect(try await memory.logs(filter, limit: 1_000) == sqlite.logs(filter, limit: 1_000), "\(filter)")
        }
        let snapshots = [try #require(try await memory.load()), try #require(try await sqlite.load())].map(SnapshotParts.init)
        #expect(snapshots[0] == snapshots[1])
    }

    /// Queries over addresses, topic OR-lists at several positions, and ranges.
    static func filters(head: UInt64) -> [LogFilter] {
        let genesis = Dev.genesis
        let (alice, bob, eve) = (Dev.topic(Dev.address(1)), Dev.topic(Dev.address(2)), Dev.topic(Dev.address(5)))
        let zero = Dev.topic(.zero)
        return [
            LogFilter(fromBlock: 0, toBlock: head),
            LogFilter(fromBlock: 0, toBlock: .max),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [Dev.hub]),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [genesis.appRegistry]),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [genesis.workerpoolRegistry, genesis.datasetRegistry, Dev.hub]),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [Dev.address(9)]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[Dev.transferTopic]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[Dev.transferTopic, Dev.approvalTopic]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [alice]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [zero, bob]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [], [eve, zero]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[Dev.transferTopic], [], [alice, bob, eve]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [], [], [Hash32.zero]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [], [], []]),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [Dev.hub], topics: [[Dev.transferTopic], [alice]]),
            LogFilter(fromBlock: 0, toBlock: head, addresses: [genesis.appRegistry], topics: [[Dev.transferTopic]]),
            LogFilter(fromBlock: 2, toBlock: 3),
            LogFilter(fromBlock: 3, toBlock: 3, addresses: [Dev.hub], topics: [[Dev.transferTopic, Dev.approvalTopic]]),
            LogFilter(fromBlock: 6, toBlock: 6, topics: [[], [zero]]),
            LogFilter(fromBlock: 4, toBlock: 5),
            LogFilter(fromBlock: 3, toBlock: 2),
            LogFilter(fromBlock: head + 1, toBlock: .max),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[], [], [], [], [Dev.transferTopic]]),
            LogFilter(fromBlock: 0, toBlock: head, topics: [[Dev.transferTopic], [], [], [], []]),
        ]
    }

    @Test("log queries return exactly the matching logs in chain order", arguments: StoreKind.allCases)
    func logQueries(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let head = try await runScenario(on: store).node.head.number
        let everything = try await allLogs(store, head: head)
        // The scenario gives the queries something to tell apart.
        #expect(Set(everything.map(\.log.address)) == [Dev.hub, Dev.genesis.appRegistry, Dev.genesis.datasetRegistry,
                                                      Dev.genesis.workerpoolRegistry])
        #expect(everything.contains { $0.log.topics.count >= 3 })
        #expect(Set(everything.map(\.blockNumber)) == [1, 2, 3, 6])
        for filter in Self.filters(head: head) {
            let expected = everything.filter {
                $0.blockNumber >= filter.fromBlock && $0.blockNumber <= filter.toBlock && filter.matches($0.log)
            }
            let found = try await store.logs(filter, limit: 1_000)
            #expect(found == expected, "\(filter)")
        }
        // Spot checks that do not lean on `matches`.
        let mints = try await store.logs(LogFilter(fromBlock: 0, toBlock: head, addresses: [Dev.hub],
                                                   topics: [[Dev.transferTopic], [Dev.topic(.zero)]]), limit: 100)
        #expect(mints.map(\.blockNumber) == [1, 1, 6, 6])
        #expect(mints.map { $0.log.topics[2] } == [1, 2, 4, 5].map { Dev.topic(Dev.address($0)) })
        withExtendedLifetime(directory) {}
    }

    @Test("more matches than the limit is refused; exactly the limit is not", arguments: StoreKind.allCases)
    func limit(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let head = try await runScenario(on: store).node.head.number
        let filter = LogFilter(fromBlock: 0, toBlock: head, addresses: [Dev.hub])
        let count = try await store.logs(filter, limit: 1_000).count
        #expect(count > 2)
        #expect(try await store.logs(filter, limit: count).count == count)
        await #expect(throws: ChainStoreError.tooManyResults(limit: count - 1)) { try await store.logs(filter, limit: count - 1) }
        await #expect(throws: ChainStoreError.tooManyResults(limit: 0)) { try await store.logs(filter, limit: 0) }
        #expect(try await store.logs(LogFilter(fromBlock: 4, toBlock: 5), limit: 0) == [])
        withExtendedLifetime(directory) {}
    }

    @Test("pending: arrival order, duplicates and mined hashes ignored, removal, mined ones leave", arguments: StoreKind.allCases)
    func pending(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let scenario = try await runScenario(on: store)
        let loaded = try #require(try await store.load())
        #expect(loaded.pending == scenario.pending.map(\.rawBytes))

        let extra = Dev.transaction(from: 7, nonce: 0, to: Dev.address(1), value: 1, gasLimit: 21_000)
        let mined = try #require(try await store.transaction(hash: scenario.mined[0])).included.transaction
        try await store.addPending([scenario.pending[1], extra, mined])
        try await store.addPending([extra, scenario.pending[0]])
        #expect(try await store.load()?.pending == (scenario.pending + [extra]).map(\.rawBytes))
        try await store.removePending([scenario.pending[0].hash, Keccak256.hash("never pending")])
        #expect(try await store.load()?.pending == [scenario.pending[1], extra].map(\.rawBytes))

        // Sealing mines the pending ones: the store forgets them.
        let node = try await openNode(store)
        let block = try #require(try await node.seal())
        #expect(Set(block.transactionHashes) == [scenario.pending[1].hash, extra.hash])
        #expect(try await store.load()?.pending == [])
        withExtendedLifetime(directory) {}
    }

    @Test("initialize once; commit only on the head, and a refused commit changes nothing", arguments: StoreKind.allCases)
    func commitRules(kind: StoreKind) async throws {
        let chain = try await RecordedChain.make()
        let (store, directory) = try kind.make()
        #expect(try await store.load() == nil)
        await #expect(throws: ChainStoreError.notInitialized) { try await store.commit(chain.commits[0]) }
        try await chain.replay(onto: store, commits: 2)
        let genesis = chain.initialization
        await #expect(throws: ChainStoreError.alreadyInitialized) {
            try await store.initialize(genesis: genesis.genesis, block: genesis.block, state: genesis.state, accounts: genesis.accounts)
        }
        let before = SnapshotParts(try #require(try await store.load()))
        // Behind the head, ahead of it, and at the right height on another parent.
        var forked = chain.commits[2]
        forked.block.header.parentHash = Keccak256.hash("another parent")
        forked.block = SealedBlock(header: forked.block.header, transactions: forked.block.transactions)
        for (commit, number) in [(chain.commits[1], 2), (chain.commits[3], 4), (forked, 3)] as [(BlockCommit, UInt64)] {
            await #expect(throws: ChainStoreError.notExtendingHead(blockNumber: number, head: 2)) { try await store.commit(commit) }
        }
        #expect(SnapshotParts(try #require(try await store.load())) == before)
        #expect(try await store.block(number: 3) == nil)
        #expect(try await store.transaction(hash: chain.commits[2].block.transactions[0].transaction.hash) == nil)
        // The right block still lands.
        try await store.commit(chain.commits[2])
        #expect(try await store.block(number: 3) == StoredBlock(chain.commits[2].block))
        withExtendedLifetime(directory) {}
    }

    @Test("a node resumes from the store: same snapshot, same head, pending restored", arguments: StoreKind.allCases)
    func resume(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let scenario = try await runScenario(on: store)
        let head = await scenario.node.head
        let snapshot = SnapshotParts(try #require(try await store.load()))
        #expect(snapshot.head == head)
        #expect(snapshot.state == (await scenario.node.pocoState))
        #expect(snapshot.accounts[Dev.address(7)] == NativeAccount(balance: 12_345))

        let resumed = try await openNode(store)
        #expect(await resumed.head == head)
        for pending in scenario.pending { #expect(await resumed.pendingTransaction(pending.hash) != nil) }
        #expect(SnapshotParts(try #require(try await store.load())) == snapshot)
        withExtendedLifetime(directory) {}
    }

    @Test("a block of 150 transactions (more than one statement's worth of rows) reads back whole", arguments: StoreKind.allCases)
    func bigBlock(kind: StoreKind) async throws {
        let (store, directory) = try kind.make()
        let node = try await openNode(store)
        // 15 deposits from each of ten accounts: 150 transactions, 150 logs, 160 state changes.
        let transactions = (0..<15).flatMap { nonce in
            (0..<10).map { key in
                Dev.transaction(from: key, nonce: UInt64(nonce), to: Dev.hub, value: Dev.oneRLC, data: Dev.calldata("deposit()"))
            }
        }
        let results = await node.sendRawTransactions(transactions.map(\.rawBytes))
        #expect(try results.map { try $0.get() } == transactions.map(\.hash))
        let block = try #require(try await node.seal())
        #expect(block.transactionHashes.count == 150)
        #expect(try await store.block(number: 1) == block)
        let stored = try await store.transactions(inBlock: 1)
        #expect(stored.map(\.hash) == block.transactionHashes)
        #expect(stored.map(\.firstLogIndex) == Array(0..<150))
        let logs = try await store.logs(LogFilter(fromBlock: 1, toBlock: 1), limit: 1_000)
        #expect(logs == stored.flatMap(\.logs) && logs.count == 150)
        let fromFive = try await store.logs(LogFilter(fromBlock: 0, toBlock: 1, topics: [[], [], [Dev.topic(Dev.address(5))]]), limit: 100)
        #expect(fromFive.count == 15 && fromFive.allSatisfy { $0.transactionHash == stored[$0.transactionIndex].hash })
        let snapshot = try #require(try await store.load())
        #expect(snapshot.state == (await node.pocoState))
        #expect(snapshot.pending == [])
        for key in 0..<10 { #expect(snapshot.accounts[Dev.address(key)]?.nonce == 15) }
        withExtendedLifetime(directory) {}
    }

    @Test("changes of one key within a commit apply in order: the last one stays", arguments: StoreKind.allCases)
    func changesInOrder(kind: StoreKind) async throws {
        let chain = try await RecordedChain.make()
        let (store, directory) = try kind.make()
        try await chain.replay(onto: store, commits: 0)
        var commit = chain.commits[0]
        let (supply, frozen) = (StateKey.totalSupply.encoded, StateKey.score(Dev.address(9)).encoded)
        commit.stateChanges += [
            StateChangeRecord(key: supply, value: StateValue.uint(1).encoded), StateChangeRecord(key: supply, value: nil),
            StateChangeRecord(key: frozen, value: StateValue.uint(2).encoded), StateChangeRecord(key: supply, value: StateValue.uint(3).encoded),
            StateChangeRecord(key: frozen, value: nil),
        ]
        commit.accountChanges += [(Dev.address(9), NativeAccount(nonce: 4)), (Dev.address(9), NativeAccount()),
                                  (Dev.address(8), NativeAccount()), (Dev.address(8), NativeAccount(balance: 6))]
        try await store.commit(commit)
        let snapshot = try #require(try await store.load())
        #expect(snapshot.state[.totalSupply] == .uint(3))
        #expect(snapshot.state[.score(Dev.address(9))] == nil)
        #expect(snapshot.accounts[Dev.address(9)] == nil)
        #expect(snapshot.accounts[Dev.address(8)] == NativeAccount(balance: 6))
        withExtendedLifetime(directory) {}
    }
}
