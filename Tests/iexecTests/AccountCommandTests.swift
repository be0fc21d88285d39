import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// `iexec account deposit|withdraw|show` and `wallet show`'s balances, against a dev node on
/// loopback. Native balances are read from the node in process (not through the CLI's JSON-RPC
/// request), and the node charges no gas, so every wei is accounted for. One node serves the
/// suite, whose tests run one after the other so that the supply's changes are each test's own.
@Suite("iexec account deposit|withdraw|show", .sharedCLIWorld, .serialized)
struct AccountCommandTests {
    static let weiPerNRLC = PoCoConstants.weiPerNRLC

    @Test func depositAndWithdrawMoveExactlyTheAmountAndConserveMoney() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let user = CLIWorld.keys[1].address
        let nativeStart = await world.node.account(user).balance
        let supplyStart = try await world.chain.totalSupply()

        let deposit = try await world.run(AccountCommand.Deposit.self, ["2.5 RLC"] + world.wallet(1, in: project))
        #expect(deposit["amount"] as? String == "2500000000")
        #expect((deposit["before"] as? [String: Any])?["balance"] as? String == "0")
        #expect((deposit["after"] as? [String: Any])?["balance"] as? String == "2500000000")
        #expect((deposit["before"] as? [String: Any])?["native"] as? String == nativeStart.decimalString)
        let afterDeposit = nativeStart - UInt256(2_500_000_000 as UInt64) * Self.weiPerNRLC
        #expect((deposit["after"] as? [String: Any])?["native"] as? String == afterDeposit.decimalString)
        #expect(await world.node.account(user).balance == afterDeposit)

        let withdrawal = try await world.run(AccountCommand.Withdraw.self, ["1000000000"] + world.wallet(1, in: project))
        #expect((withdrawal["after"] as? [String: Any])?["balance"] as? String == "1500000000")
        let afterWithdrawal = nativeStart - UInt256(1_500_000_000 as UInt64) * Self.weiPerNRLC
        #expect(await world.node.account(user).balance == afterWithdrawal)

        // deposits − withdrawals = the supply's growth = Σ escrow (balance + frozen) of every account,
        // the kitty included (the suite is serialized: no other test moves money meanwhile).
        #expect(try await world.chain.account(user) == EscrowAccount(balance: UInt256(1_500_000_000 as UInt64)))
        let supply = try await world.chain.totalSupply()
        #expect(supply == supplyStart + UInt256(1_500_000_000 as UInt64))
        var escrowTotal = UInt256.zero
        for address in CLIWorld.keys.map(\.address) + [PoCoConstants.kittyAddress] {
            let account = try await world.chain.account(address)
            escrowTotal += account.balance + account.frozen
        }
        #expect(escrowTotal == supply)

        let shown = try await world.run(AccountCommand.Show.self, world.wallet(1, in: project))
        #expect(shown["address"] as? String == user.checksummed)
        #expect(shown["balance"] as? String == "1500000000")
        #expect(shown["frozen"] as? String == "0")
        #expect(shown["native"] as? String == afterWithdrawal.decimalString)
        // Another account, by address, needs no wallet.
        let other = try await world.run(AccountCommand.Show.self, [CLIWorld.keys[2].address.checksummed] + ["--project", project.path])
        #expect(other["balance"] as? String == "0")
        #expect(other["native"] as? String == (await world.node.account(CLIWorld.keys[2].address).balance).decimalString)
    }

    @Test func overdraftsAreRefusedAndChangeNothing() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let user = CLIWorld.keys[3].address
        _ = try await world.run(AccountCommand.Deposit.self, ["5"] + world.wallet(3, in: project))
        let native = await world.node.account(user).balance
        let supply = try await world.chain.totalSupply()

        let withdraw = await #expect(throws: CLIError.self) {
            try await world.run(AccountCommand.Withdraw.self, ["6"] + world.wallet(3, in: project))
        }
        #expect(withdraw?.description.contains("insufficient escrow balance") == true)
        #expect(withdraw?.description.contains("nothing was withdrawn") == true)

        // Every dev account holds 10,000 RLC of native coin: 10,001 RLC cannot be deposited.
        let deposit = await #expect(throws: CLIError.self) {
            try await world.run(AccountCommand.Deposit.self, ["10001 RLC"] + world.wallet(3, in: project))
        }
        #expect(deposit?.description.contains("insufficient native balance") == true)
        #expect(throws: CLIError.self) { try AccountCommand.positive("0 RLC") }

        #expect(try await world.chain.account(user) == EscrowAccount(balance: UInt256(5 as UInt64)))
        #expect(await world.node.account(user).balance == native)
        #expect(try await world.chain.totalSupply() == supply)
    }

    @Test func walletShowAddsTheBalancesWhenAChainIsGiven() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        _ = try await world.run(AccountCommand.Deposit.self, ["7 nRLC"] + world.wallet(4, in: project))
        let shown = try await world.run(Wallet.Show.self, world.wallet(4, in: project))
        #expect(shown["address"] as? String == CLIWorld.keys[4].address.checksummed)
        #expect(shown["balance"] as? String == "7")
        #expect(shown["native"] as? String == (await world.node.account(CLIWorld.keys[4].address).balance).decimalString)
        // Without a chain (no --project, no chain.json here) only the address is shown.
        let keystore = try WalletOptions.parse(Array(world.wallet(4, in: project).dropFirst(2))).keystorePath()
        let alone = try await Wallet.Show.parse(["--keystore", keystore, "--password", CLIWorld.password]).execute()
        #expect(alone.fields.keys.sorted() == ["address"])
    }
}
