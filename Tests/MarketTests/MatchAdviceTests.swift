import Ethereum
import Market
import PoCo
import Testing

@Suite("Market: match advice")
struct MatchAdviceTests {
    /// The failures each candidate of an unmatched advice lists, by order hash, and the reasons.
    static func unmatched(_ advice: MatchAdvice, sourceLocation: SourceLocation = #_sourceLocation)
        -> (failed: [Hash32: [MatchFailure]], reasons: [String]) {
        guard case .unmatched(let candidates, let reasons) = advice else {
            Issue.record("expected no match, got \(advice)", sourceLocation: sourceLocation)
            return ([:], [])
        }
        return (Dictionary(candidates.map { ($0.orderHash, $0.failed) }, uniquingKeysWith: { $0 + $1 }), reasons)
    }

    static func proposal(_ advice: MatchAdvice, sourceLocation: SourceLocation = #_sourceLocation) -> MatchProposal? {
        guard case .matched(let proposal) = advice else {
            Issue.record("expected a match, got \(advice)", sourceLocation: sourceLocation)
            return nil
        }
        return proposal
    }

    @Test("picks the cheapest compatible orders, and they match on chain")
    func matchesOnChain() async throws {
        var world = try MarketWorld()
        let service = world.service()
        let (otherOwner, otherPool) = try world.fundedWorkerpool(ownerKey: 310, deposit: 1_000)
        // The cheapest workerpool lacks the request's tag bit; the priciest is over its budget.
        let gpu = MarketWorld.tag(0x10)
        let untagged = world.workerpoolOrder(price: 4, salt: 1)
        let fitting = world.workerpoolOrder(price: 8, tag: gpu, workerpool: otherPool, salt: 2, signer: otherOwner)
        let pricey = world.workerpoolOrder(price: 11, tag: gpu, salt: 3)
        let cheapApp = world.appOrder(price: 2, volume: 3, salt: 1)
        let app = world.appOrder(price: 3, salt: 2)
        let dataset = world.datasetOrder(price: 2)
        for order: AnyPoCoOrder in [.workerpool(untagged), .workerpool(fitting), .workerpool(pricey), .app(app),
                                    .app(cheapApp), .dataset(dataset)] {
            _ = try await service.publish(order)
        }
        let request = world.requestOrder(volume: 5, tag: gpu)
        let advice = try await service.match(request)
        let proposal = try #require(Self.proposal(advice))
        #expect(proposal.app == cheapApp)
        #expect(proposal.dataset == dataset)
        #expect(proposal.workerpool == fitting)
        #expect(proposal.request == request)
        #expect(proposal.volume == 3)

        let before = await world.state()
        let receipt = try world.chain.apply(.matching(proposal.call), from: world.requester.address)
        guard case .hash(let dealid) = receipt.output else { Issue.record("no deal id"); return }
        let deal = try #require(await world.state().deal(dealid))
        #expect(deal.botSize == 3)
        #expect(deal.workerpool.pointer == otherPool)
        // The requester locked (2 + 2 + 8) × 3; the other workerpool's owner 8 × 30 / 100 × 3.
        let after = await world.state()
        #expect(after.account(world.requester.address).frozen - before.account(world.requester.address).frozen == 36)
        #expect(after.account(otherOwner.address).frozen == 6)
        await world.checkConservation()

        let json = advice.jsonValue
        #expect(json["matched"] == .bool(true))
        #expect(json["volume"] == .string("3"))
        #expect(json["orders"]?["workerpool"] == fitting.jsonValue)
        #expect(json["orders"]?["request"] == request.jsonValue)
    }

    @Test("a request without a dataset gets the all-zero dataset order, and matches on chain")
    func withoutDataset() async throws {
        let world = try MarketWorld()
        let service = world.service()
        _ = try await service.publish(.app(world.appOrder()))
        _ = try await service.publish(.workerpool(world.workerpoolOrder()))
        let request = world.requestOrder(withDataset: false)
        let proposal = try #require(Self.proposal(try await service.match(request)))
        #expect(proposal.dataset == MatchProposal.noDatasetOrder)
        #expect(proposal.volume == 10)
        try world.chain.apply(.matching(proposal.call), from: world.requester.address)
        await world.checkConservation()
    }

    @Test("an empty book: one reason per missing kind")
    func emptyBook() async throws {
        let world = try MarketWorld()
        let advice = try await world.service().match(world.requestOrder())
        let (failed, reasons) = Self.unmatched(advice)
        #expect(failed.isEmpty)
        #expect(reasons == [
            "no app order published for \(world.app.checksummed)",
            "no dataset order published for \(world.dataset.checksummed)",
            "no workerpool order published",
        ])
        #expect(advice.jsonValue == .object(["matched": .bool(false), "candidates": .array([]),
                                             "reasons": .array(reasons.map { .string($0) })]))
    }

    @Test("price, tag, trust and category: each candidate lists what it fails against the request")
    func ownChecks() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let app = try await service.publish(.app(world.appOrder(price: 5)))
        let dataset = try await service.publish(.dataset(world.datasetOrder(price: 1)))
        let untagged = try await service.publish(.workerpool(world.workerpoolOrder(salt: 1)))
        let lowTrust = try await service.publish(.workerpool(world.workerpoolOrder(tag: MarketWorld.tag(0x10), salt: 2)))
        let otherCategory = try await service.publish(.workerpool(world.workerpoolOrder(
            tag: MarketWorld.tag(0x10), category: 1, trust: 5, salt: 3)))
        let request = world.requestOrder(appmax: 4, tag: MarketWorld.tag(0x10), trust: 5)
        let advice = try await service.match(request)
        let (failed, reasons) = Self.unmatched(advice)

        let appFailures = try #require(failed[app.orderHash])
        #expect(appFailures.map(\.category) == [.price])
        #expect(appFailures.first?.reason == "appPriceTooHigh (iExecV5-matchOrders-0x03)")
        #expect(appFailures.first?.detail == "the app order asks 5 nRLC, the request pays at most 4")
        #expect(failed[dataset.orderHash] == [])
        #expect(failed[untagged.orderHash]?.map(\.category) == [.trust, .tag])
        #expect(failed[lowTrust.orderHash]?.map(\.category) == [.trust])
        #expect(failed[otherCategory.orderHash]?.map(\.category) == [.category])
        #expect(failed[otherCategory.orderHash]?.first?.reason == "categoryMismatch (iExecV5-matchOrders-0x00)")
        #expect(reasons == ["no app order fits the request on its own", "no workerpool order fits the request on its own"])

        // The JSON names the category as "check", with the precise reason and the detail.
        guard case .array(let candidates)? = advice.jsonValue["candidates"] else {
            Issue.record("candidates is not an array"); return
        }
        #expect(candidates.first == .object([
            "type": .string("app"), "orderHash": .string(app.orderHash.hex),
            "failed": .array([.object(["check": .string("price"),
                                       "reason": .string("appPriceTooHigh (iExecV5-matchOrders-0x03)"),
                                       "detail": .string("the app order asks 5 nRLC, the request pays at most 4")])]),
        ]))
    }

    @Test("restriction: orders that fit one by one but not together")
    func restriction() async throws {
        var world = try MarketWorld()
        let service = world.service()
        let otherPool = try world.fundedWorkerpool(ownerKey: 311, deposit: 1_000).workerpool
        let app = try await service.publish(.app(world.appOrder(workerpoolrestrict: otherPool)))
        let pool = try await service.publish(.workerpool(world.workerpoolOrder()))
        let advice = try await service.match(world.requestOrder(withDataset: false))
        let (failed, reasons) = Self.unmatched(advice)
        let expected = "appOrderWorkerpoolRestricted (iExecV5-matchOrders-0x14)"
        #expect(failed[app.orderHash]?.map(\.reason) == [expected])
        #expect(failed[pool.orderHash]?.map(\.reason) == [expected])
        #expect(failed[pool.orderHash]?.first?.category == .restriction)
        #expect(failed[pool.orderHash]?.first?.detail.hasPrefix(
            "the app order only accepts workerpool \(otherPool.checksummed) (with app order \(app.orderHash.hex)") == true)
        #expect(reasons == ["orders fit the request one by one, but no combination of them matches"])
    }

    @Test("volume: an order the chain has closed since it was published")
    func volume() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let order = world.workerpoolOrder()
        let pool = try await service.publish(.workerpool(order))
        _ = try await service.publish(.app(world.appOrder()))
        // No status tracker runs here: the book still says OPEN, the chain says consumed.
        try world.chain.apply(.orders(.manageWorkerpoolOrder(OrderOperation(order: order, operation: .close))),
                              from: world.workerpoolOwner.address)
        let (failed, _) = Self.unmatched(try await service.match(world.requestOrder(withDataset: false)))
        #expect(failed[pool.orderHash]?.map(\.category) == [.volume])
        #expect(failed[pool.orderHash]?.first?.reason == "noVolume (iExecV5-matchOrders-0x60)")
    }

    @Test("funds: the requester cannot lock the deal, or the workerpool owner cannot stake")
    func funds() async throws {
        var world = try MarketWorld(funding: 0)
        let service = world.service()
        try world.deposit(world.workerpoolOwner.address, 12)
        try world.deposit(world.requester.address, 64)
        let app = try await service.publish(.app(world.appOrder()))
        let pool = try await service.publish(.workerpool(world.workerpoolOrder()))
        // 13 nRLC a task: 4 tasks cost 52, 5 cost 65 > 64; the scheduler stakes 3 a task.
        let (failed, _) = Self.unmatched(try await service.match(world.requestOrder(volume: 5, withDataset: false)))
        let failure = try #require(failed[app.orderHash]?.first)
        #expect(failure.category == .funds)
        #expect(failure.detail.hasPrefix(
            "requester \(world.requester.address.checksummed) has 64 nRLC, the deal of volume 5 locks 65 nRLC"))
        #expect(failed[pool.orderHash]?.map(\.category) == [.funds])
        #expect(Self.proposal(try await service.match(world.requestOrder(volume: 4, withDataset: false, salt: 1)))?
            .volume == 4)

        // The workerpool owner withdraws below one task's stake (10 × 30 / 100 = 3).
        try world.chain.apply(.escrow(.withdraw(amount: 10)), from: world.workerpoolOwner.address)
        let (afterWithdrawal, _) = Self.unmatched(
            try await service.match(world.requestOrder(volume: 4, withDataset: false, salt: 1)))
        #expect(afterWithdrawal[pool.orderHash]?.map(\.reason) == ["schedulerStake"])
        #expect(afterWithdrawal[pool.orderHash]?.first?.category == .funds)
    }

    @Test("a request that cannot match whatever the book holds says why")
    func requestProblems() async throws {
        let world = try MarketWorld()
        let service = world.service()
        _ = try await service.publish(.app(world.appOrder()))
        _ = try await service.publish(.workerpool(world.workerpoolOrder()))
        var unsigned = world.requestOrder(withDataset: false)
        unsigned.sign = []
        let (_, reasons) = Self.unmatched(try await service.match(unsigned))
        #expect(reasons == [
            "the request order is neither presigned nor signed by its requester \(world.requester.address.checksummed)",
        ])
    }
}
