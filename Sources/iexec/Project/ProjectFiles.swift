import Ethereum
import Foundation

/// The files of an iexec project, in the folder the commands run in, as iexec-sdk users know them:
///
/// - `chain.json`: the chains (`{"default":"dev","chains":{"dev":{"host":"http://127.0.0.1:8545"}}}`);
/// - `iexec.json`: the assets and order templates (`app`, `dataset`, `workerpool`, `order`);
/// - `deployed.json`: the addresses deployed, per chain id (`{"app":{"31337":"0x…"}}`);
/// - `orders.json`: the signed orders, per chain id (`{"31337":{"apporder":{…}}}`).
///
/// Every file is a JSON object read and written whole; fields this version does not know are kept.
/// Writes go to a temporary file renamed over the old one, so a file is never half written.
struct ProjectFiles {
    /// The folder holding the files.
    let directory: URL

    init(directory: String? = nil) {
        self.directory = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The JSON object in `name`; nil when the file does not exist.
    func read(_ name: String) throws -> [String: Any]? {
        let file = url(name)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw CLIError("cannot read \(file.path): \(error.localizedDescription)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIError("\(file.path) is not a JSON object: fix or remove it")
        }
        return object
    }

    /// Writes `object` to `name` atomically (pretty, sorted keys).
    func write(_ name: String, _ object: [String: Any]) throws {
        let file = url(name)
        let data = try JSONSerialization.data(withJSONObject: object,
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        do { try (data + Data("\n".utf8)).write(to: file, options: .atomic) } catch {
            throw CLIError("cannot write \(file.path): \(error.localizedDescription)")
        }
    }

    /// Reads `name` (an empty object when missing), lets `change` edit it, writes it back.
    func update(_ name: String, _ change: (inout [String: Any]) throws -> Void) throws {
        var object = try read(name) ?? [:]
        try change(&object)
        try write(name, object)
    }

    // MARK: chain.json

    /// The chain called `name` (the file's default when nil); without a chain.json, the local
    /// node at http://127.0.0.1:8545 under the name "dev".
    func chain(named name: String?) throws -> ChainEntry {
        guard let file = try read("chain.json") else {
            if let name, name != ChainEntry.local.name {
                throw CLIError("no chain.json in \(directory.path), so no chain \"\(name)\": run `iexec init` or write one")
            }
            return .local
        }
        guard let chains = file["chains"] as? [String: Any] else {
            throw CLIError("chain.json has no \"chains\" object")
        }
        guard let chosen = name ?? file["default"] as? String else {
            throw CLIError("chain.json has no \"default\" chain: pass --chain NAME (one of \(chains.keys.sorted().joined(separator: ", ")))")
        }
        guard let fields = chains[chosen] as? [String: Any] else {
            throw CLIError("chain.json has no chain \"\(chosen)\" (it has \(chains.keys.sorted().joined(separator: ", ")))")
        }
        return try ChainEntry(name: chosen, fields: fields)
    }

    // MARK: iexec.json

    /// A section of iexec.json (`app`, `dataset`, `workerpool`, `order`), or an error naming the
    /// command that writes it.
    func section(_ name: String, writtenBy command: String) throws -> [String: Any] {
        guard let project = try read("iexec.json") else {
            throw CLIError("no iexec.json in \(directory.path): run `\(command)` first")
        }
        guard let section = project[name] as? [String: Any] else {
            throw CLIError("iexec.json has no \"\(name)\" section: run `\(command)` first")
        }
        return section
    }

    // MARK: deployed.json

    /// The address of the `kind` (app, dataset, workerpool) deployed on chain `chainId`, if any.
    func deployed(_ kind: String, chainId: UInt64) throws -> Address? {
        guard let text = ((try read("deployed.json"))?[kind] as? [String: Any])?[String(chainId)] as? String else { return nil }
        do { return try Address(hex: text) } catch {
            throw CLIError("deployed.json: \(kind) on chain \(chainId) is not an address (\(text))")
        }
    }

    /// Records `address` as the `kind` deployed on chain `chainId`.
    func setDeployed(_ kind: String, chainId: UInt64, address: Address) throws {
        try update("deployed.json") { file in
            var entries = file[kind] as? [String: Any] ?? [:]
            entries[String(chainId)] = address.checksummed
            file[kind] = entries
        }
    }

    // MARK: orders.json

    /// The signed order `key` (apporder, datasetorder, workerpoolorder, requestorder) for chain `chainId`.
    func signedOrder(_ key: String, chainId: UInt64) throws -> [String: Any]? {
        ((try read("orders.json"))?[String(chainId)] as? [String: Any])?[key] as? [String: Any]
    }

    /// Stores a signed order for chain `chainId`, replacing the one of the same kind.
    func setSignedOrder(_ key: String, chainId: UInt64, order: [String: Any]) throws {
        try update("orders.json") { file in
            var chain = file[String(chainId)] as? [String: Any] ?? [:]
            chain[key] = order
            file[String(chainId)] = chain
        }
    }
}

/// One chain of chain.json: where its node is, and optionally where its market and storage are
/// (the node's own `/market` and `/storage` by default) and the chain id and hub it must have.
struct ChainEntry {
    /// The chain's name in chain.json.
    var name: String
    /// The node's JSON-RPC URL.
    var host: String
    /// The expected chain id, checked against the node's.
    var id: UInt64?
    /// The expected hub, checked against the node's.
    var hub: Address?
    /// The market's URL.
    var market: String
    /// The storage's URL.
    var storage: String

    /// The local node `iexec node --dev` and `iexec devnet` start.
    static let local = ChainEntry(name: "dev", host: "http://127.0.0.1:8545", id: nil, hub: nil,
                                  market: "http://127.0.0.1:8545", storage: "http://127.0.0.1:8545")

    init(name: String, host: String, id: UInt64?, hub: Address?, market: String, storage: String) {
        self.name = name
        self.host = host
        self.id = id
        self.hub = hub
        self.market = market
        self.storage = storage
    }

    /// Reads an entry of chain.json; iexec-sdk's `iexecGateway` is accepted for the market.
    init(name: String, fields: [String: Any]) throws {
        guard let host = fields["host"] as? String, !host.isEmpty else {
            throw CLIError("chain.json: chain \"\(name)\" has no \"host\" (the node's URL, e.g. http://127.0.0.1:8545)")
        }
        var id: UInt64?
        if let value = fields["id"] {
            guard let parsed = UInt64("\(value)") else { throw CLIError("chain.json: chain \"\(name)\" has an id that is not a number: \(value)") }
            id = parsed
        }
        var hub: Address?
        if let text = fields["hub"] as? String {
            do { hub = try Address(hex: text) } catch { throw CLIError("chain.json: chain \"\(name)\" hub \(text) is not an address") }
        }
        let trimmed = host.hasSuffix("/") ? String(host.dropLast()) : host
        self.init(name: name, host: trimmed, id: id, hub: hub,
                  market: fields["market"] as? String ?? fields["iexecGateway"] as? String ?? trimmed,
                  storage: fields["storage"] as? String ?? trimmed)
    }
}
