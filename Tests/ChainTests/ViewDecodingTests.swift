import Chain
import Ethereum
import PoCo
import Testing

/// `eth_call` data (built from poco-abi.md's selectors and eth_abi-compatible arguments) back to
/// the `PoCoView` it asks for, on the hub, a registry or an entry.
@Suite struct ViewDecodingTests {
    typealias F = Fixtures

    static func engineWithWorkerpool() throws -> (PoCoEngine, Address) {
        var engine = PoCoEngine.genesis(config: F.config)
        let receipt = try engine.apply(.registry(.createWorkerpool(owner: F.alice, description: "pool")),
                                       CallContext(sender: F.alice, blockTime: 1_700_000_000))
        guard case .address(let workerpool) = receipt.output else { throw BindingError.notAPoCoContract(.zero) }
        return (engine, workerpool)
    }

    @Test func hubViewsDecode() throws {
        let (engine, _) = try Self.engineWithWorkerpool()
        let hub = F.config.hub
        // viewDeal(bytes32) 0xb74861b2, viewAccount(address) 0x6b55f4a5, balanceOf(address) 0x70a08231.
        let viewDeal = try [UInt8](hex: "0xb74861b2") + F.hashA.bytes
        #expect(try PoCoBinding.decodeView(to: hub, data: viewDeal, config: F.config, engine: engine) == .viewDeal(F.hashA))
        let viewAccount = try [UInt8](hex: "0x6b55f4a5") + [UInt8](repeating: 0, count: 12) + F.bob.bytes
        #expect(try PoCoBinding.decodeView(to: hub, data: viewAccount, config: F.config, engine: engine)
                == .viewAccount(F.bob))
        let balanceOf = try [UInt8](hex: "0x70a08231") + [UInt8](repeating: 0, count: 12) + F.alice.bytes
        #expect(try PoCoBinding.decodeView(to: hub, data: balanceOf, config: F.config, engine: engine)
                == .balanceOf(F.alice))
        // A view's own call data decodes back to it.
        for view: PoCoView in [.viewContribution(task: F.hashA, worker: F.bob), .countCategory, .owner,
                               .verifySignature(identity: F.bob, hash: F.hashB, signature: [1, 2]),
                               .computeDealVolume(CallRoundTripTests.app, CallRoundTripTests.dataset,
                                                  CallRoundTripTests.workerpool, CallRoundTripTests.request)] {
            #expect(try PoCoBinding.decodeView(to: hub, data: view.callData, config: F.config, engine: engine) == view)
        }
    }

    @Test func registryAndEntryViewsDecode() throws {
        let (engine, workerpool) = try Self.engineWithWorkerpool()
        // isRegistered(address) 0xc3c5a547 on the workerpool registry.
        let isRegistered = try [UInt8](hex: "0xc3c5a547") + [UInt8](repeating: 0, count: 12) + workerpool.bytes
        let view = try PoCoBinding.decodeView(to: F.config.workerpoolRegistry, data: isRegistered, config: F.config,
                                              engine: engine)
        #expect(view == .registry(.workerpool, .isRegistered(workerpool)))
        #expect(try engine.view(view) == [.bool(true)])
        // balanceOf on a registry is the registry's ERC-721 balanceOf, not SRLC's.
        let balanceOf = try [UInt8](hex: "0x70a08231") + [UInt8](repeating: 0, count: 12) + F.alice.bytes
        #expect(try PoCoBinding.decodeView(to: F.config.appRegistry, data: balanceOf, config: F.config, engine: engine)
                == .registry(.app, .balanceOf(F.alice)))
        // owner() 0x8da5cb5b on the workerpool entry, and on the hub.
        let owner = try [UInt8](hex: "0x8da5cb5b")
        #expect(try PoCoBinding.decodeView(to: workerpool, data: owner, config: F.config, engine: engine)
                == .workerpoolEntry(workerpool, .owner))
        #expect(try PoCoBinding.decodeView(to: F.config.hub, data: owner, config: F.config, engine: engine) == .owner)
        // m_workerStakeRatioPolicy() 0xb55e75af.
        #expect(try PoCoBinding.decodeView(to: workerpool, data: [UInt8](hex: "0xb55e75af"), config: F.config,
                                           engine: engine) == .workerpoolEntry(workerpool, .workerStakeRatioPolicy))
    }

    @Test func badViewCallsAreRefused() throws {
        let (engine, _) = try Self.engineWithWorkerpool()
        let owner = try [UInt8](hex: "0x8da5cb5b")
        #expect(throws: BindingError.notAPoCoContract(F.bob)) {
            try PoCoBinding.decodeView(to: F.bob, data: owner, config: F.config, engine: engine)
        }
        // matchOrders is not a view.
        #expect(throws: BindingError.unknownSelector(selector: "0x156194d4", contract: "the PoCo hub")) {
            try PoCoBinding.decodeView(to: F.config.hub, data: [UInt8](hex: "0x156194d4"), config: F.config, engine: engine)
        }
        // viewDeal with 31 of its 32 argument bytes.
        #expect(throws: BindingError.self) {
            try PoCoBinding.decodeView(to: F.config.hub, data: [UInt8](hex: "0xb74861b2") + [UInt8](repeating: 0, count: 31),
                                       config: F.config, engine: engine)
        }
    }
}
