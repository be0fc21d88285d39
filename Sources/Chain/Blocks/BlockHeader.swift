import Ethereum

/// A block header with the fields and encoding of an Ethereum London header, so that clients
/// (web3.py, ethers) read it as they read any other: `hash = keccak256(RLP(fields))`.
///
/// Fixed by this chain: no ommers (`sha3Uncles` is the hash of the empty list), difficulty 0,
/// `mixHash` and `nonce` zero, `baseFeePerGas` 0 (gas is free).
public struct BlockHeader: Hashable, Sendable {
    /// The previous block's hash (zero for block 0).
    public var parentHash: Hash32
    /// The account credited for sealing the block (the node's coinbase; receives nothing, gas is free).
    public var miner: Address
    /// ``StateCommitment`` root of the state after the block.
    public var stateRoot: Hash32
    /// Root of the trie of the block's transactions (EIP-2718 encodings by RLP(index)).
    public var transactionsRoot: Hash32
    /// Root of the trie of the block's receipts.
    public var receiptsRoot: Hash32
    /// The union of the receipts' blooms.
    public var logsBloom: LogsBloom
    /// The block's height (0 for genesis).
    public var number: UInt64
    /// The most gas the block's transactions may use together.
    public var gasLimit: UInt64
    /// The gas its transactions used.
    public var gasUsed: UInt64
    /// Seconds since 1970; never below the parent's (several blocks may share a second).
    public var timestamp: UInt64
    /// Free bytes; block 0 carries the genesis hash (`GenesisState.genesisHash`) here.
    public var extraData: [UInt8]

    /// A header from its fields.
    public init(parentHash: Hash32, miner: Address, stateRoot: Hash32, transactionsRoot: Hash32,
                receiptsRoot: Hash32, logsBloom: LogsBloom, number: UInt64, gasLimit: UInt64,
                gasUsed: UInt64, timestamp: UInt64, extraData: [UInt8] = []) {
        self.parentHash = parentHash
        self.miner = miner
        self.stateRoot = stateRoot
        self.transactionsRoot = transactionsRoot
        self.receiptsRoot = receiptsRoot
        self.logsBloom = logsBloom
        self.number = number
        self.gasLimit = gasLimit
        self.gasUsed = gasUsed
        self.timestamp = timestamp
        self.extraData = extraData
    }

    /// keccak256 of the RLP of the empty list: `sha3Uncles` of a block without ommers.
    public static let emptyOmmersHash = Keccak256.hash(RLP.encode(.list([])))

    /// The 16 fields of a London header, in order.
    public var rlpItem: RLP.Item {
        .list([
            .bytes(parentHash.bytes), .bytes(Self.emptyOmmersHash.bytes), .address(miner),
            .bytes(stateRoot.bytes), .bytes(transactionsRoot.bytes), .bytes(receiptsRoot.bytes),
            .bytes(logsBloom.bytes), .uint(UInt64(0)), .uint(number), .uint(gasLimit), .uint(gasUsed),
            .uint(timestamp), .bytes(extraData), .bytes(Hash32.zero.bytes), .bytes([UInt8](repeating: 0, count: 8)),
            .uint(UInt64(0)),
        ])
    }

    /// The header's RLP encoding.
    public var encoded: [UInt8] { RLP.encode(rlpItem) }

    /// The block hash.
    public var hash: Hash32 { Keccak256.hash(encoded) }

    /// Decodes ``encoded``, refusing anything this chain would not have written.
    public init(encoded bytes: [UInt8]) throws(RLPError) {
        let fields = try RLP.decode(bytes).asList()
        guard fields.count == 16 else { throw .wrongItemCount(expected: 16, actual: fields.count) }
        let bloomBytes = try fields[6].asBytes()
        guard let bloom = try? LogsBloom(bloomBytes) else {
            throw .wrongByteCount(expected: 256, actual: bloomBytes.count)
        }
        self.init(
            parentHash: try fields[0].asHash32(), miner: try fields[2].asAddress(),
            stateRoot: try fields[3].asHash32(), transactionsRoot: try fields[4].asHash32(),
            receiptsRoot: try fields[5].asHash32(), logsBloom: bloom, number: try fields[8].asUInt64(),
            gasLimit: try fields[9].asUInt64(), gasUsed: try fields[10].asUInt64(),
            timestamp: try fields[11].asUInt64(), extraData: try fields[12].asBytes())
    }
}
