import ArgumentParser
import Client
import Ethereum
import Foundation

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
        let node: [String: Any]
        do {
            let info = try await session.chain.info()
            node = (try? JSONSerialization.jsonObject(with: Data(info.serialized.utf8))) as? [String: Any] ?? [:]
        } catch {
            throw CLIError("chain \"\(session.entry.name)\": cannot read GET /info: \(error)")
        }
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
