import Chain
import Ethereum
import PoCo
import Testing

/// The selectors the binding answers to are poco-abi.md's (the selectors there were computed from
/// the deployed contracts' ABI JSON): a call with just the documented selector and well-formed
/// arguments is accepted on its contract and refused as unknown on the others.
@Suite struct SelectorTests {
    typealias F = Fixtures

    /// (documented selector, canonical signature, arguments, contract).
    static let documented: [(String, String, [ABIValue], Address)] = [
        ("0xd0e30db0", "deposit()", [], F.config.hub),
        ("0xaa67c919", "depositFor(address)", [.address(F.bob)], F.config.hub),
        ("0x3354f8a5", "depositForArray(uint256[],address[])", [.array([]), .array([])], F.config.hub),
        ("0x2e1a7d4d", "withdraw(uint256)", [.uint(1)], F.config.hub),
        ("0xc86283c8", "withdrawTo(uint256,address)", [.uint(1), .address(F.bob)], F.config.hub),
        ("0xa9059cbb", "transfer(address,uint256)", [.address(F.bob), .uint(1)], F.config.hub),
        ("0x39509351", "increaseAllowance(address,uint256)", [.address(F.bob), .uint(1)], F.config.hub),
        ("0xa457c2d7", "decreaseAllowance(address,uint256)", [.address(F.bob), .uint(1)], F.config.hub),
        ("0x5b36c66b", "initialize(bytes32,uint256)", [.bytes32(F.hashA), .uint(0)], F.config.hub),
        ("0xfc334e8c", "reveal(bytes32,bytes32)", [.bytes32(F.hashA), .bytes32(F.hashB)], F.config.hub),
        ("0xf6c68e10", "reopen(bytes32)", [.bytes32(F.hashA)], F.config.hub),
        ("0xbd66528a", "claim(bytes32)", [.bytes32(F.hashA)], F.config.hub),
        ("0xfa055d7e", "claimArray(bytes32[])", [.array([])], F.config.hub),
        ("0xb504681d", "initializeArray(bytes32[],uint256[])", [.array([]), .array([])], F.config.hub),
        ("0xf722cb32", "initializeAndClaimArray(bytes32[],uint256[])", [.array([]), .array([])], F.config.hub),
        ("0x298503d9", "createCategory(string,string,uint256)", [.string("a"), .string("b"), .uint(1)], F.config.hub),
        ("0xe40238f4", "createWorkerpool(address,string)", [.address(F.bob), .string("p")], F.config.workerpoolRegistry),
        ("0x42842e0e", "safeTransferFrom(address,address,uint256)",
         [.address(F.bob), .address(F.alice), .uint(1)], F.config.appRegistry),
        ("0xb88d4fde", "safeTransferFrom(address,address,uint256,bytes)",
         [.address(F.bob), .address(F.alice), .uint(1), .bytes([])], F.config.appRegistry),
        ("0xf199413c", "changePolicy(uint256,uint256)", [.uint(1), .uint(2)], F.bob),
    ]

    @Test func documentedSelectorsAreAccepted() throws {
        for (selector, signature, arguments, to) in Self.documented {
            let function = try ABIFunction(signature)
            #expect(Hex.encode(function.selector) == selector, "\(signature)")
            let data = try [UInt8](hex: selector) + ABI.encode(arguments, as: function.inputs)
            #expect(throws: Never.self, "\(signature)") {
                try PoCoBinding.decodeCall(to: to, data: data, config: F.config)
            }
        }
    }

    @Test func orderFunctionSelectorsAreTheDocumentedOnes() throws {
        // poco-abi.md §1.4–1.6: the order functions, whose signatures spell the struct tuples out.
        let app = CallRoundTripTests.app, dataset = CallRoundTripTests.dataset
        let workerpool = CallRoundTripTests.workerpool, request = CallRoundTripTests.request
        let orders = CallRoundTripTests.orderValues
        let cases: [(String, [ABIValue], PoCoCall)] = [
            ("0x156194d4", orders, .matching(.matchOrders(app, dataset, workerpool, request))),
            ("0x2f391533", orders, .matching(.sponsorMatchOrders(app, dataset, workerpool, request))),
            ("0xc52e9de1", [app.abiValue], .orders(.broadcastAppOrder(app))),
            ("0x4693d172", [request.abiValue], .orders(.broadcastRequestOrder(request))),
            ("0xb2b07e66", [.tuple([app.abiValue, .uint(0), .bytes([])])],
             .orders(.manageAppOrder(OrderOperation(order: app, operation: .sign)))),
            ("0x7e34a077", [.tuple([workerpool.abiValue, .uint(1), .bytes([])])],
             .orders(.manageWorkerpoolOrder(OrderOperation(order: workerpool, operation: .close)))),
        ]
        for (selector, arguments, expected) in cases {
            let types = try arguments.map { value throws -> ABIType in
                if case .tuple(let parts) = value, parts.count == 3 {
                    return .tuple([try Self.orderType(parts[0]), .uint(bits: 8), .bytes])
                }
                return try Self.orderType(value)
            }
            let data = try [UInt8](hex: selector) + ABI.encode(arguments, as: types)
            #expect(try PoCoBinding.decodeCall(to: F.config.hub, data: data, config: F.config) == expected, "\(selector)")
        }
    }

    @Test func selectorsAreRefusedOnTheWrongContract() throws {
        let createApp = try [UInt8](hex: "0x3f7868ff")
        let data = createApp + (try ABI.encode([.address(F.bob), .string(""), .string(""), .bytes([]), .bytes32(.zero), .bytes([])],
                                                as: [.address, .string, .string, .bytes, .bytes32, .bytes]))
        #expect(throws: Never.self) { try PoCoBinding.decodeCall(to: F.config.appRegistry, data: data, config: F.config) }
        #expect(throws: BindingError.unknownSelector(selector: "0x3f7868ff", contract: "the PoCo hub")) {
            try PoCoBinding.decodeCall(to: F.config.hub, data: data, config: F.config)
        }
        #expect(throws: BindingError.unknownSelector(selector: "0x3f7868ff", contract: "the dataset registry")) {
            try PoCoBinding.decodeCall(to: F.config.datasetRegistry, data: data, config: F.config)
        }
    }

    /// The order tuple type of an order value, by its field count.
    private static func orderType(_ value: ABIValue) throws -> ABIType {
        let fields = try #require(value.elements)
        switch fields.count {
        case 9: return AppOrder.abiType
        case 11: return WorkerpoolOrder.abiType
        default: return RequestOrder.abiType
        }
    }

    /// poco-abi.md's selector of every state-changing function, by name (ERC-721 `safeTransferFrom`
    /// by its argument count).
    static let documentedByName: [String: String] = [
        "deposit": "0xd0e30db0", "depositFor": "0xaa67c919", "depositForArray": "0x3354f8a5",
        "withdraw": "0x2e1a7d4d", "withdrawTo": "0xc86283c8", "transfer": "0xa9059cbb", "approve": "0x095ea7b3",
        "transferFrom": "0x23b872dd", "increaseAllowance": "0x39509351", "decreaseAllowance": "0xa457c2d7",
        "createApp": "0x3f7868ff", "createDataset": "0x3354bcdb", "createWorkerpool": "0xe40238f4",
        "safeTransferFrom/3": "0x42842e0e", "safeTransferFrom/4": "0xb88d4fde", "changePolicy": "0xf199413c",
        "createCategory": "0x298503d9", "manageAppOrder": "0xb2b07e66", "manageDatasetOrder": "0x4b747106",
        "manageWorkerpoolOrder": "0x7e34a077", "manageRequestOrder": "0x8dd971d5", "broadcastAppOrder": "0xc52e9de1",
        "broadcastDatasetOrder": "0x4c4692de", "broadcastWorkerpoolOrder": "0x947f5178",
        "broadcastRequestOrder": "0x4693d172", "matchOrders": "0x156194d4", "sponsorMatchOrders": "0x2f391533",
        "initialize": "0x5b36c66b", "initializeArray": "0xb504681d", "contribute": "0x34623484",
        "contributeAndFinalize": "0x5facd761", "reveal": "0xfc334e8c", "reopen": "0xf6c68e10",
        "finalize": "0x8fc375e5", "claim": "0xbd66528a", "claimArray": "0xfa055d7e",
        "initializeAndClaimArray": "0xf722cb32",
    ]

    @Test func everyRoundTripSelectorIsTheDocumentedOne() throws {
        for item in CallRoundTripTests.cases {
            let function = try ABIFunction(item.signature)
            let key = function.name == "safeTransferFrom" ? "safeTransferFrom/\(function.inputs.count)" : function.name
            let documented = try #require(Self.documentedByName[key], "\(key) not documented")
            #expect(Hex.encode(function.selector) == documented, "\(item.signature)")
        }
        #expect(Set(CallRoundTripTests.cases.map { $0.signature }).count == Self.documentedByName.count)
    }
}
