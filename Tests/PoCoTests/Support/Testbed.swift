import Ethereum
import Testing

@testable import PoCo

/// A PoCo engine with named, funded actors, a block clock, and the checks every test wants after
/// every call: money is conserved, and a reverted call changed nothing.
struct Testbed {
    static let governanceKey = key(1)
    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: governanceKey.address)

    var engine: PoCoEngine
    /// The block time the next call runs at.
    var time: UInt64 = 1_700_000_000
    /// nRLC deposited and withdrawn, counted from the calls themselves (not from the state).
    private(set) var deposited: UInt256 = .zero
    private(set) var withdrawn: UInt256 = .zero

    init(categories: [PoCo.Category] = PoCo.Category.defaults) {
        engine = PoCoEngine.genesis(config: Self.config, categories: categories)
    }

    /// A deterministic private key for actor number `n`.
    static func key(_ n: Int) -> PrivateKey {
        try! PrivateKey(Keccak256.hash("iexec-swift test actor \(n)").bytes)
    }

    var state: PoCoState { engine.state }
    var domain: PoCoDomain { Self.config.domain }

    /// Applies a call; on success checks conservation, on a revert checks that nothing changed.
    @discardableResult
    mutating func call(_ call: PoCoCall, from sender: Address, value: UInt256 = .zero,
                       sourceLocation: SourceLocation = #_sourceLocation) throws(PoCoError) -> CallReceipt {
        let before = engine.state
        do throws(PoCoError) {
            let receipt = try engine.apply(call, CallContext(sender: sender, value: value, blockTime: time))
            account(for: call, value: value, receipt: receipt)
            checkConservation(sourceLocation: sourceLocation)
            return receipt
        } catch {
            #expect(engine.state == before, "a reverted call changed the state", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Applies a call that must revert with `expected`.
    mutating func expectRevert(_ expected: PoCoError, _ call: PoCoCall, from sender: Address, value: UInt256 = .zero,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try self.call(call, from: sender, value: value, sourceLocation: sourceLocation)
            Issue.record("expected a revert with '\(expected.reason)', the call succeeded", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    private mutating func account(for call: PoCoCall, value: UInt256, receipt: CallReceipt) {
        guard case .escrow(let escrow) = call else { return }
        switch escrow {
        case .deposit, .depositFor, .depositForArray:
            let refunded = receipt.payouts.reduce(UInt256.zero) { $0 &+ $1.wei }
            deposited = deposited &+ (value &- refunded).quotientAndRemainder(dividingBy: PoCoConstants.weiPerNRLC).quotient
        case .withdraw(let amount), .withdrawTo(let amount, _):
            withdrawn = withdrawn &+ amount
        }
    }

    /// Σ balance + frozen (kitty included) = deposits − withdrawals = total supply.
    func checkConservation(sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = deposited &- withdrawn
        #expect(state.totalHeld == expected, "nRLC held ≠ deposits − withdrawals", sourceLocation: sourceLocation)
        #expect(state.uint(.totalSupply) == expected, "total supply ≠ deposits − withdrawals",
                sourceLocation: sourceLocation)
    }

    /// Deposits `nRLC` for `account` (sent by the account itself).
    mutating func fund(_ account: Address, _ nRLC: UInt64) throws(PoCoError) {
        try call(.escrow(.deposit), from: account, value: UInt256(nRLC) &* PoCoConstants.weiPerNRLC)
    }

    func balance(_ account: Address) -> UInt256 { state.account(account).balance }
    func frozen(_ account: Address) -> UInt256 { state.account(account).frozen }
}
