import AsyncHTTPClient
import Chain
import Ethereum
import NIOCore
import PoCo

/// A `PoCoChain` over Ethereum JSON-RPC: HTTP POST for requests, heads over a WebSocket
/// `eth_subscribe("newHeads")` on the same port with reconnection and a polling fallback.
/// Transactions are EIP-1559 with zero fees (the node charges no gas) and a gas limit from the
/// node's fixed schedule (`PoCoBinding.gasUsed(for:)`); nonces are counted per signer in the process.
///
/// It uses the `HTTPClient` it is given (the shared one by default), which outlives it: there is
/// nothing to shut down.
public final class RPCPoCoChain: DevPoCoChain {
    /// The chain id, hub and registries (from the node's `GET /info`, or given).
    public let config: PoCoConfig
    /// The node's HTTP URL, e.g. `http://127.0.0.1:8545`.
    public let url: String
    /// How `send` waits for receipts and `heads()` watches the chain.
    public let options: RPCChainOptions
    let transport: JSONRPCTransport
    let nonces = NonceBook()

    /// A chain at `url` with a known `config`.
    public convenience init(url: String, config: PoCoConfig, httpClient: HTTPClient = .shared,
                            options: RPCChainOptions = RPCChainOptions()) {
        self.init(transport: JSONRPCTransport(url: url, httpClient: httpClient, timeout: options.requestTimeout),
                  config: config, options: options)
    }

    private init(transport: JSONRPCTransport, config: PoCoConfig, options: RPCChainOptions) {
        self.transport = transport
        self.url = transport.url
        self.config = config
        self.options = options
    }

    /// Connects to the node at `url`, reading the chain id and the system contracts' addresses
    /// from its `GET /info`.
    ///
    /// - Throws: `.unreachable` when nothing answers at `url`, `.malformedResponse` when it is not
    ///   an iexec node's `/info`.
    public static func connect(url: String, httpClient: HTTPClient = .shared,
                               options: RPCChainOptions = RPCChainOptions()) async throws(ChainClientError) -> RPCPoCoChain {
        let transport = JSONRPCTransport(url: url, httpClient: httpClient, timeout: options.requestTimeout)
        let info = try await transport.get("/info")
        guard case .number(let chainText)? = info["chainId"], let chainId = UInt64(chainText) else {
            throw .malformedResponse("GET /info has no numeric chainId: is \(url) an iexec node?")
        }
        let config = PoCoConfig(chainId: chainId, hub: try RPCValue.address(info["hub"], "/info hub"),
                                appRegistry: try RPCValue.address(info["appRegistry"], "/info appRegistry"),
                                datasetRegistry: try RPCValue.address(info["datasetRegistry"], "/info datasetRegistry"),
                                workerpoolRegistry: try RPCValue.address(info["workerpoolRegistry"], "/info workerpoolRegistry"),
                                governance: try RPCValue.address(info["governance"], "/info governance"))
        return RPCPoCoChain(transport: transport, config: config, options: options)
    }

    // MARK: Reads

    /// `eth_getBlockByNumber("latest", false)`.
    public func head() async throws(ChainClientError) -> ChainHead {
        try await block("latest")
    }

    /// `eth_call` of `view` on the head's state, its return data decoded with the view's types.
    public func view(_ view: PoCoView) async throws(ChainClientError) -> [ABIValue] {
        let request = JSONValue.object(["to": .string(view.target(in: config).checksummed),
                                        "data": RPCValue.data(view.callData)])
        let result: JSONValue
        do throws(RPCFailure) {
            result = try await transport.call("eth_call", [request, "latest"])
        } catch {
            throw Self.reverted(error, function: view.function.name)
        }
        let data = try RPCValue.data(result, "eth_call's result")
        do throws(ABIError) {
            return try ABI.decode(view.returnTypes, from: data)
        } catch {
            throw .malformedResponse("\(view.function.name) returned data that does not decode: \(error)")
        }
    }

    /// `eth_getLogs` of `filter`.
    public func logs(_ filter: ChainLogFilter) async throws(ChainClientError) -> [ChainLog] {
        var criteria: [String: JSONValue] = [
            "fromBlock": RPCValue.quantity(filter.fromBlock),
            "toBlock": filter.toBlock.map(RPCValue.quantity) ?? "latest",
            "topics": .array(filter.topics.map { position in
                position.map { .array($0.map { .string($0.hex) }) } ?? .null
            }),
        ]
        if let address = filter.address { criteria["address"] = .string(address.checksummed) }
        guard case .array(let items) = try await request("eth_getLogs", [.object(criteria)]) else {
            throw .malformedResponse("eth_getLogs did not return an array")
        }
        var logs: [ChainLog] = []
        for item in items { logs.append(try RPCValue.log(item)) }
        return logs
    }

    /// `eth_getBalance(address, "latest")`: the account's native coin, in wei.
    public func nativeBalance(_ address: Address) async throws(ChainClientError) -> UInt256 {
        let result = try await request("eth_getBalance", [.string(address.checksummed), "latest"])
        guard case .string(let text) = result, let balance = try? UInt256(hex: text) else {
            throw .malformedResponse("eth_getBalance did not return a quantity")
        }
        return balance
    }

    /// The node's `GET /info` object: chain id, system contracts, client version, head.
    public func info() async throws(ChainClientError) -> JSONValue {
        try await transport.get("/info")
    }

    // MARK: Development nodes

    /// `evm_increaseTime`: the next blocks' time moves forward (a node started with `--dev`).
    public func increaseTime(seconds: UInt64) async throws(ChainClientError) {
        _ = try await request("evm_increaseTime", [.number(String(seconds))])
    }

    /// `evm_mine`: seals a block now, then reads the new head.
    @discardableResult
    public func mine() async throws(ChainClientError) -> ChainHead {
        _ = try await request("evm_mine", [])
        return try await head()
    }

    // MARK: Helpers

    /// `method(params)`'s result; a failure as its `ChainClientError`.
    func request(_ method: String, _ params: [JSONValue]) async throws(ChainClientError) -> JSONValue {
        do throws(RPCFailure) {
            return try await transport.call(method, params)
        } catch {
            throw error.error
        }
    }

    /// The block `tag` (a quantity or "latest") as a head.
    func block(_ tag: JSONValue) async throws(ChainClientError) -> ChainHead {
        let block = try await request("eth_getBlockByNumber", [tag, false])
        guard block != .null else { throw .malformedResponse("the node has no block \(tag.serialized)") }
        return try RPCValue.head(block)
    }

    /// A failed `eth_call`: its `Error(string)` revert data (code 3) as `.reverted`, else as is.
    static func reverted(_ failure: RPCFailure, function: String) -> ChainClientError {
        guard let data = failure.revertData else { return failure.error }
        return .reverted(function: function, reason: revertReason(data) ?? "revert data \(Hex.encode(data))")
    }

    /// The reason of Solidity `Error(string)` revert data.
    static func revertReason(_ data: [UInt8]) -> String? {
        guard data.count >= 4, Array(data.prefix(4)) == errorSelector,
              let values = try? ABI.decode([.string], from: Array(data.dropFirst(4))),
              let reason = values.first?.stringValue else { return nil }
        return reason
    }

    private static let errorSelector = ABI.selector("Error(string)")
}

/// How an `RPCPoCoChain` waits and watches.
public struct RPCChainOptions: Hashable, Sendable {
    /// How long one JSON-RPC request may take.
    public var requestTimeout: TimeAmount
    /// How long `send` waits for a transaction's receipt before `.notMined`.
    public var receiptTimeout: Duration
    /// The longest pause between two receipt polls (polls start at 5 ms and double).
    public var maxReceiptPollInterval: Duration
    /// How often `heads()` asks for the latest block when the WebSocket is unavailable.
    public var headPollInterval: Duration
    /// Whether `heads()` tries the WebSocket subscription first (false: polling only).
    public var useWebSocket: Bool
    /// How long `heads()` polls after a WebSocket could not be had before trying it again.
    public var webSocketRetryInterval: Duration
    /// The gas limit of a transaction above the node's fixed figure for its call (`GasSchedule`).
    public var gasMargin: UInt64

    /// Defaults: 30 s requests, receipts awaited 60 s (polled at most every 250 ms), heads polled
    /// every 250 ms without a WebSocket (which is tried again every 5 s), gas limit the node's
    /// figure plus 100 000.
    public init(requestTimeout: TimeAmount = .seconds(30), receiptTimeout: Duration = .seconds(60),
                maxReceiptPollInterval: Duration = .milliseconds(250), headPollInterval: Duration = .milliseconds(250),
                useWebSocket: Bool = true, webSocketRetryInterval: Duration = .seconds(5), gasMargin: UInt64 = 100_000) {
        self.requestTimeout = requestTimeout
        self.receiptTimeout = receiptTimeout
        self.maxReceiptPollInterval = maxReceiptPollInterval
        self.headPollInterval = headPollInterval
        self.useWebSocket = useWebSocket
        self.webSocketRetryInterval = webSocketRetryInterval
        self.gasMargin = gasMargin
    }
}
