import Ethereum
import PoCo
import Testing

/// The view structs read back from their ABI values, through the bytes an `eth_call` returns
/// (encoded and decoded with the view's return types), and malformed values refused by name.
@Suite struct ViewABIDecodingTests {
    static let alice = try! Address(hex: "0x00000000000000000000000000000000000a1cE0")
    static let bob = try! Address(hex: "0x0000000000000000000000000000000000000B0b")
    static let hashA = Keccak256.hash("a")
    static let hashB = Keccak256.hash("b")

    /// `value` encoded as `view`'s return data then decoded again.
    func throughBytes(_ value: ABIValue, _ view: PoCoView) throws -> ABIValue {
        let types = view.returnTypes
        let values = try ABI.decode(types, from: try ABI.encode([value], as: types))
        return try #require(values.first)
    }

    @Test func deal() throws {
        let deal = Deal(app: Resource(pointer: Self.alice, owner: Self.bob, price: 5),
                        dataset: Resource(pointer: Self.bob, owner: Self.alice, price: 7),
                        workerpool: Resource(pointer: Self.alice, owner: Self.alice, price: 11), trust: 3, category: 2,
                        tag: Self.hashA, requester: Self.bob, beneficiary: Self.alice, callback: .zero,
                        params: "{\"iexec_args\":\"é\"}", startTime: 1_700_000_000, botFirst: 4, botSize: 2,
                        workerStake: 9, schedulerRewardRatio: 30, sponsor: Self.bob)
        #expect(try Deal(abiValue: throughBytes(deal.abiValue, .viewDeal(.zero))) == deal)
    }

    @Test func task() throws {
        let task = PoCo.Task(status: .revealing, dealid: Self.hashA, idx: 1, timeref: 300, contributionDeadline: 10,
                             revealDeadline: 20, finalDeadline: 30, consensusValue: Self.hashB, revealCounter: 1,
                             winnerCounter: 2, contributors: [Self.alice, Self.bob], resultDigest: Self.hashA,
                             results: [1, 2, 3], resultsTimestamp: 40, resultsCallback: [4])
        #expect(try PoCo.Task(abiValue: throughBytes(task.abiValue, .viewTask(.zero))) == task)
        #expect(try PoCo.Task(abiValue: PoCo.Task().abiValue) == PoCo.Task())
    }

    @Test func contribution() throws {
        let contribution = Contribution(status: .proved, resultHash: Self.hashA, resultSeal: Self.hashB,
                                        enclaveChallenge: Self.bob, weight: 3)
        let view = PoCoView.viewContribution(task: .zero, worker: .zero)
        #expect(try Contribution(abiValue: throughBytes(contribution.abiValue, view)) == contribution)
    }

    @Test func accountAndCategory() throws {
        let account = Account(balance: 1_000, frozen: 25)
        #expect(try Account(abiValue: throughBytes(account.abiValue, .viewAccount(.zero))) == account)
        for category in PoCo.Category.defaults {
            #expect(try PoCo.Category(abiValue: throughBytes(category.abiValue, .viewCategory(0))) == category)
        }
    }

    @Test func assets() throws {
        let app = App(owner: Self.alice, name: "pi", type: "WASM", multiaddr: [0xAB, 0xCD], checksum: Self.hashA,
                      mrenclave: [])
        #expect(try App(abiValue: throughBytes(app.abiValue, .viewApp(.zero))) == app)
        let dataset = Dataset(owner: Self.bob, name: "words", multiaddr: [1], checksum: Self.hashB)
        #expect(try Dataset(abiValue: throughBytes(dataset.abiValue, .viewDataset(.zero))) == dataset)
        let pool = Workerpool(owner: Self.alice, description: "pool", workerStakeRatioPolicy: 35,
                              schedulerRewardRatioPolicy: 5)
        #expect(try Workerpool(abiValue: throughBytes(pool.abiValue, .viewWorkerpool(.zero))) == pool)
    }

    @Test func malformedValuesAreRefusedByName() {
        #expect(throws: PoCoDecodingError.self) { try Account(abiValue: .tuple([.uint(1)])) }
        #expect(throws: PoCoDecodingError.self) { try Account(abiValue: .uint(1)) }
        // Status 9 is no TaskStatus.
        var fields = PoCo.Task().abiValue.elements ?? []
        fields[0] = .uint(9)
        #expect {
            try PoCo.Task(abiValue: .tuple(fields))
        } throws: { error in
            (error as? PoCoDecodingError)?.description.contains("task.0") == true
        }
        // A deal whose app resource is a uint.
        let zeroDeal = Deal(app: Resource(), dataset: Resource(), workerpool: Resource(), trust: 0, category: 0, tag: .zero,
                            requester: .zero, beneficiary: .zero, callback: .zero, params: "", startTime: 0, botFirst: 0,
                            botSize: 0, workerStake: 0, schedulerRewardRatio: 0, sponsor: .zero)
        var dealFields = zeroDeal.abiValue.elements ?? []
        #expect(throws: Never.self) { try Deal(abiValue: .tuple(dealFields)) }
        dealFields[0] = .uint(1)
        #expect {
            try Deal(abiValue: .tuple(dealFields))
        } throws: { error in
            (error as? PoCoDecodingError)?.description.contains("deal.app") == true
        }
    }
}
