import Ethereum
import Testing

@testable import PoCo

@Suite("Native escrow and the SRLC ERC-20 surface")
struct EscrowTests {
    let alice = Testbed.key(10).address
    let bob = Testbed.key(11).address

    @Test func depositCreditsNRLCAndReturnsTheChange() throws {
        var bed = Testbed()
        // 5 nRLC and 123 wei: 5 nRLC credited, 123 wei back.
        let receipt = try bed.call(.escrow(.deposit), from: alice, value: UInt256(5_000_000_123))
        #expect(receipt.output == .bool(true))
        #expect(bed.balance(alice) == 5)
        #expect(receipt.payouts == [NativePayout(to: alice, wei: 123)])
        #expect(receipt.logs == [PoCoLog(address: Testbed.config.hub, event: .transfer(from: .zero, to: alice, value: 5))])
        #expect(receipt.logs[0].topics[0].hex == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(receipt.changes.contains(StateChange(key: .account(alice), value: .account(Account(balance: 5)))))
        #expect(receipt.changes.contains(StateChange(key: .totalSupply, value: .uint(5))))
    }

    @Test func depositForAndArray() throws {
        var bed = Testbed()
        try bed.call(.escrow(.depositFor(target: bob)), from: alice, value: UInt256(7_000_000_000))
        #expect(bed.balance(bob) == 7 && bed.balance(alice) == 0)
        let receipt = try bed.call(.escrow(.depositForArray(amounts: [1, 2], targets: [alice, bob])), from: alice,
                                   value: UInt256(3_000_000_500))
        #expect(bed.balance(alice) == 1 && bed.balance(bob) == 9)
        #expect(receipt.payouts == [NativePayout(to: alice, wei: 500)])
        bed.expectRevert(.invalidArrayLength, .escrow(.depositForArray(amounts: [1], targets: [alice, bob])), from: alice)
        // Solidity's checked subtraction: the value does not cover the amounts (Panic 0x11).
        bed.expectRevert(.arithmeticOverflow, .escrow(.depositForArray(amounts: [2], targets: [alice])), from: alice,
                         value: UInt256(1_999_999_999))
    }

    @Test func withdrawBurnsAndPaysWei() throws {
        var bed = Testbed()
        try bed.fund(alice, 10)
        let receipt = try bed.call(.escrow(.withdraw(amount: 4)), from: alice)
        #expect(bed.balance(alice) == 6)
        #expect(receipt.payouts == [NativePayout(to: alice, wei: UInt256(4_000_000_000))])
        #expect(receipt.logs.map(\.event) == [.transfer(from: alice, to: .zero, value: 4)])
        let toBob = try bed.call(.escrow(.withdrawTo(amount: 6, target: bob)), from: alice)
        #expect(toBob.payouts == [NativePayout(to: bob, wei: UInt256(6_000_000_000))])
        #expect(bed.state.account(alice).isEmpty)
        bed.expectRevert(.transferExceedsBalance, .escrow(.withdraw(amount: 1)), from: alice)
    }

    @Test func valueSentToANonPayableFunctionIsRefused() throws {
        var bed = Testbed()
        try bed.fund(alice, 1)
        bed.expectRevert(.notPayable, .escrow(.withdraw(amount: 1)), from: alice, value: 1)
        bed.expectRevert(.notPayable, .token(.transfer(to: bob, value: 1)), from: alice, value: 1)
    }

    @Test func erc20TransferApproveTransferFrom() throws {
        var bed = Testbed()
        try bed.fund(alice, 100)
        try bed.call(.token(.transfer(to: bob, value: 30)), from: alice)
        #expect(bed.balance(alice) == 70 && bed.balance(bob) == 30)
        bed.expectRevert(.transferExceedsBalance, .token(.transfer(to: bob, value: 71)), from: alice)
        bed.expectRevert(.transferToZeroAddress, .token(.transfer(to: .zero, value: 1)), from: alice)

        try bed.call(.token(.approve(spender: bob, value: 20)), from: alice)
        #expect(bed.state.uint(.allowance(owner: alice, spender: bob)) == 20)
        bed.expectRevert(.approveToZeroAddress, .token(.approve(spender: .zero, value: 1)), from: alice)
        bed.expectRevert(.insufficientAllowance, .token(.transferFrom(from: alice, to: bob, value: 21)), from: bob)
        try bed.call(.token(.transferFrom(from: alice, to: bob, value: 15)), from: bob)
        #expect(bed.balance(bob) == 45 && bed.state.uint(.allowance(owner: alice, spender: bob)) == 5)
        try bed.call(.token(.increaseAllowance(spender: bob, addedValue: 10)), from: alice)
        #expect(bed.state.uint(.allowance(owner: alice, spender: bob)) == 15)
        bed.expectRevert(.allowanceBelowZero, .token(.decreaseAllowance(spender: bob, subtractedValue: 16)), from: alice)
        try bed.call(.token(.decreaseAllowance(spender: bob, subtractedValue: 15)), from: alice)
        #expect(bed.state[.allowance(owner: alice, spender: bob)] == nil)
    }

    @Test func lockUnlockSeizeRewardKeepTheBooks() throws {
        var bed = Testbed()
        try bed.fund(alice, 50)
        bed.engine.state.beginJournal()
        try bed.engine.lock(alice, 20)
        #expect(bed.balance(alice) == 30 && bed.frozen(alice) == 20)
        try bed.engine.seize(alice, 5, ref: .zero)
        try bed.engine.reward(bob, 5, ref: .zero)
        try bed.engine.unlock(alice, 15)
        #expect(bed.engine.pot.isZero)
        #expect(throws: PoCoError.insufficientBalance) { try bed.engine.lock(alice, 46) }
        #expect(throws: PoCoError.escrowZeroAddress) { try bed.engine.lock(.zero, 0) }
        _ = bed.engine.state.commitJournal()
        #expect(bed.balance(alice) == 45 && bed.frozen(alice) == 0 && bed.balance(bob) == 5)
        bed.checkConservation()
    }
}

@Suite("Receipts report the previous value of every changed key")
struct ReceiptPreviousValuesTests {
    @Test func previousValuesAlignWithChanges() throws {
        var bed = Testbed()
        let alice = Testbed.key(10).address, bob = Testbed.key(11).address
        try bed.fund(alice, 10)
        let receipt = try bed.call(.token(.transfer(to: bob, value: 4)), from: alice)
        #expect(receipt.changes.count == receipt.previousValues.count)
        let byKey = Dictionary(uniqueKeysWithValues: zip(receipt.changes.map(\.key), receipt.previousValues))
        #expect(byKey[.account(alice)] == .some(.account(Account(balance: 10))))
        #expect(byKey[.account(bob)] == .some(nil))
    }
}
