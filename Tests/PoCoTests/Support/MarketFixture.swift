import Ethereum
import Testing

@testable import PoCo

/// The terms of a deal, from which `MarketFixture.orders(_:)` builds four consistent orders: every
/// order offers or asks `volume`, the request's max prices equal the prices, the workerpool offers
/// exactly the request's category, trust and tag.
struct MarketTerms: Hashable, Sendable {
    var appPrice: UInt256 = 3
    var datasetPrice: UInt256 = 2
    var workerpoolPrice: UInt256 = 10
    var volume: UInt256 = 1
    var trust: UInt256 = 1
    var category: UInt256 = 0
    /// Set on the app, request and workerpool orders (the deal's tag); the dataset order's is zero.
    var tag: Hash32 = .zero
    /// False: the request has no dataset and the dataset order is all zero, as iexec-sdk sends it.
    var withDataset = true
    var params = "{\"iexec_args\":\"1\"}"
    var callback: Address = .zero
    /// Nil: the requester.
    var beneficiary: Address? = nil
    /// Makes otherwise equal orders distinct (all four orders get it).
    var salt: Hash32 = .zero
}

/// The four orders of one match.
struct MarketOrders: Hashable, Sendable {
    var app: AppOrder
    var dataset: DatasetOrder
    var workerpool: WorkerpoolOrder
    var request: RequestOrder

    /// `matchOrders` with these orders.
    var match: PoCoCall { .matching(.matchOrders(app, dataset, workerpool, request)) }
    /// `sponsorMatchOrders` with these orders.
    var sponsorMatch: PoCoCall { .matching(.sponsorMatchOrders(app, dataset, workerpool, request)) }
}

/// A market on a `Testbed`: an app, a dataset and a workerpool registered to their own funded
/// owners, a funded requester, and builders of orders signed by the right keys. Several markets can
/// share one bed when built from different `firstActor` numbers.
struct MarketFixture {
    let appOwner: PrivateKey
    let datasetOwner: PrivateKey
    /// The workerpool's owner, who runs its scheduler.
    let workerpoolOwner: PrivateKey
    let requester: PrivateKey
    let app: Address
    let dataset: Address
    let workerpool: Address
    let domain: PoCoDomain

    /// Registers the three assets and deposits `funding` nRLC for each owner and the requester;
    /// actors are `Testbed.key(firstActor…firstActor+3)`. Policies other than the defaults are set
    /// through `changePolicy`.
    init(_ bed: inout Testbed, firstActor: Int = 200, funding: UInt64 = 1_000_000,
         workerStakeRatio: UInt256? = nil, schedulerRewardRatio: UInt256? = nil) throws(PoCoError) {
        appOwner = Testbed.key(firstActor)
        datasetOwner = Testbed.key(firstActor + 1)
        workerpoolOwner = Testbed.key(firstActor + 2)
        requester = Testbed.key(firstActor + 3)
        domain = bed.domain
        app = try Self.created(bed.call(.registry(.createApp(
            owner: appOwner.address, name: "app-\(firstActor)", type: "WASM", multiaddr: Array("/wasm/app".utf8),
            checksum: Keccak256.hash("app-\(firstActor)"), mrenclave: [])), from: appOwner.address))
        dataset = try Self.created(bed.call(.registry(.createDataset(
            owner: datasetOwner.address, name: "dataset-\(firstActor)", multiaddr: Array("/data/set".utf8),
            checksum: Keccak256.hash("dataset-\(firstActor)"))), from: datasetOwner.address))
        workerpool = try Self.created(bed.call(.registry(.createWorkerpool(
            owner: workerpoolOwner.address, description: "pool-\(firstActor)")), from: workerpoolOwner.address))
        if workerStakeRatio != nil || schedulerRewardRatio != nil {
            try bed.call(.registry(.changePolicy(
                workerpool: workerpool,
                workerStakeRatio: workerStakeRatio ?? PoCoConstants.defaultWorkerStakeRatioPolicy,
                schedulerRewardRatio: schedulerRewardRatio ?? PoCoConstants.defaultSchedulerRewardRatioPolicy)),
                         from: workerpoolOwner.address)
        }
        for actor in [appOwner, datasetOwner, workerpoolOwner, requester] where funding > 0 {
            try bed.fund(actor.address, funding)
        }
    }

    private static func created(_ receipt: CallReceipt) -> Address {
        guard case .address(let address) = receipt.output else {
            Issue.record("a registry creation returned \(receipt.output), not an address")
            return .zero
        }
        return address
    }

    // MARK: Orders

    /// Four orders agreeing on `terms`, each signed by its owner (EIP-712, 65 bytes).
    func orders(_ terms: MarketTerms = MarketTerms()) -> MarketOrders {
        var orders = unsignedOrders(terms)
        sign(&orders)
        return orders
    }

    /// The same orders with every `sign` empty (to presign, or to test the signature checks).
    func unsignedOrders(_ terms: MarketTerms = MarketTerms()) -> MarketOrders {
        let dataset = terms.withDataset ? self.dataset : .zero
        return MarketOrders(
            app: AppOrder(app: app, appprice: terms.appPrice, volume: terms.volume, tag: terms.tag,
                          datasetrestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                          salt: terms.salt),
            dataset: terms.withDataset
                ? DatasetOrder(dataset: dataset, datasetprice: terms.datasetPrice, volume: terms.volume, tag: .zero,
                               apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                               salt: terms.salt)
                : Self.noDatasetOrder,
            workerpool: WorkerpoolOrder(workerpool: workerpool, workerpoolprice: terms.workerpoolPrice,
                                        volume: terms.volume, tag: terms.tag, category: terms.category,
                                        trust: terms.trust, apprestrict: .zero, datasetrestrict: .zero,
                                        requesterrestrict: .zero, salt: terms.salt),
            request: RequestOrder(app: app, appmaxprice: terms.appPrice, dataset: dataset,
                                  datasetmaxprice: terms.withDataset ? terms.datasetPrice : .zero,
                                  workerpool: workerpool, workerpoolmaxprice: terms.workerpoolPrice,
                                  requester: requester.address, volume: terms.volume, tag: terms.tag,
                                  category: terms.category, trust: terms.trust,
                                  beneficiary: terms.beneficiary ?? requester.address,
                                  callback: terms.callback, params: terms.params, salt: terms.salt))
    }

    /// iexec-sdk's NULL_DATASETORDER: what a request without a dataset is matched with.
    static let noDatasetOrder = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero,
                                             apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                                             salt: .zero)

    /// Re-signs every order by its owner (after a test changed a field); the all-zero dataset
    /// order stays unsigned.
    func sign(_ orders: inout MarketOrders) {
        orders.app = orders.app.signed(with: appOwner, in: domain)
        if orders.dataset.dataset != .zero { orders.dataset = orders.dataset.signed(with: datasetOwner, in: domain) }
        orders.workerpool = orders.workerpool.signed(with: workerpoolOwner, in: domain)
        orders.request = orders.request.signed(with: requester, in: domain)
    }

    /// The owner of `kind`'s asset in this market (the requester for requests).
    func owner(of kind: OrderKind) -> PrivateKey {
        switch kind {
        case .app: return appOwner
        case .dataset: return datasetOwner
        case .workerpool: return workerpoolOwner
        case .request: return requester
        }
    }

    // MARK: Matching

    /// Matches `orders` (by the requester, or sponsored by `sponsor`) and returns the deal id and the
    /// receipt.
    @discardableResult
    func match(_ bed: inout Testbed, _ orders: MarketOrders, sponsor: Address? = nil,
               sourceLocation: SourceLocation = #_sourceLocation) throws(PoCoError) -> (dealid: Hash32, receipt: CallReceipt) {
        let receipt = try bed.call(sponsor == nil ? orders.match : orders.sponsorMatch,
                                   from: sponsor ?? requester.address, sourceLocation: sourceLocation)
        guard case .hash(let dealid) = receipt.output else {
            Issue.record("matchOrders returned \(receipt.output), not a deal id", sourceLocation: sourceLocation)
            return (.zero, receipt)
        }
        return (dealid, receipt)
    }

    /// Builds orders from `terms` and matches them: the one-line deal for lifecycle tests.
    @discardableResult
    func deal(_ bed: inout Testbed, _ terms: MarketTerms = MarketTerms(), sponsor: Address? = nil,
              sourceLocation: SourceLocation = #_sourceLocation) throws(PoCoError) -> Hash32 {
        try match(&bed, orders(terms), sponsor: sponsor, sourceLocation: sourceLocation).dealid
    }
}
