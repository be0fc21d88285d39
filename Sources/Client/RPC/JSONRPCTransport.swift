import AsyncHTTPClient
import Ethereum
import Foundation
import NIOCore
import Synchronization

/// JSON-RPC 2.0 over HTTP POST to one node: a request, its answer's `result`, or a typed error.
final class JSONRPCTransport: Sendable {
    /// The node's URL, without a trailing slash.
    let url: String
    let httpClient: HTTPClient
    /// How long one request may take.
    let timeout: TimeAmount
    private let nextID = Atomic<Int>(1)

    /// The largest answer read (a page of logs).
    static let maxAnswerSize = 64 << 20

    init(url: String, httpClient: HTTPClient, timeout: TimeAmount) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// `method(params)`'s result.
    ///
    /// - Throws: `.rpc` with the node's code and message (a revert's data is decoded into
    ///   `.reverted` by the caller from `RPCFailure`), `.unreachable`, `.malformedResponse`.
    func call(_ method: String, _ params: [JSONValue]) async throws(RPCFailure) -> JSONValue {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let body = JSONValue.object(["jsonrpc": "2.0", "id": .number(String(id)), "method": .string(method),
                                     "params": .array(params)])
        let answer = try await post(body.serialized, what: method)
        if let error = answer["error"] {
            guard case .number(let codeText)? = error["code"], let code = Int(codeText),
                  case .string(let message)? = error["message"] else {
                throw RPCFailure(.malformedResponse("\(method): an error without code and message"))
            }
            var data: [UInt8]?
            if case .string(let hex)? = error["data"] { data = try? Hex.decode(hex) }
            throw RPCFailure(.rpc(code: code, message: message), revertData: data)
        }
        guard let result = answer["result"] else {
            throw RPCFailure(.malformedResponse("\(method): the answer has neither result nor error"))
        }
        return result
    }

    /// GETs `path` of the node's HTTP front as JSON.
    func get(_ path: String) async throws(ChainClientError) -> JSONValue {
        var request = HTTPClientRequest(url: url + path)
        request.method = .GET
        let (status, bytes) = try await execute(request, what: "GET \(path)")
        guard status == 200 else {
            throw .rpc(code: status, message: "GET \(path) answered HTTP \(status): \(String(buffer: bytes))")
        }
        guard let answer = try? JSONValue(parsing: bytes.readableBytesView) else {
            throw .malformedResponse("GET \(path): the answer is not JSON")
        }
        return answer
    }

    private func post(_ body: String, what: String) async throws(RPCFailure) -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let answered: (status: Int, bytes: ByteBuffer)
        do throws(ChainClientError) {
            answered = try await execute(request, what: what)
        } catch {
            throw RPCFailure(error)
        }
        let (status, bytes) = answered
        guard let answer = try? JSONValue(parsing: bytes.readableBytesView) else {
            throw RPCFailure(.malformedResponse("\(what): HTTP \(status), the answer is not JSON"))
        }
        return answer
    }

    private func execute(_ request: HTTPClientRequest, what: String) async throws(ChainClientError) -> (Int, ByteBuffer) {
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            return (Int(response.status.code), try await response.body.collect(upTo: Self.maxAnswerSize))
        } catch {
            throw .unreachable("\(what) to \(url): \(error)")
        }
    }
}

/// A failed JSON-RPC request, with the revert data when the node sent some (code 3).
struct RPCFailure: Error {
    let error: ChainClientError
    let revertData: [UInt8]?

    init(_ error: ChainClientError, revertData: [UInt8]? = nil) {
        self.error = error
        self.revertData = revertData
    }
}

/// Reads of JSON-RPC values (quantities, data, addresses, hashes), failing with what was expected.
enum RPCValue {
    static func uint64(_ value: JSONValue?, _ what: String) throws(ChainClientError) -> UInt64 {
        guard case .string(let text)? = value, text.hasPrefix("0x"), let number = UInt64(text.dropFirst(2), radix: 16) else {
            throw .malformedResponse("\(what) is not a hex quantity")
        }
        return number
    }

    static func data(_ value: JSONValue?, _ what: String) throws(ChainClientError) -> [UInt8] {
        guard case .string(let text)? = value, let bytes = try? Hex.decode(text) else {
            throw .malformedResponse("\(what) is not hex data")
        }
        return bytes
    }

    static func hash(_ value: JSONValue?, _ what: String) throws(ChainClientError) -> Hash32 {
        guard case .string(let text)? = value, let hash = try? Hash32(hex: text) else {
            throw .malformedResponse("\(what) is not a 32-byte hash")
        }
        return hash
    }

    static func address(_ value: JSONValue?, _ what: String) throws(ChainClientError) -> Address {
        guard case .string(let text)? = value, let address = try? Address(hex: text) else {
            throw .malformedResponse("\(what) is not an address")
        }
        return address
    }

    static func quantity(_ value: UInt64) -> JSONValue { .string("0x" + String(value, radix: 16)) }

    static func quantity(_ value: UInt256) -> JSONValue { .string(value.hexString) }

    static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }

    /// A log object of `eth_getLogs` or a receipt.
    static func log(_ value: JSONValue) throws(ChainClientError) -> ChainLog {
        guard case .array(let topicValues)? = value["topics"] else { throw .malformedResponse("a log has no topics") }
        var topics: [Hash32] = []
        for topic in topicValues { topics.append(try hash(topic, "a log topic")) }
        return ChainLog(blockNumber: try uint64(value["blockNumber"], "a log's blockNumber"),
                        transactionHash: try hash(value["transactionHash"], "a log's transactionHash"),
                        logIndex: try uint64(value["logIndex"], "a log's logIndex"),
                        address: try address(value["address"], "a log's address"),
                        topics: topics, data: try data(value["data"], "a log's data"))
    }

    /// A block object's number and timestamp.
    static func head(_ value: JSONValue) throws(ChainClientError) -> ChainHead {
        ChainHead(number: try uint64(value["number"], "the block's number"),
                  timestamp: try uint64(value["timestamp"], "the block's timestamp"))
    }
}
