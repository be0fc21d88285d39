import Ethereum
import Testing

@testable import PoCo

/// One way to break a valid set of orders: a change to the orders, or an order signed by a key that
/// is not its owner's. Each breaks exactly one of matchOrders' checks.
struct MatchBreak: Sendable, CustomTestStringConvertible {
    let expected: MatchOrdersCheck
    /// The order to sign with a stranger's key instead of its owner's.
    var forged: OrderKind? = nil
    var change: @Sendable (inout MarketOrders, MarketFixture) -> Void = { _, _ in }

    var testDescription: String { expected.reason }

    static let stranger = Testbed.key(990)
    static let someone = Testbed.key(991).address
    static let unregisteredApp = Testbed.key(992).address
    static let unregisteredDataset = Testbed.key(993).address
    static let unregisteredWorkerpool = Testbed.key(994).address
    static let teeBit = try! Hash32(hex: "0x" + String(repeating: "0", count: 63) + "1")
    static let gpuBit = try! Hash32(hex: "0x" + String(repeating: "0", count: 61) + "100")

    /// Every order-level check, in iExec's order (poco-abi.md §5.1).
    static let all: [MatchBreak] = [
        MatchBreak(expected: .categoryMismatch) { o, _ in o.workerpool.category = 98 },
        MatchBreak(expected: .categoryUnknown) { o, _ in
            // 5 default categories: index 99 does not exist; both sides agree on it.
            o.request.category = 99
            o.workerpool.category = 99
        },
        MatchBreak(expected: .trustTooHigh) { o, _ in o.request.trust = o.workerpool.trust + 1 },
        MatchBreak(expected: .appPriceTooHigh) { o, _ in o.app.appprice = o.request.appmaxprice + 1 },
        MatchBreak(expected: .datasetPriceTooHigh) { o, _ in o.dataset.datasetprice = o.request.datasetmaxprice + 1 },
        MatchBreak(expected: .workerpoolPriceTooHigh) { o, _ in
            o.workerpool.workerpoolprice = o.request.workerpoolmaxprice + 1
        },
        // The request asks for a GPU the workerpool does not offer.
        MatchBreak(expected: .tagNotSupported) { o, _ in o.request.tag = Tag.union(o.request.tag, gpuBit) },
        // TEE asked by the request (and offered by the pool) but not by the app.
        MatchBreak(expected: .teeBitNotFromApp) { o, _ in
            o.request.tag = Tag.union(o.request.tag, teeBit)
            o.workerpool.tag = Tag.union(o.workerpool.tag, teeBit)
        },
        MatchBreak(expected: .appMismatch) { o, _ in o.request.app = someone },
        MatchBreak(expected: .datasetMismatch) { o, _ in o.request.dataset = someone },
        MatchBreak(expected: .workerpoolRestricted) { o, _ in o.request.workerpool = someone },
        MatchBreak(expected: .appOrderDatasetRestricted) { o, _ in o.app.datasetrestrict = someone },
        MatchBreak(expected: .appOrderWorkerpoolRestricted) { o, _ in o.app.workerpoolrestrict = someone },
        MatchBreak(expected: .appOrderRequesterRestricted) { o, _ in o.app.requesterrestrict = someone },
        MatchBreak(expected: .datasetOrderAppRestricted) { o, _ in o.dataset.apprestrict = someone },
        MatchBreak(expected: .datasetOrderWorkerpoolRestricted) { o, _ in o.dataset.workerpoolrestrict = someone },
        MatchBreak(expected: .datasetOrderRequesterRestricted) { o, _ in o.dataset.requesterrestrict = someone },
        MatchBreak(expected: .workerpoolOrderAppRestricted) { o, _ in o.workerpool.apprestrict = someone },
        MatchBreak(expected: .workerpoolOrderDatasetRestricted) { o, _ in o.workerpool.datasetrestrict = someone },
        MatchBreak(expected: .workerpoolOrderRequesterRestricted) { o, _ in o.workerpool.requesterrestrict = someone },
        MatchBreak(expected: .appNotRegistered) { o, _ in
            o.app.app = unregisteredApp
            o.request.app = unregisteredApp
        },
        MatchBreak(expected: .appOrderNotSigned, forged: .app),
        MatchBreak(expected: .datasetNotRegistered) { o, _ in
            o.dataset.dataset = unregisteredDataset
            o.request.dataset = unregisteredDataset
        },
        MatchBreak(expected: .datasetOrderNotSigned, forged: .dataset),
        MatchBreak(expected: .workerpoolNotRegistered) { o, _ in
            o.workerpool.workerpool = unregisteredWorkerpool
            o.request.workerpool = unregisteredWorkerpool
        },
        MatchBreak(expected: .workerpoolOrderNotSigned, forged: .workerpool),
        MatchBreak(expected: .requestOrderNotSigned, forged: .request),
        MatchBreak(expected: .noVolume) { o, _ in o.app.volume = 0 },
    ]

    /// Applies `breaks` to `orders`, then signs every order by its owner except the forged ones.
    static func apply(_ breaks: [MatchBreak], to orders: inout MarketOrders, in market: MarketFixture) {
        for item in breaks { item.change(&orders, market) }
        market.sign(&orders)
        for kind in breaks.compactMap(\.forged) {
            switch kind {
            case .app: orders.app = orders.app.signed(with: stranger, in: market.domain)
            case .dataset: orders.dataset = orders.dataset.signed(with: stranger, in: market.domain)
            case .workerpool: orders.workerpool = orders.workerpool.signed(with: stranger, in: market.domain)
            case .request: orders.request = orders.request.signed(with: stranger, in: market.domain)
            }
        }
    }
}

@Suite("matchOrders: every revert, each by its own condition, in iExec's order")
struct MatchOrdersRevertTests {
    @Test func everyCheckIsListed() {
        #expect(MatchBreak.all.map(\.expected) == MatchOrdersCheck.allCases)
        #expect(MatchOrdersCheck.allCases.map(\.reason).prefix(3)
                == ["iExecV5-matchOrders-0x00", "iExecV5-matchOrders-0x01", "iExecV5-matchOrders-0x02"])
        #expect(MatchOrdersCheck.workerpoolOrderRequesterRestricted.reason == "iExecV5-matchOrders-0x1b")
    }

    /// Valid orders with one condition broken revert with exactly that check, for matchOrders and
    /// sponsorMatchOrders alike, and change nothing (the testbed compares the state).
    @Test(arguments: MatchBreak.all)
    func oneBrokenCondition(_ item: MatchBreak) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders(MarketTerms(volume: 2, trust: 3))
        MatchBreak.apply([item], to: &orders, in: market)
        bed.expectRevert(.matchOrders(item.expected), orders.match, from: market.requester.address)
        bed.expectRevert(.matchOrders(item.expected), orders.sponsorMatch, from: MatchBreak.someone)
    }

    /// Breaking the conditions one more at a time from the last to the first, the error is always
    /// the earliest broken check: the checks run in iExec's order.
    @Test func checksRunInIExecOrder() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var applied: [MatchBreak] = []
        for item in MatchBreak.all.reversed() {
            applied.append(item)
            var orders = market.unsignedOrders(MarketTerms(volume: 2, trust: 3))
            MatchBreak.apply(applied, to: &orders, in: market)
            bed.expectRevert(.matchOrders(item.expected), orders.match, from: market.requester.address)
        }
    }

    /// The restriction checks read the dataset order even when the request has no dataset: an
    /// all-zero dataset order passes them, a restricted one does not.
    @Test func datasetOrderFieldsAreCheckedWithoutADataset() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders(MarketTerms(withDataset: false))
        orders.dataset.requesterrestrict = MatchBreak.someone
        bed.expectRevert(.matchOrders(.datasetOrderRequesterRestricted), orders.match, from: market.requester.address)
        orders.dataset = MarketFixture.noDatasetOrder
        orders.dataset.datasetprice = 1
        bed.expectRevert(.matchOrders(.datasetPriceTooHigh), orders.match, from: market.requester.address)
    }

    /// A dataset order's TEE-framework bits (1…3) are masked before the tag check, its other bits are not.
    @Test func datasetTeeFrameworkBitsAreIgnored() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders()
        orders.dataset.tag = try Hash32(hex: "0x" + String(repeating: "0", count: 63) + "e")
        market.sign(&orders)
        let (dealid, _) = try market.match(&bed, orders)
        #expect(bed.state.deal(dealid)?.tag == .zero)

        var gpu = market.unsignedOrders(MarketTerms(salt: Keccak256.hash("gpu")))
        gpu.dataset.tag = MatchBreak.gpuBit
        market.sign(&gpu)
        bed.expectRevert(.matchOrders(.tagNotSupported), gpu.match, from: market.requester.address)
    }

    @Test func aClosedOrderHasNoVolumeLeft() throws {
        for kind in OrderKind.allCases {
            var bed = Testbed()
            let market = try MarketFixture(&bed)
            let orders = market.orders()
            let owner = market.owner(of: kind).address
            let close: OrderManagementCall
            switch kind {
            case .app: close = .manageAppOrder(OrderOperation(order: orders.app, operation: .close))
            case .dataset: close = .manageDatasetOrder(OrderOperation(order: orders.dataset, operation: .close))
            case .workerpool: close = .manageWorkerpoolOrder(OrderOperation(order: orders.workerpool, operation: .close))
            case .request: close = .manageRequestOrder(OrderOperation(order: orders.request, operation: .close))
            }
            try bed.call(.orders(close), from: owner)
            bed.expectRevert(.matchOrders(.noVolume), orders.match, from: market.requester.address)
        }
    }

    @Test func aFullyConsumedOrderHasNoVolumeLeft() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.orders(MarketTerms(volume: 2))
        try market.match(&bed, orders)
        bed.expectRevert(.matchOrders(.noVolume), orders.match, from: market.requester.address)
    }

    /// Not presigned and `sign` neither 64 nor 65 bytes: `invalid-signature-format`, from whichever
    /// order's check meets it first.
    @Test func invalidSignatureFormat() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        for kind in OrderKind.allCases {
            for bad in [[], [UInt8](repeating: 1, count: 63), [UInt8](repeating: 1, count: 66)] {
                var orders = market.orders()
                switch kind {
                case .app: orders.app.sign = bad
                case .dataset: orders.dataset.sign = bad
                case .workerpool: orders.workerpool.sign = bad
                case .request: orders.request.sign = bad
                }
                bed.expectRevert(.invalidSignatureFormat, orders.match, from: market.requester.address)
            }
        }
        // An earlier failing check wins over a later malformed signature.
        var orders = market.orders()
        orders.request.sign = []
        orders.app = orders.app.signed(with: MatchBreak.stranger, in: market.domain)
        bed.expectRevert(.matchOrders(.appOrderNotSigned), orders.match, from: market.requester.address)
    }

    /// 65 bytes that recover no signer count as signed by the zero address (OpenZeppelin's
    /// tryRecover): not the owner, so "not signed".
    @Test func anUnrecoverableSignatureIsNotTheOwners() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders()
        orders.workerpool.sign = [UInt8](repeating: 0, count: 65)
        bed.expectRevert(.matchOrders(.workerpoolOrderNotSigned), orders.match, from: market.requester.address)
    }

    /// …which lets a zero requester "sign" with such bytes, and the lock then refuses the zero account.
    @Test func aZeroRequesterReachesTheEscrowsZeroAddressCheck() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders()
        orders.request.requester = .zero
        orders.request.sign = [UInt8](repeating: 0, count: 65)
        bed.expectRevert(.escrowZeroAddress, orders.match, from: market.requester.address)
    }

    @Test func theSponsorMustCoverTheDealPrice() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed, funding: 0)
        // (3 + 2 + 10) · 4 = 60 for the sponsor; 10 · 30 / 100 · 4 = 12 for the workerpool owner.
        let orders = market.orders(MarketTerms(volume: 4))
        try bed.fund(market.requester.address, 59)
        try bed.fund(market.workerpoolOwner.address, 1_000)
        bed.expectRevert(.insufficientBalance, orders.match, from: market.requester.address)
        let sponsor = Testbed.key(300).address
        try bed.fund(sponsor, 59)
        bed.expectRevert(.insufficientBalance, orders.sponsorMatch, from: sponsor)
        try bed.fund(market.requester.address, 1)
        try market.match(&bed, orders)
        #expect(bed.balance(market.requester.address) == 0 && bed.frozen(market.requester.address) == 60)
    }

    @Test func theWorkerpoolOwnerMustCoverTheSchedulerStake() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed, funding: 0)
        let orders = market.orders(MarketTerms(volume: 4))
        try bed.fund(market.requester.address, 60)
        try bed.fund(market.workerpoolOwner.address, 11)
        bed.expectRevert(.insufficientBalance, orders.match, from: market.requester.address)
        try bed.fund(market.workerpoolOwner.address, 1)
        try market.match(&bed, orders)
        #expect(bed.balance(market.workerpoolOwner.address) == 0 && bed.frozen(market.workerpoolOwner.address) == 12)
    }

    /// Prices · volume past 2^256 revert like Solidity's checked arithmetic (Panic 0x11).
    @Test func overflowingAmountsRevert() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let half = UInt256.one << 255
        var orders = market.orders(MarketTerms(appPrice: half, datasetPrice: 0, workerpoolPrice: 0, volume: 2))
        bed.expectRevert(.arithmeticOverflow, orders.match, from: market.requester.address)
        // A price sum past 2^256 with volume 1.
        orders = market.orders(MarketTerms(appPrice: half, datasetPrice: half, workerpoolPrice: 0))
        bed.expectRevert(.arithmeticOverflow, orders.match, from: market.requester.address)
    }
}
