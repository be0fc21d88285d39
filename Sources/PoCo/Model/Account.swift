import Ethereum

/// An escrow account, in nRLC: `balance` is free (ERC-20 `balanceOf`), `frozen` is locked
/// (`frozenOf`). `viewAccount` shows them as `(stake, locked)`.
public struct Account: Hashable, Sendable {
    public var balance: UInt256
    public var frozen: UInt256

    public init(balance: UInt256 = .zero, frozen: UInt256 = .zero) {
        self.balance = balance
        self.frozen = frozen
    }

    /// True when the account holds nothing (it is then absent from the state).
    public var isEmpty: Bool { balance.isZero && frozen.isZero }
}
