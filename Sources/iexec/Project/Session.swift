import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `--chain` and `--project`, shared by every command that talks to a chain.
struct ChainOptions: ParsableArguments {
    @Option(help: "The chain of chain.json to use (default: its \"default\"; without chain.json, the local node on :8545).")
    var chain: String?

    @Option(help: "Folder of iexec.json, chain.json, deployed.json and orders.json (default: the working directory).")
    var project: String?

    var files: ProjectFiles { ProjectFiles(directory: project) }

    /// Connects to the chosen chain's node and checks it is the chain chain.json names.
    func connect() async throws -> Session {
        let entry = try files.chain(named: chain)
        let node: RPCPoCoChain
        // 10 s, not AsyncHTTPClient's 30: a stopped node (connection refused, retried until the
        // deadline) is reported while the user still waits for an answer.
        do { node = try await RPCPoCoChain.connect(url: entry.host, options: RPCChainOptions(requestTimeout: .seconds(10))) } catch {
            throw CLIError("chain \"\(entry.name)\" at \(entry.host): \(error)")
        }
        if let id = entry.id, id != node.config.chainId {
            throw CLIError("chain \"\(entry.name)\": the node at \(entry.host) runs chain \(node.config.chainId), not \(id) as chain.json says")
        }
        if let hub = entry.hub, hub != node.config.hub {
            throw CLIError("chain \"\(entry.name)\": the node's hub is \(node.config.hub.checksummed), not \(hub.checksummed) as chain.json says")
        }
        return Session(entry: entry, chain: node, files: files)
    }
}

/// Which wallet signs: a keystore file, or the one of an address in the keystore folder (the
/// only one there when it holds a single wallet), as iexec-sdk finds it.
struct WalletOptions: ParsableArguments {
    @Option(help: "The wallet's keystore file.")
    var walletFile: String?

    @Option(help: "The wallet's address: its keystore is looked up in --keystoredir.")
    var walletAddress: String?

    @Option(help: "Folder of keystores searched when no --wallet-file is given.")
    var keystoredir: String = Wallet.defaultKeystoreDirectory

    @Option(help: "The wallet's password; prompted (no echo) when absent.")
    var password: String?

    /// The keystore file these options designate.
    func keystorePath() throws -> String {
        if let walletFile { return walletFile }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keystoredir)) ?? []
        let keystores = names.filter { $0.hasPrefix("UTC--") }.sorted()
        if let walletAddress {
            let address: Address
            do { address = try Address(hex: walletAddress) } catch {
                throw CLIError("--wallet-address \(walletAddress) is not an address (0x and 40 hex digits)")
            }
            let suffix = "--" + address.lowercaseHex.dropFirst(2)
            guard let name = keystores.first(where: { $0.hasSuffix(suffix) }) else {
                throw CLIError("no keystore for \(address.checksummed) in \(keystoredir): `iexec wallet import` it, or pass --wallet-file")
            }
            return URL(fileURLWithPath: keystoredir).appendingPathComponent(name).path
        }
        switch keystores.count {
        case 0:
            throw CLIError("no wallet in \(keystoredir): create one (`iexec wallet create`), import one (`iexec wallet import KEY`), or pass --wallet-file")
        case 1:
            return URL(fileURLWithPath: keystoredir).appendingPathComponent(keystores[0]).path
        default:
            throw CLIError("\(keystores.count) wallets in \(keystoredir): choose one with --wallet-address or --wallet-file")
        }
    }

    /// Opens the wallet (asking for its password when none was given).
    func key() throws -> PrivateKey {
        try Wallet.open(keystore: keystorePath(), password: password)
    }
}

/// A connection to one chain: its node (JSON-RPC), market and storage, and the project's files.
struct Session {
    /// The chain.json entry connected to.
    let entry: ChainEntry
    /// The node.
    let chain: RPCPoCoChain
    /// The project's files.
    let files: ProjectFiles

    var chainId: UInt64 { chain.config.chainId }
    var domain: PoCoDomain { chain.config.domain }
    var market: MarketClient { MarketClient(baseURL: entry.market) }

    /// The storage, signing its requests with `key` (uploads, private downloads).
    func storage(key: PrivateKey?) -> StorageClient {
        StorageClient(baseURL: entry.storage, key: key)
    }

    /// Sends `call` signed by `key`; a revert becomes an error naming PoCo's reason.
    func send(_ call: PoCoCall, value: UInt256 = .zero, signer key: PrivateKey) async throws -> PoCoReceipt {
        do { return try await chain.send(call, value: value, signer: key) } catch {
            throw CLIError("\(error)")
        }
    }
}
