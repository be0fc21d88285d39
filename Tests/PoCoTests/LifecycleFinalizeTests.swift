import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: finalize")
struct LifecycleFinalizeTests {
    typealias F = DealFixture
    let digest = Keccak256.hash("result")

    @Test func partialRevealsAreFinalizedAfterTheRevealDeadline() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 3_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        for n in 0..<4 { try bed.fund(F.worker(n), 1_000_000) }
        F.setScore(&bed, F.worker(1), 9)
        let start = bed.time
        let dealid = try market.deal(&bed, .init(volume: 2, trust: 3))
        let task0 = try F.initialize(&bed, dealid, 0)
        let task1 = try F.initialize(&bed, dealid, 1)
        let finalize0: PoCoCall = .lifecycle(.finalize(taskid: task0, results: [7], resultsCallback: []))
        let finalize1: PoCoCall = .lifecycle(.finalize(taskid: task1, results: [], resultsCallback: []))
        bed.expectRevert(.lifecycle(.taskNotRevealing), finalize0, from: F.scheduler)
        bed.expectRevert(.lifecycle(.onlyScheduler), .lifecycle(.finalize(taskid: Keccak256.hash("no task"), results: [],
                                                                            resultsCallback: [])), from: F.scheduler)

        bed.time = start + 10
        for (n, taskid) in [(0, task0), (1, task0), (2, task1), (3, task1)] {
            try F.contribute(&bed, n, taskid, digest: digest)
        }
        try F.reveal(&bed, 0, task0, digest: digest)
        // One of two winners revealed, deadline not passed; none revealed.
        bed.expectRevert(.lifecycle(.notEnoughReveals), finalize0, from: F.scheduler)
        bed.expectRevert(.lifecycle(.notEnoughReveals), finalize1, from: F.scheduler)
        bed.expectRevert(.lifecycle(.onlyScheduler), finalize0, from: F.worker(0))

        bed.time = start + 10 + 600
        // Past the reveal deadline a task with no reveal still cannot be finalized (it is reopened or claimed).
        bed.expectRevert(.lifecycle(.notEnoughReveals), finalize1, from: F.scheduler)
        let receipt = try bed.call(finalize0, from: F.scheduler)
        // Pot 1_000_003 + 300_000 (worker 1 never revealed) = 1_300_003; worker 0 takes the whole
        // workers' part ⌊1_300_003 · 99 / 100⌋ = 1_287_002, the scheduler 13_001.
        #expect(receipt.logs.events == [.seize(owner: F.requester, amount: 1_007_003, ref: task0)]
            + EscrowEvents.reward(F.appOwner, 5_000, task0) + EscrowEvents.reward(F.datasetOwner, 2_000, task0)
            + EscrowEvents.unlock(F.scheduler, 300_000)
            + EscrowEvents.unlock(F.worker(0), 300_000) + EscrowEvents.reward(F.worker(0), 1_287_002, task0)
            + [.accurateContribution(worker: F.worker(0), taskid: task0),
               .seize(owner: F.worker(1), amount: 300_000, ref: task0), .faultyContribution(worker: F.worker(1), taskid: task0)]
            + EscrowEvents.reward(F.scheduler, 13_001, task0)
            + [.taskFinalize(taskid: task0, results: [7])])
        #expect(bed.state.score(F.worker(0)) == 1 && bed.state.score(F.worker(1)) == 6)  // ⌊9 · 2 / 3⌋
        #expect(bed.state.task(task0)?.status == .completed && bed.state.task(task0)?.results == [7])

        // The other task reaches its final deadline: finalize is refused, claim ends it.
        bed.time = start + 10 * 300
        bed.expectRevert(.lifecycle(.finalDeadlinePassed), finalize1, from: F.scheduler)
        try bed.call(.lifecycle(.claim(taskid: task1)), from: F.worker(2))

        bed.expectAccount(F.requester, balance: 3_000_000 - 1_007_003, frozen: 0)
        bed.expectAccount(F.appOwner, balance: 5_000, frozen: 0)
        bed.expectAccount(F.datasetOwner, balance: 2_000, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 400_000 + 300_000 + 13_001, frozen: 0)
        bed.expectAccount(F.worker(0), balance: 2_287_002, frozen: 0)
        bed.expectAccount(F.worker(1), balance: 700_000, frozen: 0)
        bed.expectAccount(F.worker(2), balance: 1_000_000, frozen: 0)
        bed.expectAccount(F.worker(3), balance: 1_000_000, frozen: 0)
        bed.expectAccount(F.kitty, balance: 0, frozen: 300_000)
    }

    @Test func aSingleContributorKeepsItsScore() throws {
        // Trust 1 through contribute/reveal/finalize: the first contribution is a consensus; with a
        // single contributor no score changes and no AccurateContribution is emitted.
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        try bed.fund(F.worker(0), 300_000)
        F.setScore(&bed, F.worker(0), 7)
        let taskid = try F.initialize(&bed, try market.deal(&bed, .init(withDataset: false, trust: 1)))
        let contribution = try F.contribute(&bed, 0, taskid, digest: digest)
        #expect(contribution.logs.events.last == .taskConsensus(taskid: taskid,
                                                               consensus: PoCoIds.resultHash(taskid: taskid, resultDigest: digest)))
        #expect(bed.state.task(taskid)?.winnerCounter == 1)
        try F.reveal(&bed, 0, taskid, digest: digest)
        let receipt = try bed.call(.lifecycle(.finalize(taskid: taskid, results: [], resultsCallback: [])), from: F.scheduler)
        // No dataset: no dataset reward. Workers' part ⌊1_000_003 · 99 / 100⌋ = 990_002.
        #expect(receipt.logs.events == [.seize(owner: F.requester, amount: 1_005_003, ref: taskid)]
            + EscrowEvents.reward(F.appOwner, 5_000, taskid) + EscrowEvents.unlock(F.scheduler, 300_000)
            + EscrowEvents.unlock(F.worker(0), 300_000) + EscrowEvents.reward(F.worker(0), 990_002, taskid)
            + EscrowEvents.reward(F.scheduler, 10_001, taskid) + [.taskFinalize(taskid: taskid, results: [])])
        #expect(bed.state.score(F.worker(0)) == 7)
        bed.expectAccount(F.worker(0), balance: 1_290_002, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 1_010_001, frozen: 0)
        bed.expectAccount(F.requester, balance: 2_000_000 - 1_005_003, frozen: 0)
    }

    @Test func callbackDataMustHashToTheResultDigest() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 4_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        try bed.fund(F.worker(0), 1_000_000)
        let callbackData = Array("price=42".utf8)
        let callbackDigest = Keccak256.hash(callbackData)
        let consumer = Testbed.key(70).address
        let withCallback = try F.initialize(&bed, try market.deal(&bed, .init(callback: consumer, salt: "callback")))
        try F.contribute(&bed, 0, withCallback, digest: callbackDigest)
        try F.reveal(&bed, 0, withCallback, digest: callbackDigest)
        for data in [[], Array("price=41".utf8)] {
            bed.expectRevert(.lifecycle(.callbackMismatch),
                             .lifecycle(.finalize(taskid: withCallback, results: [1], resultsCallback: data)), from: F.scheduler)
        }
        let receipt = try bed.call(.lifecycle(.finalize(taskid: withCallback, results: [1], resultsCallback: callbackData)),
                                   from: F.scheduler)
        // Here the callback is not called: the data is stored and TaskFinalize carries the results.
        #expect(receipt.logs.last?.event == .taskFinalize(taskid: withCallback, results: [1]))
        #expect(bed.state.task(withCallback)?.resultsCallback == callbackData)

        // Without a callback, callback data is refused unless it hashes to the digest (iExec's rule).
        let plain = try F.initialize(&bed, try market.deal(&bed, .init(salt: "plain")))
        try F.contribute(&bed, 0, plain, digest: digest)
        try F.reveal(&bed, 0, plain, digest: digest)
        bed.expectRevert(.lifecycle(.callbackMismatch),
                         .lifecycle(.finalize(taskid: plain, results: [], resultsCallback: callbackData)), from: F.scheduler)
        let other = try F.initialize(&bed, try market.deal(&bed, .init(salt: "plain, digest of data")))
        try F.contribute(&bed, 0, other, digest: callbackDigest)
        try F.reveal(&bed, 0, other, digest: callbackDigest)
        try bed.call(.lifecycle(.finalize(taskid: other, results: [], resultsCallback: callbackData)), from: F.scheduler)
        #expect(bed.state.task(other)?.resultsCallback == callbackData)
    }

    @Test func sharesRoundDownWithoutIntermediateOverflow() throws {
        // OpenZeppelin's Math.mulDiv keeps the 512-bit product; so must the shares and the 2/3 score.
        // Expected values: Python integers, (2**256 - 1) * 5 // 11 and so on.
        #expect(try UInt256.max.mulDiv(5, 11)
            == UInt256(decimal: "52632767835143725192532265913039958115122720302563892745207992730869604381788"))
        #expect(try UInt256.max.mulDiv(2, 3)
            == UInt256(decimal: "77194726158210796949047323339125271902179989777093709359638389338608753093290"))
        #expect(try ((UInt256.one << 255) + 12_345).mulDiv(254, 255)
            == UInt256(decimal: "57669001306428065956053000376875938421040345304064124051023973211784186146696"))
        #expect(try UInt256(1_287_002).mulDiv(6, 11) == 702_001)
        #expect(throws: PoCoError.arithmeticOverflow) { try UInt256(7).mulDiv(1, 0) }
        #expect(UInt256(0).floorLog2 == 0 && UInt256(1).floorLog2 == 0 && UInt256(99).floorLog2 == 6)
        #expect(UInt256.max.floorLog2 == 255)
    }
}
