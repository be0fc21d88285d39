import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// PoCo's escrow account (free and frozen nRLC).
typealias EscrowAccount = PoCo.Account

/// `iexec account deposit|withdraw|show`: the RLC an account holds in PoCo's escrow, as
/// iexec-sdk's `iexec account` verbs. The escrow counts nRLC; RLC is the chain's native coin
/// (1 nRLC = 10⁹ wei), so a deposit pays native coin in and a withdrawal pays it back.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Deposit RLC into the escrow, withdraw it, and show an account's balances.",
        subcommands: [Deposit.self, Withdraw.self, Show.self]
    )

    struct Deposit: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move native RLC from the wallet into its escrow account (free to pay for deals and stakes).")
        @Argument(help: "How much: nRLC when bare (100), or with a unit (100 nRLC, 1.5 RLC).")
        var amount: String
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let nRLC = try AccountCommand.positive(amount)
            let session = try await chainOptions.connect()
            let key = try wallet.key()
            let before = try await Balances.read(key.address, session)
            let wei = nRLC.multipliedReportingOverflow(by: PoCoConstants.weiPerNRLC)
            guard !wei.overflow, before.native >= wei.partialValue else {
                throw CLIError("""
                    insufficient native balance: \(key.address.checksummed) holds \(Balances.describeWei(before.native)), \
                    a deposit of \(Amount.describe(nRLC)) needs \(Balances.describeWei(wei.partialValue)); nothing was deposited
                    """)
            }
            let receipt = try await session.send(.escrow(.deposit), value: wei.partialValue, signer: key)
            let after = try await Balances.read(key.address, session)
            return AccountCommand.movement("deposited", nRLC, key.address, before, after, receipt)
        }
    }

    struct Withdraw: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move free RLC from the escrow account back to the wallet (frozen RLC stays until its deals end).")
        @Argument(help: "How much: nRLC when bare (100), or with a unit (100 nRLC, 1.5 RLC).")
        var amount: String
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let nRLC = try AccountCommand.positive(amount)
            let session = try await chainOptions.connect()
            let key = try wallet.key()
            let before = try await Balances.read(key.address, session)
            guard before.escrow.balance >= nRLC else {
                throw CLIError("""
                    insufficient escrow balance: \(key.address.checksummed) has \(Amount.describe(before.escrow.balance)) free \
                    (and \(Amount.describe(before.escrow.frozen)) frozen, which cannot be withdrawn), \
                    not the \(Amount.describe(nRLC)) asked; nothing was withdrawn
                    """)
            }
            let receipt = try await session.send(.escrow(.withdraw(amount: nRLC)), signer: key)
            let after = try await Balances.read(key.address, session)
            return AccountCommand.movement("withdrew", nRLC, key.address, before, after, receipt)
        }
    }

    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's escrow balance, its frozen (staked, locked) RLC and its wallet's native RLC.")
        @Argument(help: "The account (default: the wallet's address; no password needed).")
        var address: String?
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let account = try address.map { try AccountCommand.parseAddress($0, "ADDRESS") } ?? wallet.address()
            let session = try await chainOptions.connect()
            let balances = try await Balances.read(account, session)
            var fields = balances.fields
            fields["address"] = account.checksummed
            return CommandOutput(fields: fields, text: "account \(account.checksummed)\n" + balances.text)
        }
    }

    /// A positive nRLC amount, or an error naming it.
    static func positive(_ text: String) throws -> UInt256 {
        let nRLC = try Amount.parse(text)
        guard !nRLC.isZero else { throw CLIError("amount \"\(text)\": must be more than zero") }
        return nRLC
    }

    /// An address typed by the user, or an error naming where it came from.
    static func parseAddress(_ text: String, _ what: String) throws -> Address {
        do { return try Address(hex: text) } catch {
            throw CLIError("\(what) \(text) is not an address (0x and 40 hex digits)")
        }
    }

    /// The output of a deposit or withdrawal: the amount and the balances before and after.
    static func movement(_ verb: String, _ nRLC: UInt256, _ address: Address, _ before: Balances, _ after: Balances,
                         _ receipt: PoCoReceipt) -> CommandOutput {
        let fields: [String: Any] = [
            "address": address.checksummed,
            "amount": nRLC.decimalString,
            "before": before.fields,
            "after": after.fields,
            "txHash": receipt.transactionHash.hex,
            "blockNumber": String(receipt.blockNumber),
        ]
        let text = """
            \(verb) \(Amount.describe(nRLC)) (\(address.checksummed), transaction \(receipt.transactionHash.hex))
            before:
            \(before.text)
            after:
            \(after.text)
            """
        return CommandOutput(fields: fields, text: text)
    }
}

/// An address's RLC: its escrow account (free and frozen nRLC) and its native coin (wei); and its
/// reputation as a worker (PoCo's score).
struct Balances {
    var escrow: EscrowAccount
    var native: UInt256
    var score: UInt256

    /// Reads both at the chain's head.
    static func read(_ address: Address, _ session: Session) async throws -> Balances {
        let escrow: EscrowAccount
        do { escrow = try await session.chain.account(address) } catch {
            throw CLIError("cannot read the escrow account of \(address.checksummed): \(error)")
        }
        let native: UInt256
        do { native = try await session.chain.nativeBalance(address) } catch {
            throw CLIError("cannot read the native balance of \(address.checksummed): \(error)")
        }
        let score: UInt256
        do { score = try await session.chain.score(address) } catch {
            throw CLIError("cannot read the score of \(address.checksummed): \(error)")
        }
        return Balances(escrow: escrow, native: native, score: score)
    }

    /// nRLC and wei as decimal strings (they exceed 2^53).
    var fields: [String: Any] {
        ["balance": escrow.balance.decimalString, "frozen": escrow.frozen.decimalString, "native": native.decimalString,
         "score": score.decimalString]
    }

    var text: String {
        """
          escrow balance  \(Amount.describe(escrow.balance))
          escrow frozen   \(Amount.describe(escrow.frozen))
          wallet (native) \(Balances.describeWei(native))
          worker score    \(score.decimalString)
        """
    }

    /// `1.5 RLC (1500000000000000000 wei)`: whole nRLC shown in RLC, the wei below 1 nRLC kept.
    static func describeWei(_ wei: UInt256) -> String {
        let (nRLC, rest) = wei.quotientAndRemainder(dividingBy: PoCoConstants.weiPerNRLC)
        let rlc = Amount.rlc(nRLC)
        return rest.isZero ? "\(rlc) (\(wei.decimalString) wei)" : "\(rlc) + \(rest.decimalString) wei (\(wei.decimalString) wei)"
    }
}

extension WalletOptions {
    /// The wallet's address without its password: `--wallet-address`, else the `address` field of
    /// the keystore file these options designate (decrypted only when the file has none).
    func address() throws -> Address {
        if let walletAddress { return try AccountCommand.parseAddress(walletAddress, "--wallet-address") }
        let path = try keystorePath()
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("keystore: cannot read \(path)") }
        if let address = (try? KeystoreFile(jsonData: data))?.address { return address }
        return try key().address
    }
}
