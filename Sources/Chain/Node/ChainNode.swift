import Ethereum
import Foundation
import PoCo

/// A new block, as subscribers (`newHeads`, `logs`, filters) receive it.
public struct ChainEvent: Sendable {
    /// The block.
    public var block: StoredBlock
    /// Its transactions with their outcomes.
    public var transactions: [StoredTransaction]
    /// Its logs, in order.
    public var logs: [StoredLog]
}

/// Counters for `/metrics`.
public struct NodeMetrics: Sendable, Hashable {
    /// The head's number.
    public var headNumber: UInt64
    /// Blocks sealed since the node started.
    public var blocksSealed: UInt64
    /// Transactions included in those blocks.
    public var transactionsIncluded: UInt64
    /// Transactions pending now.
    public var pending: Int
}

/// The chain node: admits signed transactions, seals blocks, keeps the state, answers calls.
///
/// The ledger (`ChainStore`) is the truth: a transaction is acknowledged only once it is durably
/// recorded as pending, and a block is visible (``head``, events) only once committed. Blocks are
/// sealed by ``seal(force:)``, which ``BlockProducer`` calls on its schedule.
public actor ChainNode {
    /// The ledger.
    public nonisolated let store: any ChainStore
    /// The genesis the chain was started from.
    public nonisolated let genesis: Genesis
    /// How the node runs.
    public nonisolated let configuration: NodeConfiguration
    /// The chain id.
    public nonisolated var chainId: UInt64 { genesis.chainId }
    /// Where the system contracts live.
    public nonisolated var pocoConfig: PoCoConfig { genesis.config }

    /// The last committed block.
    public internal(set) var head: StoredBlock
    var world: WorldState
    var mempool: Mempool
    /// The calls of admitted transactions, decoded once at admission for their block.
    var decodedCalls: [Hash32: ChainCall] = [:]
    let clock: @Sendable () -> UInt64
    /// Seconds added to the clock by `evm_increaseTime`.
    var timeOffset: UInt64 = 0
    /// Balances set by `anvil_setBalance`, applied by the next block.
    var pendingOverrides: [BalanceOverride] = []
    var sealing = false
    var sealQueue: [CheckedContinuation<Void, Never>] = []
    var haltReason: String?
    var subscribers: [UInt64: AsyncStream<ChainEvent>.Continuation] = [:]
    private var nextSubscriber: UInt64 = 0
    var counters = NodeMetrics(headNumber: 0, blocksSealed: 0, transactionsIncluded: 0, pending: 0)
    /// Ticks when work waits, for a producer sealing on demand.
    nonisolated let workSignal: AsyncStream<Void>.Continuation
    /// The stream of those ticks (one consumer: the block producer).
    public nonisolated let workWaiting: AsyncStream<Void>

    /// The wall clock in seconds since 1970: the default source of block timestamps.
    public static let systemClock: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }

    private init(store: any ChainStore, genesis: Genesis, configuration: NodeConfiguration, head: StoredBlock,
                 world: WorldState, mempool: Mempool, clock: @escaping @Sendable () -> UInt64) {
        self.store = store
        self.genesis = genesis
        self.configuration = configuration
        self.head = head
        self.world = world
        self.mempool = mempool
        self.clock = clock
        (workWaiting, workSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        counters.headNumber = head.number
        counters.pending = mempool.count
        if mempool.count > 0 { workSignal.yield() }
    }

    /// Opens the chain in `store`: resumes it, or — when the store is empty — starts it from `genesis`.
    ///
    /// - Parameters:
    ///   - genesis: the genesis to start from; for a store that holds a chain it must be that chain's
    ///     genesis (nil accepts the stored one).
    ///   - clock: the source of block timestamps (seconds since 1970).
    /// - Throws: `.noChain`, `.genesisMismatch`, `.genesis`, `.ledger` (including a stored state whose
    ///   root is not the head's).
    public static func open(
        store: any ChainStore, genesis: Genesis?, configuration: NodeConfiguration = NodeConfiguration(),
        clock: @escaping @Sendable () -> UInt64 = ChainNode.systemClock
    ) async throws(NodeError) -> ChainNode {
        let snapshot: ChainSnapshot?
        do { snapshot = try await store.load() } catch { throw .ledger(error) }
        guard let snapshot else {
            guard let genesis else { throw .noChain }
            return try await start(store: store, genesis: genesis, configuration: configuration, clock: clock)
        }
        if let genesis, genesis != snapshot.genesis {
            throw .genesisMismatch(stored: try genesisHash(snapshot.genesis), requested: try genesisHash(genesis))
        }
        var world = WorldState(engine: PoCoEngine(config: snapshot.genesis.config, state: snapshot.state),
                               accounts: snapshot.accounts)
        let root = world.stateRoot()
        guard root == snapshot.head.header.stateRoot else {
            throw .ledger(.stateRootMismatch(blockNumber: snapshot.head.number,
                                             expected: snapshot.head.header.stateRoot, actual: root))
        }
        var refused: [Hash32] = []
        let mempool = Mempool(
            restoring: snapshot.pending, configuration: configuration.mempool(chainId: snapshot.genesis.chainId),
            accountNonce: { world.account($0).nonce },
            onRefusal: { index, _ in
                if let transaction = try? SignedTransaction(raw: snapshot.pending[index]) {
                    refused.append(transaction.hash)
                }
            })
        if !refused.isEmpty {
            do { try await store.removePending(refused) } catch { throw .ledger(error) }
        }
        return ChainNode(store: store, genesis: snapshot.genesis, configuration: configuration, head: snapshot.head,
                         world: world, mempool: mempool, clock: clock)
    }

    /// Block 0 of `genesis`, written to the empty `store`.
    private static func start(
        store: any ChainStore, genesis: Genesis, configuration: NodeConfiguration,
        clock: @escaping @Sendable () -> UInt64
    ) async throws(NodeError) -> ChainNode {
        let genesisState: GenesisState
        do { genesisState = try GenesisState(genesis) } catch { throw .genesis(error) }
        var world = WorldState(engine: genesisState.engine,
                               accounts: genesisState.nativeBalances.mapValues { NativeAccount(balance: $0) })
        let header = BlockHeader(
            parentHash: .zero, miner: .zero, stateRoot: world.stateRoot(),
            transactionsRoot: MerklePatriciaTrie.emptyRoot, receiptsRoot: MerklePatriciaTrie.emptyRoot,
            logsBloom: .empty, number: 0, gasLimit: configuration.blockGasLimit, gasUsed: 0,
            timestamp: genesis.timestamp, extraData: genesisState.genesisHash.bytes)
        let block = SealedBlock(header: header, transactions: [])
        let state = genesisState.state.storage.map { StateChangeRecord(key: $0.key.encoded, value: $0.value.encoded) }
        let accounts = world.accounts.map { (address: $0.key, account: $0.value) }
        do {
            try await store.initialize(genesis: genesis, block: block, state: state, accounts: accounts)
        } catch {
            throw .ledger(error)
        }
        return ChainNode(store: store, genesis: genesis, configuration: configuration, head: StoredBlock(block),
                         world: world, mempool: Mempool(configuration: configuration.mempool(chainId: genesis.chainId)),
                         clock: clock)
    }

    private static func genesisHash(_ genesis: Genesis) throws(NodeError) -> Hash32 {
        do { return try GenesisState(genesis).genesisHash } catch { throw .genesis(error) }
    }
}

// MARK: - Reads

extension ChainNode {
    /// `address`'s native account in the latest state.
    public func account(_ address: Address) -> NativeAccount { world.account(address) }

    /// The nonce `address`'s next transaction needs: mined count, plus (with `pending`) its
    /// pending transactions that follow without a gap.
    public func nextNonce(_ address: Address, includingPending pending: Bool) -> UInt64 {
        var nonce = world.account(address).nonce
        guard pending else { return nonce }
        while mempool.hasPending(sender: address, nonce: nonce) { nonce += 1 }
        return nonce
    }

    /// A pending transaction by hash.
    public func pendingTransaction(_ hash: Hash32) -> PendingTransaction? { mempool.pending(hash) }

    /// Counters for `/metrics`.
    public var metrics: NodeMetrics {
        var snapshot = counters
        snapshot.pending = mempool.count
        return snapshot
    }

    /// The PoCo state after the head (for views that need more than `call`).
    public var pocoState: PoCoState { world.engine.state }

    /// A new block's event stream: every block committed after this call, in order.
    /// Nothing is dropped; a consumer that stops iterating ends its subscription.
    public func events() -> AsyncStream<ChainEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChainEvent.self, bufferingPolicy: .unbounded)
        subscribers[nextSubscriber] = continuation
        nextSubscriber += 1
        return stream
    }
}
