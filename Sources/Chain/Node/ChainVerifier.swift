import Ethereum
import PoCo

/// Replays a stored chain from its genesis and checks everything a block's header commits to:
/// what `iexec node verify` runs.
///
/// For block 0 it rebuilds the genesis state and checks the header (state root, empty roots, genesis
/// hash in `extraData`, timestamp). For every later block it re-decodes each stored transaction,
/// recovers its sender, re-executes the block with `BlockExecutor` (after the block's recorded
/// balance overrides) on the replayed state, and compares: parent link, number, timestamp order,
/// transaction hashes, recovered senders, each transaction's outcome, `stateRoot`,
/// `transactionsRoot`, `receiptsRoot`, `logsBloom`, `gasUsed`, `extraData` and the block hash.
/// Finally the stored state (what a restart loads) must hash to the replayed root.
///
/// Transport-free and read-only: it uses `ChainStore` reads only.
public struct ChainVerifier: Sendable {
    /// The ledger to check.
    public let store: any ChainStore

    /// A verifier of `store`.
    public init(store: any ChainStore) {
        self.store = store
    }

    /// Replays the whole chain; stops at the first mismatch.
    ///
    /// - Parameter progress: called after each block with its number (for long chains).
    /// - Returns: how much was checked, and the first mismatch if any.
    /// - Throws: when the ledger holds no chain, cannot be read, or its genesis does not build.
    public func verify(progress: @Sendable (UInt64) -> Void = { _ in }) async throws(ChainVerificationError) -> ChainVerificationReport {
        let loaded: ChainSnapshot?
        do { loaded = try await store.load() } catch { throw .ledger(error) }
        guard let snapshot = loaded else { throw .noChain }
        let genesisState: GenesisState
        do { genesisState = try GenesisState(snapshot.genesis) } catch { throw .genesis(error) }
        var world = WorldState(engine: genesisState.engine,
                               accounts: genesisState.nativeBalances.mapValues { NativeAccount(balance: $0) })
        var report = ChainVerificationReport(head: snapshot.head.number)

        guard let genesisBlock = try await read(block: 0) else {
            report.mismatch = ChainMismatch(blockNumber: 0, field: "block", stored: "missing", recomputed: "present")
            return report
        }
        if let mismatch = try await checkGenesis(genesisBlock, genesisState: genesisState, world: &world) {
            report.mismatch = mismatch
            return report
        }
        report.blocksChecked = 1
        progress(0)

        var parent = genesisBlock
        var number: UInt64 = 1
        while number <= snapshot.head.number {
            guard let block = try await read(block: number) else {
                report.mismatch = ChainMismatch(blockNumber: number, field: "block", stored: "missing", recomputed: "present")
                return report
            }
            let transactions: [StoredTransaction]
            do { transactions = try await store.transactions(inBlock: number) } catch { throw .ledger(error) }
            if let mismatch = replay(block, transactions: transactions, parent: parent, world: &world) {
                report.mismatch = mismatch
                return report
            }
            report.blocksChecked += 1
            report.transactionsChecked += transactions.count
            progress(number)
            parent = block
            number += 1
        }

        if parent.hash != snapshot.head.hash {
            report.mismatch = ChainMismatch(blockNumber: snapshot.head.number, field: "head hash",
                                            stored: snapshot.head.hash.hex, recomputed: parent.hash.hex)
            return report
        }
        // The state a restart loads must be the replayed one.
        var stored = WorldState(engine: PoCoEngine(config: snapshot.genesis.config, state: snapshot.state),
                                accounts: snapshot.accounts)
        let storedRoot = stored.stateRoot(), replayedRoot = world.stateRoot()
        if storedRoot != replayedRoot {
            report.mismatch = ChainMismatch(blockNumber: snapshot.head.number, field: "stored state root",
                                            stored: storedRoot.hex, recomputed: replayedRoot.hex)
        }
        return report
    }

    private func read(block number: UInt64) async throws(ChainVerificationError) -> StoredBlock? {
        do { return try await store.block(number: number) } catch { throw .ledger(error) }
    }

    private func checkGenesis(_ block: StoredBlock, genesisState: GenesisState,
                              world: inout WorldState) async throws(ChainVerificationError) -> ChainMismatch? {
        let transactions: [StoredTransaction]
        do { transactions = try await store.transactions(inBlock: 0) } catch { throw .ledger(error) }
        let header = block.header
        var check = FieldCheck(blockNumber: 0)
        check.compare("number", header.number, 0)
        check.compare("parentHash", header.parentHash.hex, Hash32.zero.hex)
        check.compare("transactions", transactions.count + block.transactionHashes.count, 0)
        check.compare("stateRoot", header.stateRoot.hex, world.stateRoot().hex)
        check.compare("transactionsRoot", header.transactionsRoot.hex, MerklePatriciaTrie.emptyRoot.hex)
        check.compare("receiptsRoot", header.receiptsRoot.hex, MerklePatriciaTrie.emptyRoot.hex)
        check.compare("logsBloom", Hex.encode(header.logsBloom.bytes), Hex.encode(LogsBloom.empty.bytes))
        check.compare("gasUsed", header.gasUsed, 0)
        check.compare("timestamp", header.timestamp, genesisState.genesis.timestamp)
        check.compare("extraData (genesis hash)", Hex.encode(header.extraData), genesisState.genesisHash.hex)
        check.compare("hash", block.hash.hex, header.hash.hex)
        return check.first
    }

    /// Re-executes one block on `world` and compares it with what the ledger holds.
    private func replay(_ block: StoredBlock, transactions: [StoredTransaction], parent: StoredBlock,
                        world: inout WorldState) -> ChainMismatch? {
        let header = block.header
        var check = FieldCheck(blockNumber: header.number)
        check.compare("parentHash", header.parentHash.hex, parent.hash.hex)
        check.compare("number", header.number, parent.header.number + 1)
        if header.timestamp < parent.header.timestamp {
            check.compare("timestamp (before the parent's \(parent.header.timestamp))", header.timestamp, parent.header.timestamp)
        }
        check.compare("transaction hashes", block.transactionHashes.map(\.hex), transactions.map(\.hash.hex))
        if let mismatch = check.first { return mismatch }

        var batch: [(transaction: SignedTransaction, sender: Address)] = []
        for (index, stored) in transactions.enumerated() {
            let raw = stored.included.transaction.rawBytes
            let decoded: SignedTransaction, sender: Address
            do {
                decoded = try SignedTransaction(raw: raw)
                sender = try decoded.sender()
            } catch {
                return ChainMismatch(blockNumber: header.number, field: "transaction \(index)",
                                     stored: Hex.encode(raw), recomputed: "undecodable: \(error)")
            }
            check.compare("hash of transaction \(index)", stored.hash.hex, decoded.hash.hex)
            check.compare("sender of transaction \(index)", stored.included.sender.checksummed, sender.checksummed)
            check.compare("position of transaction \(index)", "\(stored.blockNumber)/\(stored.blockHash.hex)/\(stored.index)",
                          "\(header.number)/\(block.hash.hex)/\(index)")
            if let mismatch = check.first { return mismatch }
            batch.append((decoded, sender))
        }

        let environment = BlockEnvironment(number: header.number, parentHash: header.parentHash, timestamp: header.timestamp,
                                           miner: header.miner, gasLimit: header.gasLimit)
        let commit: BlockCommit
        do throws(BlockExecutionError) {
            commit = try BlockExecutor.execute(batch, overrides: block.balanceOverrides, environment: environment, world: &world)
        } catch {
            return ChainMismatch(blockNumber: header.number, field: "execution", stored: "a valid block",
                                 recomputed: error.description)
        }
        for (index, (stored, replayed)) in zip(transactions, commit.block.transactions).enumerated() {
            check.compare("outcome of transaction \(index)", Self.describe(stored.included.outcome),
                          Self.describe(replayed.outcome))
        }
        let recomputed = commit.block.header
        check.compare("stateRoot", header.stateRoot.hex, recomputed.stateRoot.hex)
        check.compare("transactionsRoot", header.transactionsRoot.hex, recomputed.transactionsRoot.hex)
        check.compare("receiptsRoot", header.receiptsRoot.hex, recomputed.receiptsRoot.hex)
        check.compare("logsBloom", Hex.encode(header.logsBloom.bytes), Hex.encode(recomputed.logsBloom.bytes))
        check.compare("gasUsed", header.gasUsed, recomputed.gasUsed)
        check.compare("extraData", Hex.encode(header.extraData), Hex.encode(recomputed.extraData))
        check.compare("hash", block.hash.hex, commit.block.hash.hex)
        return check.first
    }

    /// An outcome as one comparable line.
    private static func describe(_ outcome: TransactionOutcome) -> String {
        let logs = outcome.logs.map { log in
            "\(log.address.lowercaseHex)[\(log.topics.map(\.hex).joined(separator: ","))]\(Hex.encode(log.data))"
        }
        return "status \(outcome.succeeded ? 1 : 0), gas \(outcome.gasUsed), cumulative \(outcome.cumulativeGasUsed), logs [\(logs.joined(separator: "; "))]"
    }
}

/// Collects the first field whose stored value differs from the recomputed one.
private struct FieldCheck {
    let blockNumber: UInt64
    private(set) var first: ChainMismatch?

    init(blockNumber: UInt64) {
        self.blockNumber = blockNumber
    }

    mutating func compare<Value: Equatable>(_ field: String, _ stored: Value, _ recomputed: Value) {
        guard first == nil, stored != recomputed else { return }
        first = ChainMismatch(blockNumber: blockNumber, field: field, stored: "\(stored)", recomputed: "\(recomputed)")
    }
}

/// What a replay checked, and where it first disagreed with the ledger.
public struct ChainVerificationReport: Sendable, Hashable {
    /// The head's number in the ledger.
    public var head: UInt64
    /// Blocks whose checks all passed (block 0 included).
    public var blocksChecked: UInt64 = 0
    /// Transactions in those blocks.
    public var transactionsChecked: Int = 0
    /// The first disagreement; nil when the whole chain verified.
    public var mismatch: ChainMismatch?

    /// A report on a chain whose head is `head`, nothing checked yet.
    public init(head: UInt64) {
        self.head = head
    }

    /// Whether every block verified.
    public var verified: Bool { mismatch == nil }
}

/// A field the ledger holds that replay computes differently.
public struct ChainMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The block.
    public var blockNumber: UInt64
    /// The field (`stateRoot`, `sender of transaction 2`, …).
    public var field: String
    /// The value in the ledger.
    public var stored: String
    /// The value replay computes.
    public var recomputed: String

    /// A mismatch from its parts.
    public init(blockNumber: UInt64, field: String, stored: String, recomputed: String) {
        self.blockNumber = blockNumber
        self.field = field
        self.stored = stored
        self.recomputed = recomputed
    }

    /// One line: block, field, both values.
    public var description: String {
        "block \(blockNumber): \(field) is \(stored) in the ledger, replay gives \(recomputed)"
    }
}

/// Why a chain could not be replayed at all.
public enum ChainVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The ledger holds no chain.
    case noChain
    /// The ledger could not be read.
    case ledger(ChainStoreError)
    /// The stored genesis does not build.
    case genesis(GenesisError)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .noChain: return "the data directory holds no chain: nothing to verify"
        case .ledger(let error): return error.description
        case .genesis(let error): return "the stored genesis is invalid: \(error)"
        }
    }
}
