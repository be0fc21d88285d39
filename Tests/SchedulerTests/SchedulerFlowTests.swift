import Client
import Ethereum
import Foundation
import PoCo
import Scheduler
import Testing

/// A scheduler driving whole deals on an in-memory chain, with simulated workers that contribute
/// through real PoCo transactions.
@Suite("Scheduler: deals driven to completion")
struct SchedulerFlowTests {
    @Test("5 tasks at trust 1: initialized in one batch, one replicate each, contributeAndFinalize")
    func trustOneDeal() async throws {
        let world = try await PoolWorld(workerCount: 2)
        let dealId = try await world.makeDeal(volume: 5, trust: 1)
        try await world.sync()
        let status = await world.scheduler.status()
        #expect(status.counters.transactions["initializeArray"] == 1)
        #expect(status.tasksByPhase[.running] == 5)
        let workers = [try await SimulatedWorker.login(world.workers[0], world: world),
                       try await SimulatedWorker.login(world.workers[1], world: world)]
        var completed = 0
        for _ in 0..<10 where completed < 5 {
            for worker in workers { try await worker.ask() }
            try await world.sync()
            completed = await world.scheduler.status().tasksByPhase[.completed] ?? 0
        }
        #expect(completed == 5)
        for index in 0..<5 {
            let taskId = PoCoIds.taskId(dealid: dealId, index: UInt256(UInt64(index)))
            let task = try await world.chain.task(taskId)
            #expect(task.status == .completed)
            #expect(await world.scheduler.replicates(of: taskId).count == 1, "trust 1 needs one replicate")
        }
        try await world.checkConservation()
    }

    @Test("trust 100, one liar among three: the liar is slashed and its score cut, the honest are paid")
    func liarIsSlashed() async throws {
        // Honest reputations of 150 weigh 49 each; the liar is new (weight 2). Consensus at trust
        // 100 needs group · 100 > total · 99: 49² = 2401 against 1 + 2401 + 2 → reached.
        let world = try await PoolWorld(workerCount: 3, scores: [0, 150, 150])
        // The request ranks speed first and the liar advertises the fastest machine, so that it
        // gets a replicate (by reputation alone the two honest workers would be enough).
        let liar = try await SimulatedWorker.login(world.workers[0], world: world, behaviour: .liar,
                                                   ad: #"[ Cpus = 64; Speed = 100; Runtimes = {"wasm"}; Requirements = true ]"#)
        let honest = [
            try await SimulatedWorker.login(world.workers[1], world: world,
                                            ad: #"[ Cpus = 2; Speed = 10; Runtimes = {"wasm"}; Requirements = true ]"#),
            try await SimulatedWorker.login(world.workers[2], world: world,
                                            ad: #"[ Cpus = 2; Speed = 20; Runtimes = {"wasm"}; Requirements = true ]"#),
        ]
        // All three are idle (they asked while there was no work) when the deal arrives.
        for worker in honest + [liar] { #expect(try await worker.ask() == nil) }
        let params = #"{"iexec_args":"1000","iexec_rank_weights":{"speed":10,"reliability":0,"price":0}}"#
        let dealId = try await world.makeDeal(volume: 1, trust: 100, params: params)
        try await world.sync()
        let taskId = PoCoIds.taskId(dealid: dealId, index: .zero)
        let stakeBefore = try await world.chain.account(world.workers[0].address)
        let honestBefore = try await world.chain.account(world.workers[1].address)
        // Ranked by speed: liar, then the honest ones. The liar's 2 and one honest 49 pending do
        // not make the prediction (98 · 100 ≤ 99 · 99), so all three get a replicate, whoever asks first.
        #expect(try await honest[0].ask() == taskId)
        #expect(try await liar.ask() == taskId)
        #expect(try await honest[1].ask() == taskId)
        try await world.sync()
        #expect(try await world.chain.task(taskId).status == .revealing)
        for worker in honest + [liar] { try await worker.step() }
        try await world.sync()
        for worker in honest + [liar] { try await worker.step() }
        try await world.sync()
        let task = try await world.chain.task(taskId)
        #expect(task.status == .completed)
        #expect(task.resultDigest == honest[0].digest(taskId))
        let liarAfter = try await world.chain.account(world.workers[0].address)
        #expect(liarAfter.balance + liarAfter.frozen < stakeBefore.balance + stakeBefore.frozen, "the liar lost its stake")
        #expect(try await world.chain.score(world.workers[0].address) == .zero)
        let honestAfter = try await world.chain.account(world.workers[1].address)
        #expect(honestAfter.balance > honestBefore.balance, "an honest worker was paid")
        #expect(try await world.chain.score(world.workers[1].address) == 151)
        try await world.checkConservation()
    }

    @Test("a consensus nobody reveals is reopened, then other workers complete the task")
    func reopenThenComplete() async throws {
        // Trust 3 with new workers (weight 2): two agreeing contributions reach consensus.
        let world = try await PoolWorld(workerCount: 4)
        let dealId = try await world.makeDeal(volume: 1, trust: 3)
        try await world.sync()
        let taskId = PoCoIds.taskId(dealid: dealId, index: .zero)
        let silent = [try await SimulatedWorker.login(world.workers[0], world: world, behaviour: .refusesToReveal),
                      try await SimulatedWorker.login(world.workers[1], world: world, behaviour: .refusesToReveal)]
        for worker in silent { #expect(try await worker.ask() == taskId) }
        try await world.sync()
        #expect(try await world.chain.task(taskId).status == .revealing)
        for worker in silent { try await worker.step() }
        // Past the reveal deadline (2 · timeref after consensus) the scheduler reopens.
        let timeref = try await world.chain.category(.zero).workClockTimeRef.clampedToUInt64
        world.chain.advance(seconds: 2 * timeref + 1)
        try await world.chain.mine()
        try await world.sync()
        #expect(try await world.chain.task(taskId).status == .active)
        #expect(await world.scheduler.status().counters.transactions["reopen"] == 1)
        #expect(await world.scheduler.replicates(of: taskId).allSatisfy { $0.phase == .rejected })
        let others = [try await SimulatedWorker.login(world.workers[2], world: world),
                      try await SimulatedWorker.login(world.workers[3], world: world)]
        for worker in others { #expect(try await worker.ask() == taskId) }
        try await world.sync()
        for worker in others { try await worker.step() }
        try await world.sync()
        for worker in others { try await worker.step() }
        try await world.sync()
        #expect(try await world.chain.task(taskId).status == .completed)
        try await world.checkConservation()
    }

    @Test("a task past its final deadline is claimed and the requester refunded")
    func claimAfterFinalDeadline() async throws {
        let world = try await PoolWorld(workerCount: 1)
        let before = try await world.chain.account(world.requester.address)
        let dealId = try await world.makeDeal(volume: 2, trust: 1)
        try await world.sync()
        let during = try await world.chain.account(world.requester.address)
        #expect(during.frozen > before.frozen)
        // Nobody works: at the final deadline (10 · timeref) the scheduler claims both tasks.
        let timeref = try await world.chain.category(.zero).workClockTimeRef.clampedToUInt64
        world.chain.advance(seconds: 10 * timeref)
        try await world.chain.mine()
        try await world.sync()
        for index in 0..<2 {
            #expect(try await world.chain.task(PoCoIds.taskId(dealid: dealId, index: UInt256(UInt64(index)))).status == .failed)
        }
        #expect(await world.scheduler.status().tasksByPhase[.failed] == 2)
        let after = try await world.chain.account(world.requester.address)
        #expect(after.balance == before.balance && after.frozen == before.frozen, "the requester got everything back")
        try await world.checkConservation()
    }

    @Test("a deal never initialized is initialized and claimed at once past its final deadline")
    func initializeAndClaim() async throws {
        let world = try await PoolWorld(workerCount: 1)
        let dealId = try await world.makeDeal(volume: 1, trust: 1)
        let timeref = try await world.chain.category(.zero).workClockTimeRef.clampedToUInt64
        world.chain.advance(seconds: 10 * timeref)
        try await world.chain.mine()
        try await world.sync()
        #expect(await world.scheduler.status().counters.transactions["initializeAndClaimArray"] == 1)
        #expect(try await world.chain.task(PoCoIds.taskId(dealid: dealId, index: .zero)).status == .failed)
        try await world.checkConservation()
    }

    @Test("a lost worker's replicate goes to another worker, who completes the task")
    func lostWorkerIsReplaced() async throws {
        let world = try await PoolWorld(workerCount: 2)
        let dealId = try await world.makeDeal(volume: 1, trust: 1)
        try await world.sync()
        let taskId = PoCoIds.taskId(dealid: dealId, index: .zero)
        let first = try await SimulatedWorker.login(world.workers[0], world: world)
        let second = try await SimulatedWorker.login(world.workers[1], world: world)
        #expect(try await world.scheduler.askForReplicate(token: first.token)?.taskId == taskId)
        #expect(try await world.scheduler.askForReplicate(token: second.token) == nil, "trust 1: one replicate")
        // The first worker goes silent; the second keeps calling.
        world.advanceWallClock(6)
        _ = try await second.step()
        world.advanceWallClock(6)
        await world.scheduler.sweep()
        #expect(await world.scheduler.replicates(of: taskId).first { $0.worker == first.address }?.phase == .lost)
        #expect(try await second.ask() == taskId)
        try await world.sync()
        #expect(try await world.chain.task(taskId).status == .completed)
        // The lost worker comes back: the replicate is no longer its own, and a late result is refused.
        #expect(try await first.step() == [])
        let late = try await world.scheduler.report(token: first.token, taskId: taskId, ReplicateReport(
            progress: .computed, resultHash: PoCoIds.resultHash(taskid: taskId, resultDigest: first.digest(taskId))))
        #expect(late.action == .abort)
        try await world.checkConservation()
    }
}
