import Ethereum

/// How a ``ChainNode`` runs: block production, limits, development methods.
public struct NodeConfiguration: Sendable {
    /// The interval between blocks; zero seals as soon as transactions wait (bursts share a block).
    public var blockTime: Duration
    /// Whether the development methods (`evm_increaseTime`, `evm_mine`, `anvil_setBalance`) are on.
    public var dev: Bool
    /// The `miner` of sealed blocks.
    public var miner: Address
    /// The gas limit of every block.
    public var blockGasLimit: UInt64
    /// The most transactions in one block.
    public var maxTransactionsPerBlock: Int
    /// Mempool limits (its chain id is set from the genesis).
    public var maxRawTransactionSize: Int
    /// How far ahead of its next nonce a sender may queue transactions.
    public var maxNonceAhead: UInt64
    /// The most transactions pending in all.
    public var maxPending: Int
    /// The most transactions pending per sender.
    public var maxPendingPerSender: Int
    /// The most logs one `eth_getLogs` returns.
    public var maxLogResults: Int

    /// A configuration; the defaults suit a node serving a workerpool.
    public init(blockTime: Duration = .zero, dev: Bool = false, miner: Address = .zero,
                blockGasLimit: UInt64 = 30_000_000_000, maxTransactionsPerBlock: Int = 10_000,
                maxRawTransactionSize: Int = 128 * 1024, maxNonceAhead: UInt64 = 1_024, maxPending: Int = 200_000,
                maxPendingPerSender: Int = 1_024, maxLogResults: Int = 10_000) {
        self.blockTime = blockTime
        self.dev = dev
        self.miner = miner
        self.blockGasLimit = blockGasLimit
        self.maxTransactionsPerBlock = maxTransactionsPerBlock
        self.maxRawTransactionSize = maxRawTransactionSize
        self.maxNonceAhead = maxNonceAhead
        self.maxPending = maxPending
        self.maxPendingPerSender = maxPendingPerSender
        self.maxLogResults = maxLogResults
    }

    /// The mempool rules for a chain with `chainId`.
    func mempool(chainId: UInt64) -> MempoolConfiguration {
        MempoolConfiguration(chainId: chainId, maxRawSize: maxRawTransactionSize, maxNonceAhead: maxNonceAhead,
                             maxCount: maxPending, maxPerSender: maxPendingPerSender)
    }
}
