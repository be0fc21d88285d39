import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: claim, claimArray, initializeAndClaimArray, the kitty")
struct LifecycleClaimTests {
    typealias F = DealFixture
    let digest = Keccak256.hash("result")

    @Test func claimRefundsTheSponsorAndFeedsTheKitty() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 3_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        for n in 0..<3 { try bed.fund(F.worker(n), 1_000_000) }
        let start = bed.time
        let dealid = try market.deal(&bed, .init(volume: 2, trust: 3))
        let active = try F.initialize(&bed, dealid, 0)
        let revealing = try F.initialize(&bed, dealid, 1)
        try F.contribute(&bed, 0, active, digest: digest)
        try F.contribute(&bed, 1, revealing, digest: digest)
        try F.contribute(&bed, 2, revealing, digest: digest)
        #expect(bed.state.task(revealing)?.status == .revealing)
        bed.expectRevert(.lifecycle(.notClaimable), .lifecycle(.claim(taskid: Keccak256.hash("no task"))), from: F.requester)

        bed.time = start + 10 * 300 - 1
        bed.expectRevert(.lifecycle(.finalDeadlineNotReached), .lifecycle(.claim(taskid: active)), from: F.requester)
        bed.time += 1
        let receipt = try bed.call(.lifecycle(.claim(taskid: active)), from: Testbed.key(99).address)
        // poco-abi §3.4: refund, seize the scheduler stake, reward-and-lock it on the kitty (no
        // Transfer), unlock each contributor, TaskClaimed.
        #expect(receipt.logs.events == EscrowEvents.unlock(F.requester, 1_007_003)
            + [.seize(owner: F.scheduler, amount: 300_000, ref: active),
               .reward(owner: F.kitty, amount: 300_000, ref: active), .lock(owner: F.kitty, amount: 300_000)]
            + EscrowEvents.unlock(F.worker(0), 300_000) + [.taskClaimed(taskid: active)])
        #expect(receipt.logs.last?.topics.map(\.hex) == ["0xcbc308b5f91040d2659a5201858344b0b583cd2f9e18e8470c2fa052c5b21ff8",
                                                        active.hex])
        // Seize: one topic, (owner, amount, ref) in data.
        #expect(receipt.logs[2].topics.map(\.hex) == ["0x1bccc549c38561cd5b57f0db11ceb8dde1b0b6ee05ab5e155b51c7c5ba64becb"])
        #expect(bed.state.task(active)?.status == .failed)
        bed.expectAccount(F.kitty, balance: 0, frozen: 300_000)
        bed.expectAccount(F.requester, balance: 3_000_000 - 1_007_003, frozen: 1_007_003)
        bed.expectAccount(F.scheduler, balance: 400_000, frozen: 300_000)
        bed.expectAccount(F.worker(0), balance: 1_000_000, frozen: 0)
        bed.expectRevert(.lifecycle(.notClaimable), .lifecycle(.claim(taskid: active)), from: F.requester)

        // A REVEALING task nobody finalized is claimable too; both winners get their stakes back.
        let second = try bed.call(.lifecycle(.claimArray(taskids: [revealing])), from: F.requester)
        #expect(second.output == .bool(true))
        #expect(second.logs.events.suffix(5) == EscrowEvents.unlock(F.worker(1), 300_000)
            + EscrowEvents.unlock(F.worker(2), 300_000) + [.taskClaimed(taskid: revealing)])
        bed.expectAccount(F.kitty, balance: 0, frozen: 600_000)
        bed.expectAccount(F.requester, balance: 3_000_000, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 400_000, frozen: 0)
        for n in 0..<3 { bed.expectAccount(F.worker(n), balance: 1_000_000, frozen: 0) }
        // Scores do not move on a claim.
        for n in 0..<3 { #expect(bed.state.score(F.worker(n)) == 0) }
    }

    @Test func completedTasksAreNotClaimable() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        let start = bed.time
        let taskid = try F.initialize(&bed, try market.deal(&bed))
        try bed.call(.lifecycle(.contributeAndFinalize(
            taskid: taskid, resultDigest: digest, results: [], resultsCallback: [], enclaveChallenge: .zero,
            enclaveSign: [], authorizationSign: F.authorization(F.worker(0), taskid))), from: F.worker(0))
        bed.time = start + 10 * 300
        bed.expectRevert(.lifecycle(.notClaimable), .lifecycle(.claim(taskid: taskid)), from: F.requester)
    }

    @Test func batchesOfTasksOfAVolumeDeal() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 5_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        let start = bed.time
        let dealid = try market.deal(&bed, .init(volume: 3, botFirst: 2))
        let first = try F.initialize(&bed, dealid, 2)
        bed.time = start + 10 * 300
        bed.expectRevert(.invalidArrayLength, .lifecycle(.initializeAndClaimArray(dealids: [dealid], indexes: [3, 4])),
                         from: F.requester)
        // Task 2 is already initialized: the batch reverts as a whole.
        bed.expectRevert(.lifecycle(.alreadyInitialized),
                         .lifecycle(.initializeAndClaimArray(dealids: [dealid, dealid], indexes: [3, 2])), from: F.requester)
        bed.expectRevert(.lifecycle(.notClaimable), .lifecycle(.claimArray(taskids: [first, Keccak256.hash("none")])),
                         from: F.requester)
        let receipt = try bed.call(.lifecycle(.initializeAndClaimArray(dealids: [dealid, dealid], indexes: [3, 4])),
                                   from: F.requester)
        #expect(receipt.output == .bool(true))
        let tasks = [3, 4].map { PoCoIds.taskId(dealid: dealid, index: UInt256($0)) }
        #expect(receipt.logs.events == tasks.flatMap { taskid in
            [PoCoEvent.taskInitialize(taskid: taskid, workerpool: market.workerpool)] + EscrowEvents.unlock(F.requester, 1_007_003)
                + [.seize(owner: F.scheduler, amount: 300_000, ref: taskid),
                   .reward(owner: F.kitty, amount: 300_000, ref: taskid), .lock(owner: F.kitty, amount: 300_000),
                   .taskClaimed(taskid: taskid)]
        })
        try bed.call(.lifecycle(.claimArray(taskids: [first])), from: F.requester)
        bed.expectAccount(F.kitty, balance: 0, frozen: 900_000)
        bed.expectAccount(F.requester, balance: 5_000_000, frozen: 0)
        bed.expectAccount(F.scheduler, balance: 100_000, frozen: 0)
        for taskid in tasks + [first] { #expect(bed.state.task(taskid)?.status == .failed) }
    }

    /// The scheduler's kitty share at each finalize: min(max(kitty · 10 / 100, 1 RLC), kitty).
    @Test(arguments: [
        // A kitty under 1 RLC goes entirely.
        (claimedPrice: UInt64(1_000_003), kitty: UInt64(300_000), share: UInt64(300_000)),
        // 10 % of 5 RLC is under 1 RLC: the share is 1 RLC.
        (claimedPrice: 16_666_666_667, kitty: 5_000_000_000, share: 1_000_000_000),
        // 10 % of 30 RLC.
        (claimedPrice: 100_000_000_000, kitty: 30_000_000_000, share: 3_000_000_000),
    ])
    func finalizeTakesTheKittyShare(claimedPrice: UInt64, kitty: UInt64, share: UInt64) throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 200_000_000_000)
        try bed.fund(F.scheduler, 100_000_000_000)
        let schedulerFunds: UInt256 = 100_000_000_000
        let start = bed.time
        let claimed = try F.initialize(&bed, try market.deal(&bed, .init(workerpoolPrice: UInt256(claimedPrice), salt: "claimed")))
        bed.time = start + 10 * 300
        try bed.call(.lifecycle(.claim(taskid: claimed)), from: F.requester)
        bed.expectAccount(F.kitty, balance: 0, frozen: UInt256(kitty))
        let taskid = try F.initialize(&bed, try market.deal(&bed, .init(salt: "paid")))
        let worker = F.worker(0)
        let receipt = try bed.call(.lifecycle(.contributeAndFinalize(
            taskid: taskid, resultDigest: digest, results: [], resultsCallback: [], enclaveChallenge: .zero,
            enclaveSign: [], authorizationSign: F.authorization(worker, taskid))), from: worker)
        #expect(Array(receipt.logs.events[5..<12]) == EscrowEvents.unlock(F.scheduler, 300_000)
            + [.seize(owner: F.kitty, amount: UInt256(share), ref: taskid)] + EscrowEvents.reward(F.scheduler, UInt256(share), taskid)
            + EscrowEvents.reward(worker, 990_002, taskid))
        bed.expectAccount(F.kitty, balance: 0, frozen: UInt256(kitty - share))
        // The scheduler lost the claimed stake, got its share of it back, and was paid for the task.
        bed.expectAccount(F.scheduler, balance: schedulerFunds - UInt256(kitty) + UInt256(share) + 10_001, frozen: 0)
        bed.expectAccount(worker, balance: 990_002, frozen: 0)
    }
}
