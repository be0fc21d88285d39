import Chain
import Ethereum
import Foundation
import Ledger
import PoCo
import Synchronization
import Testing

/// Dev keys and signed transactions (as in Tests/ChainTests/Support/NodeFixtures.swift).
enum Dev {
    static let keys: [PrivateKey] = try! HDWallet.devAccounts()
    static let genesis = Genesis.dev()
    static let time: UInt64 = 1_700_000_000
    static let oneRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
    static var hub: Address { genesis.hub }

    static func address(_ key: Int) -> Address { keys[key].address }

    /// A signed EIP-1559 transaction from dev account `key`.
    static func transaction(from key: Int, nonce: UInt64, to: Address, value: UInt256 = .zero, data: [UInt8] = [],
                            gasLimit: UInt64 = 2_000_000) -> SignedTransaction {
        EIP1559Transaction(chainId: Genesis.devChainId, nonce: nonce, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
                           gasLimit: gasLimit, to: to, value: value, data: data)
            .sign(with: keys[key])
    }

    /// ABI call data of `signature` with `arguments`.
    static func calldata(_ signature: String, _ arguments: [ABIValue] = []) -> [UInt8] {
        try! ABIFunction(signature).encodeCall(arguments)
    }

    /// An address as a log topic (left-padded to 32 bytes).
    static func topic(_ address: Address) -> Hash32 { try! Hash32([UInt8](repeating: 0, count: 12) + address.bytes) }

    static let transferTopic = Keccak256.hash("Transfer(address,address,uint256)")
    static let approvalTopic = Keccak256.hash("Approval(address,address,uint256)")
}

/// The two implementations the contract runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite
    var testDescription: String { rawValue }

    /// A new empty store of this kind, with the directory that must outlive it.
    func make() throws -> (store: any ChainStore, directory: TemporaryDirectory?) {
        switch self {
        case .memory: return (InMemoryChainStore(), nil)
        case .sqlite:
            let directory = try TemporaryDirectory()
            return (try SQLiteChainStore(path: directory.path("chain.sqlite")), directory)
        }
    }
}

/// A fresh directory for one test's database files, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A node on `store` at the fixed clock.
func openNode(_ store: any ChainStore) async throws -> ChainNode {
    try await ChainNode.open(store: store, genesis: Dev.genesis, configuration: NodeConfiguration(dev: true),
                             clock: { Dev.time })
}

/// What ``runScenario(on:)`` did: the hashes worth asking about.
struct Scenario {
    var node: ChainNode
    /// Mined transactions, in chain order.
    var mined: [Hash32]
    /// A reverted call (its outcome carries a reason).
    var reverted: Hash32
    /// Transactions left pending, in arrival order.
    var pending: [SignedTransaction]
}

/// Drives a dev node through blocks of PoCo calls that emit logs — deposits, an app, a dataset and
/// a workerpool created on the registries, RLC transfers and approvals, a revert, a withdrawal,
/// native transfers, an empty block, a balance override — and leaves two transactions pending.
func runScenario(on store: any ChainStore) async throws -> Scenario {
    let node = try await openNode(store)
    let genesis = Dev.genesis
    var nonces = [UInt64](repeating: 0, count: Dev.keys.count)
    var mined: [Hash32] = []
    func tx(_ key: Int, to: Address, value: UInt256 = .zero, data: [UInt8] = [], gasLimit: UInt64 = 2_000_000) -> SignedTransaction {
        defer { nonces[key] += 1 }
        return Dev.transaction(from: key, nonce: nonces[key], to: to, value: value, data: data, gasLimit: gasLimit)
    }
    func block(_ transactions: [SignedTransaction]) async throws {
        let results = await node.sendRawTransactions(transactions.map(\.rawBytes))
        #expect(try results.map { try $0.get() } == transactions.map(\.hash))
        let sealed = try #require(try await node.seal())
        #expect(sealed.transactionHashes == transactions.map(\.hash))
        mined += transactions.map(\.hash)
    }
    let deposit = Dev.calldata("deposit()")
    // 1: deposits (Transfer from 0x0), a native transfer (no log).
    try await block([
        tx(1, to: Dev.hub, value: Dev.oneRLC * 5, data: deposit), tx(2, to: Dev.hub, value: Dev.oneRLC * 3, data: deposit),
        tx(3, to: Dev.address(4), value: 7, gasLimit: 21_000),
    ])
    // 2: registries.
    try await block([
        tx(1, to: genesis.appRegistry, data: Dev.calldata("createApp(address,string,string,bytes,bytes32,bytes)", [
            .address(Dev.address(1)), .string("app"), .string("DOCKER"), .bytes([1, 2, 3]),
            .fixedBytes(Keccak256.hash("app").bytes), .bytes([]),
        ])),
        tx(2, to: genesis.workerpoolRegistry, data: Dev.calldata("createWorkerpool(address,string)", [
            .address(Dev.address(2)), .string("pool"),
        ])),
        tx(3, to: genesis.datasetRegistry, data: Dev.calldata("createDataset(address,string,bytes,bytes32)", [
            .address(Dev.address(3)), .string("data"), .bytes([4, 5]), .fixedBytes(Keccak256.hash("data").bytes),
        ])),
    ])
    // 3: RLC transfers and an approval; a withdrawal with nothing deposited reverts.
    let revert = tx(6, to: Dev.hub, data: Dev.calldata("withdraw(uint256)", [.uint(5)]))
    try await block([
        tx(1, to: Dev.hub, data: Dev.calldata("transfer(address,uint256)", [.address(Dev.address(5)), .uint(1_000)])),
        tx(2, to: Dev.hub, data: Dev.calldata("approve(address,uint256)", [.address(Dev.address(5)), .uint(77)])),
        revert,
        tx(1, to: Dev.hub, data: Dev.calldata("transfer(address,uint256)", [.address(Dev.address(2)), .uint(3)])),
    ])
    // 4: empty; 5: a balance override.
    _ = try await node.mine()
    _ = try await node.setBalance(Dev.address(7), wei: 12_345)
    // 6: a withdrawal (Transfer to 0x0) and more deposits.
    try await block([
        tx(2, to: Dev.hub, data: Dev.calldata("withdraw(uint256)", [.uint(1_000_000)])),
        tx(4, to: Dev.hub, value: Dev.oneRLC, data: deposit), tx(5, to: Dev.hub, value: Dev.oneRLC * 2, data: deposit),
    ])
    let pending = [tx(8, to: Dev.address(9), value: 1, gasLimit: 21_000), tx(9, to: Dev.hub, value: Dev.oneRLC, data: deposit)]
    let results = await node.sendRawTransactions(pending.map(\.rawBytes))
    #expect(try results.map { try $0.get() } == pending.map(\.hash))
    return Scenario(node: node, mined: mined, reverted: revert.hash, pending: pending)
}

/// A `ChainStore` that records what the node writes, over an in-memory store: the chain's
/// `initialize` and every `commit`, to replay onto another store.
final class RecordingStore: ChainStore {
    struct Initialization: Sendable {
        var genesis: Genesis
        var block: SealedBlock
        var state: [StateChangeRecord]
        var accounts: [(address: Address, account: NativeAccount)]
    }

    struct Recording: Sendable {
        var initialization: Initialization?
        var commits: [BlockCommit] = []
    }

    let inner = InMemoryChainStore()
    let recording = Mutex(Recording())

    func load() async throws(ChainStoreError) -> ChainSnapshot? { try await inner.load() }
    func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                    accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError) {
        try await inner.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
        recording.withLock { $0.initialization = Initialization(genesis: genesis, block: block, state: state, accounts: accounts) }
    }
    func commit(_ commit: BlockCommit) async throws(ChainStoreError) {
        try await inner.commit(commit)
        recording.withLock { $0.commits.append(commit) }
    }
    func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError) { try await inner.addPending(transactions) }
    func removePending(_ hashes: [Hash32]) async throws(ChainStoreError) { try await inner.removePending(hashes) }
    func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock? { try await inner.block(number: number) }
    func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock? { try await inner.block(hash: hash) }
    func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction] {
        try await inner.transactions(inBlock: number)
    }
    func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction? { try await inner.transaction(hash: hash) }
    func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog] {
        try await inner.logs(filter, limit: limit)
    }
}

/// The scenario's writes, recorded once: its genesis initialization and its block commits.
struct RecordedChain: Sendable {
    var initialization: RecordingStore.Initialization
    var commits: [BlockCommit]
    var pending: [SignedTransaction]

    static func make() async throws -> RecordedChain {
        let store = RecordingStore()
        let scenario = try await runScenario(on: store)
        let recording = store.recording.withLock { $0 }
        return RecordedChain(initialization: try #require(recording.initialization), commits: recording.commits,
                             pending: scenario.pending)
    }

    /// Writes the genesis and the first `count` commits (all by default) to `store`.
    func replay(onto store: any ChainStore, commits count: Int? = nil) async throws {
        let genesis = initialization
        try await store.initialize(genesis: genesis.genesis, block: genesis.block, state: genesis.state, accounts: genesis.accounts)
        for commit in commits.prefix(count ?? commits.count) { try await store.commit(commit) }
    }
}

/// A snapshot's parts, comparable (ChainSnapshot itself is not Equatable).
struct SnapshotParts: Equatable, Sendable {
    var genesis: Genesis
    var head: StoredBlock
    var state: PoCoState
    var accounts: [Address: NativeAccount]
    var pending: [[UInt8]]

    init(_ snapshot: ChainSnapshot) {
        genesis = snapshot.genesis
        head = snapshot.head
        state = snapshot.state
        accounts = snapshot.accounts
        pending = snapshot.pending
    }
}

/// Every log of blocks `0...head`, from the stored transactions: the oracle for log queries.
func allLogs(_ store: any ChainStore, head: UInt64) async throws -> [StoredLog] {
    var logs: [StoredLog] = []
    for number in 0...head {
        for transaction in try await store.transactions(inBlock: number) { logs += transaction.logs }
    }
    return logs
}
