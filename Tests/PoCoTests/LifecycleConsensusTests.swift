import Ethereum
import Testing

@testable import PoCo

/// iExec's documented PoCo example: trust 100, workers of scores 12, 100 and 300 weigh
/// max(score / 3, 3) − 1 = 3, 32 and 99. The first disagrees; the two others agree, and their group
/// 32 · 99 = 3168 against a total of 1 + 3 + 3168 = 3172 passes 3168 · 100 > 3172 · 99.
@Suite("Task lifecycle: consensus, trust 100, scores 12/100/300")
struct LifecycleConsensusTests {
    typealias F = DealFixture
    let good = Keccak256.hash("the right result")
    let bad = Keccak256.hash("a wrong result")

    @Test func documentedExampleReachesConsensusAndFinalizePaysEveryone() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        for (n, score) in [(0, 12), (1, 100), (2, 300)] {
            try bed.fund(F.worker(n), 1_000_000)
            F.setScore(&bed, F.worker(n), UInt256(score))
        }
        let taskid = try F.initialize(&bed, try market.deal(&bed, .init(trust: 100)))
        let goodHash = PoCoIds.resultHash(taskid: taskid, resultDigest: good)
        let badHash = PoCoIds.resultHash(taskid: taskid, resultDigest: bad)

        // Worker 0 (weight 3): group 3, total 1 + 3 = 4; 300 > 396 is false.
        try F.contribute(&bed, 0, taskid, digest: bad)
        #expect(bed.state.consensus(taskid) == Consensus(total: 4, groups: [badHash: 3]))
        #expect(bed.state.contribution(task: taskid, worker: F.worker(0)).weight == 1)  // log2(3)
        // Worker 1 (weight 32): its group max(0, 1) · 32 = 32, total 36; 3200 > 3564 is false.
        bed.time += 10
        try F.contribute(&bed, 1, taskid, digest: good)
        #expect(bed.state.consensus(taskid) == Consensus(total: 36, groups: [badHash: 3, goodHash: 32]))
        #expect(bed.state.contribution(task: taskid, worker: F.worker(1)).weight == 5)  // log2(32)
        #expect(bed.state.task(taskid)?.status == .active)
        // Worker 2 (weight 99): group 32 · 99 = 3168, total 36 + 3136 = 3172; 316800 > 314028.
        bed.time += 10
        let consensusTime = bed.time
        let receipt = try F.contribute(&bed, 2, taskid, digest: good)
        #expect(bed.state.consensus(taskid) == Consensus(total: 3172, groups: [badHash: 3, goodHash: 3168]))
        #expect(bed.state.contribution(task: taskid, worker: F.worker(2)).weight == 6)  // log2(99)
        #expect(receipt.logs.events == EscrowEvents.lock(F.worker(2), 300_000) + [
            .taskContribute(taskid: taskid, worker: F.worker(2), hash: goodHash),
            .taskConsensus(taskid: taskid, consensus: goodHash),
        ])
        // poco-abi §3.1: TaskConsensus(bytes32 indexed taskid, bytes32 consensus).
        #expect(receipt.logs[3].topics.map(\.hex) == ["0xf6d49bf3e05d33a4bc497d3c793fb5756388bb96b947cf51bb60aaecb0e022e3",
                                                      taskid.hex])
        let task = try #require(bed.state.task(taskid))
        #expect(task.status == .revealing && task.consensusValue == goodHash)
        #expect(task.revealDeadline == UInt256(consensusTime + 2 * 300) && task.winnerCounter == 2)
        #expect(task.revealCounter == 0 && task.contributors == [F.worker(0), F.worker(1), F.worker(2)])

        // The disagreeing worker cannot reveal; the two winners do.
        bed.expectRevert(.lifecycle(.notConsensusValue), .lifecycle(.reveal(taskid: taskid, resultDigest: bad)),
                         from: F.worker(0))
        try F.reveal(&bed, 1, taskid, digest: good)
        let last = try F.reveal(&bed, 2, taskid, digest: good)
        #expect(last.logs.events == [.taskReveal(taskid: taskid, worker: F.worker(2), digest: good)])
        #expect(bed.state.task(taskid)?.revealCounter == 2)
        #expect(bed.state.task(taskid)?.resultDigest == good)

        // Every winner revealed: finalize before the reveal deadline.
        let results = Array("{\"storage\":\"ipfs\",\"location\":\"/ipfs/Qm\"}".utf8)
        let final = try bed.call(.lifecycle(.finalize(taskid: taskid, results: results, resultsCallback: [])),
                                 from: F.scheduler)
        // Pot: wpprice 1_000_003 + the loser's stake 300_000 = 1_300_003; the workers' part
        // ⌊1_300_003 · 99 / 100⌋ = 1_287_002 splits 5 : 6 (log2 weights): ⌊1_287_002 · 5 / 11⌋ =
        // 585_000 and ⌊1_287_002 · 6 / 11⌋ = 702_001; the scheduler keeps 13_002.
        #expect(final.logs.events == [.seize(owner: F.requester, amount: 1_007_003, ref: taskid)]
            + EscrowEvents.reward(F.appOwner, 5_000, taskid)
            + EscrowEvents.reward(F.datasetOwner, 2_000, taskid)
            + EscrowEvents.unlock(F.scheduler, 300_000)
            + [.seize(owner: F.worker(0), amount: 300_000, ref: taskid),
               .faultyContribution(worker: F.worker(0), taskid: taskid)]
            + EscrowEvents.unlock(F.worker(1), 300_000) + EscrowEvents.reward(F.worker(1), 585_000, taskid)
            + [.accurateContribution(worker: F.worker(1), taskid: taskid)]
            + EscrowEvents.unlock(F.worker(2), 300_000) + EscrowEvents.reward(F.worker(2), 702_001, taskid)
            + [.accurateContribution(worker: F.worker(2), taskid: taskid)]
            + EscrowEvents.reward(F.scheduler, 13_002, taskid)
            + [.taskFinalize(taskid: taskid, results: results)])
        // poco-abi §3.1: TaskFinalize(bytes32 indexed taskid, bytes results); Faulty/Accurate have two topics.
        let finalize = try #require(final.logs.last)
        #expect(finalize.topics.map(\.hex) == ["0x78ce8a8bc0fcb704e8ba3b3dbb36aa88002df8038128b4af2f27ef65db665044",
                                               taskid.hex])
        #expect(finalize.data == (try ABI.encode([.bytes(results)], as: [.bytes])))
        #expect(final.logs[8].topics.count == 3 && final.logs[8].topics[0].hex
            == "0xf868788948d55240774fdbad06555105ef20bbc70d1b7eccda982b65e11e79bb")

        bed.expectAccount(F.requester, balance: 992_997, frozen: 0)
        bed.expectAccount(F.appOwner, balance: 5_000, frozen: 0)
        bed.expectAccount(F.datasetOwner, balance: 2_000, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 1_013_002, frozen: 0)
        bed.expectAccount(F.worker(0), balance: 700_000, frozen: 0)
        bed.expectAccount(F.worker(1), balance: 1_585_000, frozen: 0)
        bed.expectAccount(F.worker(2), balance: 1_702_001, frozen: 0)
        bed.expectAccount(F.kitty, balance: 0, frozen: 0)
        // Scores: the loser ⌊12 · 2 / 3⌋ = 8, the winners + 1.
        #expect(bed.state.score(F.worker(0)) == 8)
        #expect(bed.state.score(F.worker(1)) == 101)
        #expect(bed.state.score(F.worker(2)) == 301)
        #expect(bed.state.contribution(task: taskid, worker: F.worker(0)).status == .contributed)
        #expect(bed.state.contribution(task: taskid, worker: F.worker(1)).status == .proved)
        let done = try #require(bed.state.task(taskid))
        #expect(done.status == .completed && done.results == results && done.resultsCallback.isEmpty)
        // A completed task is final.
        bed.expectRevert(.lifecycle(.taskNotRevealing),
                         .lifecycle(.finalize(taskid: taskid, results: results, resultsCallback: [])), from: F.scheduler)
    }

    @Test func scoresSetTheWeightsAndTheirRounding() throws {
        // weight = max(⌊score / 3⌋, 3) − 1, reward weight ⌊log2(weight)⌋.
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        let taskid = try F.initialize(&bed, try market.deal(&bed, .init(trust: 1_000_000)))
        let cases: [(score: UInt64, weight: UInt256, log2: UInt256)] = [
            (0, 2, 1), (11, 2, 1), (12, 3, 1), (14, 3, 1), (15, 4, 2), (27, 8, 3), (48, 15, 3), (51, 16, 4),
        ]
        var total: UInt256 = 1
        for (n, entry) in cases.enumerated() {
            try bed.fund(F.worker(n), 300_000)
            F.setScore(&bed, F.worker(n), UInt256(entry.score))
            let digest = Keccak256.hash("result \(n)")
            try F.contribute(&bed, n, taskid, digest: digest)
            total = total + entry.weight
            let hash = PoCoIds.resultHash(taskid: taskid, resultDigest: digest)
            #expect(bed.state.consensus(taskid)?.groups[hash] == entry.weight, "score \(entry.score)")
            #expect(bed.state.consensus(taskid)?.total == total)
            #expect(bed.state.contribution(task: taskid, worker: F.worker(n)).weight == entry.log2, "score \(entry.score)")
        }
    }
}
