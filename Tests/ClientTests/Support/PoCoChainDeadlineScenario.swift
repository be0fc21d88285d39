import ChainTestSupport
import Client
import Ethereum
import PoCo
import Testing

/// A task nobody works on, claimed once the chain's time passes its final deadline: what a dev
/// chain's time control (`increaseTime`) is for. Returns what it observed, without block times.
enum PoCoChainDeadlineScenario {
    typealias S = PoCoChainScenario

    struct Outcome: Hashable {
        var earlyClaimReason: String
        var status: TaskStatus
        var requester: Account
        var scheduler: Account
    }

    static func run(on chain: some DevPoCoChain) async throws -> Outcome {
        let start = try await chain.head()
        let supplyBefore = try await chain.totalSupply()
        let market = try await S.setUp(on: chain, after: start)
        let taskid = PoCoIds.taskId(dealid: market.dealid, index: 0)
        _ = try await chain.send(.lifecycle(.initialize(dealid: market.dealid, index: 0)), signer: S.scheduler)
        let task = try await chain.task(taskid)
        #expect(task.status == .active)

        // Before the final deadline the claim reverts.
        var earlyClaimReason = ""
        do {
            _ = try await chain.send(.lifecycle(.claim(taskid: taskid)), signer: S.requester)
            Issue.record("a claim before the final deadline succeeded")
        } catch {
            guard case .reverted(_, let reason) = error else { throw error }
            earlyClaimReason = reason
        }

        // Past it (the deadline is a block time), anyone may claim: the requester is refunded.
        let now = try await chain.head().timestamp
        let finalDeadline = task.finalDeadline.w0
        try await chain.increaseTime(seconds: finalDeadline - min(now, finalDeadline) + 1)
        let claimed = try await chain.send(.lifecycle(.claim(taskid: taskid)), signer: S.requester)
        #expect(claimed.blockTimestamp > finalDeadline)

        let supplyAfter = try await chain.totalSupply()
        let deposited = S.deposits.reduce(UInt256.zero) { $0 + UInt256($1.1) }
        #expect(supplyAfter == supplyBefore + deposited)
        var held = UInt256.zero
        for address in S.participants + [PoCoConstants.kittyAddress] {
            let account = try await chain.account(address)
            held = held + account.balance + account.frozen
        }
        #expect(held == supplyAfter)
        return Outcome(earlyClaimReason: earlyClaimReason, status: try await chain.task(taskid).status,
                       requester: try await chain.account(S.requester.address),
                       scheduler: try await chain.account(S.scheduler.address))
    }

    /// The checks that hold whatever the chain.
    static func check(_ outcome: Outcome) {
        #expect(!outcome.earlyClaimReason.isEmpty)
        #expect(outcome.status == .failed)
        // The requester paid nothing in the end; the scheduler lost its stake to the kitty.
        #expect(outcome.requester == Account(balance: 1_000))
        #expect(outcome.scheduler.frozen.isZero)
        #expect(outcome.scheduler.balance < 1_000)
    }
}
