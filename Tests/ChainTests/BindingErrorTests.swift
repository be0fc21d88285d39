import Chain
import Ethereum
import PoCo
import Testing

/// Calldata that is not a PoCo call is refused with an error saying what and where.
@Suite struct BindingErrorTests {
    typealias F = Fixtures

    @Test func unknownSelectorIsRefused() throws {
        let data = try [UInt8](hex: "0xdeadbeef") + [UInt8](repeating: 0, count: 32)
        let error = BindingError.unknownSelector(selector: "0xdeadbeef", contract: "the PoCo hub")
        #expect(throws: error) { try PoCoBinding.decodeCall(to: F.config.hub, data: data, config: F.config) }
        #expect(error.description.hasPrefix("unknown function selector 0xdeadbeef: not a PoCo function"))
        // A view selector is not a transaction's function either.
        let viewDeal = try [UInt8](hex: "0xb74861b2") + [UInt8](repeating: 0, count: 32)
        #expect(throws: BindingError.unknownSelector(selector: "0xb74861b2", contract: "the PoCo hub")) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: viewDeal, config: F.config)
        }
    }

    @Test func shortDataHasNoSelector() {
        #expect(throws: BindingError.missingSelector(length: 0)) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: [], config: F.config)
        }
        #expect(throws: BindingError.missingSelector(length: 3)) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: [0xd0, 0xe3, 0x0d], config: F.config)
        }
    }

    @Test func wrongTargetIsRefused() throws {
        // withdraw on an account (taken as an entry): only changePolicy lives there.
        let withdraw = try ABIFunction("withdraw(uint256)").encodeCall([.uint(1)])
        let error = BindingError.unknownSelector(selector: "0x2e1a7d4d", contract: "the registry entry \(F.bob.checksummed)")
        #expect(throws: error) { try PoCoBinding.decodeCall(to: F.bob, data: withdraw, config: F.config) }
        // changePolicy on the hub or a registry.
        let changePolicy = try ABIFunction("changePolicy(uint256,uint256)").encodeCall([.uint(1), .uint(2)])
        #expect(throws: BindingError.unknownSelector(selector: "0xf199413c", contract: "the PoCo hub")) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: changePolicy, config: F.config)
        }
        #expect(throws: BindingError.unknownSelector(selector: "0xf199413c", contract: "the workerpool registry")) {
            try PoCoBinding.decodeCall(to: F.config.workerpoolRegistry, data: changePolicy, config: F.config)
        }
    }

    @Test func truncatedArgumentsNameTheFunction() throws {
        let full = try ABIFunction("withdrawTo(uint256,address)").encodeCall([.uint(1), .address(F.bob)])
        do {
            _ = try PoCoBinding.decodeCall(to: F.config.hub, data: Array(full.dropLast(1)), config: F.config)
            Issue.record("truncated withdrawTo decoded")
        } catch {
            guard case .undecodableArguments(let function, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(function == "withdrawTo")
            #expect(error.description.hasPrefix("cannot decode the arguments of withdrawTo: "))
        }
        // matchOrders cut in the middle of its request order's tail.
        let matchOrders = try ABIFunction("matchOrders(\(CallRoundTripTests.orders))").encodeCall(CallRoundTripTests.orderValues)
        #expect(performing: {
            try PoCoBinding.decodeCall(to: F.config.hub, data: Array(matchOrders.prefix(600)), config: F.config)
        }, throws: { error in
            guard let error = error as? BindingError, case .undecodableArguments("matchOrders", _) = error else { return false }
            return true
        })
    }

    @Test func unknownOrderOperationIsRefused() throws {
        let app = CallRoundTripTests.app
        let data = try ABIFunction("manageAppOrder((\(CallRoundTripTests.appType),uint8,bytes))")
            .encodeCall([.tuple([app.abiValue, .uint(2), .bytes([])])])
        #expect(throws: BindingError.invalidOrder(function: "manageAppOrder",
                                                  reason: "operation 2 is neither 0 (SIGN) nor 1 (CLOSE)")) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: data, config: F.config)
        }
    }

    @Test func tokenIdAbove160BitsIsRefused() throws {
        let data = try ABIFunction("transferFrom(address,address,uint256)")
            .encodeCall([.address(F.alice), .address(F.bob), .uint(UInt256(1) << 160)])
        #expect(performing: {
            try PoCoBinding.decodeCall(to: F.config.appRegistry, data: data, config: F.config)
        }, throws: { error in
            guard let error = error as? BindingError, case .invalidArgument("transferFrom", _) = error else { return false }
            return true
        })
    }

    @Test func everyTruncationThrowsOrDecodesWithoutTrapping() throws {
        // Each function's calldata cut at every length, and with one byte flipped in each word's
        // last byte: the binding answers with a value or a BindingError, never a trap.
        for item in CallRoundTripTests.cases {
            let calldata = try ABIFunction(item.signature).encodeCall(item.arguments)
            for length in 0..<calldata.count {
                _ = try? PoCoBinding.decodeCall(to: item.to, data: Array(calldata.prefix(length)), config: F.config)
            }
            for index in stride(from: 35, to: calldata.count, by: 32) {
                var mutated = calldata
                mutated[index] ^= 0xFF
                _ = try? PoCoBinding.decodeCall(to: item.to, data: mutated, config: F.config)
            }
            let truncated = Array(calldata.prefix(max(4, calldata.count - 1)))
            if truncated.count < calldata.count && !item.arguments.isEmpty {
                #expect(throws: BindingError.self, "\(item.signature)") {
                    try PoCoBinding.decodeCall(to: item.to, data: truncated, config: F.config)
                }
            }
        }
    }
}
