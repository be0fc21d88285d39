import Chain
import Ethereum
import PoCo
import Testing

/// Return data, `Error(string)` revert data and gas figures.
@Suite struct OutputAndRevertTests {
    typealias F = Fixtures

    @Test func revertDataIsErrorString() throws {
        // eth_abi 6.0.0: '0x08c379a0' + encode(['string'], ['iExecV5-matchOrders-0x00']).hex()
        let categoryMismatch = try [UInt8](hex:
            "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000018"
            + "694578656356352d6d617463684f72646572732d307830300000000000000000")
        #expect(PoCoError.matchOrders(.categoryMismatch).reason == "iExecV5-matchOrders-0x00")
        #expect(PoCoBinding.revertData(.matchOrders(.categoryMismatch)) == categoryMismatch)
        // eth_abi 6.0.0: '0x08c379a0' + encode(['string'], ['ERC20: transfer amount exceeds balance']).hex()
        let exceeds = try [UInt8](hex:
            "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000026"
            + "45524332303a207472616e7366657220616d6f756e7420657863656564732062"
            + "616c616e63650000000000000000000000000000000000000000000000000000")
        #expect(PoCoBinding.revertData(.transferExceedsBalance) == exceeds)
    }

    @Test func outputsAreTheFunctionsReturnData() throws {
        let deal = F.hashA
        #expect(PoCoBinding.encodeOutput(.hash(deal), for: .lifecycle(.initialize(dealid: deal, index: 0))) == deal.bytes)
        let app = F.alice
        let createApp = PoCoCall.registry(.createApp(owner: F.bob, name: "a", type: "DOCKER", multiaddr: [],
                                                     checksum: .zero, mrenclave: []))
        #expect(PoCoBinding.encodeOutput(.address(app), for: createApp)
                == (try ABIFunction("createApp(address,string,string,bytes,bytes32,bytes)", returns: "(address)")
                    .encodeReturn([.address(app)])))
        #expect(PoCoBinding.encodeOutput(.bool(true), for: .escrow(.deposit))
                == (try ABI.encode([.bool(true)], as: [.bool])))
        #expect(PoCoBinding.encodeOutput(.uint(5), for: .governance(.createCategory(name: "", description: "",
                                                                                   workClockTimeRef: 1)))
                == (try ABI.encode([.uint(5)], as: [.uint256])))
        #expect(PoCoBinding.encodeOutput(.none, for: .lifecycle(.claim(taskid: deal))).isEmpty)
    }

    @Test func outputsOfAppliedCallsDecodeWithTheirFunctions() throws {
        // An engine's actual outputs, read back with each function's return types.
        var engine = PoCoEngine.genesis(config: F.config)
        let context = CallContext(sender: F.alice, value: UInt256(5_000_000_000), blockTime: 1_700_000_000)
        let deposit = PoCoCall.escrow(.deposit)
        let depositOutput = try engine.apply(deposit, context).output
        #expect(try ABIFunction("deposit()", returns: "(bool)")
                .decodeReturn(PoCoBinding.encodeOutput(depositOutput, for: deposit)) == [.bool(true)])
        let create = PoCoCall.registry(.createWorkerpool(owner: F.alice, description: "pool"))
        let created = try engine.apply(create, CallContext(sender: F.alice, blockTime: 1_700_000_000)).output
        let expected = F.config.predictWorkerpool(owner: F.alice, description: "pool")
        #expect(try ABIFunction("createWorkerpool(address,string)", returns: "(address)")
                .decodeReturn(PoCoBinding.encodeOutput(created, for: create)) == [.address(expected)])
    }

    @Test func gasIsDeterministicPerFunction() {
        #expect(PoCoBinding.gasUsed(for: .escrow(.deposit)) == 51_000)
        #expect(PoCoBinding.gasUsed(for: .matching(.matchOrders(CallRoundTripTests.app, CallRoundTripTests.dataset,
                                                                CallRoundTripTests.workerpool, CallRoundTripTests.request)))
                == 421_000)
        #expect(PoCoBinding.gasUsed(for: .lifecycle(.claimArray(taskids: [F.hashA, F.hashB]))) == 21_000 + 10_000 + 240_000)
        #expect(PoCoBinding.gasUsed(for: .lifecycle(.claimArray(taskids: []))) == 31_000)
        for item in CallRoundTripTests.cases {
            #expect(PoCoBinding.gasUsed(for: item.expected) > PoCoBinding.baseGas, "\(item.signature)")
            #expect(PoCoBinding.gasUsed(for: item.expected) == PoCoBinding.gasUsed(for: item.expected))
        }
    }
}
