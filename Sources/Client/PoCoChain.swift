import Ethereum
import PoCo

/// The chain as the off-chain agents (scheduler, worker, CLI) use it: PoCo views at the head, PoCo
/// calls sent as signed transactions and awaited until mined, logs, and new heads.
///
/// `RPCPoCoChain` speaks Ethereum JSON-RPC to a node (HTTP, heads over WebSocket with a polling
/// fallback); `InMemoryPoCoChain` runs a `PoCoEngine` in the process with a clock the caller moves,
/// for tests of the agents.
public protocol PoCoChain: Sendable {
    /// The chain id and the addresses of the hub and the registries.
    var config: PoCoConfig { get }

    /// The latest block's number and timestamp (PoCo deadlines are compared with block time).
    func head() async throws(ChainClientError) -> ChainHead

    /// The ABI return values of a read-only PoCo function, evaluated on the head's state.
    func view(_ view: PoCoView) async throws(ChainClientError) -> [ABIValue]

    /// Sends `calls` from `signer` as consecutive transactions (consecutive nonces, in this order)
    /// and waits until each is mined. One result per call: its receipt, or why it failed
    /// (`.reverted` with PoCo's reason when the call reverted on chain).
    func send(_ calls: [PoCoCall], signer: PrivateKey) async throws(ChainClientError)
        -> [Result<PoCoReceipt, ChainClientError>]

    /// Sends one payable call (an escrow deposit) from `signer` with `value` wei of native coin
    /// attached, and waits until it is mined. `send(_:signer:)` attaches no value, and the engine
    /// reverts a non-payable call that carries some.
    ///
    /// - Throws: `.reverted` with PoCo's reason, `.rpc` when the signer cannot pay, or a transport error.
    func send(_ call: PoCoCall, value: UInt256, signer: PrivateKey) async throws(ChainClientError) -> PoCoReceipt

    /// The logs in `filter`'s block range matching its address and topics, in chain order.
    func logs(_ filter: ChainLogFilter) async throws(ChainClientError) -> [ChainLog]

    /// Every new head from now on, in order; the stream ends when the consumer stops iterating or
    /// the task is cancelled. Heads may be skipped under load (each carries its number).
    func heads() -> AsyncStream<ChainHead>
}

extension PoCoChain {
    /// Sends one call from `signer` and waits until it is mined.
    ///
    /// - Throws: `.reverted` with PoCo's reason, or a transport error.
    public func send(_ call: PoCoCall, signer: PrivateKey) async throws(ChainClientError) -> PoCoReceipt {
        let results = try await send([call], signer: signer)
        guard let result = results.first else {
            throw .malformedResponse("no result for the one call sent")
        }
        return try result.get()
    }
}

/// A block's number and timestamp.
public struct ChainHead: Hashable, Sendable, Comparable {
    /// The block number.
    public var number: UInt64
    /// The block's timestamp (seconds since 1970): PoCo's notion of now.
    public var timestamp: UInt64

    /// A head.
    public init(number: UInt64, timestamp: UInt64) {
        self.number = number
        self.timestamp = timestamp
    }

    /// Heads order by number.
    public static func < (lhs: ChainHead, rhs: ChainHead) -> Bool { lhs.number < rhs.number }
}

/// A log as the chain returns it.
public struct ChainLog: Hashable, Sendable {
    /// The block that holds it.
    public var blockNumber: UInt64
    /// The transaction that emitted it.
    public var transactionHash: Hash32
    /// Its index in the block.
    public var logIndex: UInt64
    /// The emitting contract (the hub or a registry).
    public var address: Address
    /// topic0 (the event's signature hash) and the indexed arguments.
    public var topics: [Hash32]
    /// The ABI-encoded non-indexed arguments.
    public var data: [UInt8]

    /// A log.
    public init(blockNumber: UInt64, transactionHash: Hash32, logIndex: UInt64, address: Address,
                topics: [Hash32], data: [UInt8]) {
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.address = address
        self.topics = topics
        self.data = data
    }
}

/// Which logs to read: a block range, the emitting contract, and topics position by position
/// (nil = any; a list = any of these), as `eth_getLogs` takes them.
public struct ChainLogFilter: Hashable, Sendable {
    /// The first block (inclusive).
    public var fromBlock: UInt64
    /// The last block (inclusive); nil = the head.
    public var toBlock: UInt64?
    /// The emitting contract; nil = any.
    public var address: Address?
    /// Topic constraints by position.
    public var topics: [[Hash32]?]

    /// A filter.
    public init(fromBlock: UInt64, toBlock: UInt64? = nil, address: Address? = nil, topics: [[Hash32]?] = []) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.address = address
        self.topics = topics
    }
}

/// A mined PoCo transaction that succeeded.
public struct PoCoReceipt: Hashable, Sendable {
    /// The transaction's hash.
    public var transactionHash: Hash32
    /// The block it was mined in.
    public var blockNumber: UInt64
    /// That block's timestamp.
    public var blockTimestamp: UInt64
    /// The logs it emitted.
    public var logs: [ChainLog]

    /// A receipt.
    public init(transactionHash: Hash32, blockNumber: UInt64, blockTimestamp: UInt64, logs: [ChainLog]) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.blockTimestamp = blockTimestamp
        self.logs = logs
    }
}

/// Why a chain request failed.
public enum ChainClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node could not be reached or did not answer in time.
    case unreachable(String)
    /// The node answered with a JSON-RPC error.
    case rpc(code: Int, message: String)
    /// The transaction was mined and reverted, or the view reverted: PoCo's reason.
    case reverted(function: String, reason: String)
    /// The node's answer was not what JSON-RPC promises.
    case malformedResponse(String)
    /// The transaction was not mined within the wait.
    case notMined(transactionHash: Hash32, waitedSeconds: Double)

    public var description: String {
        switch self {
        case .unreachable(let detail):
            return "the chain node is unreachable (\(detail)); check its URL and that it is running"
        case .rpc(let code, let message):
            return "the chain node refused the request: \(message) (JSON-RPC error \(code))"
        case .reverted(let function, let reason):
            return "\(function) reverted: \(reason)"
        case .malformedResponse(let detail):
            return "the chain node's answer is malformed: \(detail)"
        case .notMined(let hash, let waited):
            return "transaction \(hash.hex) was not mined within \(waited) s; is the node sealing blocks?"
        }
    }
}
