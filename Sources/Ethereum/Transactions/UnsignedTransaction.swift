/// A legacy transaction: EIP-155 replay-protected when `chainId` is set, the original
/// (Frontier/Homestead) form when it is nil.
public struct LegacyTransaction: Sendable, Hashable {
    /// The sender's transaction count before this one.
    public var nonce: UInt64
    /// Wei paid per unit of gas.
    public var gasPrice: UInt256
    /// The most gas the transaction may use.
    public var gasLimit: UInt64
    /// The callee; nil creates a contract (representable here; the chain decides whether to accept it).
    public var to: Address?
    /// Wei transferred.
    public var value: UInt256
    /// Call data (or init code for a creation).
    public var data: [UInt8]
    /// The EIP-155 chain id; nil signs without replay protection (v = 27/28).
    public var chainId: UInt64?

    /// A legacy transaction with the given fields.
    public init(
        nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
        value: UInt256 = .zero, data: [UInt8] = [], chainId: UInt64?
    ) {
        (self.nonce, self.gasPrice, self.gasLimit, self.to) = (nonce, gasPrice, gasLimit, to)
        (self.value, self.data, self.chainId) = (value, data, chainId)
    }

    /// `[nonce, gasPrice, gas, to, value, data]`, the fields both forms share.
    var bodyItems: [RLP.Item] {
        [.uint(nonce), .uint(gasPrice), .uint(gasLimit), .address(to), .uint(value), .bytes(data)]
    }

    /// The bytes whose Keccak-256 is signed: `rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0])`
    /// under EIP-155, `rlp([nonce, gasPrice, gas, to, value, data])` without it.
    public var signingPayload: [UInt8] {
        guard let chainId else { return RLP.encode(.list(bodyItems)) }
        return RLP.encode(.list(bodyItems + [.uint(chainId), .uint(UInt64(0)), .uint(UInt64(0))]))
    }

    /// The digest the sender signs.
    public var signingHash: Hash32 { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low-s).
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: .legacy(self), signature: key.sign(digest: signingHash))
    }
}

/// An EIP-2930 transaction (type 0x01): a gas price plus an access list.
public struct EIP2930Transaction: Sendable, Hashable {
    /// The chain the signature is valid on.
    public var chainId: UInt64
    /// The sender's transaction count before this one.
    public var nonce: UInt64
    /// Wei paid per unit of gas.
    public var gasPrice: UInt256
    /// The most gas the transaction may use.
    public var gasLimit: UInt64
    /// The callee; nil creates a contract.
    public var to: Address?
    /// Wei transferred.
    public var value: UInt256
    /// Call data (or init code for a creation).
    public var data: [UInt8]
    /// Accounts and storage slots declared up front.
    public var accessList: AccessList

    /// An EIP-2930 transaction with the given fields.
    public init(
        chainId: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
        value: UInt256 = .zero, data: [UInt8] = [], accessList: AccessList = []
    ) {
        (self.chainId, self.nonce, self.gasPrice, self.gasLimit) = (chainId, nonce, gasPrice, gasLimit)
        (self.to, self.value, self.data, self.accessList) = (to, value, data, accessList)
    }

    /// `[chainId, nonce, gasPrice, gas, to, value, data, accessList]`.
    var fieldItems: [RLP.Item] {
        [.uint(chainId), .uint(nonce), .uint(gasPrice), .uint(gasLimit), .address(to), .uint(value),
         .bytes(data), accessList.rlpItem]
    }

    /// The bytes whose Keccak-256 is signed: `0x01 ‖ rlp([chainId, …, accessList])`.
    public var signingPayload: [UInt8] { [TransactionType.eip2930.rawValue] + RLP.encode(.list(fieldItems)) }

    /// The digest the sender signs.
    public var signingHash: Hash32 { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low-s).
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: .eip2930(self), signature: key.sign(digest: signingHash))
    }
}

/// An EIP-1559 transaction (type 0x02): a fee cap and a priority fee plus an access list.
public struct EIP1559Transaction: Sendable, Hashable {
    /// The chain the signature is valid on.
    public var chainId: UInt64
    /// The sender's transaction count before this one.
    public var nonce: UInt64
    /// The most wei per gas paid to the block producer on top of the base fee.
    public var maxPriorityFeePerGas: UInt256
    /// The most wei per gas paid in all (base fee plus priority fee).
    public var maxFeePerGas: UInt256
    /// The most gas the transaction may use.
    public var gasLimit: UInt64
    /// The callee; nil creates a contract.
    public var to: Address?
    /// Wei transferred.
    public var value: UInt256
    /// Call data (or init code for a creation).
    public var data: [UInt8]
    /// Accounts and storage slots declared up front.
    public var accessList: AccessList

    /// An EIP-1559 transaction with the given fields.
    public init(
        chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256,
        gasLimit: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = [],
        accessList: AccessList = []
    ) {
        (self.chainId, self.nonce, self.gasLimit, self.to) = (chainId, nonce, gasLimit, to)
        (self.maxPriorityFeePerGas, self.maxFeePerGas) = (maxPriorityFeePerGas, maxFeePerGas)
        (self.value, self.data, self.accessList) = (value, data, accessList)
    }

    /// `[chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList]`.
    var fieldItems: [RLP.Item] {
        [.uint(chainId), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
         .address(to), .uint(value), .bytes(data), accessList.rlpItem]
    }

    /// The bytes whose Keccak-256 is signed: `0x02 ‖ rlp([chainId, …, accessList])`.
    public var signingPayload: [UInt8] { [TransactionType.eip1559.rawValue] + RLP.encode(.list(fieldItems)) }

    /// The digest the sender signs.
    public var signingHash: Hash32 { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low-s).
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: .eip1559(self), signature: key.sign(digest: signingHash))
    }
}

/// Any of the supported transactions, before signing; the common fields read through it.
public enum UnsignedTransaction: Sendable, Hashable {
    /// A legacy transaction (EIP-155 or not).
    case legacy(LegacyTransaction)
    /// An EIP-2930 transaction.
    case eip2930(EIP2930Transaction)
    /// An EIP-1559 transaction.
    case eip1559(EIP1559Transaction)

    /// The EIP-2718 kind.
    public var type: TransactionType {
        switch self {
        case .legacy: return .legacy
        case .eip2930: return .eip2930
        case .eip1559: return .eip1559
        }
    }

    /// The chain id the signature binds to; nil for a legacy transaction without EIP-155.
    public var chainId: UInt64? {
        switch self {
        case .legacy(let tx): return tx.chainId
        case .eip2930(let tx): return tx.chainId
        case .eip1559(let tx): return tx.chainId
        }
    }

    /// The sender's transaction count before this one.
    public var nonce: UInt64 {
        switch self {
        case .legacy(let tx): return tx.nonce
        case .eip2930(let tx): return tx.nonce
        case .eip1559(let tx): return tx.nonce
        }
    }

    /// The most gas the transaction may use.
    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let tx): return tx.gasLimit
        case .eip2930(let tx): return tx.gasLimit
        case .eip1559(let tx): return tx.gasLimit
        }
    }

    /// The callee; nil for a contract creation.
    public var to: Address? {
        switch self {
        case .legacy(let tx): return tx.to
        case .eip2930(let tx): return tx.to
        case .eip1559(let tx): return tx.to
        }
    }

    /// Wei transferred.
    public var value: UInt256 {
        switch self {
        case .legacy(let tx): return tx.value
        case .eip2930(let tx): return tx.value
        case .eip1559(let tx): return tx.value
        }
    }

    /// Call data (or init code for a creation).
    public var data: [UInt8] {
        switch self {
        case .legacy(let tx): return tx.data
        case .eip2930(let tx): return tx.data
        case .eip1559(let tx): return tx.data
        }
    }

    /// The access list; empty for a legacy transaction.
    public var accessList: AccessList {
        switch self {
        case .legacy: return []
        case .eip2930(let tx): return tx.accessList
        case .eip1559(let tx): return tx.accessList
        }
    }

    /// The fee cap per gas: `maxFeePerGas`, or the gas price for legacy and EIP-2930 (as geth's `GasFeeCap`).
    public var maxFeePerGas: UInt256 {
        switch self {
        case .legacy(let tx): return tx.gasPrice
        case .eip2930(let tx): return tx.gasPrice
        case .eip1559(let tx): return tx.maxFeePerGas
        }
    }

    /// The tip cap per gas: `maxPriorityFeePerGas`, or the gas price for legacy and EIP-2930 (as geth's `GasTipCap`).
    public var maxPriorityFeePerGas: UInt256 {
        switch self {
        case .legacy(let tx): return tx.gasPrice
        case .eip2930(let tx): return tx.gasPrice
        case .eip1559(let tx): return tx.maxPriorityFeePerGas
        }
    }

    /// The bytes whose Keccak-256 is signed.
    public var signingPayload: [UInt8] {
        switch self {
        case .legacy(let tx): return tx.signingPayload
        case .eip2930(let tx): return tx.signingPayload
        case .eip1559(let tx): return tx.signingPayload
        }
    }

    /// The digest the sender signs.
    public var signingHash: Hash32 { Keccak256.hash(signingPayload) }

    /// Signs with `key` (RFC 6979, low-s).
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: self, signature: key.sign(digest: signingHash))
    }
}
