import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: reveal")
struct LifecycleRevealTests {
    typealias F = DealFixture
    let digest = Keccak256.hash("result")

    @Test func revealConditionsInOrder() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        for n in 0..<4 { try bed.fund(F.worker(n), 1_000_000) }
        let taskid = try F.initialize(&bed, try market.deal(&bed, .init(trust: 3)))
        let reveal0: PoCoCall = .lifecycle(.reveal(taskid: taskid, resultDigest: digest))
        // ACTIVE, not REVEALING.
        try F.contribute(&bed, 2, taskid, digest: Keccak256.hash("other"))
        bed.expectRevert(.lifecycle(.taskNotRevealing), .lifecycle(.reveal(taskid: taskid, resultDigest: Keccak256.hash("other"))),
                         from: F.worker(2))
        // Worker 1 commits to the right hash with worker 0's seal (copying a result it did not compute):
        // group 2, total 5; 6 > 10 is false.
        let copied: PoCoCall = .lifecycle(.contribute(
            taskid: taskid, resultHash: PoCoIds.resultHash(taskid: taskid, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: F.worker(0), taskid: taskid, resultDigest: digest),
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: F.authorization(F.worker(1), taskid)))
        try bed.call(copied, from: F.worker(1))
        // Worker 0, score 30, weighs 9: group 2 · 9 = 18, total 21; 54 > 42 → consensus, two winners.
        F.setScore(&bed, F.worker(0), 30)
        try F.contribute(&bed, 0, taskid, digest: digest)
        #expect(bed.state.consensus(taskid)?.total == 21)
        let task = try #require(bed.state.task(taskid))
        #expect(task.status == .revealing && task.winnerCounter == 2)

        // Worker 3 never contributed; worker 2 contributed another value.
        bed.expectRevert(.lifecycle(.notContributed), reveal0, from: F.worker(3))
        bed.expectRevert(.lifecycle(.notConsensusValue), .lifecycle(.reveal(taskid: taskid, resultDigest: digest)),
                         from: F.worker(2))
        // The digest does not give the committed hash.
        bed.expectRevert(.lifecycle(.resultHashMismatch), .lifecycle(.reveal(taskid: taskid, resultDigest: Keccak256.hash("x"))),
                         from: F.worker(0))
        // The copied seal is worker 0's: worker 1 cannot reveal with it.
        bed.expectRevert(.lifecycle(.resultSealMismatch), reveal0, from: F.worker(1))
        try F.reveal(&bed, 0, taskid, digest: digest)
        #expect(bed.state.contribution(task: taskid, worker: F.worker(0)).status == .proved)
        // Revealed already: no pending contribution.
        bed.expectRevert(.lifecycle(.notContributed), reveal0, from: F.worker(0))
        // At the reveal deadline, too late.
        bed.time = UInt64(try #require(task.revealDeadline.uint64Value))
        bed.expectRevert(.lifecycle(.revealDeadlinePassed), reveal0, from: F.worker(1))
    }
}
