import Ethereum

/// Why the mempool refuses a raw transaction; each case says which rule and what the sender can do.
public enum MempoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The raw bytes are longer than the configured limit.
    case oversized(size: Int, limit: Int)
    /// The bytes do not decode as a signed transaction, or its signature does not recover a sender.
    case invalidTransaction(TransactionError)
    /// A legacy transaction signed without EIP-155: any chain would replay it.
    case missingChainId
    /// The signature binds to another chain.
    case wrongChainId(expected: UInt64, actual: UInt64)
    /// `to` is empty: the transaction would create a contract.
    case contractCreation
    /// A transaction with this hash is already pending.
    case alreadyKnown(Hash32)
    /// The nonce is below the sender's next nonce: that slot is already used by a mined transaction.
    case nonceTooLow(sender: Address, nonce: UInt64, next: UInt64)
    /// The nonce is more than `maxAhead` above the sender's next nonce.
    case nonceTooFarAhead(sender: Address, nonce: UInt64, next: UInt64, maxAhead: UInt64)
    /// The sender already has a pending transaction with this nonce; this chain does not replace it.
    case replacementNotSupported(sender: Address, nonce: UInt64, pending: Hash32)
    /// The sender already has `limit` pending transactions.
    case senderLimitReached(sender: Address, limit: Int)
    /// The mempool holds `limit` transactions.
    case full(limit: Int)

    /// One line saying which rule refused the transaction and what to do about it.
    public var description: String {
        switch self {
        case .oversized(let size, let limit):
            return "transaction of \(size) bytes exceeds the \(limit)-byte limit: send smaller call data"
        case .invalidTransaction(let error):
            return "invalid raw transaction: \(error)"
        case .missingChainId:
            return "legacy transaction without a chain id (pre-EIP-155) is not accepted: sign it with the chain id (replay protection)"
        case .wrongChainId(let expected, let actual):
            return "transaction is signed for chain id \(actual), this chain's id is \(expected): sign it with chain id \(expected)"
        case .contractCreation:
            return "contract creation is not supported on this chain: 'to' must be the PoCo hub, a registry or an account"
        case .alreadyKnown(let hash):
            return "transaction \(hash.hex) is already known (pending)"
        case .nonceTooLow(let sender, let nonce, let next):
            return "nonce too low: \(sender.checksummed) sent nonce \(nonce), the next nonce is \(next)"
        case .nonceTooFarAhead(let sender, let nonce, let next, let maxAhead):
            return "nonce too far ahead: \(sender.checksummed) sent nonce \(nonce), the next nonce is \(next) and at most \(maxAhead) above it is accepted: send the missing nonces first"
        case .replacementNotSupported(let sender, let nonce, let pending):
            return "\(sender.checksummed) already has transaction \(pending.hex) pending with nonce \(nonce): replacing a pending transaction is not supported, wait for it to be mined"
        case .senderLimitReached(let sender, let limit):
            return "\(sender.checksummed) already has \(limit) pending transactions (the per-sender limit): wait for some to be mined"
        case .full(let limit):
            return "mempool is full (\(limit) pending transactions): retry after the next block"
        }
    }
}
