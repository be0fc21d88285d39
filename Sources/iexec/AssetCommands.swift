import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `iexec app|dataset|workerpool init|deploy|show|count`, as iexec-sdk's: the same four verbs on
/// the three kinds of asset, written once (`AssetInit<Kind>`…) and named under each kind.
protocol AssetFlavor {
    static var kind: AssetKind { get }
}

enum AppAsset: AssetFlavor { static var kind: AssetKind { .app } }
enum DatasetAsset: AssetFlavor { static var kind: AssetKind { .dataset } }
enum WorkerpoolAsset: AssetFlavor { static var kind: AssetKind { .workerpool } }

extension AppCommand {
    typealias Init = AssetInit<AppAsset>
    typealias Deploy = AssetDeploy<AppAsset>
    typealias Show = AssetShow<AppAsset>
    typealias Count = AssetCount<AppAsset>
}

/// `iexec dataset`: datasets (files a requester's app reads, checked against their SHA-256).
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Describe, register, show and count datasets.",
        subcommands: [AssetInit<DatasetAsset>.self, AssetDeploy<DatasetAsset>.self, AssetShow<DatasetAsset>.self,
                      AssetCount<DatasetAsset>.self])
}

/// `iexec workerpool`: workerpools (a scheduler's pool of workers).
struct WorkerpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workerpool",
        abstract: "Describe, register, show and count workerpools.",
        subcommands: [AssetInit<WorkerpoolAsset>.self, AssetDeploy<WorkerpoolAsset>.self, AssetShow<WorkerpoolAsset>.self,
                      AssetCount<WorkerpoolAsset>.self])
}

/// `init`: writes the kind's section of iexec.json with iexec-sdk's fields.
struct AssetInit<Flavor: AssetFlavor>: AsyncIexecCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "init",
            abstract: "Write the \(Flavor.kind.rawValue) section of iexec.json (iexec-sdk's fields), owned by the wallet.")
    }

    @Option(help: "Folder of iexec.json (default: the working directory).")
    var project: String?
    @OptionGroup var wallet: WalletOptions
    @OptionGroup var output: OutputOptions

    func execute() throws -> CommandOutput {
        let kind = Flavor.kind
        let files = ProjectFiles(directory: project)
        if (try files.read("iexec.json"))?[kind.rawValue] != nil {
            throw CLIError("iexec.json already has a \(kind.rawValue) section: edit it, or remove it to start over")
        }
        var owner = Address.zero
        var note: String?
        // A wallet named explicitly must be found; otherwise one is looked for quietly.
        if wallet.walletAddress != nil || wallet.walletFile != nil {
            owner = try wallet.address()
        } else if let found = try? wallet.address() {
            owner = found
        } else {
            note = "no wallet found in \(wallet.keystoredir): the owner is the zero address until deploy (the signer then owns it)"
        }
        let section = kind.template(owner: owner)
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        try files.update("iexec.json") { $0[kind.rawValue] = section }
        var fields: [String: Any] = [kind.rawValue: section, "file": files.url("iexec.json").path]
        var lines = ["wrote the \(kind.rawValue) section of \(files.url("iexec.json").path):", JSONText.object(section)]
        if let note {
            fields["note"] = note
            lines.append("note: \(note)")
        }
        lines.append(kind == .workerpool ? "Next: `\(kind.command) deploy`."
                                         : "Next: edit its name, then `\(kind.command) deploy --file PATH`.")
        return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
    }
}

/// `deploy`: registers the section's asset and records its address in deployed.json.
struct AssetDeploy<Flavor: AssetFlavor>: AsyncIexecCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "deploy",
            abstract: "Register the \(Flavor.kind.rawValue) of iexec.json on the chain and record it in deployed.json.",
            discussion: Flavor.kind == .workerpool ? "" : """
                With --file, the file is first uploaded to the chain's storage; its content id becomes the \
                multiaddr and its SHA-256 the checksum (the workers check the bytes they download against it)\
                \(Flavor.kind == .app ? "; the type is WASM for a Wasm module (\\0asm), NATIVE for an ELF or #! file" : ""). \
                iexec.json is updated once the \(Flavor.kind.rawValue) is registered.
                """)
    }

    @Option(help: "Upload this file first and describe it in iexec.json (apps and datasets only).")
    var file: String?
    @OptionGroup var chainOptions: ChainOptions
    @OptionGroup var wallet: WalletOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if file != nil, Flavor.kind == .workerpool { throw ValidationError("--file: a workerpool has no file") }
    }

    func execute() async throws -> CommandOutput {
        let kind = Flavor.kind
        let files = chainOptions.files
        var section = try files.section(kind.rawValue, writtenBy: "\(kind.command) init")
        let session = try await chainOptions.connect()
        if let existing = try files.deployed(kind.rawValue, chainId: session.chainId) {
            throw CLIError("""
                the \(kind.rawValue) of iexec.json is already deployed on chain \(session.chainId) at \(existing.checksummed) \
                (deployed.json): `\(kind.command) show` shows it; to register another, change the section and remove \
                that entry of deployed.json
                """)
        }
        let key = try wallet.key()
        var uploaded: UploadedAsset?
        if let file {
            let upload = try await UploadedAsset.upload(file, kind: kind, session: session, key: key)
            section["multiaddr"] = upload.multiaddr
            section["checksum"] = upload.checksum.hex
            if let type = upload.appType { section["type"] = type }
            uploaded = upload
        }
        let (call, predicted) = try kind.registration(section, signer: key.address, config: session.chain.config)
        if try await kind.isRegistered(predicted, on: session) {
            throw CLIError("""
                an identical \(kind.rawValue) is already registered at \(predicted.checksummed) on chain \(session.chainId) \
                (not in deployed.json): use it (`\(kind.command) show \(predicted.checksummed)`), or change the section
                """)
        }
        let receipt = try await session.send(.registry(call), signer: key)
        let address = kind.minted(in: receipt, config: session.chain.config) ?? predicted
        let ownerWasUnset = try SectionReader(kind: kind, section: section).owner() == nil
        if ownerWasUnset { section["owner"] = key.address.checksummed }
        if uploaded != nil || ownerWasUnset { try files.update("iexec.json") { $0[kind.rawValue] = section } }
        try files.setDeployed(kind.rawValue, chainId: session.chainId, address: address)
        var fields: [String: Any] = ["address": address.checksummed, "txHash": receipt.transactionHash.hex,
                                     "blockNumber": String(receipt.blockNumber), "chainId": String(session.chainId)]
        var lines = ["deployed \(kind.rawValue) \(address.checksummed) on chain \(session.chainId) (transaction \(receipt.transactionHash.hex))"]
        if let uploaded {
            fields["multiaddr"] = uploaded.multiaddr
            fields["checksum"] = uploaded.checksum.hex
            lines.append("uploaded \(file ?? ""): multiaddr \(uploaded.multiaddr), checksum \(uploaded.checksum.hex)")
            if let type = uploaded.appType {
                fields["type"] = type
                lines.append("type \(type)")
            }
        }
        return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
    }
}

/// `show [ADDRESS|INDEX]`: an asset as the chain has it.
struct AssetShow<Flavor: AssetFlavor>: AsyncIexecCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "show",
            abstract: "Show a \(Flavor.kind.rawValue) from the chain: by address, by index among a user's, or the one deployed.")
    }

    @Argument(help: "An address, or an index (0, 1, …) among --user's assets; default: the one in deployed.json.")
    var addressOrIndex: String?
    @Option(help: "Whose assets an INDEX counts in (default: the wallet's address).")
    var user: String?
    @OptionGroup var chainOptions: ChainOptions
    @OptionGroup var wallet: WalletOptions
    @OptionGroup var output: OutputOptions

    func execute() async throws -> CommandOutput {
        let kind = Flavor.kind
        let session = try await chainOptions.connect()
        let address: Address
        if let addressOrIndex, addressOrIndex.hasPrefix("0x") {
            address = try AccountCommand.parseAddress(addressOrIndex, kind.rawValue)
        } else if let addressOrIndex {
            guard let index = Int(addressOrIndex), index >= 0 else {
                throw CLIError("\"\(addressOrIndex)\" is neither an address (0x…) nor an index (0, 1, …)")
            }
            let owner = try user.map { try AccountCommand.parseAddress($0, "--user") } ?? wallet.address()
            let owned = try await kind.owned(by: owner, on: session)
            guard index < owned.count else {
                throw CLIError("\(owner.checksummed) has \(owned.count) \(kind.rawValue)(s) on chain \(session.chainId), so no index \(index)")
            }
            address = owned[index]
        } else {
            guard let deployed = try chainOptions.files.deployed(kind.rawValue, chainId: session.chainId) else {
                throw CLIError("no \(kind.rawValue) of deployed.json on chain \(session.chainId): give an address or an index, or `\(kind.command) deploy`")
            }
            address = deployed
        }
        let (fields, lines) = try await kind.describe(address, on: session)
        let width = (lines.map(\.0.count).max() ?? 0) + 1
        let text = lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
        return CommandOutput(fields: [kind.rawValue: fields], text: "\(kind.rawValue) on chain \(session.chainId)\n" + text)
    }
}

/// `count [--user ADDRESS]`: how many assets of the kind a user owns (the registry's ERC-721 balanceOf).
struct AssetCount<Flavor: AssetFlavor>: AsyncIexecCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "count", abstract: "Count the \(Flavor.kind.rawValue)s a user owns.")
    }

    @Option(help: "Whose assets to count (default: the wallet's address).")
    var user: String?
    @OptionGroup var chainOptions: ChainOptions
    @OptionGroup var wallet: WalletOptions
    @OptionGroup var output: OutputOptions

    func execute() async throws -> CommandOutput {
        let kind = Flavor.kind
        let owner = try user.map { try AccountCommand.parseAddress($0, "--user") } ?? wallet.address()
        let session = try await chainOptions.connect()
        let count = try await kind.count(ownedBy: owner, on: session)
        return CommandOutput(fields: ["count": count.decimalString, "user": owner.checksummed],
                             text: "\(owner.checksummed) owns \(count.decimalString) \(kind.rawValue)(s) on chain \(session.chainId)")
    }
}
