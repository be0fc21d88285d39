import Ethereum

/// The chain-level facts the engine needs: who governs, where the system contracts live, and the
/// EIP-712 domain orders are signed in.
public struct PoCoConfig: Hashable, Sendable {
    public var chainId: UInt64
    /// The PoCo hub (iExec's proxy): the `to` of PoCo calls and the domain's verifyingContract.
    public var hub: Address
    public var appRegistry: Address
    public var datasetRegistry: Address
    public var workerpoolRegistry: Address
    /// The account allowed to create categories (iExec's contract owner).
    public var governance: Address

    public init(chainId: UInt64, hub: Address, appRegistry: Address, datasetRegistry: Address,
                workerpoolRegistry: Address, governance: Address) {
        self.chainId = chainId
        self.hub = hub
        self.appRegistry = appRegistry
        self.datasetRegistry = datasetRegistry
        self.workerpoolRegistry = workerpoolRegistry
        self.governance = governance
    }

    /// The domain orders are hashed and signed in: iExecODB / 5.0.0 / chainId / hub.
    public var domain: PoCoDomain { PoCoDomain(chainId: UInt256(chainId), hub: hub) }

    /// The registry holding assets of `kind`.
    public func registry(_ kind: AssetKind) -> Address {
        switch kind {
        case .app: return appRegistry
        case .dataset: return datasetRegistry
        case .workerpool: return workerpoolRegistry
        }
    }
}

/// Who calls, with how much native coin, and when: everything a call knows of the world.
/// Time comes from the block; the engine has no clock.
public struct CallContext: Hashable, Sendable {
    public var sender: Address
    /// Native coin sent along, in wei (only payable functions accept it).
    public var value: UInt256
    /// The block's timestamp, in seconds.
    public var blockTime: UInt64

    public init(sender: Address, value: UInt256 = .zero, blockTime: UInt64) {
        self.sender = sender
        self.value = value
        self.blockTime = blockTime
    }
}

/// What a successful call returns (the function's return value).
public enum CallOutput: Hashable, Sendable {
    case none
    case bool(Bool)
    case hash(Hash32)
    case address(Address)
    case uint(UInt256)
}

/// Native coin the hub pays out of a call (a withdrawal, a deposit's change), in wei.
public struct NativePayout: Hashable, Sendable {
    public var to: Address
    public var wei: UInt256

    public init(to: Address, wei: UInt256) {
        self.to = to
        self.wei = wei
    }
}

/// Everything a successful call did.
public struct CallReceipt: Hashable, Sendable {
    public var output: CallOutput
    /// The events, in emission order.
    public var logs: [PoCoLog]
    /// Each state key the call changed, with its new value, in first-write order.
    public var changes: [StateChange]
    /// The value each changed key had before the call (aligned with `changes`; nil = absent).
    public var previousValues: [StateValue?]
    /// Native coin leaving the hub; the chain credits it to the recipients.
    public var payouts: [NativePayout]
}

/// The PoCo state machine: `apply(call, context)` either commits all of a call's effects and
/// returns them, or throws and changes nothing. No clock, randomness, I/O or global state.
public struct PoCoEngine: Sendable {
    public let config: PoCoConfig
    public internal(set) var state: PoCoState

    // Scratch of the call being applied.
    var context = CallContext(sender: .zero, blockTime: 0)
    var logs: [PoCoLog] = []
    var payouts: [NativePayout] = []
    /// Value seized and not yet rewarded within the call; zero between calls.
    var pot: UInt256 = .zero

    /// An engine over `state` (a new chain passes an empty one, then calls `installDefaultCategories`).
    public init(config: PoCoConfig, state: PoCoState = PoCoState()) {
        self.config = config
        self.state = state
    }

    /// Applies one call. On success every effect is kept and reported; on a revert nothing changed.
    public mutating func apply(_ call: PoCoCall, _ context: CallContext) throws(PoCoError) -> CallReceipt {
        self.context = context
        logs.removeAll(keepingCapacity: true)
        payouts.removeAll(keepingCapacity: true)
        state.beginJournal()
        do throws(PoCoError) {
            if !context.value.isZero && !call.isPayable { throw PoCoError.notPayable }
            let output = try execute(call)
            precondition(pot.isZero, "PoCo engine bug: a call seized \(pot) nRLC it did not pay out")
            let (changes, previous) = state.commitJournal()
            return CallReceipt(output: output, logs: logs, changes: changes, previousValues: previous, payouts: payouts)
        } catch {
            state.rollbackJournal()
            pot = .zero
            logs.removeAll()
            payouts.removeAll()
            throw error
        }
    }

    private mutating func execute(_ call: PoCoCall) throws(PoCoError) -> CallOutput {
        switch call {
        case .escrow(let call): return try execute(call)
        case .token(let call): return try execute(call)
        case .registry(let call): return try execute(call)
        case .governance(let call): return try execute(call)
        case .orders(let call): return try execute(call)
        case .matching(let call): return try execute(call)
        case .lifecycle(let call): return try execute(call)
        }
    }

    /// Records an event from the hub (or from `address`).
    mutating func emit(_ event: PoCoEvent, from address: Address? = nil) {
        logs.append(PoCoLog(address: address ?? config.hub, event: event))
    }

    /// The block time as a 256-bit word, for deadline arithmetic.
    var now: UInt256 { UInt256(context.blockTime) }
}

/// Every state-changing PoCo function, grouped by the contract facet that holds it in iExec.
public enum PoCoCall: Hashable, Sendable {
    case escrow(EscrowCall)
    case token(TokenCall)
    case registry(RegistryCall)
    case governance(GovernanceCall)
    case orders(OrderManagementCall)
    case matching(MatchingCall)
    case lifecycle(LifecycleCall)

    /// Only the native escrow's deposits take value.
    var isPayable: Bool {
        if case .escrow(let call) = self { return call.isPayable }
        return false
    }
}

/// Checked arithmetic that reverts like Solidity 0.8 (Panic 0x11) instead of trapping.
extension UInt256 {
    func plus(_ other: UInt256) throws(PoCoError) -> UInt256 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw .arithmeticOverflow }
        return sum
    }

    func minus(_ other: UInt256) throws(PoCoError) -> UInt256 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        if overflow { throw .arithmeticOverflow }
        return difference
    }

    func times(_ other: UInt256) throws(PoCoError) -> UInt256 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw .arithmeticOverflow }
        return product
    }

    /// Integer division by a non-zero constant.
    func over(_ divisor: UInt64) -> UInt256 { quotientAndRemainder(dividingBy: UInt256(divisor)).quotient }
}

extension PoCoEngine {
    /// Runs `call` as `apply` would and reports what it would do, then puts the state back: what
    /// `eth_call` and `eth_estimateGas` need. The state after returns equals the state before, whether the
    /// call succeeds or reverts.
    public mutating func simulate(_ call: PoCoCall, _ context: CallContext) throws(PoCoError) -> CallReceipt {
        let receipt = try apply(call, context)
        // Undo in reverse order of first write; each key appears once in `changes`.
        state.beginJournal()
        for (change, previous) in zip(receipt.changes, receipt.previousValues).reversed() {
            state.restore(change.key, to: previous)
        }
        state.beginJournal()
        return receipt
    }
}
