import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: contribute")
struct LifecycleContributeTests {
    typealias F = DealFixture
    let digest = Keccak256.hash("result")
    let hub = Testbed.config.hub

    /// A funded market with one initialized task of a deal with `terms`.
    func setUp(_ terms: F.Terms = .init(trust: 3)) throws -> (Testbed, F, Hash32) {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 3_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        for n in 0..<3 { try bed.fund(F.worker(n), 1_000_000) }
        let taskid = try F.initialize(&bed, try market.deal(&bed, terms))
        return (bed, market, taskid)
    }

    @Test func contributeLocksTheStakeAndRecordsTheCommitment() throws {
        var (bed, _, taskid) = try setUp()
        let worker = F.worker(0)
        let resultHash = PoCoIds.resultHash(taskid: taskid, resultDigest: digest)
        let resultSeal = PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: digest)
        let receipt = try F.contribute(&bed, 0, taskid, digest: digest)
        #expect(receipt.output == .none)
        #expect(receipt.logs.events == EscrowEvents.lock(worker, 300_000)
            + [.taskContribute(taskid: taskid, worker: worker, hash: resultHash)])
        #expect(receipt.logs.allSatisfy { $0.address == hub })
        // poco-abi §3.1: TaskContribute(bytes32 indexed taskid, address indexed worker, bytes32 hash).
        let log = receipt.logs[2]
        #expect(log.topics.map(\.hex) == ["0x3fdb8d7797562d49a81078dbf7fa1771958ea452f8b13d1148383bd9506aecfb",
                                          taskid.hex, "0x000000000000000000000000" + worker.lowercaseHex.dropFirst(2)])
        #expect(log.data == resultHash.bytes)
        bed.expectAccount(worker, balance: 700_000, frozen: 300_000)
        // A new worker (score 0) weighs max(0/3, 3) − 1 = 2; its reward weight is log2(2) = 1.
        #expect(bed.state.contribution(task: taskid, worker: worker)
            == Contribution(status: .contributed, resultHash: resultHash, resultSeal: resultSeal, weight: 1))
        #expect(bed.state.consensus(taskid) == Consensus(total: 3, groups: [resultHash: 2]))
        #expect(bed.state.task(taskid)?.contributors == [worker])
        #expect(bed.state.task(taskid)?.status == .active)  // 2 · 3 > 3 · 2 is false
    }

    @Test func teeTaskNeedsAnEnclaveThatSignsTheResult() throws {
        var (bed, _, taskid) = try setUp(.init(trust: 3, tag: try Hash32(hex: "0x" + String(repeating: "0", count: 63) + "1")))
        let worker = F.worker(0)
        let enclaveKey = Testbed.key(60)
        let enclave = enclaveKey.address
        let resultHash = PoCoIds.resultHash(taskid: taskid, resultDigest: digest)
        let resultSeal = PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: digest)
        func call(enclave: Address, enclaveSign: [UInt8], authorization: [UInt8]) -> PoCoCall {
            .lifecycle(.contribute(taskid: taskid, resultHash: resultHash, resultSeal: resultSeal,
                                   enclaveChallenge: enclave, enclaveSign: enclaveSign, authorizationSign: authorization))
        }
        let enclaveSign = EIP191.sign(message: PoCoIds.enclaveHash(resultHash: resultHash, resultSeal: resultSeal).bytes,
                                      with: enclaveKey).bytes
        // TEE tag bit without an enclave challenge.
        bed.expectRevert(.lifecycle(.enclaveChallengeRequired),
                         call(enclave: .zero, enclaveSign: [], authorization: F.authorization(worker, taskid)), from: worker)
        // The authorization names the enclave: one for no enclave does not do.
        bed.expectRevert(.lifecycle(.invalidAuthorization),
                         call(enclave: enclave, enclaveSign: enclaveSign, authorization: F.authorization(worker, taskid)),
                         from: worker)
        let authorization = F.authorization(worker, taskid, enclave: enclave)
        // The enclave's signature over another result.
        let otherSign = EIP191.sign(message: PoCoIds.enclaveHash(resultHash: resultSeal, resultSeal: resultHash).bytes,
                                    with: enclaveKey).bytes
        bed.expectRevert(.lifecycle(.invalidEnclaveSignature),
                         call(enclave: enclave, enclaveSign: otherSign, authorization: authorization), from: worker)
        bed.expectRevert(.invalidSignatureFormat,
                         call(enclave: enclave, enclaveSign: [1, 2, 3], authorization: authorization), from: worker)
        try bed.call(call(enclave: enclave, enclaveSign: enclaveSign, authorization: authorization), from: worker)
        #expect(bed.state.contribution(task: taskid, worker: worker).enclaveChallenge == enclave)
    }

    @Test func everyContributeConditionHasItsOwnReason() throws {
        var (bed, market, taskid) = try setUp()
        let worker = F.worker(0)
        // Not initialized.
        let unset = PoCoIds.taskId(dealid: taskid, index: 0)
        bed.expectRevert(.lifecycle(.taskNotActive), F.contribution(0, unset, digest: digest), from: worker)
        // Authorization by someone else than the scheduler, or for another worker.
        let resultHash = PoCoIds.resultHash(taskid: taskid, resultDigest: digest)
        let resultSeal = PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: digest)
        func call(_ authorization: [UInt8]) -> PoCoCall {
            .lifecycle(.contribute(taskid: taskid, resultHash: resultHash, resultSeal: resultSeal, enclaveChallenge: .zero,
                                   enclaveSign: [], authorizationSign: authorization))
        }
        bed.expectRevert(.lifecycle(.invalidAuthorization), call(F.authorization(worker, taskid, signer: Testbed.key(61))),
                         from: worker)
        bed.expectRevert(.lifecycle(.invalidAuthorization), call(F.authorization(F.worker(1), taskid)), from: worker)
        bed.expectRevert(.invalidSignatureFormat, call([]), from: worker)
        // Not enough free balance for the stake.
        let poor = F.worker(7)
        bed.expectRevert(.insufficientBalance, .lifecycle(.contribute(
            taskid: taskid, resultHash: resultHash, resultSeal: resultSeal, enclaveChallenge: .zero, enclaveSign: [],
            authorizationSign: F.authorization(poor, taskid))), from: poor)
        // Twice.
        try F.contribute(&bed, 0, taskid, digest: digest)
        bed.expectRevert(.lifecycle(.alreadyContributed), F.contribution(0, taskid, digest: Keccak256.hash("other")),
                         from: worker)
        // REVEALING: once the consensus is reached, nobody contributes.
        try F.contribute(&bed, 1, taskid, digest: digest)
        #expect(bed.state.task(taskid)?.status == .revealing)
        bed.expectRevert(.lifecycle(.taskNotActive), F.contribution(2, taskid, digest: digest), from: F.worker(2))

        // Past the contribution deadline (start + 7 · 300 s): a second task of another deal.
        let late = try F.initialize(&bed, try market.deal(&bed, .init(trust: 3, salt: "late")))
        bed.time += 7 * 300 - 1
        try F.contribute(&bed, 2, late, digest: digest)
        bed.time += 1
        bed.expectRevert(.lifecycle(.contributionDeadlinePassed), F.contribution(1, late, digest: digest),
                         from: F.worker(1))
    }
}
