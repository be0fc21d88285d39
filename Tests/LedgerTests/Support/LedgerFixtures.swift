import Chain
import ChainTestSupport
import Ethereum
import Foundation
import Ledger
import PoCo
import Synchronization
import Testing

/// The dev chain helpers shared by the chain's test targets.
typealias Dev = DevChain

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


/// The scenario's writes, recorded once: its genesis initialization and its block commits.
struct RecordedChain: Sendable {
    var initialization: ObservedChainStore.Initialization
    var commits: [BlockCommit]
    var pending: [SignedTransaction]

    static func make() async throws -> RecordedChain {
        let store = ObservedChainStore()
        let scenario = try await runScenario(on: store)
        let recording = store.writes.withLock { $0 }
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
