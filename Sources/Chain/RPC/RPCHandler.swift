import Ethereum

/// One answered request, as metrics see it.
public struct RPCObservation: Sendable {
    /// The method called (`invalid` for an entry that is not a request).
    public var method: String
    /// Whether it was answered with an error.
    public var failed: Bool
    /// How long it took (for the transactions of a batch, an equal share of their joint admission).
    public var duration: Duration
}

/// Receives an ``RPCObservation`` per request answered.
public typealias RPCObserver = @Sendable (RPCObservation) -> Void

/// The node's Ethereum JSON-RPC 2.0 API, independent of transport: an HTTP body in, the response
/// body out (``handle(_:)``), or one method at a time (``call(method:params:)``) for a WebSocket.
///
/// Single requests and batches; requests without an `id` are notifications (run, not answered).
/// The `eth_sendRawTransaction` requests of a batch are admitted together by one
/// `ChainNode.sendRawTransactions` call, so the node records them durably in one write.
public struct RPCHandler: Sendable {
    /// The node served.
    public let node: ChainNode
    /// What `web3_clientVersion` answers.
    public let clientVersion: String
    /// The most requests one batch may hold.
    public let maxBatchSize: Int
    let filters: FilterRegistry

    /// `iexec-swift/<version>`.
    public static let defaultClientVersion = "iexec-swift/0.1.0"

    /// A handler for `node`.
    ///
    /// - Parameters:
    ///   - filterTimeout: how long a filter lives without being polled (geth: 5 minutes).
    ///   - maxFilters: the most filters installed at once.
    ///   - now: the clock filters expire on (injected by tests).
    public init(node: ChainNode, clientVersion: String = RPCHandler.defaultClientVersion, maxBatchSize: Int = 1_000,
                filterTimeout: Duration = .seconds(300), maxFilters: Int = 10_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.node = node
        self.clientVersion = clientVersion
        self.maxBatchSize = maxBatchSize
        filters = FilterRegistry(timeout: filterTimeout, capacity: maxFilters, now: now)
    }

    /// Answers an HTTP body: a response object, an array of them for a batch, or nil when nothing is
    /// to be answered (notifications only).
    ///
    /// - Parameter observer: told of every request answered (for metrics), in order.
    public func handle(_ body: [UInt8], observer: RPCObserver? = nil) async -> [UInt8]? {
        await handle(body, session: nil, observer: observer).map { Array($0.utf8) }
    }

    /// Runs one method; `params` is the request's `params` (an array, or null for none).
    public func call(method: String, params: JSONValue) async -> Result<JSONValue, RPCError> {
        await call(method: method, params: params, session: nil)
    }

    // MARK: - Requests and batches

    /// A request read from its JSON object.
    struct Request {
        /// Nil for a notification (no `id` member).
        var id: JSONValue?
        var method: String
        var params: JSONValue
    }

    /// The JSON text answering `body`, with `session` serving the subscription methods.
    func handle(_ body: [UInt8], session: SubscriptionSession?, observer: RPCObserver? = nil) async -> String? {
        let document: JSONValue
        do throws(JSONError) { document = try JSONValue(parsing: body) } catch {
            observer?(RPCObservation(method: "invalid", failed: true, duration: .zero))
            return Self.response(id: .null, .failure(.parseError(error.description)))
        }
        guard case .array(let items) = document else {
            return await run([document], session: session, observer: observer).first
        }
        guard !items.isEmpty, items.count <= maxBatchSize else {
            observer?(RPCObservation(method: "invalid", failed: true, duration: .zero))
            guard !items.isEmpty else { return Self.response(id: .null, .failure(.invalidRequest("empty batch"))) }
            return Self.response(id: .null, .failure(.invalidRequest(
                "a batch holds \(items.count) requests, more than the limit of \(maxBatchSize): split it")))
        }
        let responses = await run(items, session: session, observer: observer)
        return responses.isEmpty ? nil : "[" + responses.joined(separator: ",") + "]"
    }

    /// Runs the requests in order and returns the responses of those that have an id (or are invalid).
    /// The batch's `eth_sendRawTransaction` calls are admitted together when the first of them is reached.
    private func run(_ items: [JSONValue], session: SubscriptionSession?, observer: RPCObserver?) async -> [String] {
        let parsed = items.map(Self.parse)
        var sent: [Int: Result<JSONValue, RPCError>]?
        var responses: [String] = []
        let clock = ContinuousClock()
        // The batch's transactions are admitted together: each gets an equal share of that time.
        var admission = Duration.zero
        var admitted: [Bool] = []
        for (index, entry) in parsed.enumerated() {
            switch entry {
            case .failure(let invalid):
                observer?(RPCObservation(method: "invalid", failed: true, duration: .zero))
                responses.append(Self.response(id: invalid.id, .failure(invalid.error)))
            case .success(let request):
                let start = clock.now
                let result: Result<JSONValue, RPCError>
                if request.method == "eth_sendRawTransaction" {
                    if sent == nil { sent = await sendRawTransactions(parsed) }
                    result = sent?[index] ?? .failure(.internalError("no result for request \(index)"))
                    admission += clock.now - start
                    admitted.append(!Self.failed(result))
                } else {
                    result = await call(method: request.method, params: request.params, session: session)
                    observer?(RPCObservation(method: request.method, failed: Self.failed(result), duration: clock.now - start))
                }
                if let id = request.id { responses.append(Self.response(id: id, result)) }
            }
        }
        if let observer, !admitted.isEmpty {
            let share = admission / admitted.count
            for success in admitted {
                observer(RPCObservation(method: "eth_sendRawTransaction", failed: !success, duration: share))
            }
        }
        return responses
    }

    /// Whether a request was answered with an error.
    private static func failed(_ result: Result<JSONValue, RPCError>) -> Bool {
        if case .failure = result { return true }
        return false
    }

    /// Admits every `eth_sendRawTransaction` of a batch in one node call; results by batch index.
    private func sendRawTransactions(
        _ parsed: [Result<Request, InvalidRequest>]
    ) async -> [Int: Result<JSONValue, RPCError>] {
        var results: [Int: Result<JSONValue, RPCError>] = [:]
        var raws: [[UInt8]] = []
        var positions: [Int] = []
        for (index, entry) in parsed.enumerated() {
            guard case .success(let request) = entry, request.method == "eth_sendRawTransaction" else { continue }
            do throws(RPCError) {
                raws.append(try Self.rawTransaction(request.params))
                positions.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !raws.isEmpty else { return results }
        let outcomes = await node.sendRawTransactions(raws)
        for (position, outcome) in zip(positions, outcomes) {
            results[position] = outcome.map { RPCJSON.hash($0) }.mapError { RPCError($0) }
        }
        return results
    }

    /// The raw bytes of `eth_sendRawTransaction`'s one parameter.
    static func rawTransaction(_ params: JSONValue) throws(RPCError) -> [UInt8] {
        let reader = try RPCParams(method: "eth_sendRawTransaction", params: params)
        try reader.expect(atMost: 1)
        return try reader.data(0, "signed transaction")
    }

    /// Why an entry is not a request, with the id to answer it under.
    struct InvalidRequest: Error {
        var id: JSONValue
        var error: RPCError
    }

    /// Reads a JSON-RPC 2.0 request object.
    static func parse(_ item: JSONValue) -> Result<Request, InvalidRequest> {
        guard case .object(let members) = item else {
            return .failure(InvalidRequest(id: .null, error: .invalidRequest("a request must be an object, got \(item.kindDescription)")))
        }
        let id = members["id"]
        switch id {
        case nil, .null?, .string?, .number?: break
        case let other?:
            return .failure(InvalidRequest(id: .null, error: .invalidRequest("id must be a string, a number or null, got \(other.kindDescription)")))
        }
        let answerId = id ?? .null
        guard members["jsonrpc"] == .string("2.0") else {
            return .failure(InvalidRequest(id: answerId, error: .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        guard case .string(let method)? = members["method"] else {
            return .failure(InvalidRequest(id: answerId, error: .invalidRequest("\"method\" must be a string")))
        }
        let params = members["params"] ?? .null
        switch params {
        case .null, .array, .object: break
        default:
            return .failure(InvalidRequest(id: answerId, error: .invalidRequest("\"params\" must be an array or an object, got \(params.kindDescription)")))
        }
        return .success(Request(id: id, method: method, params: params))
    }

    /// The JSON text of one response.
    static func response(id: JSONValue, _ result: Result<JSONValue, RPCError>) -> String {
        switch result {
        case .success(let value):
            return "{\"jsonrpc\":\"2.0\",\"id\":\(id.serialized),\"result\":\(value.serialized)}"
        case .failure(let error):
            return "{\"jsonrpc\":\"2.0\",\"id\":\(id.serialized),\"error\":\(error.json.serialized)}"
        }
    }

    // MARK: - Methods

    /// Runs one method; `session` serves `eth_subscribe`/`eth_unsubscribe` (nil: not a WebSocket).
    func call(method: String, params: JSONValue, session: SubscriptionSession?) async -> Result<JSONValue, RPCError> {
        do throws(RPCError) {
            let reader = try RPCParams(method: method, params: params)
            return .success(try await dispatch(method, reader, session: session))
        } catch {
            return .failure(error)
        }
    }

    private func dispatch(_ method: String, _ params: RPCParams, session: SubscriptionSession?) async throws(RPCError) -> JSONValue {
        switch method {
        case "eth_chainId": try params.expect(atMost: 0); return RPCJSON.quantity(node.chainId)
        case "net_version": try params.expect(atMost: 0); return .string(String(node.chainId))
        case "web3_clientVersion": try params.expect(atMost: 0); return .string(clientVersion)
        case "eth_blockNumber": try params.expect(atMost: 0); return RPCJSON.quantity(await node.head.number)
        case "eth_gasPrice", "eth_maxPriorityFeePerGas": try params.expect(atMost: 0); return RPCJSON.quantity(0 as UInt64)
        case "eth_feeHistory": return try await feeHistory(params)
        case "eth_getBalance": return try await balance(params)
        case "eth_getTransactionCount": return try await transactionCount(params)
        case "eth_getCode": return try await code(params)
        case "eth_call": return try await ethCall(params)
        case "eth_estimateGas": return try await estimateGas(params)
        case "eth_sendRawTransaction":
            let raw = try Self.rawTransaction(params.values.isEmpty ? .null : .array(params.values))
            guard let result = await node.sendRawTransactions([raw]).first else { throw .internalError("no result") }
            return try result.map { RPCJSON.hash($0) }.mapError { RPCError($0) }.get()
        case "eth_getTransactionByHash": return try await transactionByHash(params)
        case "eth_getTransactionReceipt": return try await receipt(params)
        case "eth_getBlockByNumber": return try await blockByNumber(params)
        case "eth_getBlockByHash": return try await blockByHash(params)
        case "eth_getLogs": return try await logs(params)
        case "eth_newFilter": return try await newFilter(params)
        case "eth_newBlockFilter": return try await newBlockFilter(params)
        case "eth_getFilterChanges": return try await filterChanges(params)
        case "eth_getFilterLogs": return try await filterLogs(params)
        case "eth_uninstallFilter": return try uninstallFilter(params)
        case "evm_increaseTime": return try await increaseTime(params)
        case "evm_mine": return try await mine(params)
        case "anvil_setBalance": return try await setBalance(params)
        case "eth_subscribe", "eth_unsubscribe":
            guard let session else {
                throw RPCError(code: -32601, message: "\(method) needs a WebSocket connection: connect with ws:// to the same port")
            }
            return try session.serve(method, params)
        default: throw .methodNotFound(method)
        }
    }
}
