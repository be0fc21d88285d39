import Ethereum
import Testing

@testable import PoCo

@Suite("matchOrders and sponsorMatchOrders: deals, escrow, logs")
struct MatchOrdersTests {
    let hub = Testbed.config.hub
    static let teeAndGpu = try! Hash32(hex: "0x" + String(repeating: "0", count: 61) + "101")

    /// Every field of the deal, the consumed volumes, the output and every party's escrow.
    @Test func aMatchRecordsEveryDealField() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed, workerStakeRatio: 45, schedulerRewardRatio: 7)
        let beneficiary = Testbed.key(301).address
        let callback = Testbed.key(302).address
        let terms = MarketTerms(appPrice: 3, datasetPrice: 2, workerpoolPrice: 29, volume: 4, trust: 5, category: 2,
                                tag: Self.teeAndGpu, params: "{\"iexec_args\":\"42\"}", callback: callback,
                                beneficiary: beneficiary)
        let orders = market.orders(terms)
        bed.time = 1_700_000_123
        let (dealid, receipt) = try market.match(&bed, orders)

        let requestHash = orders.request.hash(in: market.domain)
        #expect(receipt.output == .hash(dealid))
        #expect(dealid == PoCoIds.dealId(requestHash: requestHash, consumed: 0))
        let deal = try #require(bed.state.deal(dealid))
        #expect(deal.app == Resource(pointer: market.app, owner: market.appOwner.address, price: 3))
        #expect(deal.dataset == Resource(pointer: market.dataset, owner: market.datasetOwner.address, price: 2))
        #expect(deal.workerpool == Resource(pointer: market.workerpool, owner: market.workerpoolOwner.address, price: 29))
        #expect(deal.trust == 5)
        #expect(deal.category == 2)
        #expect(deal.tag == Self.teeAndGpu)
        #expect(deal.requester == market.requester.address)
        #expect(deal.beneficiary == beneficiary)
        #expect(deal.callback == callback)
        #expect(deal.params == "{\"iexec_args\":\"42\"}")
        #expect(deal.startTime == 1_700_000_123)
        #expect(deal.botFirst == 0)
        #expect(deal.botSize == 4)
        #expect(deal.workerStake == 13)  // 29 · 45 / 100 = 13.05
        #expect(deal.schedulerRewardRatio == 7)
        #expect(deal.sponsor == market.requester.address)

        for hash in [orders.app.hash(in: market.domain), orders.dataset.hash(in: market.domain),
                     orders.workerpool.hash(in: market.domain), requestHash] {
            #expect(bed.state.uint(.consumed(hash)) == 4)
        }
        // Sponsor: (3 + 2 + 29) · 4 = 136. Scheduler: (29 · 30 / 100 = 8) · 4 = 32, not 29 · 4 · 30 / 100 = 34.
        #expect(bed.balance(market.requester.address) == 999_864 && bed.frozen(market.requester.address) == 136)
        #expect(bed.balance(market.workerpoolOwner.address) == 999_968)
        #expect(bed.frozen(market.workerpoolOwner.address) == 32)
        for owner in [market.appOwner.address, market.datasetOwner.address] {
            #expect(bed.balance(owner) == 1_000_000 && bed.frozen(owner) == 0)
        }
        #expect(bed.state.account(PoCoConstants.kittyAddress).isEmpty)

        // The change list, in first-write order: the deal, the four consumed counters, the two accounts.
        #expect(receipt.changes.map(\.key) == [
            .deal(dealid), .consumed(orders.app.hash(in: market.domain)), .consumed(orders.dataset.hash(in: market.domain)),
            .consumed(orders.workerpool.hash(in: market.domain)), .consumed(requestHash),
            .account(market.requester.address), .account(market.workerpoolOwner.address),
        ])
    }

    /// The deal id of a fixed request order, and of the next deal from it, computed independently:
    /// eth-account 0.13 `encode_typed_data` for the order hash, eth-utils `keccak` over
    /// requestHash ‖ uint256(consumed).
    @Test func dealIdsMatchAnIndependentComputation() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders(MarketTerms(volume: 5))
        orders.workerpool.volume = 2
        market.sign(&orders)
        #expect(orders.request.hash(in: market.domain).hex
                == "0x369b47e59cad7ad4bbe24aace683847a1ababe2f14c7343a5ee2042c6446c217")
        let first = try market.match(&bed, orders).dealid
        #expect(first.hex == "0x47a214d72d8e74300fffe71047672df70da2b1b78d8dd9be0135a515cf660273")
        orders.workerpool.volume = 10
        market.sign(&orders)
        let second = try market.match(&bed, orders).dealid
        #expect(second.hex == "0x4010df69069be2221c80e859859bb4ee5fb2e7bfd241eda4d4f50decbe2236f5")
    }

    @Test func trustBelowOneBecomesOne() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let dealid = try market.deal(&bed, MarketTerms(trust: 0))
        #expect(bed.state.deal(dealid)?.trust == 1)
    }

    /// poco-abi.md §3.4: Transfer/Lock for the sponsor, Transfer/Lock for the workerpool owner,
    /// SchedulerNotice, OrdersMatched; topics and data as §3.1 declares them.
    @Test func logsComeInIExecOrderWithTheirTopics() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.orders(MarketTerms(volume: 2))
        let (dealid, receipt) = try market.match(&bed, orders)
        let requester = market.requester.address, scheduler = market.workerpoolOwner.address
        let hashes = (orders.app.hash(in: market.domain), orders.dataset.hash(in: market.domain),
                      orders.workerpool.hash(in: market.domain), orders.request.hash(in: market.domain))
        #expect(receipt.logs.map(\.event) == [
            .transfer(from: requester, to: hub, value: 30), .lock(owner: requester, amount: 30),
            .transfer(from: scheduler, to: hub, value: 6), .lock(owner: scheduler, amount: 6),
            .schedulerNotice(workerpool: market.workerpool, dealid: dealid),
            .ordersMatched(dealid: dealid, appHash: hashes.0, datasetHash: hashes.1, workerpoolHash: hashes.2,
                           requestHash: hashes.3, volume: 2),
        ])
        #expect(receipt.logs.allSatisfy { $0.address == hub })

        let notice = receipt.logs[4]
        #expect(notice.topics.map(\.hex) == [
            "0x692ad61076dceddd0f1a861f737553dd61fc8501cf4190d29c4e90af6607f765",
            "0x000000000000000000000000" + market.workerpool.lowercaseHex.dropFirst(2),
        ])
        #expect(notice.data == dealid.bytes)

        let matched = receipt.logs[5]
        #expect(matched.topics.map(\.hex) == ["0xd811b592ed0899225773e8933d8df64bd0b62761a9d7aad4ed5b22735f4610a4"])
        #expect(matched.data == dealid.bytes + hashes.0.bytes + hashes.1.bytes + hashes.2.bytes + hashes.3.bytes
                + UInt256(2).bigEndianBytes)

        let lock = receipt.logs[1]
        #expect(lock.topics.map(\.hex) == ["0x625fed9875dada8643f2418b838ae0bc78d9a148a18eee4ee1979ff0f3f5d427"])
        #expect(lock.data == [UInt8](repeating: 0, count: 12) + requester.bytes + UInt256(30).bigEndianBytes)
        let transfer = receipt.logs[2]
        #expect(transfer.topics.map(\.hex) == [
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
            "0x000000000000000000000000" + scheduler.lowercaseHex.dropFirst(2),
            "0x000000000000000000000000" + hub.lowercaseHex.dropFirst(2),
        ])
    }

    @Test func zeroPricesStillLockAndLog() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let (dealid, receipt) = try market.match(
            &bed, market.orders(MarketTerms(appPrice: 0, datasetPrice: 0, workerpoolPrice: 0, volume: 3)))
        let requester = market.requester.address, scheduler = market.workerpoolOwner.address
        #expect(receipt.logs.map(\.event).prefix(5) == [
            .transfer(from: requester, to: hub, value: 0), .lock(owner: requester, amount: 0),
            .transfer(from: scheduler, to: hub, value: 0), .lock(owner: scheduler, amount: 0),
            .schedulerNotice(workerpool: market.workerpool, dealid: dealid),
        ])
        #expect(receipt.logs.count == 6)
        #expect(bed.balance(requester) == 1_000_000 && bed.frozen(requester) == 0)
        #expect(bed.balance(scheduler) == 1_000_000 && bed.frozen(scheduler) == 0)
        #expect(bed.state.deal(dealid)?.workerStake == 0)
    }

    /// No dataset: the deal's dataset is empty, its hash in OrdersMatched is zero, no dataset
    /// counter moves, the dataset's owner gets nothing and the dataset order's volume (zero) is ignored.
    @Test func aRequestWithoutADataset() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.orders(MarketTerms(volume: 2, withDataset: false))
        #expect(orders.dataset == MarketFixture.noDatasetOrder && orders.dataset.sign.isEmpty)
        let (dealid, receipt) = try market.match(&bed, orders)
        let deal = try #require(bed.state.deal(dealid))
        #expect(deal.dataset == Resource())
        #expect(deal.botSize == 2)
        guard case .ordersMatched(_, _, let datasetHash, _, _, let volume) = receipt.logs.last?.event else {
            Issue.record("the last log is not OrdersMatched")
            return
        }
        #expect(datasetHash == .zero && volume == 2)
        #expect(bed.state[.consumed(.zero)] == nil)
        #expect(bed.state[.consumed(MarketFixture.noDatasetOrder.hash(in: market.domain))] == nil)
        // (3 + 0 + 10) · 2
        #expect(bed.frozen(market.requester.address) == 26)
        #expect(bed.balance(market.datasetOwner.address) == 1_000_000 && bed.frozen(market.datasetOwner.address) == 0)
    }

    @Test func volumeIsTheSmallestRemainingVolume() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders(MarketTerms(volume: 9))
        orders.app.volume = 7
        orders.dataset.volume = 5
        orders.workerpool.volume = 6
        market.sign(&orders)
        let first = try market.match(&bed, orders)
        #expect(bed.state.deal(first.dealid)?.botSize == 5)
        #expect(bed.frozen(market.requester.address) == 75)  // (3 + 2 + 10) · 5
        // The dataset order is spent; a new one leaves app 2, workerpool 1, request 4: volume 1.
        bed.expectRevert(.matchOrders(.noVolume), orders.match, from: market.requester.address)
        orders.dataset.salt = Keccak256.hash("second dataset order")
        market.sign(&orders)
        let second = try market.match(&bed, orders)
        #expect(bed.state.deal(second.dealid)?.botSize == 1)
        #expect(bed.state.deal(second.dealid)?.botFirst == 5)
        #expect(bed.state.uint(.consumed(orders.app.hash(in: market.domain))) == 6)
        #expect(bed.state.uint(.consumed(orders.dataset.hash(in: market.domain))) == 1)
        #expect(bed.state.uint(.consumed(orders.workerpool.hash(in: market.domain))) == 6)
        #expect(bed.state.uint(.consumed(orders.request.hash(in: market.domain))) == 6)
    }

    /// A request order served by two workerpool orders: two deals, the second starting where the
    /// first ended, with its own id; then the request is spent.
    @Test func dealsFromAPartlyConsumedRequest() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders(MarketTerms(volume: 5))
        orders.app.volume = 100
        orders.workerpool.volume = 2
        market.sign(&orders)
        let requestHash = orders.request.hash(in: market.domain)
        let first = try market.match(&bed, orders).dealid

        orders.workerpool.volume = 10
        orders.workerpool.salt = Keccak256.hash("second workerpool order")
        market.sign(&orders)
        #expect(orders.request.hash(in: market.domain) == requestHash)
        let second = try market.match(&bed, orders).dealid
        #expect(first == PoCoIds.dealId(requestHash: requestHash, consumed: 0))
        #expect(second == PoCoIds.dealId(requestHash: requestHash, consumed: 2))
        #expect(first != second)
        let firstDeal = try #require(bed.state.deal(first)), secondDeal = try #require(bed.state.deal(second))
        #expect(firstDeal.botFirst == 0 && firstDeal.botSize == 2)
        #expect(secondDeal.botFirst == 2 && secondDeal.botSize == 3)
        #expect(bed.state.uint(.consumed(requestHash)) == 5)
        #expect(bed.frozen(market.requester.address) == 75)  // (3 + 2 + 10) · 5
        #expect(bed.frozen(market.workerpoolOwner.address) == 15)  // 3 · 5
        bed.expectRevert(.matchOrders(.noVolume), orders.match, from: market.requester.address)
    }

    /// Orders presigned on chain by their owners (manage*Order SIGN) match with an empty `sign`.
    @Test func presignedOrdersNeedNoSignature() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.unsignedOrders()
        try bed.call(.orders(.manageAppOrder(OrderOperation(order: orders.app, operation: .sign))),
                     from: market.appOwner.address)
        try bed.call(.orders(.manageDatasetOrder(OrderOperation(order: orders.dataset, operation: .sign))),
                     from: market.datasetOwner.address)
        try bed.call(.orders(.manageWorkerpoolOrder(OrderOperation(order: orders.workerpool, operation: .sign))),
                     from: market.workerpoolOwner.address)
        try bed.call(.orders(.manageRequestOrder(OrderOperation(order: orders.request, operation: .sign))),
                     from: market.requester.address)
        #expect(orders.app.sign.isEmpty && orders.request.sign.isEmpty)
        let dealid = try market.match(&bed, orders).dealid
        #expect(bed.state.deal(dealid)?.botSize == 1)
    }

    /// A presignature is the owner's at the time: once the app changes hands, it no longer counts.
    @Test func aPresignatureByAFormerOwnerDoesNotCount() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders()
        orders.app.sign = []
        try bed.call(.orders(.manageAppOrder(OrderOperation(order: orders.app, operation: .sign))),
                     from: market.appOwner.address)
        try bed.call(.registry(.transferAsset(kind: .app, from: market.appOwner.address, to: Testbed.key(303).address,
                                              asset: market.app)), from: market.appOwner.address)
        orders.app.sign = [UInt8](repeating: 0, count: 65)
        bed.expectRevert(.matchOrders(.appOrderNotSigned), orders.match, from: market.requester.address)
    }

    /// EIP-2098 64-byte signatures are accepted for every order; the deal is the same as with 65 bytes.
    @Test func compactSignatures() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders()
        orders.app.sign = try Signature(bytes: orders.app.sign).compactBytes
        orders.dataset.sign = try Signature(bytes: orders.dataset.sign).compactBytes
        orders.workerpool.sign = try Signature(bytes: orders.workerpool.sign).compactBytes
        orders.request.sign = try Signature(bytes: orders.request.sign).compactBytes
        #expect(orders.app.sign.count == 64 && orders.request.sign.count == 64)
        let dealid = try market.match(&bed, orders).dealid
        #expect(dealid == PoCoIds.dealId(requestHash: orders.request.hash(in: market.domain), consumed: 0))
    }

    /// sponsorMatchOrders: the sender pays and is the deal's sponsor; DealSponsored comes last.
    @Test func theSponsorPays() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let sponsor = Testbed.key(300).address
        try bed.fund(sponsor, 100)
        let (dealid, receipt) = try market.match(&bed, market.orders(MarketTerms(volume: 3)), sponsor: sponsor)
        let deal = try #require(bed.state.deal(dealid))
        #expect(deal.sponsor == sponsor && deal.requester == market.requester.address)
        #expect(bed.balance(sponsor) == 55 && bed.frozen(sponsor) == 45)
        #expect(bed.balance(market.requester.address) == 1_000_000 && bed.frozen(market.requester.address) == 0)
        #expect(bed.frozen(market.workerpoolOwner.address) == 9)
        let scheduler = market.workerpoolOwner.address
        #expect(receipt.logs.map(\.event).prefix(4) == [
            .transfer(from: sponsor, to: hub, value: 45), .lock(owner: sponsor, amount: 45),
            .transfer(from: scheduler, to: hub, value: 9), .lock(owner: scheduler, amount: 9),
        ])
        #expect(receipt.logs.count == 7)
        let sponsored = try #require(receipt.logs.last)
        #expect(sponsored.event == .dealSponsored(dealid: dealid, sponsor: sponsor))
        #expect(sponsored.topics.map(\.hex) == ["0x81eec3d5401bb1693dbef61f0800bc16602905d6677d691c1262d6f08456e9a0"])
        #expect(sponsored.data == dealid.bytes + [UInt8](repeating: 0, count: 12) + sponsor.bytes)
        #expect(receipt.output == .hash(dealid))
    }

    /// matchOrders always charges the requester, whoever sends it, and logs no DealSponsored.
    @Test func matchOrdersFromAThirdPartyChargesTheRequester() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let stranger = Testbed.key(304).address
        let receipt = try bed.call(market.orders().match, from: stranger)
        guard case .hash(let dealid) = receipt.output else { Issue.record("no deal id"); return }
        #expect(bed.state.deal(dealid)?.sponsor == market.requester.address)
        #expect(bed.frozen(market.requester.address) == 15 && bed.frozen(stranger) == 0)
        #expect(!receipt.logs.contains { if case .dealSponsored = $0.event { true } else { false } })
    }

    /// Every restriction set to exactly its counterparty lets the match through.
    @Test func restrictionsNamingTheCounterpartyPass() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders()
        let requester = market.requester.address
        orders.app.datasetrestrict = market.dataset
        orders.app.workerpoolrestrict = market.workerpool
        orders.app.requesterrestrict = requester
        orders.dataset.apprestrict = market.app
        orders.dataset.workerpoolrestrict = market.workerpool
        orders.dataset.requesterrestrict = requester
        orders.workerpool.apprestrict = market.app
        orders.workerpool.datasetrestrict = market.dataset
        orders.workerpool.requesterrestrict = requester
        market.sign(&orders)
        try market.match(&bed, orders)
        // And a request that names no workerpool takes any.
        orders.request.workerpool = .zero
        let salt = Keccak256.hash("any workerpool")
        (orders.app.salt, orders.dataset.salt, orders.workerpool.salt, orders.request.salt) = (salt, salt, salt, salt)
        market.sign(&orders)
        try market.match(&bed, orders)
    }

    /// A TEE deal: the app asks for TEE, and the deal's tag carries every side's bits.
    @Test func theTagIsTheUnionOfTheOrdersTags() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders(MarketTerms(tag: Self.teeAndGpu))
        orders.app.tag = MatchBreak.teeBit
        orders.request.tag = MatchBreak.gpuBit
        // Scone (bit 1) on the dataset is masked; its bit 4 is kept and the pool must offer it.
        orders.dataset.tag = try Hash32(hex: "0x" + String(repeating: "0", count: 62) + "12")
        orders.workerpool.tag = try Hash32(hex: "0x" + String(repeating: "0", count: 61) + "1ff")
        market.sign(&orders)
        let dealid = try market.match(&bed, orders).dealid
        #expect(bed.state.deal(dealid)?.tag.hex == "0x" + String(repeating: "0", count: 61) + "111")
    }
}
