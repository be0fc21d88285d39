import Ethereum

/// A log as a receipt carries it: the emitting contract, its topics, its data.
public struct ReceiptLog: Sendable, Hashable {
    /// The contract that emitted the log.
    public var address: Address
    /// topic0 (usually the event's signature hash) then the indexed arguments; at most 4.
    public var topics: [Hash32]
    /// The non-indexed arguments, ABI-encoded.
    public var data: [UInt8]

    /// A log from its parts.
    public init(address: Address, topics: [Hash32], data: [UInt8]) {
        self.address = address
        self.topics = topics
        self.data = data
    }

    /// The log's RLP item: `[address, [topics…], data]`.
    public var rlpItem: RLP.Item {
        .list([.bytes(address.bytes), .list(topics.map { .bytes($0.bytes) }), .bytes(data)])
    }
}

/// A transaction receipt (post-Byzantium: a status instead of a state root), encoded as
/// EIP-2718 says: `type ‖ rlp([status, cumulativeGasUsed, logsBloom, logs])` for a typed
/// transaction's receipt, the bare RLP list for a legacy one.
public struct Receipt: Sendable, Hashable {
    /// The type of the transaction the receipt is for; it prefixes the encoding unless legacy.
    public var type: TransactionType
    /// Whether the transaction succeeded (encoded 1) or reverted (encoded as the empty string).
    public var succeeded: Bool
    /// The gas used in the block up to and including this transaction.
    public var cumulativeGasUsed: UInt64
    /// The logs the transaction emitted, in order.
    public var logs: [ReceiptLog]

    /// A receipt from its parts; the bloom is derived from `logs`.
    public init(type: TransactionType, succeeded: Bool, cumulativeGasUsed: UInt64, logs: [ReceiptLog]) {
        self.type = type
        self.succeeded = succeeded
        self.cumulativeGasUsed = cumulativeGasUsed
        self.logs = logs
    }

    /// The bloom of the receipt's logs' addresses and topics.
    public var logsBloom: LogsBloom { LogsBloom(logs: logs) }

    /// The receipt's RLP list `[status, cumulativeGasUsed, logsBloom, logs]`.
    public var rlpItem: RLP.Item { rlpItem(bloom: logsBloom) }

    private func rlpItem(bloom: LogsBloom) -> RLP.Item {
        .list([
            .bytes(succeeded ? [1] : []),
            .uint(cumulativeGasUsed),
            .bytes(bloom.bytes),
            .list(logs.map(\.rlpItem)),
        ])
    }

    /// The consensus encoding: the value stored under RLP(index) in the receipts trie.
    public var encoded: [UInt8] { encoded(bloom: logsBloom) }

    /// The encoding with the receipt's bloom already computed (it costs a Keccak per address and topic).
    func encoded(bloom: LogsBloom) -> [UInt8] {
        let body = RLP.encode(rlpItem(bloom: bloom))
        return type == .legacy ? body : [type.rawValue] + body
    }

    /// The `receiptsRoot` of a block whose receipts are `receipts`, in transaction order.
    public static func root(of receipts: [Receipt]) -> Hash32 {
        MerklePatriciaTrie.orderedRoot(receipts.map(\.encoded))
    }

    /// The `receiptsRoot` and the block's `logsBloom` (the union of the receipts'), each receipt's
    /// bloom computed once for both.
    public static func rootAndBloom(of receipts: [Receipt]) -> (root: Hash32, bloom: LogsBloom) {
        var union = LogsBloom()
        var encodings: [[UInt8]] = []
        encodings.reserveCapacity(receipts.count)
        for receipt in receipts {
            let bloom = receipt.logsBloom
            union.formUnion(bloom)
            encodings.append(receipt.encoded(bloom: bloom))
        }
        return (MerklePatriciaTrie.orderedRoot(encodings), union)
    }
}
