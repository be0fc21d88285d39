import Ethereum
import Foundation
import PoCo

/// `poco`: in-process operations per second of the PoCo engine, and the cost of its journal against
/// copy-on-write (the design choice issue #3 asks to measure).
struct PoCoSuite {
    let suite = "poco"

    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: try! Address(hex: "0x0000000000000000000000000000000000000001"))

    static func actor(_ n: Int) -> Address {
        try! Address(Array(Keccak256.hash("bench actor \(n)").bytes[12...]))
    }

    func run() throws -> [BenchResult] {
        var results = try rollbackStrategyResults()
        results.append(contentsOf: try lifecycleResults())
        return results
    }

    /// The same ERC-20 transfer applied with the engine's journal, and with copy-on-write (apply to
    /// a copy of the engine, keep the copy on success): on a state of 100,000 accounts.
    func rollbackStrategyResults() throws -> [BenchResult] {
        var engine = PoCoEngine.genesis(config: Self.config)
        let accounts = (0..<100_000).map(Self.actor)
        let wei = UInt256(1_000_000) &* UInt256(1_000_000_000)
        for account in accounts {
            _ = try engine.apply(.escrow(.deposit), CallContext(sender: account, value: wei, blockTime: 1))
        }
        let senders = Array(accounts.prefix(1000))
        var index = 0
        let journalRate = measureRate(batch: 1000) {
            for _ in 0..<1000 {
                let from = senders[index % senders.count], to = senders[(index + 1) % senders.count]
                _ = try? engine.apply(.token(.transfer(to: to, value: 1)), CallContext(sender: from, blockTime: 2))
                index += 1
            }
        }
        let copyRate = measureRate(batch: 20) {
            for _ in 0..<20 {
                let from = senders[index % senders.count], to = senders[(index + 1) % senders.count]
                var trial = engine
                if (try? trial.apply(.token(.transfer(to: to, value: 1)), CallContext(sender: from, blockTime: 2))) != nil {
                    engine = trial
                }
                index += 1
            }
        }
        return [
            BenchResult(suite: suite, name: "transfer, journal (100k accounts)", value: journalRate, unit: "ops/s"),
            BenchResult(suite: suite, name: "transfer, copy-on-write (100k accounts)", value: copyRate, unit: "ops/s",
                        extra: ["journal_speedup": journalRate / copyRate]),
        ]
    }
}

extension PoCoSuite {
    static func key(_ n: Int) -> PrivateKey { try! PrivateKey(Keccak256.hash("bench key \(n)").bytes) }

    /// Times `calls` applied in order (each must succeed); returns calls per second.
    static func time(_ engine: inout PoCoEngine, _ calls: [(PoCoCall, Address)], at blockTime: UInt64) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for (call, sender) in calls {
            _ = try engine.apply(call, CallContext(sender: sender, blockTime: blockTime))
        }
        let elapsed = clock.now - start
        return Double(calls.count) / elapsed.inSeconds
    }

    /// One market, `count` deals of one task each at trust 1, taken through matchOrders (four
    /// signature checks each), initialize, contribute, reveal and finalize; each phase timed on its
    /// own, with every signature made beforehand.
    func lifecycleResults(count: Int = 2000) throws -> [BenchResult] {
        let (appOwner, datasetOwner, scheduler, requester, worker) =
            (Self.key(1), Self.key(2), Self.key(3), Self.key(4), Self.key(5))
        var engine = PoCoEngine.genesis(config: Self.config)
        let domain = Self.config.domain
        let wei = UInt256(1_000_000_000) &* PoCoConstants.weiPerNRLC
        for key in [appOwner, datasetOwner, scheduler, requester, worker] {
            _ = try engine.apply(.escrow(.deposit), CallContext(sender: key.address, value: wei, blockTime: 1))
        }
        func created(_ call: RegistryCall, by key: PrivateKey) throws -> Address {
            guard case .address(let address) = try engine.apply(.registry(call), CallContext(sender: key.address, blockTime: 1)).output
            else { throw BenchError("asset not created") }
            return address
        }
        let app = try created(.createApp(owner: appOwner.address, name: "bench", type: "WASM", multiaddr: [], checksum: .zero,
                                         mrenclave: []), by: appOwner)
        let dataset = try created(.createDataset(owner: datasetOwner.address, name: "bench", multiaddr: [], checksum: .zero),
                                  by: datasetOwner)
        let pool = try created(.createWorkerpool(owner: scheduler.address, description: "bench"), by: scheduler)

        var matches: [(PoCoCall, Address)] = []
        for index in 0..<count {
            let salt = Keccak256.hash("bench salt \(index)")
            let appOrder = AppOrder(app: app, appprice: 1, volume: 1, tag: .zero, datasetrestrict: .zero,
                                    workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt).signed(with: appOwner, in: domain)
            let datasetOrder = DatasetOrder(dataset: dataset, datasetprice: 1, volume: 1, tag: .zero, apprestrict: .zero,
                                            workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt)
                .signed(with: datasetOwner, in: domain)
            let poolOrder = WorkerpoolOrder(workerpool: pool, workerpoolprice: 100, volume: 1, tag: .zero, category: 0, trust: 1,
                                            apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero, salt: salt)
                .signed(with: scheduler, in: domain)
            let request = RequestOrder(app: app, appmaxprice: 1, dataset: dataset, datasetmaxprice: 1, workerpool: pool,
                                       workerpoolmaxprice: 100, requester: requester.address, volume: 1, tag: .zero, category: 0,
                                       trust: 1, beneficiary: requester.address, callback: .zero, params: "{}", salt: salt)
                .signed(with: requester, in: domain)
            matches.append((.matching(.matchOrders(appOrder, datasetOrder, poolOrder, request)), requester.address))
        }
        let dealIds = matches.map { call, _ -> Hash32 in
            guard case .matching(.matchOrders(_, _, _, let request)) = call else { return .zero }
            return PoCoIds.dealId(requestHash: request.hash(in: domain), consumed: 0)
        }
        let matchRate = try Self.time(&engine, matches, at: 10)
        let initializations = dealIds.map { (PoCoCall.lifecycle(.initialize(dealid: $0, index: 0)), worker.address) }
        let initializeRate = try Self.time(&engine, initializations, at: 11)
        let taskIds = dealIds.map { PoCoIds.taskId(dealid: $0, index: 0) }
        let digest = Keccak256.hash("bench result")
        let contributions = taskIds.map { task -> (PoCoCall, Address) in
            let authorization = EIP191.sign(
                message: PoCoIds.authorizationHash(worker: worker.address, taskid: task, enclaveChallenge: .zero).bytes,
                with: scheduler).bytes
            return (.lifecycle(.contribute(taskid: task, resultHash: PoCoIds.resultHash(taskid: task, resultDigest: digest),
                                           resultSeal: PoCoIds.resultSeal(worker: worker.address, taskid: task, resultDigest: digest),
                                           enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization)),
                    worker.address)
        }
        let contributeRate = try Self.time(&engine, contributions, at: 12)
        let reveals = taskIds.map { (PoCoCall.lifecycle(.reveal(taskid: $0, resultDigest: digest)), worker.address) }
        let revealRate = try Self.time(&engine, reveals, at: 13)
        let finalizations = taskIds.map {
            (PoCoCall.lifecycle(.finalize(taskid: $0, results: Array("result".utf8), resultsCallback: [])), scheduler.address)
        }
        let finalizeRate = try Self.time(&engine, finalizations, at: 14)
        let note: [String: any Sendable] = ["calls": count, "trust": 1]
        return [
            BenchResult(suite: suite, name: "matchOrders (4 signature checks)", value: matchRate, unit: "ops/s", extra: note),
            BenchResult(suite: suite, name: "initialize", value: initializeRate, unit: "ops/s", extra: note),
            BenchResult(suite: suite, name: "contribute (1 signature check)", value: contributeRate, unit: "ops/s", extra: note),
            BenchResult(suite: suite, name: "reveal", value: revealRate, unit: "ops/s", extra: note),
            BenchResult(suite: suite, name: "finalize", value: finalizeRate, unit: "ops/s", extra: note),
        ]
    }
}
