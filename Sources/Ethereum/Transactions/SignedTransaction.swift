/// A signed transaction: its fields, its signature, and the exact bytes `eth_sendRawTransaction`
/// takes.
public struct SignedTransaction: Sendable, Hashable {
    /// The signed fields.
    public let transaction: UnsignedTransaction
    /// The sender's signature over `transaction.signingHash`.
    public let signature: Signature
    /// The EIP-2718 envelope: `rlp([fields…, v, r, s])` for legacy, `type ‖ rlp([fields…, yParity, r, s])`
    /// for typed transactions.
    public let rawBytes: [UInt8]
    /// The transaction hash: Keccak-256 of `rawBytes`.
    public let hash: Hash32

    /// Pairs fields with a signature made over their `signingHash` and encodes them.
    public init(transaction: UnsignedTransaction, signature: Signature) {
        let trailer: [RLP.Item] = [
            .uint(Self.v(for: transaction, yParity: signature.yParity)),
            .bytes(Array(signature.r.drop(while: { $0 == 0 }))),
            .bytes(Array(signature.s.drop(while: { $0 == 0 }))),
        ]
        let rawBytes: [UInt8]
        switch transaction {
        case .legacy(let tx):
            rawBytes = RLP.encode(.list(tx.bodyItems + trailer))
        case .eip2930(let tx):
            rawBytes = [TransactionType.eip2930.rawValue] + RLP.encode(.list(tx.fieldItems + trailer))
        case .eip1559(let tx):
            rawBytes = [TransactionType.eip1559.rawValue] + RLP.encode(.list(tx.fieldItems + trailer))
        }
        self.init(transaction: transaction, signature: signature, rawBytes: rawBytes)
    }

    /// Stores already-encoded bytes (from decoding, where they are the canonical encoding).
    init(transaction: UnsignedTransaction, signature: Signature, rawBytes: [UInt8]) {
        self.transaction = transaction
        self.signature = signature
        self.rawBytes = rawBytes
        self.hash = Keccak256.hash(rawBytes)
    }

    /// The EIP-2718 kind.
    public var type: TransactionType { transaction.type }

    /// The chain id the signature binds to; nil for a legacy transaction signed without EIP-155,
    /// which any chain would replay.
    public var chainId: UInt64? { transaction.chainId }

    /// False only for a legacy transaction signed without EIP-155 (v = 27/28).
    public var isReplayProtected: Bool { chainId != nil }

    /// The `v` value on the wire: 27/28 (legacy), `chainId·2 + 35 + yParity` (EIP-155), or the
    /// y parity 0/1 (typed).
    public var v: UInt256 { Self.v(for: transaction, yParity: signature.yParity) }

    /// Recovers the sender's address from the signature.
    public func sender() throws(TransactionError) -> Address {
        do throws(Secp256k1Error) {
            return try signature.recoverAddress(digest: transaction.signingHash)
        } catch {
            throw .invalidSignature(error)
        }
    }

    /// `v` for the wire. A 64-bit chain id makes an EIP-155 `v` up to 66 bits, hence 128-bit arithmetic.
    static func v(for transaction: UnsignedTransaction, yParity: UInt8) -> UInt256 {
        switch transaction {
        case .legacy(let tx):
            guard let chainId = tx.chainId else { return UInt256(UInt64(27 + yParity)) }
            let v = UInt128(chainId) * 2 + 35 + UInt128(yParity)
            return UInt256(w0: UInt64(truncatingIfNeeded: v), w1: UInt64(v >> 64), w2: 0, w3: 0)
        case .eip2930, .eip1559:
            return UInt256(UInt64(yParity))
        }
    }
}
