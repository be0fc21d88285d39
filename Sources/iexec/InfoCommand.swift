import ArgumentParser
import AsyncHTTPClient
import Client
import Ethereum
import Foundation
import NIOCore
import NIOHTTP1

/// `iexec info`: what the CLI knows of the chain it talks to, as iexec-sdk's `iexec info` shows it.
struct InfoCommand: AsyncIexecCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the chain: its id, hub, registries, governance, head block, market and storage URLs, and the node's /info.")

    @OptionGroup var chainOptions: ChainOptions
    @OptionGroup var output: OutputOptions

    func execute() async throws -> CommandOutput {
        let session = try await chainOptions.connect()
        let config = session.chain.config
        let head: ChainHead
        do { head = try await session.chain.head() } catch {
            throw CLIError("chain \"\(session.entry.name)\": cannot read the head block: \(error)")
        }
        let node = try await NodeHTTP(url: session.entry.host).info()
        let fields: [String: Any] = [
            "chain": session.entry.name,
            "host": session.entry.host,
            "chainId": String(config.chainId),
            "hub": config.hub.checksummed,
            "appRegistry": config.appRegistry.checksummed,
            "datasetRegistry": config.datasetRegistry.checksummed,
            "workerpoolRegistry": config.workerpoolRegistry.checksummed,
            "governance": config.governance.checksummed,
            "blockNumber": String(head.number),
            "blockTimestamp": String(head.timestamp),
            "market": session.entry.market,
            "storage": session.entry.storage,
            "node": node,
        ]
        var lines = [
            "chain               \(session.entry.name) (id \(config.chainId)) at \(session.entry.host)",
            "hub                 \(config.hub.checksummed)",
            "app registry        \(config.appRegistry.checksummed)",
            "dataset registry    \(config.datasetRegistry.checksummed)",
            "workerpool registry \(config.workerpoolRegistry.checksummed)",
            "governance          \(config.governance.checksummed)",
            "head block          \(head.number) (timestamp \(head.timestamp))",
            "market              \(session.entry.market)",
            "storage             \(session.entry.storage)",
        ]
        if !node.isEmpty {
            lines.append("node /info:")
            for key in node.keys.sorted() { lines.append("  \(key): \(Self.text(of: node[key]))") }
        }
        return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
    }

    /// A JSON value of /info for people: strings and numbers as they are, objects and arrays as JSON.
    static func text(of value: Any?) -> String {
        switch value {
        case let object as [String: Any]: return JSONText.object(object)
        case let array as [Any]:
            let data = try? JSONSerialization.data(withJSONObject: array, options: [.sortedKeys, .withoutEscapingSlashes])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(array)"
        case let value?: return "\(value)"
        case nil: return ""
        }
    }
}

/// The node reads `RPCPoCoChain` has no public method for: `eth_getBalance` and `GET /info`.
///
/// Stopgap: `RPCPoCoChain`'s JSON-RPC transport is internal to Client, so these requests are
/// made here over the shared `HTTPClient`; a public `RPCPoCoChain.nativeBalance(_:)` and
/// `info()` in Client would replace this type.
struct NodeHTTP {
    /// The node's URL, e.g. `http://127.0.0.1:8545`.
    let url: String
    var timeout: TimeAmount = .seconds(30)

    /// `address`'s native coin in wei (`eth_getBalance(address, "latest")`).
    func nativeBalance(_ address: Address) async throws -> UInt256 {
        let body: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "eth_getBalance",
                                   "params": [address.checksummed, "latest"]]
        let answer = try await exchange(.POST, "", body: JSONSerialization.data(withJSONObject: body))
        if let error = answer["error"] as? [String: Any] {
            throw CLIError("eth_getBalance at \(url): \(error["message"] as? String ?? "\(error)")")
        }
        guard let text = answer["result"] as? String, let balance = try? UInt256(hex: text) else {
            throw CLIError("eth_getBalance at \(url) did not return a quantity: is it an Ethereum node?")
        }
        return balance
    }

    /// The node's `GET /info` object (chain id, contracts, and whatever else the node reports).
    func info() async throws -> [String: Any] {
        try await exchange(.GET, "/info", body: nil)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let bytes: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw CLIError("\(method) \(url + path): \(error); is the node running?")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] else {
            throw CLIError("\(method) \(url + path) did not answer a JSON object: is \(url) an iexec node?")
        }
        return object
    }
}
