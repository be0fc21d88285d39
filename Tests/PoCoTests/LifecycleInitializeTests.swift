import Ethereum
import Testing

@testable import PoCo

@Suite("Task lifecycle: initialize and initializeArray")
struct LifecycleInitializeTests {
    typealias F = DealFixture

    @Test func initializeCreatesAnActiveTaskWithItsDeadlines() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        let start = bed.time
        let dealid = try market.deal(&bed, .init(category: 1))  // S: timeref 1200 s
        bed.time += 50
        let receipt = try bed.call(.lifecycle(.initialize(dealid: dealid, index: 0)), from: Testbed.key(99).address)
        let taskid = PoCoIds.taskId(dealid: dealid, index: 0)
        #expect(receipt.output == .hash(taskid))
        #expect(receipt.logs == [PoCoLog(address: Testbed.config.hub,
                                         event: .taskInitialize(taskid: taskid, workerpool: market.workerpool))])
        // poco-abi §3.1: TaskInitialize(bytes32 indexed, address indexed).
        #expect(receipt.logs[0].topics.map(\.hex) == [
            "0x252992fb0468d68d6a5784ec03214f0d0a362083f2d7ebd157af43b017a22e06", taskid.hex,
            "0x000000000000000000000000" + market.workerpool.lowercaseHex.dropFirst(2),
        ])
        #expect(receipt.logs[0].data.isEmpty)
        // Deadlines count from the deal's start, not from initialize.
        #expect(bed.state.task(taskid) == Task(status: .active, dealid: dealid, idx: 0, timeref: 1200,
                                               contributionDeadline: UInt256(start + 7 * 1200),
                                               finalDeadline: UInt256(start + 10 * 1200)))
        #expect(bed.state.consensus(taskid) == Consensus(total: 1, groups: [:]))
        // Initializing moves no money.
        bed.expectAccount(F.requester, balance: 2_000_000 - 1_007_003, frozen: 1_007_003)
        bed.expectAccount(F.scheduler, balance: 700_000, frozen: 300_000)
    }

    @Test func indexOutsideTheDealAndUnknownDealsAreRefused() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 10_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        // Tasks 5, 6, 7: the request had 5 tasks consumed before this match.
        let dealid = try market.deal(&bed, .init(volume: 3, botFirst: 5))
        bed.expectRevert(.lifecycle(.indexOutOfRange), .lifecycle(.initialize(dealid: dealid, index: 4)), from: F.requester)
        bed.expectRevert(.lifecycle(.indexOutOfRange), .lifecycle(.initialize(dealid: dealid, index: 8)), from: F.requester)
        bed.expectRevert(.lifecycle(.indexOutOfRange),
                         .lifecycle(.initialize(dealid: Keccak256.hash("no deal"), index: 0)), from: F.requester)
        _ = try F.initialize(&bed, dealid, 7)
        bed.expectRevert(.lifecycle(.alreadyInitialized), .lifecycle(.initialize(dealid: dealid, index: 7)),
                         from: F.requester)
    }

    @Test func aDealWithoutItsCategoryCannotStartTasks() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 2_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        // Only a corrupt state has such a deal (matchOrders checks the category): iExec panics on
        // the array read; the engine refuses.
        let dealid = try market.deal(&bed, .init(category: 99))
        bed.expectRevert(.unknownCategory, .lifecycle(.initialize(dealid: dealid, index: 0)), from: F.requester)
    }

    @Test func initializeArrayStartsSeveralTasksOfAVolumeDeal() throws {
        var bed = Testbed()
        let market = try F(&bed)
        try bed.fund(F.requester, 10_000_000)
        try bed.fund(F.scheduler, 1_000_000)
        let dealid = try market.deal(&bed, .init(volume: 3, botFirst: 5))
        bed.expectAccount(F.requester, balance: 10_000_000 - 3 * 1_007_003, frozen: 3 * 1_007_003)
        bed.expectAccount(F.scheduler, balance: 100_000, frozen: 900_000)
        bed.expectRevert(.invalidArrayLength,
                         .lifecycle(.initializeArray(dealids: [dealid, dealid], indexes: [5])), from: F.requester)
        // One bad item reverts the whole batch.
        bed.expectRevert(.lifecycle(.indexOutOfRange),
                         .lifecycle(.initializeArray(dealids: [dealid, dealid], indexes: [5, 8])), from: F.requester)
        let receipt = try bed.call(.lifecycle(.initializeArray(dealids: [dealid, dealid, dealid], indexes: [7, 5, 6])),
                                   from: F.requester)
        #expect(receipt.output == .bool(true))
        let taskids = [7, 5, 6].map { PoCoIds.taskId(dealid: dealid, index: UInt256($0)) }
        #expect(receipt.logs.events == taskids.map { .taskInitialize(taskid: $0, workerpool: market.workerpool) })
        for (taskid, index) in zip(taskids, [7, 5, 6]) {
            #expect(bed.state.task(taskid)?.idx == UInt256(index))
            #expect(bed.state.task(taskid)?.status == .active)
        }
        #expect(Set(taskids).count == 3)
    }
}
