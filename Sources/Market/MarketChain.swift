import Ethereum
import PoCo

/// What the market reads from the chain it serves. The node adapts `ChainNode` to it (module
/// `Server`); tests use `InMemoryMarketChain` over a `PoCoEngine`.
public protocol MarketChain: Sendable {
    /// The chain id, hub and registries: the EIP-712 domain orders are signed in.
    var config: PoCoConfig { get }
    /// The head's number (cheap: no state).
    func headNumber() async -> UInt64
    /// The PoCo state after the head, with the head's number and timestamp. A snapshot held while
    /// the chain moves on makes the chain copy its state: take it late, drop it early.
    func snapshot() async -> ChainSnapshot
    /// The logs of blocks `range` (inclusive), in chain order.
    func logs(blocks range: ClosedRange<UInt64>) async throws(MarketError) -> [MarketLog]
    /// The number of each block committed after this call, in order; ends when the chain stops.
    func heads() async -> AsyncStream<UInt64>
}

/// The chain's state at one block.
public struct ChainSnapshot: Sendable {
    /// The PoCo state after block `blockNumber`.
    public var state: PoCoState
    /// The block.
    public var blockNumber: UInt64
    /// Its timestamp (unix seconds).
    public var timestamp: UInt64

    /// A snapshot.
    public init(state: PoCoState, blockNumber: UInt64, timestamp: UInt64) {
        self.state = state
        self.blockNumber = blockNumber
        self.timestamp = timestamp
    }
}

/// One log as the chain recorded it.
public struct MarketLog: Hashable, Sendable {
    /// The block that holds it.
    public var blockNumber: UInt64
    /// The emitting contract.
    public var address: Address
    /// topic0 (the event signature's Keccak-256) and the indexed arguments.
    public var topics: [Hash32]
    /// The ABI-encoded non-indexed arguments.
    public var data: [UInt8]

    /// A log.
    public init(blockNumber: UInt64, address: Address, topics: [Hash32], data: [UInt8]) {
        self.blockNumber = blockNumber
        self.address = address
        self.topics = topics
        self.data = data
    }
}

/// The market's limits.
public struct MarketPolicy: Hashable, Sendable {
    /// The most OPEN or DEAD orders one address may have in the book.
    public var maxOpenOrdersPerAddress: Int
    /// How long an unpublish challenge stays valid, in seconds.
    public var challengeLifetime: UInt64

    /// Defaults: 100 orders per address, challenges valid 5 minutes.
    public init(maxOpenOrdersPerAddress: Int = 100, challengeLifetime: UInt64 = 300) {
        self.maxOpenOrdersPerAddress = maxOpenOrdersPerAddress
        self.challengeLifetime = challengeLifetime
    }
}
