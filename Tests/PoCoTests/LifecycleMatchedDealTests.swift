import Ethereum
import Testing

@testable import PoCo

/// The lifecycle on deals made by the real sponsorMatchOrders (the other lifecycle tests write deals
/// with DealFixture, which locks what matchOrders locks; this checks both agree end to end).
@Suite("Task lifecycle: on deals from sponsorMatchOrders")
struct LifecycleMatchedDealTests {
    @Test func sponsoredVolumeDealOneTaskFinalizedOneClaimed() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let sponsor = Testbed.key(90).address
        let worker = Testbed.key(91).address
        let scheduler = market.workerpoolOwner.address
        try bed.fund(sponsor, 1_000)
        let start = bed.time
        // Prices 3 + 2 + 10 per task; the scheduler stake ⌊10 · 30 / 100⌋ = 3 per task.
        let dealid = try market.deal(&bed, MarketTerms(volume: 2, trust: 1), sponsor: sponsor)
        let deal = try #require(bed.state.deal(dealid))
        #expect(deal.sponsor == sponsor && deal.trust == 1 && deal.botSize == 2 && deal.workerStake == 3)
        bed.expectAccount(sponsor, balance: 1_000 - 30, frozen: 30)
        bed.expectAccount(scheduler, balance: 1_000_000 - 6, frozen: 6)

        let receipt = try bed.call(.lifecycle(.initializeArray(dealids: [dealid, dealid], indexes: [0, 1])), from: worker)
        let tasks = [0, 1].map { PoCoIds.taskId(dealid: dealid, index: UInt256($0)) }
        #expect(receipt.logs.events == tasks.map { .taskInitialize(taskid: $0, workerpool: market.workerpool) })
        let digest = Keccak256.hash("result")
        let authorization = EIP191.sign(
            message: PoCoIds.authorizationHash(worker: worker, taskid: tasks[0], enclaveChallenge: .zero).bytes,
            with: market.workerpoolOwner).bytes
        try bed.call(.lifecycle(.contributeAndFinalize(
            taskid: tasks[0], resultDigest: digest, results: [], resultsCallback: [], enclaveChallenge: .zero,
            enclaveSign: [], authorizationSign: authorization)), from: worker)
        bed.time = start + 10 * 300
        try bed.call(.lifecycle(.claim(taskid: tasks[1])), from: worker)

        // The sponsor paid one task; the worker ⌊10 · 99 / 100⌋ = 9, the scheduler 1 and its stake
        // back for the finalized task, the kitty its stake of the claimed one. The requester pays nothing.
        bed.expectAccount(sponsor, balance: 1_000 - 15, frozen: 0)
        bed.expectAccount(worker, balance: 9, frozen: 0)
        bed.expectAccount(market.appOwner.address, balance: 1_000_000 + 3, frozen: 0)
        bed.expectAccount(market.datasetOwner.address, balance: 1_000_000 + 2, frozen: 0)
        bed.expectAccount(scheduler, balance: 1_000_000 - 6 + 3 + 1, frozen: 0)
        bed.expectAccount(DealFixture.kitty, balance: 0, frozen: 3)
        bed.expectAccount(market.requester.address, balance: 1_000_000, frozen: 0)
    }
}
