import Chain
import Ethereum
import PoCo
import Testing

/// Every state-changing function: calldata built with `ABIFunction.encodeCall` from signatures
/// written out here (as in poco-abi.md) decodes to the engine call over the same values.
@Suite struct CallRoundTripTests {
    typealias F = Fixtures
    static let config = F.config
    static let app = AppOrder(app: F.alice, appprice: 5, volume: 3, tag: F.hashA, datasetrestrict: .zero,
                              workerpoolrestrict: F.bob, requesterrestrict: .zero, salt: F.hashB, sign: [1, 2, 3])
    static let dataset = DatasetOrder(dataset: F.bob, datasetprice: 7, volume: 1, tag: .zero, apprestrict: F.alice,
                                      workerpoolrestrict: .zero, requesterrestrict: .zero, salt: F.hashA, sign: [])
    static let workerpool = WorkerpoolOrder(workerpool: F.alice, workerpoolprice: 11, volume: 9, tag: F.hashB,
                                            category: 2, trust: 3, apprestrict: .zero, datasetrestrict: F.bob,
                                            requesterrestrict: .zero, salt: F.hashA, sign: [UInt8](repeating: 7, count: 65))
    static let request = RequestOrder(app: F.alice, appmaxprice: 5, dataset: F.bob, datasetmaxprice: 7,
                                      workerpool: .zero, workerpoolmaxprice: 11, requester: F.bob, volume: 2, tag: F.hashA,
                                      category: 2, trust: 3, beneficiary: F.alice, callback: .zero,
                                      params: "{\"iexec_args\":\"é 1\"}", salt: F.hashB, sign: [9])
    static let appType = "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)"
    static let workerpoolType = "(address,uint256,uint256,bytes32,uint256,uint256,address,address,address,bytes32,bytes)"
    static let requestType =
        "(address,uint256,address,uint256,address,uint256,address,uint256,bytes32,uint256,uint256,address,address,string,bytes32,bytes)"
    static let orders = "\(appType),\(appType),\(workerpoolType),\(requestType)"
    static let orderValues = [app.abiValue, dataset.abiValue, workerpool.abiValue, request.abiValue]

    struct Case: Sendable, CustomTestStringConvertible {
        let to: Address
        let signature: String
        let arguments: [ABIValue]
        let expected: PoCoCall
        var testDescription: String { signature.prefix(while: { $0 != "(" }).description }
    }

    static let hub = config.hub
    static let cases: [Case] = [
        Case(to: hub, signature: "deposit()", arguments: [], expected: .escrow(.deposit)),
        Case(to: hub, signature: "depositFor(address)", arguments: [.address(F.bob)],
             expected: .escrow(.depositFor(target: F.bob))),
        Case(to: hub, signature: "depositForArray(uint256[],address[])",
             arguments: [.array([.uint(1), .uint(2)]), .array([.address(F.alice), .address(F.bob)])],
             expected: .escrow(.depositForArray(amounts: [1, 2], targets: [F.alice, F.bob]))),
        Case(to: hub, signature: "withdraw(uint256)", arguments: [.uint(42)], expected: .escrow(.withdraw(amount: 42))),
        Case(to: hub, signature: "withdrawTo(uint256,address)", arguments: [.uint(42), .address(F.bob)],
             expected: .escrow(.withdrawTo(amount: 42, target: F.bob))),
        Case(to: hub, signature: "transfer(address,uint256)", arguments: [.address(F.bob), .uint(.max)],
             expected: .token(.transfer(to: F.bob, value: .max))),
        Case(to: hub, signature: "approve(address,uint256)", arguments: [.address(F.bob), .uint(3)],
             expected: .token(.approve(spender: F.bob, value: 3))),
        Case(to: hub, signature: "transferFrom(address,address,uint256)",
             arguments: [.address(F.alice), .address(F.bob), .uint(3)],
             expected: .token(.transferFrom(from: F.alice, to: F.bob, value: 3))),
        Case(to: hub, signature: "increaseAllowance(address,uint256)", arguments: [.address(F.bob), .uint(4)],
             expected: .token(.increaseAllowance(spender: F.bob, addedValue: 4))),
        Case(to: hub, signature: "decreaseAllowance(address,uint256)", arguments: [.address(F.bob), .uint(5)],
             expected: .token(.decreaseAllowance(spender: F.bob, subtractedValue: 5))),
        Case(to: config.appRegistry, signature: "createApp(address,string,string,bytes,bytes32,bytes)",
             arguments: [.address(F.alice), .string("app"), .string("DOCKER"), .bytes([0xAB]), .bytes32(F.hashA),
                         .bytes([])],
             expected: .registry(.createApp(owner: F.alice, name: "app", type: "DOCKER", multiaddr: [0xAB],
                                            checksum: F.hashA, mrenclave: []))),
        Case(to: config.datasetRegistry, signature: "createDataset(address,string,bytes,bytes32)",
             arguments: [.address(F.bob), .string("data"), .bytes([1, 2]), .bytes32(F.hashB)],
             expected: .registry(.createDataset(owner: F.bob, name: "data", multiaddr: [1, 2], checksum: F.hashB))),
        Case(to: config.workerpoolRegistry, signature: "createWorkerpool(address,string)",
             arguments: [.address(F.bob), .string("pool")],
             expected: .registry(.createWorkerpool(owner: F.bob, description: "pool"))),
        Case(to: config.appRegistry, signature: "transferFrom(address,address,uint256)",
             arguments: [.address(F.alice), .address(F.bob), .uint(UInt256(0xA1CE0))],
             expected: .registry(.transferAsset(kind: .app, from: F.alice, to: F.bob, asset: F.alice))),
        Case(to: config.datasetRegistry, signature: "safeTransferFrom(address,address,uint256)",
             arguments: [.address(F.alice), .address(F.bob), .uint(UInt256(0xB0B))],
             expected: .registry(.transferAsset(kind: .dataset, from: F.alice, to: F.bob, asset: F.bob))),
        Case(to: config.workerpoolRegistry, signature: "safeTransferFrom(address,address,uint256,bytes)",
             arguments: [.address(F.alice), .address(F.bob), .uint(UInt256(0xB0B)), .bytes([1])],
             expected: .registry(.transferAsset(kind: .workerpool, from: F.alice, to: F.bob, asset: F.bob))),
        Case(to: F.bob, signature: "changePolicy(uint256,uint256)", arguments: [.uint(35), .uint(5)],
             expected: .registry(.changePolicy(workerpool: F.bob, workerStakeRatio: 35, schedulerRewardRatio: 5))),
        Case(to: hub, signature: "createCategory(string,string,uint256)",
             arguments: [.string("XXL"), .string("big"), .uint(36000)],
             expected: .governance(.createCategory(name: "XXL", description: "big", workClockTimeRef: 36000))),
        Case(to: hub, signature: "manageAppOrder((\(appType),uint8,bytes))",
             arguments: [.tuple([app.abiValue, .uint(1), .bytes([4, 5])])],
             expected: .orders(.manageAppOrder(OrderOperation(order: app, operation: .close, sign: [4, 5])))),
        Case(to: hub, signature: "manageDatasetOrder((\(appType),uint8,bytes))",
             arguments: [.tuple([dataset.abiValue, .uint(0), .bytes([])])],
             expected: .orders(.manageDatasetOrder(OrderOperation(order: dataset, operation: .sign, sign: [])))),
        Case(to: hub, signature: "manageWorkerpoolOrder((\(workerpoolType),uint8,bytes))",
             arguments: [.tuple([workerpool.abiValue, .uint(1), .bytes([6])])],
             expected: .orders(.manageWorkerpoolOrder(OrderOperation(order: workerpool, operation: .close, sign: [6])))),
        Case(to: hub, signature: "manageRequestOrder((\(requestType),uint8,bytes))",
             arguments: [.tuple([request.abiValue, .uint(0), .bytes([7])])],
             expected: .orders(.manageRequestOrder(OrderOperation(order: request, operation: .sign, sign: [7])))),
        Case(to: hub, signature: "broadcastAppOrder(\(appType))", arguments: [app.abiValue],
             expected: .orders(.broadcastAppOrder(app))),
        Case(to: hub, signature: "broadcastDatasetOrder(\(appType))", arguments: [dataset.abiValue],
             expected: .orders(.broadcastDatasetOrder(dataset))),
        Case(to: hub, signature: "broadcastWorkerpoolOrder(\(workerpoolType))", arguments: [workerpool.abiValue],
             expected: .orders(.broadcastWorkerpoolOrder(workerpool))),
        Case(to: hub, signature: "broadcastRequestOrder(\(requestType))", arguments: [request.abiValue],
             expected: .orders(.broadcastRequestOrder(request))),
        Case(to: hub, signature: "matchOrders(\(orders))", arguments: orderValues,
             expected: .matching(.matchOrders(app, dataset, workerpool, request))),
        Case(to: hub, signature: "sponsorMatchOrders(\(orders))", arguments: orderValues,
             expected: .matching(.sponsorMatchOrders(app, dataset, workerpool, request))),
        Case(to: hub, signature: "initialize(bytes32,uint256)", arguments: [.bytes32(F.hashA), .uint(3)],
             expected: .lifecycle(.initialize(dealid: F.hashA, index: 3))),
        Case(to: hub, signature: "initializeArray(bytes32[],uint256[])",
             arguments: [.array([.bytes32(F.hashA), .bytes32(F.hashB)]), .array([.uint(0), .uint(1)])],
             expected: .lifecycle(.initializeArray(dealids: [F.hashA, F.hashB], indexes: [0, 1]))),
        Case(to: hub, signature: "contribute(bytes32,bytes32,bytes32,address,bytes,bytes)",
             arguments: [.bytes32(F.hashA), .bytes32(F.hashB), .bytes32(F.hashA), .address(F.bob), .bytes([1]), .bytes([2, 3])],
             expected: .lifecycle(.contribute(taskid: F.hashA, resultHash: F.hashB, resultSeal: F.hashA,
                                              enclaveChallenge: F.bob, enclaveSign: [1], authorizationSign: [2, 3]))),
        Case(to: hub, signature: "contributeAndFinalize(bytes32,bytes32,bytes,bytes,address,bytes,bytes)",
             arguments: [.bytes32(F.hashA), .bytes32(F.hashB), .bytes([1]), .bytes([2]), .address(.zero), .bytes([]),
                         .bytes([3])],
             expected: .lifecycle(.contributeAndFinalize(taskid: F.hashA, resultDigest: F.hashB, results: [1],
                                                         resultsCallback: [2], enclaveChallenge: .zero, enclaveSign: [],
                                                         authorizationSign: [3]))),
        Case(to: hub, signature: "reveal(bytes32,bytes32)", arguments: [.bytes32(F.hashA), .bytes32(F.hashB)],
             expected: .lifecycle(.reveal(taskid: F.hashA, resultDigest: F.hashB))),
        Case(to: hub, signature: "reopen(bytes32)", arguments: [.bytes32(F.hashA)],
             expected: .lifecycle(.reopen(taskid: F.hashA))),
        Case(to: hub, signature: "finalize(bytes32,bytes,bytes)",
             arguments: [.bytes32(F.hashA), .bytes([0x10]), .bytes([0x20, 0x21])],
             expected: .lifecycle(.finalize(taskid: F.hashA, results: [0x10], resultsCallback: [0x20, 0x21]))),
        Case(to: hub, signature: "claim(bytes32)", arguments: [.bytes32(F.hashB)],
             expected: .lifecycle(.claim(taskid: F.hashB))),
        Case(to: hub, signature: "claimArray(bytes32[])", arguments: [.array([.bytes32(F.hashB)])],
             expected: .lifecycle(.claimArray(taskids: [F.hashB]))),
        Case(to: hub, signature: "initializeAndClaimArray(bytes32[],uint256[])",
             arguments: [.array([.bytes32(F.hashA)]), .array([.uint(7)])],
             expected: .lifecycle(.initializeAndClaimArray(dealids: [F.hashA], indexes: [7]))),
    ]

    @Test(arguments: cases) func roundTrip(_ item: Case) throws {
        let calldata = try ABIFunction(item.signature).encodeCall(item.arguments)
        #expect(try PoCoBinding.decodeCall(to: item.to, data: calldata, config: Self.config) == item.expected)
    }

    @Test func everyCallKindIsCovered() {
        // 5 escrow + 5 token + 6 registry + changePolicy + createCategory + 8 orders + 2 matching + 10 lifecycle.
        #expect(Self.cases.count == 38)
        #expect(Set(Self.cases.map(\.signature)).count == 37)  // transferFrom on the hub and on a registry
    }
}
