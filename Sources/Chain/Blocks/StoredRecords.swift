import Ethereum

/// A block as the ledger gives it back: header, hash, and its transactions' hashes in order.
public struct StoredBlock: Hashable, Sendable {
    /// The header.
    public var header: BlockHeader
    /// The block hash.
    public var hash: Hash32
    /// Its transactions' hashes, in order.
    public var transactionHashes: [Hash32]
    /// The size of the block's RLP encoding (header, transactions, empty ommers), as `size` reports it.
    public var size: Int
    /// Development balance overrides the block applied before its transactions.
    public var balanceOverrides: [BalanceOverride]

    /// A stored block from its parts.
    public init(header: BlockHeader, hash: Hash32, transactionHashes: [Hash32], size: Int,
                balanceOverrides: [BalanceOverride] = []) {
        self.header = header
        self.hash = hash
        self.transactionHashes = transactionHashes
        self.size = size
        self.balanceOverrides = balanceOverrides
    }

    /// The stored form of a sealed block.
    public init(_ block: SealedBlock) {
        self.init(header: block.header, hash: block.hash,
                  transactionHashes: block.transactions.map(\.transaction.hash),
                  size: block.encodedSize(headerByteCount: block.header.encoded.count),
                  balanceOverrides: block.balanceOverrides)
    }

    /// The block's number.
    public var number: UInt64 { header.number }
}

/// A mined transaction with where it sits: what `eth_getTransactionByHash` and
/// `eth_getTransactionReceipt` report.
public struct StoredTransaction: Hashable, Sendable {
    /// The transaction, its sender and outcome.
    public var included: IncludedTransaction
    /// The block it is in.
    public var blockNumber: UInt64
    /// That block's hash.
    public var blockHash: Hash32
    /// Its index in the block.
    public var index: Int
    /// The block-wide index of its first log (its logs are numbered from there).
    public var firstLogIndex: Int

    /// A stored transaction from its parts.
    public init(included: IncludedTransaction, blockNumber: UInt64, blockHash: Hash32, index: Int, firstLogIndex: Int) {
        self.included = included
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.index = index
        self.firstLogIndex = firstLogIndex
    }

    /// The transaction's hash.
    public var hash: Hash32 { included.transaction.hash }

    /// Its logs with their positions.
    public var logs: [StoredLog] {
        included.outcome.logs.enumerated().map { offset, log in
            StoredLog(log: log, blockNumber: blockNumber, blockHash: blockHash, transactionHash: hash,
                      transactionIndex: index, logIndex: firstLogIndex + offset)
        }
    }
}

/// A log with its position in the chain: what `eth_getLogs` returns.
public struct StoredLog: Hashable, Sendable {
    /// The emitter, topics and data.
    public var log: ReceiptLog
    /// The block it is in.
    public var blockNumber: UInt64
    /// That block's hash.
    public var blockHash: Hash32
    /// The transaction that emitted it.
    public var transactionHash: Hash32
    /// That transaction's index in the block.
    public var transactionIndex: Int
    /// The log's index in the block.
    public var logIndex: Int

    /// A positioned log from its parts.
    public init(log: ReceiptLog, blockNumber: UInt64, blockHash: Hash32, transactionHash: Hash32,
                transactionIndex: Int, logIndex: Int) {
        self.log = log
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
    }
}

extension SealedBlock {
    /// The size of the block's RLP encoding `[header, [transactions…], []]`, from lengths alone
    /// (a legacy transaction sits in the body as its RLP list, a typed one as a byte string).
    public func encodedSize(headerByteCount: Int) -> Int {
        func prefixLength(_ payload: Int) -> Int {
            payload <= 55 ? 1 : 1 + (Int.bitWidth - payload.leadingZeroBitCount + 7) / 8
        }
        var body = 0
        for included in transactions {
            let raw = included.transaction.rawBytes
            if included.transaction.type == .legacy || (raw.count == 1 && raw[0] < 0x80) {
                body += raw.count
            } else {
                body += prefixLength(raw.count) + raw.count
            }
        }
        let payload = headerByteCount + prefixLength(body) + body + 1
        return prefixLength(payload) + payload
    }

    /// The block's transactions with their positions and log numbering.
    public var storedTransactions: [StoredTransaction] {
        var nextLog = 0
        return transactions.enumerated().map { index, included in
            defer { nextLog += included.outcome.logs.count }
            return StoredTransaction(included: included, blockNumber: number, blockHash: hash, index: index,
                                     firstLogIndex: nextLog)
        }
    }

    /// Every log of the block, in order, with its position.
    public var storedLogs: [StoredLog] { storedTransactions.flatMap(\.logs) }
}

/// Which logs a query or a subscription wants: Ethereum's filter semantics.
public struct LogFilter: Hashable, Sendable {
    /// The first block searched (inclusive).
    public var fromBlock: UInt64
    /// The last block searched (inclusive).
    public var toBlock: UInt64
    /// The emitters accepted; empty accepts any.
    public var addresses: [Address]
    /// Per topic position, the values accepted there (an OR-list); an empty list accepts anything,
    /// positions past the end too. A log with fewer topics than a constrained position never matches.
    public var topics: [[Hash32]]

    /// A filter over blocks `fromBlock...toBlock`.
    public init(fromBlock: UInt64, toBlock: UInt64, addresses: [Address] = [], topics: [[Hash32]] = []) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.addresses = addresses
        self.topics = topics
    }

    /// Whether `log` passes the address and topic conditions (the block range is not checked).
    public func matches(_ log: ReceiptLog) -> Bool {
        guard addresses.isEmpty || addresses.contains(log.address) else { return false }
        for (position, accepted) in topics.enumerated() where !accepted.isEmpty {
            guard position < log.topics.count, accepted.contains(log.topics[position]) else { return false }
        }
        return true
    }
}
