import ArgumentParser
import Ethereum
import Foundation

/// `iexec order hash|sign`: PoCo orders (iexec-sdk's JSON) hashed and signed as iExec PoCo v5 does.
struct Order: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hash and sign iExec orders (EIP-712, domain iExecODB / 5.0.0).",
        subcommands: [Hash.self, Sign.self]
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

    struct Sign: IexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the order on stdin with a wallet; print its hash, signature and the signed order.")
        @OptionGroup var options: OrderOptions
        @Option(help: "The signer's keystore file.")
        var keystore: String
        @Option(help: "Its password; prompted (no echo) when absent.")
        var password: String?
        @OptionGroup var output: OutputOptions
        var input: FileHandle = .standardInput

        enum CodingKeys: CodingKey { case options, keystore, password, output }

        func execute() throws -> CommandOutput {
            let domain = try options.domain()
            let order = try options.readOrder(from: input)
            let key = try Wallet.open(keystore: keystore, password: password)
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
