import Ethereum

/// An account's native side: its transaction count and its coin (RLC in wei, 18 decimals).
public struct NativeAccount: Hashable, Sendable {
    /// The number of transactions the account has had mined: the nonce its next one must carry.
    public var nonce: UInt64
    /// Its native coin in wei.
    public var balance: UInt256

    /// An account with `nonce` and `balance` (both zero by default).
    public init(nonce: UInt64 = 0, balance: UInt256 = .zero) {
        self.nonce = nonce
        self.balance = balance
    }

    /// Whether the account is the default one (never used, nothing held): it is not stored.
    public var isEmpty: Bool { nonce == 0 && balance.isZero }

    /// `RLP([nonce, balance])`, integers minimal big-endian: what the state root and the ledger keep.
    public var encoded: [UInt8] { RLP.encode(.list([.uint(nonce), .uint(balance)])) }

    /// Decodes ``encoded``.
    public init(encoded bytes: [UInt8]) throws(RLPError) {
        let fields = try RLP.decode(bytes).asList()
        guard fields.count == 2 else { throw RLPError.wrongItemCount(expected: 2, actual: fields.count) }
        self.init(nonce: try fields[0].asUInt64(), balance: try fields[1].asUInt256())
    }
}
