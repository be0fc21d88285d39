import Ethereum
import PoCo

/// Everything a node needs to resume where it stopped: the genesis it was started with, the last
/// committed block, the state after it, and the transactions still pending.
public struct ChainSnapshot: Sendable {
    /// The genesis the store was initialized with.
    public var genesis: Genesis
    /// The last committed block.
    public var head: StoredBlock
    /// The PoCo state after it.
    public var state: PoCoState
    /// The native accounts after it (empty accounts absent).
    public var accounts: [Address: NativeAccount]
    /// The raw bytes of every acknowledged transaction not yet in a block, in arrival order.
    public var pending: [[UInt8]]

    /// A snapshot from its parts.
    public init(genesis: Genesis, head: StoredBlock, state: PoCoState, accounts: [Address: NativeAccount],
                pending: [[UInt8]]) {
        self.genesis = genesis
        self.head = head
        self.state = state
        self.accounts = accounts
        self.pending = pending
    }
}

/// The ledger of a chain: blocks, transactions, receipts, logs, the state and the pending
/// transactions, each block written all-or-nothing.
///
/// Implementations: `SQLiteChainStore` (module Ledger: SQLite through GRDB, WAL) and
/// ``InMemoryChainStore`` (tests). Both must give the same answers.
public protocol ChainStore: Sendable {
    /// The stored chain, or nil when the store is empty (never initialized).
    /// Fails on bytes that do not decode (the node then checks the state against the head's `stateRoot`).
    func load() async throws(ChainStoreError) -> ChainSnapshot?

    /// Writes the genesis, block 0 and the state after it into an empty store, in one transaction.
    func initialize(genesis: Genesis, block: SealedBlock, state: [StateChangeRecord],
                    accounts: [(address: Address, account: NativeAccount)]) async throws(ChainStoreError)

    /// Writes one block — header, transactions, receipts, logs (indexed for ``logs(_:limit:)``), the
    /// state and account changes, the new head — and forgets the pending copies of its
    /// transactions, in one transaction. The block must extend the head (number + 1, parent hash).
    func commit(_ commit: BlockCommit) async throws(ChainStoreError)

    /// Durably records acknowledged transactions as pending (kept until a block includes them or
    /// ``removePending(_:)``), in one transaction; already recorded ones are ignored.
    func addPending(_ transactions: [SignedTransaction]) async throws(ChainStoreError)

    /// Forgets pending transactions that will never be mined (refused when restored).
    func removePending(_ hashes: [Hash32]) async throws(ChainStoreError)

    /// The block at `number`, nil above the head.
    func block(number: UInt64) async throws(ChainStoreError) -> StoredBlock?

    /// The block with this hash, nil if none.
    func block(hash: Hash32) async throws(ChainStoreError) -> StoredBlock?

    /// The transactions of block `number`, in order (empty above the head).
    func transactions(inBlock number: UInt64) async throws(ChainStoreError) -> [StoredTransaction]

    /// The mined transaction with this hash, nil if none.
    func transaction(hash: Hash32) async throws(ChainStoreError) -> StoredTransaction?

    /// The logs `filter` matches, in chain order (block, then log index), found through indexes rather
    /// than by reading every block. Fails with `.tooManyResults` when more than `limit` match.
    func logs(_ filter: LogFilter, limit: Int) async throws(ChainStoreError) -> [StoredLog]
}

/// Why the ledger failed; each case names what and where.
public enum ChainStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database could not be opened or created.
    case open(path: String, reason: String)
    /// The database was written by a newer version of this software.
    case newerSchema(path: String)
    /// A database operation failed.
    case database(operation: String, reason: String)
    /// A stored row does not decode.
    case corrupt(what: String, reason: String)
    /// `initialize` on a store that already holds a chain.
    case alreadyInitialized
    /// A commit before `initialize`.
    case notInitialized
    /// A block that does not extend the head.
    case notExtendingHead(blockNumber: UInt64, head: UInt64)
    /// The stored state does not hash to the head's state root.
    case stateRootMismatch(blockNumber: UInt64, expected: Hash32, actual: Hash32)
    /// A log query matched more than the limit.
    case tooManyResults(limit: Int)

    /// One line saying what failed and what to do.
    public var description: String {
        switch self {
        case .open(let path, let reason):
            return "cannot open the ledger at \(path): \(reason)"
        case .newerSchema(let path):
            return "the ledger at \(path) was written by a newer iexec: upgrade iexec to read it"
        case .database(let operation, let reason):
            return "ledger \(operation) failed: \(reason)"
        case .corrupt(let what, let reason):
            return "the ledger is corrupt: \(what): \(reason); restore a backup or resync the data directory"
        case .alreadyInitialized:
            return "the ledger already holds a chain: use another data directory for a new genesis"
        case .notInitialized:
            return "the ledger holds no chain yet: initialize it with a genesis first"
        case .notExtendingHead(let number, let head):
            return "block \(number) does not extend the ledger's head \(head)"
        case .stateRootMismatch(let number, let expected, let actual):
            return "the stored state after block \(number) has root \(actual.hex), the block says \(expected.hex): the ledger is corrupt, run `iexec node verify`"
        case .tooManyResults(let limit):
            return "query returned more than \(limit) results: narrow the block range or the topics"
        }
    }
}
