import Ethereum
import Foundation
import Testing

@testable import PoCo

/// What an `eth_call` of each view returns, byte for byte: the `abi_encoding_examples` of
/// vectors.json (computed with eth_abi 6.0.0), and further encodings computed here with eth_abi 6.0.0
/// from the same example values; the selectors and return types are poco-abi.md's (eth_utils over the
/// compiled PoCo ABI).
@Suite("View return data (ABI)")
struct ViewEncodingTests {
    // MARK: vectors.json abi_encoding_examples

    /// The example values of the `viewDeal_return` vector, as a Deal.
    static func exampleDeal() throws -> Deal {
        let values = try Vectors.values("viewDeal_return")
        func resource(_ key: String) throws -> Resource {
            let fields = try #require(values[key] as? [String])
            return Resource(pointer: try Address(hex: fields[0]), owner: try Address(hex: fields[1]),
                            price: try UInt256(decimal: fields[2]))
        }
        return Deal(app: try resource("app"), dataset: try resource("dataset"), workerpool: try resource("workerpool"),
                    trust: try Vectors.uint(values["trust"]), category: try Vectors.uint(values["category"]),
                    tag: try Vectors.hash(values["tag"]), requester: try Vectors.address(values["requester"]),
                    beneficiary: try Vectors.address(values["beneficiary"]), callback: try Vectors.address(values["callback"]),
                    params: try #require(values["params"] as? String), startTime: try Vectors.uint(values["startTime"]),
                    botFirst: try Vectors.uint(values["botFirst"]), botSize: try Vectors.uint(values["botSize"]),
                    workerStake: try Vectors.uint(values["workerStake"]),
                    schedulerRewardRatio: try Vectors.uint(values["schedulerRewardRatio"]),
                    sponsor: try Vectors.address(values["sponsor"]))
    }

    /// The example values of the `viewTask_return` vector, as a Task.
    static func exampleTask() throws -> PoCo.Task {
        let values = try Vectors.values("viewTask_return")
        let statusCode = try #require(values["status"] as? Int)
        let status = try #require(TaskStatus(rawValue: UInt8(statusCode)))
        let contributors = try #require(values["contributors"] as? [String]).map { text throws in try Address(hex: text) }
        return Task(status: status, dealid: try Vectors.hash(values["dealid"]), idx: try Vectors.uint(values["idx"]),
                    timeref: try Vectors.uint(values["timeref"]),
                    contributionDeadline: try Vectors.uint(values["contributionDeadline"]),
                    revealDeadline: try Vectors.uint(values["revealDeadline"]),
                    finalDeadline: try Vectors.uint(values["finalDeadline"]),
                    consensusValue: try Vectors.hash(values["consensusValue"]),
                    revealCounter: try Vectors.uint(values["revealCounter"]),
                    winnerCounter: try Vectors.uint(values["winnerCounter"]), contributors: contributors,
                    resultDigest: try Vectors.hash(values["resultDigest"]), results: try Vectors.bytes(values["results"]),
                    resultsTimestamp: try Vectors.uint(values["resultsTimestamp"]),
                    resultsCallback: try Vectors.bytes(values["resultsCallback"]))
    }

    static func exampleContribution() throws -> Contribution {
        let values = try Vectors.values("viewContribution_return")
        let statusCode = try #require(values["status"] as? Int)
        return Contribution(
            status: try #require(ContributionStatus(rawValue: UInt8(statusCode))),
            resultHash: try Vectors.hash(values["resultHash"]), resultSeal: try Vectors.hash(values["resultSeal"]),
            enclaveChallenge: try Vectors.address(values["enclaveChallenge"]), weight: try Vectors.uint(values["weight"]))
    }

    static let dealId = Keccak256.hash("a deal")
    static let taskId = Keccak256.hash("a task")
    static let worker = Testbed.key(30).address

    /// An engine whose state holds exactly `storage`.
    static func engine(_ storage: [StateKey: StateValue]) -> PoCoEngine {
        PoCoEngine(config: Testbed.config, state: PoCoState(storage: storage))
    }

    @Test func viewDealVector() throws {
        let engine = Self.engine([.deal(Self.dealId): .deal(try Self.exampleDeal())])
        #expect(Hex.encode(try engine.viewReturnData(.viewDeal(Self.dealId))) == (try Vectors.returnData("viewDeal_return")))
    }

    @Test func viewTaskVector() throws {
        let engine = Self.engine([.task(Self.taskId): .task(try Self.exampleTask())])
        #expect(Hex.encode(try engine.viewReturnData(.viewTask(Self.taskId))) == (try Vectors.returnData("viewTask_return")))
    }

    @Test func viewAccountVector() throws {
        let values = try Vectors.values("viewAccount_return")
        let account = Account(balance: try Vectors.uint(values["stake"]), frozen: try Vectors.uint(values["locked"]))
        let engine = Self.engine([.account(Self.worker): .account(account)])
        #expect(Hex.encode(try engine.viewReturnData(.viewAccount(Self.worker)))
            == (try Vectors.returnData("viewAccount_return")))
    }

    @Test func viewContributionVector() throws {
        let engine = Self.engine([.contribution(task: Self.taskId, worker: Self.worker): .contribution(try Self.exampleContribution())])
        #expect(Hex.encode(try engine.viewReturnData(.viewContribution(task: Self.taskId, worker: Self.worker)))
            == (try Vectors.returnData("viewContribution_return")))
    }

    @Test func viewCategoryVector() throws {
        let values = try Vectors.values("viewCategory_return")
        let category = PoCo.Category(name: try #require(values["name"] as? String),
                                     description: try #require(values["description"] as? String),
                                     workClockTimeRef: try Vectors.uint(values["workClockTimeRef"]))
        let engine = Self.engine([.category(0): .category(category), .categoryCount: .uint(1)])
        #expect(Hex.encode(try engine.viewReturnData(.viewCategory(0))) == (try Vectors.returnData("viewCategory_return")))
    }

    // MARK: Further encodings (eth_abi 6.0.0 over the same example values)

    @Test func legacyAccessorsOfTheExamples() throws {
        var task = try Self.exampleTask()
        task.results = [1, 2, 3]
        let engine = Self.engine([
            .deal(Self.dealId): .deal(try Self.exampleDeal()), .task(Self.taskId): .task(task),
            .contribution(task: Self.taskId, worker: Self.worker): .contribution(try Self.exampleContribution()),
            .account(Self.worker): .account(Account(balance: 1000, frozen: 250)),
            .category(0): .category(PoCo.Category(name: "XS", description: "", workClockTimeRef: 300)), .categoryCount: .uint(1),
        ])
        let expected: [(PoCoView, String)] = [
            // encode(['address','address','uint256']*3, [app, dataset, workerpool resources])
            (.viewDealABILegacyPt1(Self.dealId), "0x000000000000000000000000a6c1c67b760d7d6d71530cb20e5845fd213396c0000000000000000000000000b7c3a5a6eaf07d95c4cc39a9b133faf4ed05bea000000000000000000000000000000000000000000000000000000000000000050000000000000000000000006ce31abc69fb0d0dcd96b7922bbd1285f3d6b00f0000000000000000000000005afd95a6d7de5a7791143d0a06c3b8ea716dc679000000000000000000000000000000000000000000000000000000000000000700000000000000000000000058eb4ad21a972f4c596fa489884fa4850fbb7e7200000000000000000000000071bb421153fe6ad6691eaba73dfca686dfe80932000000000000000000000000000000000000000000000000000000000000000b"),
            // encode(['uint256','bytes32','address','address','address','string'], [trust, tag, requester, beneficiary, callback, params])
            (.viewDealABILegacyPt2(Self.dealId), "0x000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000000000000000000000000000000000000010000000000000000000000005c80187665db52bcbb327104d7d0ec0c0195549d000000000000000000000000916a47295a5e2298e429f77adc409f77b285161f00000000000000000000000036dc70cc5afdbe9bd2aff7bf87daeab6eff87a9900000000000000000000000000000000000000000000000000000000000000c000000000000000000000000000000000000000000000000000000000000000167b2269657865635f61726773223a2268656c6c6f227d00000000000000000000"),
            // encode(['uint256']*6, [category, startTime, botFirst, botSize, workerStake, schedulerRewardRatio])
            (.viewConfigABILegacy(Self.dealId), "0x0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000006553f1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a00000000000000000000000000000000000000000000000000000000000000030000000000000000000000000000000000000000000000000000000000000001"),
            // encode(['uint8','bytes32',…,'address[]','bytes'], [status … contributors, results = 0x010203])
            (.viewTaskABILegacy(Self.taskId), "0x0000000000000000000000000000000000000000000000000000000000000002aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000000000000000000000000000000000000000000000000000000000030000000000000000000000000000000000000000000000000000000000000e1000000000000000000000000000000000000000000000000000000000655453700000000000000000000000000000000000000000000000000000000065540d840000000000000000000000000000000000000000000000000000000065547da0bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000018000000000000000000000000000000000000000000000000000000000000001e00000000000000000000000000000000000000000000000000000000000000002000000000000000000000000810a1fe4c9cb8e36103eb64c74198f4c70ca4294000000000000000000000000b9fea9c1ef3710a892e28f628a45c866b9e949ba00000000000000000000000000000000000000000000000000000000000000030102030000000000000000000000000000000000000000000000000000000000"),
            // encode(['uint8','bytes32','bytes32','address'], [status, resultHash, resultSeal, enclaveChallenge])
            (.viewContributionABILegacy(task: Self.taskId, worker: Self.worker), "0x00000000000000000000000000000000000000000000000000000000000000015b6a3234f07fba85f9b6163c2be3321a653daf1998a58f5f18ebc7b040df98de348c342b694841ba2dba579fc0a150bae575b091b380ff50d39eeff97c2261230000000000000000000000000000000000000000000000000000000000000000"),
            // encode(['uint256','uint256'], [1000, 250]): two values, the same bytes as the static struct
            (.viewAccountABILegacy(Self.worker), "0x00000000000000000000000000000000000000000000000000000000000003e800000000000000000000000000000000000000000000000000000000000000fa"),
            // encode(['string','string','uint256'], ['XS', '', 300]): no leading 0x20, unlike viewCategory
            (.viewCategoryABILegacy(0), "0x000000000000000000000000000000000000000000000000000000000000006000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000012c000000000000000000000000000000000000000000000000000000000000000258530000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ]
        for (view, hex) in expected {
            #expect(Hex.encode(try engine.viewReturnData(view)) == hex, "\(view.function.name)")
        }
    }

    @Test func assetInfosDomainAndStrings() throws {
        // owner = first 20 bytes of keccak256("addr-owner"), as in the script that computed these.
        let owner = try Address(hex: "0x12Dac8F59C0CfA7723Fd41af0efF7BB839378f58")
        let app = Testbed.key(40).address, dataset = Testbed.key(41).address, pool = Testbed.key(42).address
        var task = PoCo.Task(status: .completed)
        task.resultsCallback = [1, 2, 3]
        let engine = Self.engine([
            .app(app): .app(App(owner: owner, name: "pi", type: "WASM", multiaddr: Array("/storage/pi.wasm".utf8),
                                checksum: Keccak256.hash("code"), mrenclave: [0xaa, 0xbb])),
            .dataset(dataset): .dataset(Dataset(owner: owner, name: "d", multiaddr: Array("/ipfs/x".utf8),
                                                checksum: Keccak256.hash("data"))),
            .workerpool(pool): .workerpool(Workerpool(owner: owner, description: "pool", workerStakeRatioPolicy: 35,
                                                      schedulerRewardRatioPolicy: 5)),
            .task(Self.taskId): .task(task),
        ])
        let expected: [(PoCoView, String)] = [
            // encode(['(address,string,string,bytes,bytes32,bytes)'], [(owner,'pi','WASM',b'/storage/pi.wasm',keccak(b'code'),b'\xaa\xbb')])
            (.viewApp(app), "0x000000000000000000000000000000000000000000000000000000000000002000000000000000000000000012dac8f59c0cfa7723fd41af0eff7bb839378f5800000000000000000000000000000000000000000000000000000000000000c0000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000001402dc081a8d6d4714c79b5abd2e9b08c3a33b4ef1dcf946ef8b8cf6c495014f47b00000000000000000000000000000000000000000000000000000000000001800000000000000000000000000000000000000000000000000000000000000002706900000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000045741534d0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000102f73746f726167652f70692e7761736d000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002aabb000000000000000000000000000000000000000000000000000000000000"),
            // encode(['(address,string,bytes,bytes32)'], [(owner,'d',b'/ipfs/x',keccak(b'data'))])
            (.viewDataset(dataset), "0x000000000000000000000000000000000000000000000000000000000000002000000000000000000000000012dac8f59c0cfa7723fd41af0eff7bb839378f58000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000000000000000c08f54f1c2d0eb5771cd5bf67a6689fcd6eed9444d91a39e5ef32a9b4ae5ca14ff0000000000000000000000000000000000000000000000000000000000000001640000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000072f697066732f7800000000000000000000000000000000000000000000000000"),
            // encode(['(address,string,uint256,uint256)'], [(owner,'pool',35,5)])
            (.viewWorkerpool(pool), "0x000000000000000000000000000000000000000000000000000000000000002000000000000000000000000012dac8f59c0cfa7723fd41af0eff7bb839378f580000000000000000000000000000000000000000000000000000000000000080000000000000000000000000000000000000000000000000000000000000002300000000000000000000000000000000000000000000000000000000000000050000000000000000000000000000000000000000000000000000000000000004706f6f6c00000000000000000000000000000000000000000000000000000000"),
            // encode(['(string,string,uint256,address)'], [('iExecODB','5.0.0',134,hub)])
            (.domain, "0x0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000000000000000c000000000000000000000000000000000000000000000000000000000000000860000000000000000000000003eca1b216a7df1c7689aeb259ffb83adfb894e7f000000000000000000000000000000000000000000000000000000000000000869457865634f44420000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005352e302e30000000000000000000000000000000000000000000000000000000"),
            // encode(['bytes'], [b'\x01\x02\x03'])
            (.resultFor(Self.taskId), "0x000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000030102030000000000000000000000000000000000000000000000000000000000"),
            // encode(['string'], ['Staked RLC'])
            (.name, "0x0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000a5374616b656420524c4300000000000000000000000000000000000000000000"),
            // encode(['uint8'], [9])
            (.decimals, "0x0000000000000000000000000000000000000000000000000000000000000009"),
            // vectors.json domains, chainId 134: the separator of the hub's domain
            (.eip712DomainSeparator, "0xf2cbd98a556869939d25b73c3fa68ba45f19932f8c9a06f744c98290ed9ef860"),
        ]
        for (view, hex) in expected {
            #expect(Hex.encode(try engine.viewReturnData(view)) == hex, "\(view.function.name)")
        }
    }

    @Test func unknownDealAndTaskAreZeroStructs() throws {
        let engine = Self.engine([:])
        func word(_ value: UInt64) -> [UInt8] { UInt256(value).bigEndianBytes }
        let zero = word(0)
        // eth_abi 6.0.0 encodes the all-zero Deal as: offset 0x20; 15 zero head words (three resources,
        // trust … callback); the params offset 0x2c0; 6 zero words (startTime … sponsor); params length 0.
        let zeroDeal = word(0x20) + Array([[UInt8]](repeating: zero, count: 15).joined()) + word(0x2c0)
            + Array([[UInt8]](repeating: zero, count: 7).joined())
        #expect(try engine.viewReturnData(.viewDeal(Self.dealId)) == zeroDeal)
        // … and the all-zero Task: offset 0x20; 10 zero words; contributors at 0x1e0; resultDigest;
        // results at 0x200; resultsTimestamp; resultsCallback at 0x220; three zero lengths.
        let zeroTask = word(0x20) + Array([[UInt8]](repeating: zero, count: 10).joined()) + word(0x1e0) + zero
            + word(0x200) + zero + word(0x220) + Array([[UInt8]](repeating: zero, count: 3).joined())
        #expect(try engine.viewReturnData(.viewTask(Self.taskId)) == zeroTask)
        #expect(engine.viewDeal(Self.dealId) == Deal.zero)
        #expect(engine.viewTask(Self.taskId) == PoCo.Task())
    }

    // MARK: Selectors and return types

    @Test func everyViewHasPoCoABISelectorAndReturnTypes() throws {
        for view in ViewCatalog.all(owner: Self.worker) {
            let function = view.function
            let expected = try #require(Self.abi[function.name], "\(function.name) is not in the table")
            #expect(Hex.encode(function.selector) == expected.selector, "\(function.signature)")
            #expect("(" + function.outputs.map(\.canonical).joined(separator: ",") + ")" == expected.returns,
                    "\(function.signature)")
            #expect(Array(view.callData.prefix(4)) == function.selector)
            #expect(try function.decodeCall(view.callData) == view.arguments)
        }
    }

    @Test func computeDealVolumeCallDataIsMatchOrdersArguments() throws {
        // vectors.json matchOrders_calldata: the same four order tuples follow computeDealVolume's selector.
        let example = try #require(Vectors.examples["matchOrders_calldata"] as? [String: Any])
        let matchOrders = try [UInt8](hex: try #require(example["calldata"] as? String))
        let types = [AppOrder.abiType, DatasetOrder.abiType, WorkerpoolOrder.abiType, RequestOrder.abiType]
        let orders = try ABI.decode(types, from: Array(matchOrders.dropFirst(4)))
        let view = PoCoView.computeDealVolume(try AppOrder(abiValue: orders[0]), try DatasetOrder(abiValue: orders[1]),
                                              try WorkerpoolOrder(abiValue: orders[2]), try RequestOrder(abiValue: orders[3]))
        #expect(view.callData == (try [UInt8](hex: "0x66517ca6")) + matchOrders.dropFirst(4))
    }

    /// poco-abi.md (Appendix A, §2.2–2.4): selector and canonical return types, by function name.
    static let abi: [String: (selector: String, returns: String)] = [
        "verifySignature": ("0x01751998", "(bool)"),
        "name": ("0x06fdde03", "(string)"),
        "m_datasetName": ("0x0847c431", "(string)"),
        "viewContributionABILegacy": ("0x11e35aba", "(uint8,bytes32,bytes32,address)"),
        "totalSupply": ("0x18160ddd", "(uint256)"),
        "m_datasetChecksum": ("0x1ba99d7e", "(bytes32)"),
        "frozenOf": ("0x1bf6e00d", "(uint256)"),
        "viewDataset": ("0x1e143ef7", "((address,string,bytes,bytes32))"),
        "viewTaskABILegacy": ("0x248ad6a0",
                              "(uint8,bytes32,uint256,uint256,uint256,uint256,uint256,bytes32,uint256,uint256,address[],bytes)"),
        "groupmember_purpose": ("0x25eacba8", "(uint256)"),
        "reveal_deadline_ratio": ("0x2b8857c1", "(uint256)"),
        "decimals": ("0x313ce567", "(uint8)"),
        "m_appName": ("0x358982a3", "(string)"),
        "m_appMultiaddr": ("0x39e75d45", "(bytes)"),
        "appregistry": ("0x45b637a9", "(address)"),
        "viewConsumed": ("0x4b2bec8c", "(uint256)"),
        "viewCategory": ("0x4f5f44ec", "((string,string,uint256))"),
        "m_workerpoolDescription": ("0x584feb3a", "(string)"),
        "viewAccountABILegacy": ("0x5b3ae3e4", "(uint256,uint256)"),
        "workerpool_stake_ratio": ("0x6112f6fd", "(uint256)"),
        "ownerOf": ("0x6352211e", "(address)"),
        "computeDealVolume": ("0x66517ca6", "(uint256)"),
        "viewAccount": ("0x6b55f4a5", "((uint256,uint256))"),
        "balanceOf": ("0x70a08231", "(uint256)"),
        "contribution_deadline_ratio": ("0x74ed5244", "(uint256)"),
        "kitty_min": ("0x77a99692", "(uint256)"),
        "registry": ("0x7b103999", "(address)"),
        "m_appChecksum": ("0x84aaf12e", "(bytes32)"),
        "m_schedulerRewardRatioPolicy": ("0x87639c68", "(uint256)"),
        "owner": ("0x8da5cb5b", "(address)"),
        "workerpoolregistry": ("0x90a0f546", "(address)"),
        "symbol": ("0x95d89b41", "(string)"),
        "eip712domain_separator": ("0x9910fd72", "(bytes32)"),
        "kitty_address": ("0xa47e7f80", "(address)"),
        "m_datasetMultiaddr": ("0xa61ca6c5", "(bytes)"),
        "viewTask": ("0xadccf0d5",
                     "((uint8,bytes32,uint256,uint256,uint256,uint256,uint256,bytes32,uint256,uint256,address[],bytes32,bytes,uint256,bytes))"),
        "datasetregistry": ("0xb1b11d2c", "(address)"),
        "m_workerStakeRatioPolicy": ("0xb55e75af", "(uint256)"),
        "viewDeal": ("0xb74861b2",
                     "(((address,address,uint256),(address,address,uint256),(address,address,uint256),uint256,uint256,bytes32,address,address,address,string,uint256,uint256,uint256,uint256,uint256,address))"),
        "viewDealABILegacy_pt1": ("0xbd19a4f3", "(address,address,uint256,address,address,uint256,address,address,uint256)"),
        "viewWorkerpool": ("0xbd8ab058", "((address,string,uint256,uint256))"),
        "verifyPresignatureOrSignature": ("0xbf36994e", "(bool)"),
        "countCategory": ("0xc140996f", "(uint256)"),
        "domain": ("0xc2fb26a6", "((string,string,uint256,address))"),
        "isRegistered": ("0xc3c5a547", "(bool)"),
        "verifyPresignature": ("0xc87b582a", "(bool)"),
        "viewDealABILegacy_pt2": ("0xce5f7895", "(uint256,bytes32,address,address,address,string)"),
        "resultFor": ("0xd09cc57e", "(bytes)"),
        "viewPresigned": ("0xd286eb16", "(address)"),
        "viewConfigABILegacy": ("0xd5922f50", "(uint256,uint256,uint256,uint256,uint256,uint256)"),
        "viewScore": ("0xdb230b52", "(uint256)"),
        "final_deadline_ratio": ("0xdb8aaa26", "(uint256)"),
        "kitty_ratio": ("0xdcb03241", "(uint256)"),
        "allowance": ("0xdd62ed3e", "(uint256)"),
        "viewApp": ("0xe1523fb4", "((address,string,string,bytes,bytes32,bytes))"),
        "m_appMREnclave": ("0xe30d26a8", "(bytes)"),
        "callbackgas": ("0xe63ec07d", "(uint256)"),
        "viewContribution": ("0xe741363b", "((uint8,bytes32,bytes32,address,uint256))"),
        "m_appType": ("0xf8c2ceb3", "(string)"),
        "viewCategoryABILegacy": ("0xf9353b8d", "(string,string,uint256)"),
        "token": ("0xfc0c546a", "(address)"),
    ]
}

/// vectors.json's `abi_encoding_examples`, read through a path relative to this file (the PoCo test
/// target has no resources) with Foundation's JSON parser.
enum Vectors {
    static let fileData: Data = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EthereumTests/Fixtures/poco-vectors.json")
        return (try? Data(contentsOf: url)) ?? Data()
    }()

    static var examples: [String: Any] {
        let file = (try? JSONSerialization.jsonObject(with: fileData)) as? [String: Any]
        return file?["abi_encoding_examples"] as? [String: Any] ?? [:]
    }

    static func values(_ name: String) throws -> [String: Any] {
        let example = try #require(examples[name] as? [String: Any], "vector \(name) missing")
        return try #require(example["values"] as? [String: Any])
    }

    static func returnData(_ name: String) throws -> String {
        let example = try #require(examples[name] as? [String: Any], "vector \(name) missing")
        return try #require(example["returndata"] as? String)
    }

    static func uint(_ value: Any?) throws -> UInt256 { try UInt256(decimal: try #require(value as? String)) }
    static func hash(_ value: Any?) throws -> Hash32 { try Hash32(hex: try #require(value as? String)) }
    static func address(_ value: Any?) throws -> Address { try Address(hex: try #require(value as? String)) }
    static func bytes(_ value: Any?) throws -> [UInt8] { try [UInt8](hex: try #require(value as? String)) }
}
