import Ethereum

/// What running one transaction in a block gave: success or revert, gas, logs.
public struct TransactionOutcome: Hashable, Sendable {
    /// Whether the call succeeded (receipt status 1); a reverted call changed nothing but the nonce.
    public var succeeded: Bool
    /// The gas this transaction used (`PoCoBinding.gasUsed`, 21,000 for a transfer).
    public var gasUsed: UInt64
    /// The gas used in the block up to and including this transaction.
    public var cumulativeGasUsed: UInt64
    /// The logs it emitted, in order (none when it reverted).
    public var logs: [ReceiptLog]
    /// Why it reverted (the `Error(string)` reason), nil when it succeeded.
    public var revertReason: String?

    /// An outcome from its parts.
    public init(succeeded: Bool, gasUsed: UInt64, cumulativeGasUsed: UInt64, logs: [ReceiptLog],
                revertReason: String? = nil) {
        self.succeeded = succeeded
        self.gasUsed = gasUsed
        self.cumulativeGasUsed = cumulativeGasUsed
        self.logs = logs
        self.revertReason = revertReason
    }
}

/// A transaction as a block includes it: the signed transaction, its recovered sender, its outcome.
public struct IncludedTransaction: Hashable, Sendable {
    /// The signed transaction.
    public var transaction: SignedTransaction
    /// Who signed it.
    public var sender: Address
    /// What it did.
    public var outcome: TransactionOutcome

    /// An included transaction from its parts.
    public init(transaction: SignedTransaction, sender: Address, outcome: TransactionOutcome) {
        self.transaction = transaction
        self.sender = sender
        self.outcome = outcome
    }

    /// The consensus receipt (what `receiptsRoot` commits to).
    public var receipt: Receipt {
        Receipt(type: transaction.type, succeeded: outcome.succeeded,
                cumulativeGasUsed: outcome.cumulativeGasUsed, logs: outcome.logs)
    }
}

/// A native balance set by the development method `anvil_setBalance`: applied at the start of the
/// block that records it, so that replaying the blocks reproduces it.
public struct BalanceOverride: Hashable, Sendable {
    /// The account.
    public var address: Address
    /// Its new balance in wei.
    public var balance: UInt256

    /// An override of `address`'s balance.
    public init(address: Address, balance: UInt256) {
        self.address = address
        self.balance = balance
    }
}

/// A sealed block: its header, its hash and its transactions with their outcomes.
public struct SealedBlock: Hashable, Sendable {
    /// The header.
    public var header: BlockHeader
    /// `header.hash`, computed once.
    public var hash: Hash32
    /// The transactions, in execution order.
    public var transactions: [IncludedTransaction]
    /// Development balance overrides applied before the transactions (empty on a normal chain).
    public var balanceOverrides: [BalanceOverride]

    /// A block of `transactions` under `header`.
    public init(header: BlockHeader, transactions: [IncludedTransaction], balanceOverrides: [BalanceOverride] = []) {
        self.header = header
        self.hash = header.hash
        self.transactions = transactions
        self.balanceOverrides = balanceOverrides
    }

    /// The block's number.
    public var number: UInt64 { header.number }
}

/// One block's durable effect: the block and the state it leaves, as final values per key.
public struct BlockCommit: Sendable {
    /// The block.
    public var block: SealedBlock
    /// Every PoCo key the block changed, with its value after the block (nil: removed), each key once.
    public var stateChanges: [StateChangeRecord]
    /// Every native account the block changed, with its value after the block, each address once.
    public var accountChanges: [(address: Address, account: NativeAccount)]

    /// A commit of `block` leaving these changes.
    public init(block: SealedBlock, stateChanges: [StateChangeRecord],
                accountChanges: [(address: Address, account: NativeAccount)]) {
        self.block = block
        self.stateChanges = stateChanges
        self.accountChanges = accountChanges
    }
}

/// A PoCo state change already in its canonical bytes (`StateKey.encoded` → `StateValue.encoded`),
/// encoded once for the state root and the ledger alike.
public struct StateChangeRecord: Hashable, Sendable {
    /// `StateKey.encoded`.
    public var key: [UInt8]
    /// `StateValue.encoded`, nil when the key was removed.
    public var value: [UInt8]?

    /// A change from its bytes.
    public init(key: [UInt8], value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
