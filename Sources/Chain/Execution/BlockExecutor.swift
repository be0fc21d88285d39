import Ethereum
import PoCo

/// A transaction ready for a block: signed, its sender recovered, its call decoded when known
/// (nil: the executor decodes it).
public struct ExecutableTransaction: Sendable {
    /// The signed transaction.
    public var transaction: SignedTransaction
    /// Its recovered sender.
    public var sender: Address
    /// `ChainCall(to:data:config:)` of the transaction, when already decoded.
    public var call: ChainCall?

    /// A transaction for a block.
    public init(transaction: SignedTransaction, sender: Address, call: ChainCall? = nil) {
        self.transaction = transaction
        self.sender = sender
        self.call = call
    }
}

/// Where a block sits and what it may use: everything in the header that execution does not compute.
public struct BlockEnvironment: Hashable, Sendable {
    /// The block's number.
    public var number: UInt64
    /// The previous block's hash.
    public var parentHash: Hash32
    /// The block's timestamp: the `blockTime` every PoCo call in it sees.
    public var timestamp: UInt64
    /// The node's coinbase.
    public var miner: Address
    /// The block gas limit.
    public var gasLimit: UInt64

    /// An environment from its parts.
    public init(number: UInt64, parentHash: Hash32, timestamp: UInt64, miner: Address, gasLimit: UInt64) {
        self.number = number
        self.parentHash = parentHash
        self.timestamp = timestamp
        self.miner = miner
        self.gasLimit = gasLimit
    }
}

/// Why a list of transactions cannot form a block (a builder bug, or a tampered ledger on replay).
public enum BlockExecutionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A transaction's nonce is not its sender's next nonce.
    case nonceMismatch(index: Int, sender: Address, expected: UInt64, actual: UInt64)
    /// The transactions' gas exceeds the block gas limit.
    case gasLimitExceeded(used: UInt64, limit: UInt64)
    /// Native coin would leave an account that does not hold it (a broken escrow invariant).
    case nativeUnderflow(address: Address)

    /// One line naming the transaction and the rule.
    public var description: String {
        switch self {
        case .nonceMismatch(let index, let sender, let expected, let actual):
            return "transaction \(index) from \(sender.checksummed) has nonce \(actual), its account's next nonce is \(expected)"
        case .gasLimitExceeded(let used, let limit):
            return "the block's transactions use \(used) gas, above its gas limit \(limit)"
        case .nativeUnderflow(let address):
            return "a payout would take more native coin from \(address.checksummed) than it holds"
        }
    }
}

/// Runs a block's transactions against the world state: the deterministic core of the chain
/// (no clock, no I/O; time is the block's timestamp).
///
/// Rules of a transaction (documented in docs/chain.md):
/// - its nonce must be the sender's next nonce, which then advances whether the call succeeds or not;
/// - the call is ``ChainCall``'s: a transfer of `value`, or a PoCo call receiving `value` (only
///   `deposit*` are payable); it uses ``ChainCall/gasUsed`` gas, and reverts ("out of gas") when the
///   transaction's gas limit is lower;
/// - a revert keeps nothing but the nonce; success moves `value` from the sender to `to` and pays
///   the engine's payouts out of the hub;
/// - undecodable call data reverts with the binding error as its reason.
public enum BlockExecutor {
    /// Executes `transactions` (each with its recovered sender) after `overrides` and returns the
    /// sealed block with the changes to persist. `world` is left in the state after the block.
    public static func execute(
        _ transactions: [(transaction: SignedTransaction, sender: Address)], overrides: [BalanceOverride] = [],
        environment: BlockEnvironment, world: inout WorldState
    ) throws(BlockExecutionError) -> BlockCommit {
        try execute(transactions.map { ExecutableTransaction(transaction: $0.transaction, sender: $0.sender) },
                    overrides: overrides, environment: environment, world: &world)
    }

    /// Executes transactions whose calls may already be decoded (the node decodes them at admission).
    public static func execute(
        _ transactions: [ExecutableTransaction], overrides: [BalanceOverride] = [],
        environment: BlockEnvironment, world: inout WorldState
    ) throws(BlockExecutionError) -> BlockCommit {
        var builder = BlockBuilder(environment: environment, overrides: overrides, world: &world)
        try builder.apply(transactions[...], world: &world)
        return builder.seal(world: &world)
    }

    /// One transaction after its nonce was taken.
    fileprivate static func run(
        _ signed: SignedTransaction, from sender: Address, call decoded: ChainCall?, environment: BlockEnvironment,
        world: inout WorldState, tracker: inout ChangeTracker
    ) throws(BlockExecutionError) -> TransactionOutcome {
        let transaction = signed.transaction
        func reverted(_ reason: String, gas: UInt64) -> TransactionOutcome {
            TransactionOutcome(succeeded: false, gasUsed: gas, cumulativeGasUsed: 0, logs: [], revertReason: reason)
        }
        // Mempool admission refuses contract creation; a replayed one reverts.
        guard let to = transaction.to else {
            return reverted("contract creation is not supported on this chain", gas: PoCoBinding.baseGas)
        }
        let call: ChainCall
        if let decoded {
            call = decoded
        } else {
            do throws(BindingError) {
                call = try ChainCall(to: to, data: transaction.data, config: world.engine.config)
            } catch {
                return reverted(error.description, gas: min(transaction.gasLimit, PoCoBinding.baseGas))
            }
        }
        let gas = call.gasUsed
        guard transaction.gasLimit >= gas else {
            return reverted("out of gas: the call uses \(gas) gas, the transaction allows \(transaction.gasLimit)",
                            gas: transaction.gasLimit)
        }
        let value = transaction.value
        guard world.account(sender).balance >= value else {
            return reverted("insufficient balance: \(sender.checksummed) holds less than the \(value) wei sent", gas: gas)
        }
        var logs: [ReceiptLog] = []
        var payouts: [NativePayout] = []
        if case .poco(let pocoCall) = call {
            do throws(PoCoError) {
                let receipt = try world.engine.apply(
                    pocoCall, CallContext(sender: sender, value: value, blockTime: environment.timestamp))
                tracker.record(receipt.changes)
                logs = receipt.logs.map { ReceiptLog(address: $0.address, topics: $0.topics, data: $0.data) }
                payouts = receipt.payouts
            } catch {
                return reverted(error.reason, gas: gas)
            }
        }
        try move(value, from: sender, to: to, world: &world, tracker: &tracker)
        for payout in payouts {
            try move(payout.wei, from: world.engine.config.hub, to: payout.to, world: &world, tracker: &tracker)
        }
        return TransactionOutcome(succeeded: true, gasUsed: gas, cumulativeGasUsed: 0, logs: logs)
    }

    fileprivate static func move(
        _ wei: UInt256, from source: Address, to destination: Address, world: inout WorldState,
        tracker: inout ChangeTracker
    ) throws(BlockExecutionError) {
        guard !wei.isZero, source != destination else { return }
        var from = world.account(source)
        guard from.balance >= wei else { throw .nativeUnderflow(address: source) }
        from.balance = from.balance &- wei
        tracker.set(source, from, in: &world)
        var to = world.account(destination)
        // The coin is conserved, so a balance cannot pass the total supply (< 2²⁵⁶).
        to.balance = to.balance &+ wei
        tracker.set(destination, to, in: &world)
    }
}

/// Collects a block's changes as final values, each key once, in first-change order.
fileprivate struct ChangeTracker: Sendable {
    private var pocoOrder: [StateKey] = []
    private var pocoLatest: [StateKey: StateValue?] = [:]
    private var accountOrder: [Address] = []
    private var touched: Set<Address> = []

    mutating func record(_ changes: [StateChange]) {
        for change in changes {
            if pocoLatest.updateValue(change.value, forKey: change.key) == nil { pocoOrder.append(change.key) }
        }
    }

    mutating func set(_ address: Address, _ account: NativeAccount, in world: inout WorldState) {
        world.setAccount(address, account)
        if touched.insert(address).inserted { accountOrder.append(address) }
    }

    func stateChanges() -> [StateChangeRecord] {
        pocoOrder.map { key in
            StateChangeRecord(key: key.encoded, value: (pocoLatest[key] ?? nil)?.encoded)
        }
    }

    func accountChanges(in world: WorldState) -> [(address: Address, account: NativeAccount)] {
        accountOrder.map { ($0, world.account($0)) }
    }
}

/// A block under construction: transactions applied in slices (so that a long block can let other
/// work of the node run between them), then sealed into its commit. `BlockExecutor.execute` is
/// the one-slice case.
public struct BlockBuilder: Sendable {
    /// Where the block sits.
    public let environment: BlockEnvironment
    private let overrides: [BalanceOverride]
    private var tracker = ChangeTracker()
    private var included: [IncludedTransaction] = []
    private var cumulativeGas: UInt64 = 0

    /// Starts a block: applies `overrides` to `world`.
    public init(environment: BlockEnvironment, overrides: [BalanceOverride], world: inout WorldState) {
        self.environment = environment
        self.overrides = overrides
        for override in overrides {
            var account = world.account(override.address)
            account.balance = override.balance
            tracker.set(override.address, account, in: &world)
        }
    }

    /// How many transactions the block holds so far.
    public var count: Int { included.count }

    /// Applies the next transactions, in order, to `world`.
    public mutating func apply(
        _ transactions: ArraySlice<ExecutableTransaction>, world: inout WorldState
    ) throws(BlockExecutionError) {
        included.reserveCapacity(included.count + transactions.count)
        for executable in transactions {
            let (transaction, sender) = (executable.transaction, executable.sender)
            var account = world.account(sender)
            guard account.nonce == transaction.transaction.nonce else {
                throw .nonceMismatch(index: included.count, sender: sender, expected: account.nonce,
                                     actual: transaction.transaction.nonce)
            }
            account.nonce += 1
            tracker.set(sender, account, in: &world)
            var outcome = try BlockExecutor.run(transaction, from: sender, call: executable.call,
                                                environment: environment, world: &world, tracker: &tracker)
            let (sum, overflow) = cumulativeGas.addingReportingOverflow(outcome.gasUsed)
            guard !overflow, sum <= environment.gasLimit else {
                throw .gasLimitExceeded(used: overflow ? .max : sum, limit: environment.gasLimit)
            }
            cumulativeGas = sum
            outcome.cumulativeGasUsed = sum
            included.append(IncludedTransaction(transaction: transaction, sender: sender, outcome: outcome))
        }
    }

    /// Computes the roots and the header, leaving `world` with its commitment up to date.
    public func seal(world: inout WorldState) -> BlockCommit {
        let stateChanges = tracker.stateChanges()
        world.commit(stateChanges)
        let (receiptsRoot, bloom) = Receipt.rootAndBloom(of: included.map(\.receipt))
        let header = BlockHeader(
            parentHash: environment.parentHash, miner: environment.miner, stateRoot: world.stateRoot(),
            transactionsRoot: MerklePatriciaTrie.orderedRoot(included.map(\.transaction.rawBytes)),
            receiptsRoot: receiptsRoot, logsBloom: bloom,
            number: environment.number, gasLimit: environment.gasLimit, gasUsed: cumulativeGas,
            timestamp: environment.timestamp)
        let block = SealedBlock(header: header, transactions: included, balanceOverrides: overrides)
        return BlockCommit(block: block, stateChanges: stateChanges, accountChanges: tracker.accountChanges(in: world))
    }
}
