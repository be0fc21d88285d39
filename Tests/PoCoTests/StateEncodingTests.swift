import Ethereum
import Testing

@testable import PoCo

@Suite("State encoding and digest")
struct StateEncodingTests {
    static let a = Testbed.key(1).address, b = Testbed.key(2).address
    static let h = Keccak256.hash("h"), g = Keccak256.hash("g")

    static let keys: [StateKey] = [
        .account(a), .allowance(owner: a, spender: b), .totalSupply, .app(a), .dataset(a), .workerpool(b),
        .assetCount(.dataset), .assetBalance(.workerpool, owner: a), .category(7), .categoryCount, .consumed(h),
        .presigned(h), .deal(h), .task(g), .consensus(g), .contribution(task: g, worker: b), .score(b),
    ]

    static let values: [StateValue] = [
        .account(Account(balance: 5, frozen: .max)), .uint(12345), .address(b),
        .app(App(owner: a, name: "pi é", type: "WASM", multiaddr: [1, 2], checksum: h, mrenclave: [])),
        .dataset(Dataset(owner: b, name: "", multiaddr: [], checksum: .zero)),
        .workerpool(Workerpool(owner: a, description: "pool", workerStakeRatioPolicy: 40, schedulerRewardRatioPolicy: 2)),
        .category(PoCo.Category(name: "XS", description: "{}", workClockTimeRef: 300)),
        .deal(Deal(app: Resource(pointer: a, owner: b, price: 3), dataset: Resource(), workerpool: Resource(pointer: b, owner: a, price: 9),
                   trust: 100, category: 2, tag: g, requester: a, beneficiary: b, callback: .zero, params: "{\"x\":1}",
                   startTime: 1_700_000_000, botFirst: 4, botSize: 10, workerStake: 2, schedulerRewardRatio: 1, sponsor: a)),
        .task(Task(status: .revealing, dealid: h, idx: 3, timeref: 300, contributionDeadline: 10, revealDeadline: 11,
                   finalDeadline: 12, consensusValue: g, revealCounter: 1, winnerCounter: 2, contributors: [a, b],
                   resultDigest: h, results: [9, 9], resultsTimestamp: 0, resultsCallback: [1])),
        .consensus(Consensus(total: 3172, groups: [h: 3168, g: 3])),
        .contribution(Contribution(status: .proved, resultHash: h, resultSeal: g, enclaveChallenge: b, weight: 6)),
    ]

    @Test func everyKeyAndValueRoundTrips() throws {
        for key in Self.keys { #expect(try StateKey(encoded: key.encoded) == key) }
        for value in Self.values { #expect(try StateValue(encoded: value.encoded) == value) }
        // Distinct keys have distinct bytes.
        #expect(Set(Self.keys.map(\.encoded)).count == Self.keys.count)
    }

    @Test func digestIgnoresInsertionOrderButNotContent() {
        let pairs = Array(zip(Self.keys, Self.values + Self.values))
        var forward: [StateKey: StateValue] = [:]
        for (key, value) in pairs { forward[key] = value }
        var backward: [StateKey: StateValue] = [:]
        for (key, value) in pairs.reversed() { backward[key] = value }
        #expect(PoCoState(storage: forward).digest == PoCoState(storage: backward).digest)
        var changed = forward
        changed[.totalSupply] = .uint(1)
        #expect(PoCoState(storage: changed).digest != PoCoState(storage: forward).digest)
        #expect(PoCoState().digest != PoCoState(storage: forward).digest)
    }

    @Test func garbageIsRefusedNotTrapped() {
        var generator = SplitMix64(seed: 42)
        var refused = 0
        for length in 0..<2000 {
            let bytes = (0..<(length % 90)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if (try? StateKey(encoded: bytes)) == nil { refused += 1 }
            _ = try? StateValue(encoded: bytes)
        }
        #expect(refused > 1900)
        #expect(throws: StateDecodingError.self) { try StateValue(encoded: RLP.encode(.list([.uint(UInt64(0x09))]))) }
        #expect(throws: StateDecodingError.self) { try StateKey(encoded: RLP.encode(.list([.uint(UInt64(0x99))]))) }
    }
}
