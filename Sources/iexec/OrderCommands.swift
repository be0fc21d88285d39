import ArgumentParser
import Ethereum
import Foundation

/// `iexec order hash|sign`: PoCo orders (iexec-sdk's JSON) hashed and signed as iExec PoCo v5 does.
struct Order: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write, sign, publish, cancel and inspect iExec orders (EIP-712, domain iExecODB / 5.0.0).",
        subcommands: [Init.self, Sign.self, Publish.self, Unpublish.self, Cancel.self, Show.self, Hash.self]
    )

    enum OrderType: String, ExpressibleByArgument, CaseIterable {
        case app, dataset, workerpool, request

        /// Reads one order of this type; a field of another type is refused as unknown.
        func parse(_ json: String) throws -> any PoCoOrder {
            switch self {
            case .app: return try AppOrder(json: json)
            case .dataset: return try DatasetOrder(json: json)
            case .workerpool: return try WorkerpoolOrder(json: json)
            case .request: return try RequestOrder(json: json)
            }
        }
    }

    /// The order's type and the domain it is hashed in; the order itself comes on stdin.
    struct OrderOptions: ParsableArguments {
        @Option(help: "The order's type: app, dataset, workerpool or request.")
        var type: OrderType

        @Option(help: "The chain id of the EIP-712 domain (134 for iExec's Bellecour).")
        var chainId: String

        @Option(help: "The PoCo hub address (the domain's verifyingContract).")
        var hub: String

        func domain() throws -> PoCoDomain {
            try Self.domain(chainId: chainId, hub: hub)
        }

        /// The domain of chain `chainId` (decimal or 0x-hex) and hub `hub`, errors naming the option.
        static func domain(chainId: String, hub: String) throws -> PoCoDomain {
            let chain: UInt256
            do {
                chain = try UInt256(parsing: chainId)
            } catch {
                throw CLIError("--chain-id: \(error)")
            }
            do {
                return PoCoDomain(chainId: chain, hub: try Address(hex: hub))
            } catch {
                throw CLIError("--hub: \(error)")
            }
        }

        /// The order read from standard input, errors naming the offending field.
        func readOrder(from input: FileHandle = .standardInput) throws -> any PoCoOrder {
            try Self.readOrder(type, from: input)
        }

        /// One order of `type` read from `input`.
        static func readOrder(_ type: OrderType, from input: FileHandle) throws -> any PoCoOrder {
            let data = input.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8), !text.allSatisfy(\.isWhitespace) else {
                throw CLIError("no order on standard input: pipe one \(type.rawValue) order as JSON")
            }
            return try type.parse(text)
        }
    }

    struct Hash: IexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the order hash of the order on stdin (the EIP-712 digest PoCo keys it by).")
        @OptionGroup var options: OrderOptions
        @OptionGroup var output: OutputOptions
        var input: FileHandle = .standardInput

        enum CodingKeys: CodingKey { case options, output }

        func execute() throws -> CommandOutput {
            let domain = try options.domain()
            let order = try options.readOrder(from: input)
            let hash = order.hash(in: domain).hex
            return CommandOutput(fields: ["orderHash": hash], text: hash)
        }
    }

    /// `iexec order sign`: the project's order templates (iexec.json) signed into orders.json, or,
    /// with `--type`, one order on stdin signed with a keystore (iExec's published vectors use it).
    struct Sign: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the order templates of iexec.json into orders.json (or, with --type, the order on stdin).",
            discussion: """
                Without --type: each chosen template of iexec.json's "order" section (all there when none is \
                chosen) gets a fresh random salt, is checked against the chain (the wallet owns the app, dataset \
                or workerpool, or is the request's requester; the assets are registered) and is signed in the \
                connected chain's EIP-712 domain; orders.json keeps it under the chain id. \
                With --type, --chain-id, --hub and --keystore: the order on standard input, printed signed.
                """)
        @OptionGroup var selection: OrderSelection
        @Option(help: "Sign the order on stdin instead: its type (app, dataset, workerpool or request).")
        var type: OrderType?
        @Option(help: "With --type: the chain id of the EIP-712 domain (134 for iExec's Bellecour).")
        var chainId: String?
        @Option(help: "With --type: the PoCo hub address (the domain's verifyingContract).")
        var hub: String?
        @Option(help: "With --type: the signer's keystore file (else the wallet options choose it).")
        var keystore: String?
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions
        var input: FileHandle = .standardInput

        enum CodingKeys: CodingKey { case selection, type, chainId, hub, keystore, chainOptions, wallet, output }

        func validate() throws {
            if type == nil {
                guard chainId == nil, hub == nil, keystore == nil else {
                    throw ValidationError("--chain-id, --hub and --keystore sign an order on stdin: give its --type too")
                }
            } else {
                guard chainId != nil, hub != nil else {
                    throw ValidationError("--type signs the order on stdin: give --chain-id and --hub of its domain")
                }
                guard selection.kinds.isEmpty else {
                    throw ValidationError("--type signs the order on stdin; --app, --dataset, --workerpool and --request sign iexec.json's templates: choose one way")
                }
            }
        }

        /// Signs the order on standard input (`--type` mode).
        func execute() throws -> CommandOutput {
            try signStandardInput()
        }

        /// Signs iexec.json's templates, or the order on stdin when `--type` is given.
        func execute() async throws -> CommandOutput {
            if type != nil { return try signStandardInput() }
            let session = try await chainOptions.connect()
            return try await ProjectOrderSigner(session: session, wallet: wallet).sign(selection.kinds)
        }

        private func signStandardInput() throws -> CommandOutput {
            guard let type, let chainId, let hub else {
                throw CLIError("signing the order on stdin needs --type, --chain-id and --hub")
            }
            let domain = try OrderOptions.domain(chainId: chainId, hub: hub)
            let order = try OrderOptions.readOrder(type, from: input)
            let key = try keystore.map { try Wallet.open(keystore: $0, password: wallet.password) } ?? wallet.key()
            let signed = order.signed(with: key, in: domain)
            let hash = signed.hash(in: domain).hex
            let signature = Hex.encode(signed.sign)
            let signedObject = try JSONSerialization.jsonObject(with: Data(signed.json.utf8))
            return CommandOutput(
                fields: ["orderHash": hash, "sign": signature, "signer": key.address.checksummed, "order": signedObject],
                text: "order hash \(hash)\nsigned by  \(key.address)\nsign       \(signature)\n\(signed.json)")
        }
    }
}
