import Ethereum

/// A JSON-RPC 2.0 error object: the code, a one-line message saying what is wrong, and optional data
/// (revert data for code 3, as geth sends it).
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The JSON-RPC error code (`-32700`…`-32600` from the spec, `-32000` server errors, 3 for a revert).
    public var code: Int
    /// What is wrong, in one line.
    public var message: String
    /// Extra data: for a revert, the `0x`-hex `Error(string)` revert data.
    public var data: JSONValue?

    /// An error from its parts.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The error object of a JSON-RPC response.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .number(String(code)), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    /// -32700: the body is not JSON.
    public static func parseError(_ reason: String) -> RPCError {
        RPCError(code: -32700, message: "parse error: \(reason)")
    }

    /// -32600: valid JSON that is not a JSON-RPC request.
    public static func invalidRequest(_ reason: String) -> RPCError {
        RPCError(code: -32600, message: "invalid request: \(reason)")
    }

    /// -32601: no such method.
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "the method \(method) does not exist/is not available")
    }

    /// -32602: a parameter is missing or has the wrong form.
    public static func invalidParams(_ reason: String) -> RPCError {
        RPCError(code: -32602, message: "invalid params: \(reason)")
    }

    /// -32603: the node failed (ledger, halted producer).
    public static func internalError(_ reason: String) -> RPCError {
        RPCError(code: -32603, message: "internal error: \(reason)")
    }

    /// -32000: the node refused the request (a transaction's rule, an unavailable state…).
    public static func server(_ message: String) -> RPCError {
        RPCError(code: -32000, message: message)
    }

    /// -32005: a query would return more than the node's limit.
    public static func limitExceeded(_ message: String) -> RPCError {
        RPCError(code: -32005, message: message)
    }

    /// The JSON-RPC form of a node error: a revert is code 3 with its `Error(string)` data; a
    /// development method without `--dev` is "method not found"; a refusal is -32000; a failure of
    /// the ledger or the producer is internal.
    public init(_ error: NodeError) {
        switch error {
        case .reverted(_, let data):
            self.init(code: 3, message: error.description, data: .string(Hex.encode(data)))
        case .devOnly:
            self.init(code: -32601, message: error.description)
        case .invalidDevRequest(let reason):
            self = .invalidParams(reason)
        case .ledger(let storeError):
            self.init(storeError)
        case .rejected, .invalidCall, .gasTooLow, .gasAboveBlockLimit, .insufficientFunds, .historicalStateUnavailable:
            self = .server(error.description)
        case .genesisMismatch, .noChain, .genesis, .execution, .halted:
            self = .internalError(error.description)
        }
    }

    /// The JSON-RPC form of a ledger error: too many results is -32005, anything else internal.
    public init(_ error: ChainStoreError) {
        if case .tooManyResults = error {
            self = .limitExceeded(error.description)
        } else {
            self = .internalError(error.description)
        }
    }
}
