import ArgumentParser
import Chain
import Ethereum
import Foundation
import Ledger
import Logging
import Market
import Server
import Storage
import Synchronization

/// `iexec node` (run the chain node) and `iexec node verify` (replay its ledger).
struct Node: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the iExec chain node (JSON-RPC over HTTP and WebSocket, /info, /metrics), or verify its ledger.",
        subcommands: [Run.self, Verify.self],
        defaultSubcommand: Run.self
    )

    /// The ledger file inside a data directory.
    static func ledgerPath(in dataDir: String) -> String { NodeStack.ledgerPath(in: dataDir) }

    enum SyncMode: String, ExpressibleByArgument, CaseIterable {
        case normal, full

        var synchronous: SQLiteChainStore.Synchronous { self == .full ? .full : .normal }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Start the node; it runs until SIGINT or SIGTERM (the block being sealed is finished first).")

        @Option(help: "Folder of the node's ledger (<data-dir>/chain.sqlite); created if needed.")
        var dataDir: String
        @Option(help: "TCP port for JSON-RPC (HTTP POST and WebSocket on /), /info and /metrics; 0 picks a free one.")
        var port: Int = 8545
        @Option(help: "Interface to listen on (0.0.0.0 exposes the node to the network).")
        var host: String = "127.0.0.1"
        @Option(help: "Chain id of a new chain (default: the genesis file's, or 31337 with --dev).")
        var chainId: UInt64?
        @Option(help: "Milliseconds between blocks; 0 seals as soon as transactions wait.")
        var blockTime: UInt64 = 0
        @Flag(help: "Development chain: the ten accounts of the test mnemonic funded, evm_*/anvil_* methods on.")
        var dev = false
        @Option(help: "Genesis JSON file of a new chain (see docs/node.md).")
        var genesis: String?
        @Option(help: "Ledger durability: normal survives a killed process, full also a power loss (one fsync per block).")
        var sync: SyncMode = .normal
        @Option(help: "Governance account of a new chain without --dev or --genesis (creates categories).")
        var governance: String?
        @Option(parsing: .singleValue,
                help: "ADDRESS=RLC: native coin of an account of a new chain (repeatable; with --governance).")
        var fund: [String] = []
        @Option(help: "Most OPEN or DEAD orders one address may have in the market (/market).")
        var maxOrdersPerAddress: Int = MarketPolicy().maxOpenOrdersPerAddress
        @Option(help: "Largest blob the storage (/storage) accepts, in bytes.")
        var storageSizeLimit: UInt64 = 4 << 30
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
            if dev, genesis != nil { throw ValidationError("--dev and --genesis exclude each other: --dev uses the built-in development genesis") }
            if chainId == 0 { throw ValidationError("--chain-id must be positive") }
            guard blockTime <= 3_600_000 else { throw ValidationError("--block-time is in milliseconds, at most 3600000 (an hour), not \(blockTime)") }
            guard !dataDir.isEmpty else { throw ValidationError("--data-dir must not be empty") }
            guard maxOrdersPerAddress > 0 else { throw ValidationError("--max-orders-per-address must be positive") }
            guard storageSizeLimit > 0 else { throw ValidationError("--storage-size-limit must be positive") }
            if governance != nil, dev || genesis != nil {
                throw ValidationError("--governance builds a genesis from flags: it excludes --dev and --genesis")
            }
            if !fund.isEmpty, governance == nil {
                throw ValidationError("--fund needs --governance (a genesis from flags); put accounts in the --genesis file otherwise")
            }
            _ = try flagGenesis()
        }

        /// The genesis `--governance`, `--fund` and `--chain-id` describe, nil without `--governance`.
        func flagGenesis() throws -> Genesis? {
            guard let governance else { return nil }
            let governor: Address
            do { governor = try Address(hex: governance) } catch {
                throw ValidationError("--governance \(governance) is not an address: \(error)")
            }
            let weiPerRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
            var accounts: [GenesisAccount] = []
            for entry in fund {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let address = try? Address(hex: parts[0]) else {
                    throw ValidationError("--fund \(entry): expected ADDRESS=RLC, e.g. 0xf39F…2266=1000")
                }
                guard let rlc = try? UInt256(decimal: parts[1]) else {
                    throw ValidationError("--fund \(entry): \(parts[1]) is not a whole number of RLC")
                }
                let (wei, overflow) = rlc.multipliedReportingOverflow(by: weiPerRLC)
                guard !overflow else { throw ValidationError("--fund \(entry): \(parts[1]) RLC is more than 2^256 wei") }
                guard !accounts.contains(where: { $0.address == address }) else {
                    throw ValidationError("--fund \(entry): \(address.checksummed) is funded twice")
                }
                accounts.append(GenesisAccount(address: address, balance: wei))
            }
            return Genesis(chainId: chainId ?? Genesis.devChainId, governance: governor, accounts: accounts)
        }

        /// The genesis the flags ask for: nil to resume the stored chain.
        func requestedGenesis() throws -> Genesis? {
            var chosen: Genesis? = try flagGenesis()
            if dev { chosen = Genesis.dev() }
            if let path = genesis {
                do { chosen = try Genesis(contentsOfFile: path) } catch { throw CLIError("--genesis \(path): \(error)") }
            }
            if let chainId, chosen != nil { chosen?.chainId = chainId }
            return chosen
        }

        func run() async throws {
            try await Node.reportingFailure(raw: output.raw) { try await start() }
        }

        /// Opens the ledger and the chain, serves until a signal, closes the ledger.
        func start() async throws {
            let genesis = try requestedGenesis()
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            let lock = try DataDirectoryLock(directory: dataDir)
            defer { withExtendedLifetime(lock) {} }
            let storageDir = NodeStack.storageDirectory(in: dataDir)
            try FileManager.default.createDirectory(atPath: storageDir, withIntermediateDirectories: true)
            let storageKey = try StorageCommand.loadOrCreateKey(path: StorageCommand.defaultKeyPath(in: storageDir))
            var logger = Logger(label: "iexec.node")
            logger.logLevel = .warning
            let listening = Mutex(false)
            let stack = try await NodeStack.open(
                dataDir: dataDir, genesis: genesis, configuration: NodeConfiguration(blockTime: .milliseconds(blockTime), dev: dev),
                server: NodeServerConfiguration(host: host, port: port), synchronous: sync.synchronous,
                marketPolicy: MarketPolicy(maxOpenOrdersPerAddress: maxOrdersPerAddress), storageSizeLimit: storageSizeLimit,
                storageKey: storageKey, logger: logger
            ) { node, boundPort in
                listening.withLock { $0 = true }
                let banner = await Node.banner(node: node, host: self.host, port: boundPort, dataDir: self.dataDir,
                                               dev: self.dev, storageAddress: storageKey.address)
                Node.emit(self.output.raw ? JSONText.object(banner.fields.merging(["ok": true]) { $1 }) : banner.text)
            }
            defer { stack.close() }
            let node = stack.node
            if let chainId, node.chainId != chainId {
                throw CLIError("the data directory holds chain \(node.chainId), not --chain-id \(chainId): use another --data-dir")
            }
            do {
                try await stack.services.run()
            } catch where !listening.withLock({ $0 }) {
                throw CLIError("cannot listen on \(host):\(port): \(error)")
            }
            if !output.raw {
                let head = await node.head.number
                FileHandle.standardError.write(Data("iexec node: stopped at block \(head)\n".utf8))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay every block from genesis and check every header field it recomputes; exits 1 on a mismatch.")

        @Option(help: "Folder of the node's ledger (<data-dir>/chain.sqlite).")
        var dataDir: String
        @OptionGroup var output: OutputOptions

        /// The replay's report (the ledger must exist: verify never creates one).
        func verify() async throws -> ChainVerificationReport {
            let path = Node.ledgerPath(in: dataDir)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("no ledger at \(path): --data-dir must be a node's data directory")
            }
            let store = try SQLiteChainStore(path: path)
            defer { try? store.close() }
            return try await ChainVerifier(store: store).verify()
        }

        /// The report as the command prints it.
        static func output(for report: ChainVerificationReport) -> CommandOutput {
            var fields: [String: Any] = [
                "head": report.head, "blocks": report.blocksChecked, "transactions": report.transactionsChecked,
                "verified": report.verified,
            ]
            guard let mismatch = report.mismatch else {
                return CommandOutput(fields: fields, text: "verified \(report.blocksChecked) blocks (0…\(report.head)) and \(report.transactionsChecked) transactions: every header field matches a replay from genesis")
            }
            fields["mismatch"] = ["block": mismatch.blockNumber, "field": mismatch.field, "stored": mismatch.stored,
                                  "recomputed": mismatch.recomputed]
            fields["error"] = mismatch.description
            return CommandOutput(fields: fields, text: "mismatch: \(mismatch.description) (blocks 0…\(report.blocksChecked == 0 ? 0 : report.blocksChecked - 1) verified, \(report.transactionsChecked) transactions)")
        }

        func run() async throws {
            let report: ChainVerificationReport
            do {
                report = try await verify()
            } catch {
                Node.fail(error, raw: output.raw)
            }
            let result = Self.output(for: report)
            if output.raw {
                Node.emit(JSONText.object(result.fields.merging(["ok": report.verified]) { $1 }))
            } else if report.verified {
                Node.emit(result.text)
            } else {
                FileHandle.standardError.write(Data("iexec: error: \(result.text)\n".utf8))
            }
            if !report.verified { throw ExitCode.failure }
        }
    }

    /// What `iexec node` prints once it listens: one line per endpoint and address.
    static func banner(node: ChainNode, host: String, port: Int, dataDir: String, dev: Bool,
                       storageAddress: Address) async -> CommandOutput {
        let genesis = node.genesis
        let head = await node.head
        let base = "\(host):\(port)"
        var fields: [String: Any] = [
            "http": "http://\(base)", "ws": "ws://\(base)", "info": "http://\(base)/info",
            "metrics": "http://\(base)/metrics", "market": "http://\(base)/market", "storage": "http://\(base)/storage",
            "storageAddress": storageAddress.checksummed, "chainId": node.chainId, "hub": genesis.hub.checksummed,
            "appRegistry": genesis.appRegistry.checksummed, "datasetRegistry": genesis.datasetRegistry.checksummed,
            "workerpoolRegistry": genesis.workerpoolRegistry.checksummed, "governance": genesis.governance.checksummed,
            "head": head.number, "dataDir": dataDir, "dev": dev,
        ]
        var lines = [
            "iexec node: chain \(node.chainId), head block \(head.number), ledger \(Node.ledgerPath(in: dataDir))",
            "JSON-RPC (HTTP)      http://\(base)",
            "JSON-RPC (WebSocket) ws://\(base)",
            "info                 http://\(base)/info",
            "metrics              http://\(base)/metrics",
            "market               http://\(base)/market   (docs/market.md, docs/openapi/market.yaml)",
            "storage              http://\(base)/storage  (docs/storage.md; receipts signed by \(storageAddress.checksummed))",
            "chain id             \(node.chainId)",
            "hub                  \(genesis.hub.checksummed)",
            "app registry         \(genesis.appRegistry.checksummed)",
            "dataset registry     \(genesis.datasetRegistry.checksummed)",
            "workerpool registry  \(genesis.workerpoolRegistry.checksummed)",
            "governance           \(genesis.governance.checksummed)",
        ]
        if dev, let keys = try? HDWallet.devAccounts() {
            fields["devAccounts"] = keys.map { ["address": $0.address.checksummed, "privateKey": Hex.encode($0.bytes)] }
            lines.append("dev accounts (mnemonic \"\(HDWallet.devMnemonic)\", m/44'/60'/0'/0/i; development only):")
            for (index, key) in keys.enumerated() {
                lines.append("  (\(index)) \(key.address.checksummed)  key \(Hex.encode(key.bytes))")
            }
        }
        lines.append("Stop with Ctrl-C (SIGINT) or SIGTERM.")
        return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
    }

    /// Prints a line and flushes it at once (a script reading a pipe waits for it).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Runs a long-running command's body; a failure is printed the way every iexec command does
    /// (`--raw`: one JSON object) and exits 1, an `ExitCode` passes through.
    static func reportingFailure(raw: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            fail(error, raw: raw)
        }
    }

    /// Prints `error` the way every iexec command does and exits 1.
    static func fail(_ error: any Error, raw: Bool) -> Never {
        let message = String(describing: error)
        if raw {
            emit(JSONText.object(["ok": false, "error": message]))
        } else {
            FileHandle.standardError.write(Data("iexec: error: \(message)\n".utf8))
        }
        Foundation.exit(1)
    }
}

/// Holds `<data-dir>/LOCK` exclusively while a node runs: two nodes sealing on one ledger would
/// fork it. The lock goes with the process (also on `kill -9`).
final class DataDirectoryLock {
    private let descriptor: Int32

    /// Takes the lock, or fails naming the folder when another process holds it.
    init(directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("LOCK").path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CLIError("cannot create \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CLIError("another iexec node is running on \(directory) (\(path) is locked): stop it or use another --data-dir")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
