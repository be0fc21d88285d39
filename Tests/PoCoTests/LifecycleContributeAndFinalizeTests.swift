import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: contributeAndFinalize (trust 1)")
struct LifecycleContributeAndFinalizeTests {
    typealias F = DealFixture
    let digest = Keccak256.hash("result")
    static let teeTag = try! Hash32(hex: "0x" + String(repeating: "0", count: 63) + "1")

    func setUp() throws -> (Testbed, F) {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 10_000_000)
        try bed.fund(F.scheduler, 2_000_000)
        return (bed, market)
    }

    func call(_ taskid: Hash32, worker: Address, digest: Hash32, results: [UInt8] = [], callback: [UInt8] = [],
              enclave: Address = .zero, enclaveSign: [UInt8] = [], authorization: [UInt8]? = nil) -> PoCoCall {
        .lifecycle(.contributeAndFinalize(taskid: taskid, resultDigest: digest, results: results, resultsCallback: callback,
                                          enclaveChallenge: enclave, enclaveSign: enclaveSign,
                                          authorizationSign: authorization ?? F.authorization(worker, taskid, enclave: enclave)))
    }

    @Test func oneWorkerIsPaidWithoutStakeOrScoreChange() throws {
        var (bed, market) = try setUp()
        let worker = F.worker(0)  // no deposit: nothing is staked
        F.setScore(&bed, worker, 5)
        let taskid = try F.initialize(&bed, try market.deal(&bed))
        bed.time += 100
        let results = Array("{\"storage\":\"none\"}".utf8)
        let receipt = try bed.call(call(taskid, worker: worker, digest: digest, results: results), from: worker)
        let resultHash = PoCoIds.resultHash(taskid: taskid, resultDigest: digest)
        // The worker gets ⌊1_000_003 · (100 − 1) / 100⌋ = 990_002, the scheduler 1_000_003 − 990_002 = 10_001.
        #expect(receipt.logs.events == [.seize(owner: F.requester, amount: 1_007_003, ref: taskid)]
            + EscrowEvents.reward(F.appOwner, 5_000, taskid) + EscrowEvents.reward(F.datasetOwner, 2_000, taskid)
            + EscrowEvents.unlock(F.scheduler, 300_000)
            + EscrowEvents.reward(worker, 990_002, taskid) + EscrowEvents.reward(F.scheduler, 10_001, taskid)
            + [.taskContribute(taskid: taskid, worker: worker, hash: resultHash),
               .taskConsensus(taskid: taskid, consensus: resultHash),
               .taskReveal(taskid: taskid, worker: worker, digest: digest),
               .taskFinalize(taskid: taskid, results: results)])
        // poco-abi §3.1: Reward(address,uint256,bytes32), nothing indexed; TaskReveal with two indexed.
        let reward = receipt.logs[10]
        #expect(reward.topics.map(\.hex) == ["0xc2aca55aa696938c7e95842e8939ca0fbb2120a3eeb8948cdcee2b70da566672"])
        #expect(reward.data == (try ABI.encode([.address(F.scheduler), .uint(10_001), .bytes32(taskid)],
                                               as: [.address, .uint256, .bytes32])))
        #expect(receipt.logs[13].topics[0].hex == "0x4b1763d473ac8fa80b4432ba90047e1b92444d8fabc55e6a002d9b1a316d7959")
        bed.expectAccount(worker, balance: 990_002, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 2_000_000 + 10_001, frozen: 0)
        bed.expectAccount(F.requester, balance: 10_000_000 - 1_007_003, frozen: 0)
        bed.expectAccount(F.appOwner, balance: 5_000, frozen: 0)
        bed.expectAccount(F.datasetOwner, balance: 2_000, frozen: 0)
        #expect(bed.state.score(worker) == 5)
        #expect(bed.state.contribution(task: taskid, worker: worker) == Contribution(
            status: .proved, resultHash: resultHash,
            resultSeal: PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: digest)))
        let task = try #require(bed.state.task(taskid))
        #expect(task.status == .completed && task.consensusValue == resultHash && task.resultDigest == digest)
        #expect(task.revealDeadline == UInt256(bed.time + 600) && task.revealCounter == 1 && task.winnerCounter == 1)
        #expect(task.contributors == [worker] && task.results == results)
        #expect(bed.state.consensus(taskid) == Consensus(total: 1))
        // Done: no second time.
        bed.expectRevert(.lifecycle(.taskNotActive), call(taskid, worker: F.worker(1), digest: digest), from: F.worker(1))
    }

    @Test func conditionsInOrder() throws {
        var (bed, market) = try setUp()
        let worker = F.worker(0)
        try bed.fund(worker, 300_000)
        bed.expectRevert(.lifecycle(.taskNotActive), call(Keccak256.hash("no task"), worker: worker, digest: digest),
                         from: worker)
        // Trust 3: a task with a contribution, then a fresh one.
        let trusted = try market.deal(&bed, .init(volume: 2, trust: 3, salt: "trust 3"))
        let contributed = try F.initialize(&bed, trusted, 0)
        try F.contribute(&bed, 0, contributed, digest: digest)
        bed.expectRevert(.lifecycle(.taskHasContributions), call(contributed, worker: F.worker(1), digest: digest),
                         from: F.worker(1))
        bed.expectRevert(.lifecycle(.trustNotOne), call(try F.initialize(&bed, trusted, 1), worker: worker, digest: digest),
                         from: worker)

        let taskid = try F.initialize(&bed, try market.deal(&bed))
        // No callback: callback data must hash to the digest.
        bed.expectRevert(.lifecycle(.callbackMismatch), call(taskid, worker: worker, digest: digest, callback: [1]),
                         from: worker)
        bed.expectRevert(.lifecycle(.invalidAuthorization),
                         call(taskid, worker: worker, digest: digest, authorization: F.authorization(worker, taskid, signer: Testbed.key(61))),
                         from: worker)
        bed.expectRevert(.invalidSignatureFormat, call(taskid, worker: worker, digest: digest, authorization: [0]),
                         from: worker)
        bed.time += 7 * 300
        bed.expectRevert(.lifecycle(.contributionDeadlinePassed), call(taskid, worker: worker, digest: digest), from: worker)
    }

    @Test func teeAndCallbackDeals() throws {
        var (bed, market) = try setUp()
        let worker = F.worker(0)
        let enclaveKey = Testbed.key(60)
        let enclave = enclaveKey.address
        let tee = try F.initialize(&bed, try market.deal(&bed, .init(tag: Self.teeTag, salt: "tee")))
        // The enclave signs the hash and seal the hub derives from the digest.
        let resultHash = PoCoIds.resultHash(taskid: tee, resultDigest: digest)
        let resultSeal = PoCoIds.resultSeal(worker: worker, taskid: tee, resultDigest: digest)
        let enclaveSign = EIP191.sign(message: PoCoIds.enclaveHash(resultHash: resultHash, resultSeal: resultSeal).bytes,
                                      with: enclaveKey).bytes
        bed.expectRevert(.lifecycle(.enclaveChallengeRequired), call(tee, worker: worker, digest: digest), from: worker)
        bed.expectRevert(.lifecycle(.invalidEnclaveSignature),
                         call(tee, worker: worker, digest: Keccak256.hash("other"), enclave: enclave, enclaveSign: enclaveSign),
                         from: worker)
        try bed.call(call(tee, worker: worker, digest: digest, enclave: enclave, enclaveSign: enclaveSign), from: worker)
        #expect(bed.state.contribution(task: tee, worker: worker).enclaveChallenge == enclave)

        let data = Array("answer=42".utf8)
        let consumer = Testbed.key(70).address
        let withCallback = try F.initialize(&bed, try market.deal(&bed, .init(callback: consumer, salt: "callback")))
        bed.expectRevert(.lifecycle(.callbackMismatch), call(withCallback, worker: worker, digest: Keccak256.hash(data)),
                         from: worker)
        bed.expectRevert(.lifecycle(.callbackMismatch), call(withCallback, worker: worker, digest: digest, callback: data),
                         from: worker)
        try bed.call(call(withCallback, worker: worker, digest: Keccak256.hash(data), callback: data), from: worker)
        #expect(bed.state.task(withCallback)?.resultsCallback == data)
    }
}
