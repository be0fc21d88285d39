import ChainTestSupport
import Client
import Ethereum
import PoCo
import Testing

/// One run of the PoCo flow through a `PoCoChain`: deposits, assets, a deal from signed orders,
/// a task contributed, revealed and finalized, views, logs, a revert and concurrent sends. It
/// returns what it observed without block numbers or times, so that the in-memory chain's run can
/// be compared with a real node's.
enum PoCoChainScenario {
    static let governance = DevChain.keys[0]
    static let appOwner = DevChain.keys[1]
    static let datasetOwner = DevChain.keys[2]
    static let scheduler = DevChain.keys[3]
    static let requester = DevChain.keys[4]
    static let worker = DevChain.keys[5]
    static let participants = [governance, appOwner, datasetOwner, scheduler, requester, worker].map(\.address)
    /// 1 nRLC in wei.
    static let weiPerNRLC = UInt256(1_000_000_000 as UInt64)

    /// What a run observed.
    struct Outcome: Hashable {
        var app: App
        var dataset: Dataset
        var workerpool: Workerpool
        var deal: Deal
        var taskAfterContribution: TaskStatus
        var task: PoCo.Task
        var contribution: Contribution
        var accounts: [Account]
        var score: UInt256
        var categories: [PoCo.Category]
        var initializeLogs: Int
        var finalizeTopics: [Hash32]
        var revertReason: String
        var suppliedNRLC: UInt256

        /// The outcome with the fields that depend on block times zeroed (chains keep different clocks).
        var timeless: Outcome {
            var copy = self
            copy.deal.startTime = .zero
            copy.task.contributionDeadline = .zero
            copy.task.revealDeadline = .zero
            copy.task.finalDeadline = .zero
            copy.task.resultsTimestamp = .zero
            return copy
        }
    }

    static func topic(_ address: Address) -> Hash32 { DevChain.topic(address) }

    static let ordersMatchedTopic = Keccak256.hash("OrdersMatched(bytes32,bytes32,bytes32,bytes32,bytes32,uint256)")
    static let taskInitializeTopic = Keccak256.hash("TaskInitialize(bytes32,address)")
    static let taskFinalizeTopic = Keccak256.hash("TaskFinalize(bytes32,bytes)")

    /// What `setUp` made: the three assets and a deal of one task (category 0, trust 1).
    struct Market {
        var app: Address
        var dataset: Address
        var workerpool: Address
        var dealid: Hash32
    }

    /// nRLC each of these deposits in `setUp`.
    static let deposits: [(PrivateKey, UInt64)] = [(scheduler, 1_000), (requester, 1_000), (worker, 1_000)]

    /// Deposits, assets and a deal from signed orders matched by the requester, on a fresh chain
    /// whose head was `start`.
    static func setUp(on chain: some PoCoChain, after start: ChainHead) async throws -> Market {
        let config = chain.config
        // Deposits (native coin in, SRLC out), one block each.
        for (key, nRLC) in deposits {
            let receipt = try await chain.send(.escrow(.deposit), value: UInt256(nRLC) * weiPerNRLC, signer: key)
            #expect(receipt.blockNumber > start.number)
            #expect(try await chain.account(key.address).balance >= UInt256(nRLC))
        }

        // Assets, each created by its owner.
        let checksum = Keccak256.hash("pi.wasm")
        let createApp = RegistryCall.createApp(owner: appOwner.address, name: "pi", type: "WASM", multiaddr: [0xAB, 0x01],
                                               checksum: checksum, mrenclave: [])
        let createDataset = RegistryCall.createDataset(owner: datasetOwner.address, name: "words", multiaddr: [0x02],
                                                       checksum: Keccak256.hash("words"))
        let createPool = RegistryCall.createWorkerpool(owner: scheduler.address, description: "pool")
        _ = try await chain.send(.registry(createApp), signer: appOwner)
        _ = try await chain.send(.registry(createDataset), signer: datasetOwner)
        _ = try await chain.send(.registry(createPool), signer: scheduler)
        let appAddress = config.predictApp(owner: appOwner.address, name: "pi", type: "WASM", multiaddr: [0xAB, 0x01],
                                           checksum: checksum, mrenclave: [])
        let datasetAddress = config.predictDataset(owner: datasetOwner.address, name: "words", multiaddr: [0x02],
                                                   checksum: Keccak256.hash("words"))
        let poolAddress = config.predictWorkerpool(owner: scheduler.address, description: "pool")

        // A deal of one task from signed orders, matched by the requester.
        let domain = config.domain
        let salt = Keccak256.hash("scenario")
        let app = AppOrder(app: appAddress, appprice: 5, volume: 1, tag: .zero, datasetrestrict: .zero,
                           workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt).signed(with: appOwner, in: domain)
        let noDataset = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero, apprestrict: .zero,
                                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
        let pool = WorkerpoolOrder(workerpool: poolAddress, workerpoolprice: 10, volume: 1, tag: .zero, category: 0,
                                   trust: 1, apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero,
                                   salt: salt).signed(with: scheduler, in: domain)
        let request = RequestOrder(app: appAddress, appmaxprice: 5, dataset: .zero, datasetmaxprice: 0,
                                   workerpool: poolAddress, workerpoolmaxprice: 10, requester: requester.address, volume: 1,
                                   tag: .zero, category: 0, trust: 1, beneficiary: requester.address, callback: .zero,
                                   params: "{\"iexec_args\":\"100\"}", salt: salt).signed(with: requester, in: domain)
        let matched = try await chain.send(.matching(.matchOrders(app, noDataset, pool, request)), signer: requester)
        let matchLog = try #require(matched.logs.first { $0.topics.first == ordersMatchedTopic })
        return Market(app: appAddress, dataset: datasetAddress, workerpool: poolAddress,
                      dealid: try Hash32(Array(matchLog.data.prefix(32))))

    }

    static func run(on chain: some PoCoChain) async throws -> Outcome {
        let config = chain.config
        let supplyBefore = try await chain.totalSupply()
        let start = try await chain.head()

        let market = try await setUp(on: chain, after: start)
        let (appAddress, datasetAddress, poolAddress, dealid) = (market.app, market.dataset, market.workerpool, market.dealid)

        // The task: initialized by the scheduler, contributed and revealed by the worker, finalized.
        let taskid = PoCoIds.taskId(dealid: dealid, index: 0)
        let digest = Keccak256.hash("result 3.14")
        let authorization = EIP191.sign(message: PoCoIds.authorizationHash(worker: worker.address, taskid: taskid,
                                                                           enclaveChallenge: .zero).bytes,
                                        with: scheduler).bytes
        _ = try await chain.send(.lifecycle(.initialize(dealid: dealid, index: 0)), signer: scheduler)
        _ = try await chain.send(.lifecycle(.contribute(
            taskid: taskid, resultHash: PoCoIds.resultHash(taskid: taskid, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: worker.address, taskid: taskid, resultDigest: digest),
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization)), signer: worker)
        let afterContribution = try await chain.task(taskid).status
        _ = try await chain.send(.lifecycle(.reveal(taskid: taskid, resultDigest: digest)), signer: worker)
        let finalized = try await chain.send(.lifecycle(.finalize(taskid: taskid, results: Array("ipfs://r".utf8),
                                                                  resultsCallback: [])), signer: scheduler)

        // Logs: by topic0 and the indexed taskid, on the hub, from the scenario's first block.
        let initializeLogs = try await chain.logs(ChainLogFilter(fromBlock: start.number + 1, address: config.hub,
                                                                 topics: [[taskInitializeTopic], [taskid]]))
        #expect(initializeLogs.first?.topics == [taskInitializeTopic, taskid, topic(poolAddress)])
        let finalizeLogs = try await chain.logs(ChainLogFilter(fromBlock: finalized.blockNumber, toBlock: finalized.blockNumber,
                                                               topics: [[taskFinalizeTopic]]))
        #expect(finalizeLogs.map(\.transactionHash) == [finalized.transactionHash])
        #expect(try await chain.logs(ChainLogFilter(fromBlock: start.number + 1, topics: [[taskFinalizeTopic], [dealid]])).isEmpty)

        // A revert: the task exists already.
        var revertReason = ""
        do {
            _ = try await chain.send(.lifecycle(.initialize(dealid: dealid, index: 0)), signer: scheduler)
            Issue.record("a second initialize of the same task succeeded")
        } catch {
            guard case .reverted(let function, let reason) = error else { throw error }
            #expect(function == "initialize")
            revertReason = reason
        }

        // Concurrent batches from two signers: each gets consecutive nonces, all are mined.
        async let fromRequester = chain.send([.escrow(.withdraw(amount: 1)), .escrow(.withdraw(amount: 2))], signer: requester)
        async let fromWorker = chain.send([.escrow(.withdraw(amount: 3)), .escrow(.withdraw(amount: 4))], signer: worker)
        let batches = try await [fromRequester, fromWorker]
        for result in batches.joined() { _ = try result.get() }
        let withdrawn = UInt256(1 + 2 + 3 + 4 as UInt64)

        // Money: SRLC supplied = deposits − withdrawals, all of it in the participants' and the kitty's accounts.
        let deposited = deposits.reduce(UInt256.zero) { $0 + UInt256($1.1) }
        let supplyAfter = try await chain.totalSupply()
        #expect(supplyAfter + withdrawn == supplyBefore + deposited)
        var accounts: [Account] = []
        for address in participants + [PoCoConstants.kittyAddress] { accounts.append(try await chain.account(address)) }
        let held = accounts.reduce(UInt256.zero) { $0 + $1.balance + $1.frozen }
        #expect(held == supplyAfter)

        var categories: [PoCo.Category] = []
        let count = try await chain.countCategory()
        for id in 0..<count.w0 { categories.append(try await chain.category(UInt256(id))) }

        return Outcome(app: try await chain.app(appAddress), dataset: try await chain.dataset(datasetAddress),
                       workerpool: try await chain.workerpool(poolAddress), deal: try await chain.deal(dealid),
                       taskAfterContribution: afterContribution, task: try await chain.task(taskid),
                       contribution: try await chain.contribution(task: taskid, worker: worker.address),
                       accounts: accounts, score: try await chain.score(worker.address), categories: categories,
                       initializeLogs: initializeLogs.count, finalizeTopics: finalizeLogs.first?.topics ?? [],
                       revertReason: revertReason, suppliedNRLC: supplyAfter - supplyBefore)
    }

    /// The checks of an outcome that hold whatever the chain.
    static func check(_ outcome: Outcome, config: PoCoConfig) {
        #expect(outcome.app.owner == appOwner.address)
        #expect(outcome.app.multiaddr == [0xAB, 0x01])
        #expect(outcome.dataset.owner == datasetOwner.address)
        #expect(outcome.workerpool.owner == scheduler.address)
        #expect(outcome.deal.requester == requester.address)
        #expect(outcome.deal.trust == 1)
        #expect(outcome.deal.botSize == 1)
        #expect(outcome.taskAfterContribution == .revealing)
        #expect(outcome.task.status == .completed)
        #expect(outcome.task.results == Array("ipfs://r".utf8))
        #expect(outcome.contribution.status == .proved)
        #expect(outcome.initializeLogs == 1)
        #expect(outcome.finalizeTopics.count == 2)
        #expect(!outcome.revertReason.isEmpty)
        #expect(outcome.categories == PoCo.Category.defaults)
        // The requester paid app + workerpool prices; nothing is left frozen after finalize.
        #expect(outcome.accounts.allSatisfy { $0.frozen.isZero })
        #expect(outcome.suppliedNRLC == UInt256(3_000 - 10 as UInt64))
    }
}
