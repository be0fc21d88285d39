import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `iexec category create|show|count`: the categories deals run in (each fixes the reference
/// time a task may take), as iexec-sdk's `iexec category` verbs.
struct CategoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "category",
        abstract: "Create (governance only), show and count the categories of work.",
        subcommands: [Create.self, Show.self, Count.self]
    )

    struct Create: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a category: only the chain's governance account may (see `iexec info`).")
        @Option(help: "The category's name, e.g. XL.")
        var name: String
        @Option(help: "Its description, e.g. '{\"cpu\":8}'.")
        var description: String
        @Option(help: "Its work clock time reference, in seconds: a task's deadlines are multiples of it.")
        var workClockTimeRef: UInt64
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !name.isEmpty else { throw ValidationError("--name must not be empty") }
            guard workClockTimeRef > 0 else { throw ValidationError("--work-clock-time-ref must be more than zero seconds") }
        }

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let key = try wallet.key()
            let governance = session.chain.config.governance
            let refusal = """
                only the chain's governance account \(governance.checksummed) may create categories, \
                not \(key.address.checksummed): sign with the governance wallet; nothing was created
                """
            guard key.address == governance else { throw CLIError(refusal) }
            let call = PoCoCall.governance(.createCategory(name: name, description: description,
                                                           workClockTimeRef: UInt256(workClockTimeRef)))
            let receipt: PoCoReceipt
            do throws(ChainClientError) { receipt = try await session.chain.send(call, signer: key) } catch {
                if case .reverted(_, let reason) = error, reason == PoCoError.notGovernance.reason { throw CLIError(refusal) }
                throw CLIError("\(error)")
            }
            guard let id = CategoryCommand.createdId(in: receipt, hub: session.chain.config.hub) else {
                throw CLIError("the category was created (transaction \(receipt.transactionHash.hex)) but its CreateCategory log is missing: `iexec category count` tells its id")
            }
            return CommandOutput(
                fields: ["id": id.decimalString, "name": name, "description": description,
                         "workClockTimeRef": String(workClockTimeRef), "txHash": receipt.transactionHash.hex],
                text: "created category \(id.decimalString) \"\(name)\" (work clock time reference \(workClockTimeRef) s, transaction \(receipt.transactionHash.hex))")
        }
    }

    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(abstract: "Show the category ID.")
        @Argument(help: "The category's id (0, 1, …).")
        var id: String
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            guard let number = try? UInt256(decimal: id) else {
                throw CLIError("category id \"\(id)\": expected a number (0, 1, …)")
            }
            let session = try await chainOptions.connect()
            let count = try await CategoryCommand.count(session)
            guard number < count else {
                throw CLIError("no category \(id) on chain \(session.chainId): it has \(count.decimalString) (ids 0 to \(count.isZero ? "none" : (count - 1).decimalString))")
            }
            let category: PoCo.Category
            do { category = try await session.chain.category(number) } catch {
                throw CLIError("cannot read category \(id): \(error)")
            }
            return CommandOutput(
                fields: ["id": number.decimalString, "name": category.name, "description": category.description,
                         "workClockTimeRef": category.workClockTimeRef.decimalString],
                text: """
                    category \(number.decimalString) on chain \(session.chainId)
                    name              \(category.name)
                    description       \(category.description)
                    workClockTimeRef  \(category.workClockTimeRef.decimalString) s
                    """)
        }
    }

    struct Count: AsyncIexecCommand {
        static let configuration = CommandConfiguration(abstract: "Count the categories (their ids run from 0).")
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let count = try await CategoryCommand.count(session)
            return CommandOutput(fields: ["count": count.decimalString],
                                 text: "\(count.decimalString) categories on chain \(session.chainId)")
        }
    }

    static func count(_ session: Session) async throws -> UInt256 {
        do { return try await session.chain.countCategory() } catch {
            throw CLIError("cannot count the categories: \(error)")
        }
    }

    /// The id in the receipt's `CreateCategory(uint256 catid, string, string, uint256)` log.
    static func createdId(in receipt: PoCoReceipt, hub: Address) -> UInt256? {
        let topic = Keccak256.hash("CreateCategory(uint256,string,string,uint256)")
        guard let log = receipt.logs.first(where: { $0.address == hub && $0.topics.first == topic }),
              let values = try? ABI.decode([.uint256, .string, .string, .uint256], from: log.data) else { return nil }
        return values.first?.uintValue
    }
}
