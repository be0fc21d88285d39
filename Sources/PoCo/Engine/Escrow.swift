import Ethereum

/// The native escrow (iExec's Bellecour mode): RLC is the chain's coin, the escrow counts nRLC.
public enum EscrowCall: Hashable, Sendable {
    /// Payable: credits value / 1e9 nRLC to the sender; the change below 1 nRLC goes back.
    case deposit
    /// Payable: credits value / 1e9 nRLC to `target`.
    case depositFor(target: Address)
    /// Payable: credits amounts[i] nRLC to targets[i]; what the value leaves over goes back.
    case depositForArray(amounts: [UInt256], targets: [Address])
    /// Burns `amount` nRLC of the sender and pays amount · 1e9 wei back to it.
    case withdraw(amount: UInt256)
    /// Burns `amount` nRLC of the sender and pays amount · 1e9 wei to `target`.
    case withdrawTo(amount: UInt256, target: Address)

    var isPayable: Bool {
        switch self {
        case .deposit, .depositFor, .depositForArray: return true
        case .withdraw, .withdrawTo: return false
        }
    }
}

/// The SRLC ERC-20 surface of the escrow (free balances only).
public enum TokenCall: Hashable, Sendable {
    case transfer(to: Address, value: UInt256)
    case approve(spender: Address, value: UInt256)
    case transferFrom(from: Address, to: Address, value: UInt256)
    case increaseAllowance(spender: Address, addedValue: UInt256)
    case decreaseAllowance(spender: Address, subtractedValue: UInt256)
}

extension PoCoEngine {
    mutating func execute(_ call: EscrowCall) throws(PoCoError) -> CallOutput {
        let weiPerNRLC = PoCoConstants.weiPerNRLC
        switch call {
        case .deposit, .depositFor:
            let target: Address
            if case .depositFor(let to) = call { target = to } else { target = context.sender }
            let (amount, change) = context.value.quotientAndRemainder(dividingBy: weiPerNRLC)
            try mint(target, amount)
            if !change.isZero { payouts.append(NativePayout(to: context.sender, wei: change)) }
        case .depositForArray(let amounts, let targets):
            guard amounts.count == targets.count else { throw .invalidArrayLength }
            var remaining = context.value
            for (amount, target) in zip(amounts, targets) {
                remaining = try remaining.minus(try amount.times(weiPerNRLC))
                try mint(target, amount)
            }
            if !remaining.isZero { payouts.append(NativePayout(to: context.sender, wei: remaining)) }
        case .withdraw(let amount):
            try burn(context.sender, amount)
            payouts.append(NativePayout(to: context.sender, wei: try amount.times(weiPerNRLC)))
        case .withdrawTo(let amount, let target):
            try burn(context.sender, amount)
            payouts.append(NativePayout(to: target, wei: try amount.times(weiPerNRLC)))
        }
        return .bool(true)
    }

    mutating func execute(_ call: TokenCall) throws(PoCoError) -> CallOutput {
        let sender = context.sender
        switch call {
        case .transfer(let to, let value):
            try transferFree(from: sender, to: to, value)
        case .approve(let spender, let value):
            try setAllowance(owner: sender, spender: spender, value)
        case .transferFrom(let from, let to, let value):
            // iExec moves the balance first, then spends the allowance.
            try transferFree(from: from, to: to, value)
            let allowance = state.uint(.allowance(owner: from, spender: sender))
            guard allowance >= value else { throw .insufficientAllowance }
            try setAllowance(owner: from, spender: sender, allowance &- value)
        case .increaseAllowance(let spender, let added):
            try setAllowance(owner: sender, spender: spender,
                             try state.uint(.allowance(owner: sender, spender: spender)).plus(added))
        case .decreaseAllowance(let spender, let subtracted):
            let allowance = state.uint(.allowance(owner: sender, spender: spender))
            guard allowance >= subtracted else { throw .allowanceBelowZero }
            try setAllowance(owner: sender, spender: spender, allowance &- subtracted)
        }
        return .bool(true)
    }

    private mutating func setAllowance(owner: Address, spender: Address, _ value: UInt256) throws(PoCoError) {
        guard spender != .zero else { throw .approveToZeroAddress }
        state.setUInt(.allowance(owner: owner, spender: spender), value)
        emit(.approval(owner: owner, spender: spender, value: value))
    }

    /// ERC-20 transfer of free balance.
    private mutating func transferFree(from: Address, to: Address, _ value: UInt256) throws(PoCoError) {
        guard to != .zero else { throw .transferToZeroAddress }
        var source = state.account(from)
        guard source.balance >= value else { throw .transferExceedsBalance }
        source.balance = source.balance &- value
        state.setAccount(from, source)
        var target = state.account(to)
        target.balance = try target.balance.plus(value)
        state.setAccount(to, target)
        emit(.transfer(from: from, to: to, value: value))
    }

    private mutating func mint(_ account: Address, _ amount: UInt256) throws(PoCoError) {
        guard account != .zero else { throw .transferToZeroAddress }
        state.setUInt(.totalSupply, try state.uint(.totalSupply).plus(amount))
        var target = state.account(account)
        target.balance = try target.balance.plus(amount)
        state.setAccount(account, target)
        emit(.transfer(from: .zero, to: account, value: amount))
    }

    private mutating func burn(_ account: Address, _ amount: UInt256) throws(PoCoError) {
        var source = state.account(account)
        guard source.balance >= amount else { throw .transferExceedsBalance }
        source.balance = source.balance &- amount
        state.setAccount(account, source)
        state.setUInt(.totalSupply, state.uint(.totalSupply) &- amount)
        emit(.transfer(from: account, to: .zero, value: amount))
    }
}

// The escrow moves PoCo makes on its own (iExec's IexecEscrow): each keeps Σ balance + frozen over all
// accounts equal to the total supply once the call ends. `seize` takes frozen value into the call's
// pot; `reward` pays out of it; a call ends with an empty pot.
extension PoCoEngine {
    /// Free → frozen (`Transfer(account → hub)`, `Lock`).
    mutating func lock(_ account: Address, _ value: UInt256, emitTransfer: Bool = true) throws(PoCoError) {
        guard account != .zero else { throw .escrowZeroAddress }
        var target = state.account(account)
        guard target.balance >= value else { throw .insufficientBalance }
        target.balance = target.balance &- value
        target.frozen = try target.frozen.plus(value)
        state.setAccount(account, target)
        if emitTransfer { emit(.transfer(from: account, to: config.hub, value: value)) }
        emit(.lock(owner: account, amount: value))
    }

    /// Frozen → free (`Transfer(hub → account)`, `Unlock`).
    mutating func unlock(_ account: Address, _ value: UInt256) throws(PoCoError) {
        var target = state.account(account)
        target.frozen = try target.frozen.minus(value)
        target.balance = try target.balance.plus(value)
        state.setAccount(account, target)
        emit(.transfer(from: config.hub, to: account, value: value))
        emit(.unlock(owner: account, amount: value))
    }

    /// Frozen → the call's pot (`Seize`, no Transfer). With `emitEvent` false the caller emits the
    /// `Seize` itself, where iExec's event order puts it.
    mutating func seize(_ account: Address, _ value: UInt256, ref: Hash32, emitEvent: Bool = true) throws(PoCoError) {
        var target = state.account(account)
        target.frozen = try target.frozen.minus(value)
        state.setAccount(account, target)
        pot = try pot.plus(value)
        if emitEvent { emit(.seize(owner: account, amount: value, ref: ref)) }
    }

    /// The call's pot → free balance (`Transfer(hub → account)`, `Reward`).
    mutating func reward(_ account: Address, _ value: UInt256, ref: Hash32, emitTransfer: Bool = true) throws(PoCoError) {
        guard account != .zero else { throw .escrowZeroAddress }
        pot = try pot.minus(value)
        var target = state.account(account)
        target.balance = try target.balance.plus(value)
        state.setAccount(account, target)
        if emitTransfer { emit(.transfer(from: config.hub, to: account, value: value)) }
        emit(.reward(owner: account, amount: value, ref: ref))
    }
}
