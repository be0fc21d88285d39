import Ethereum

/// Matching an app, a dataset, a workerpool and a request order into a deal (iExec's
/// `IexecPoco1Facet`). Both return the new deal's id (`CallOutput.hash`).
public enum MatchingCall: Hashable, Sendable {
    /// The requester pays. A request without a dataset passes an all-zero dataset order.
    case matchOrders(AppOrder, DatasetOrder, WorkerpoolOrder, RequestOrder)
    /// The sender pays, and `DealSponsored(dealid, sender)` is logged after `OrdersMatched`.
    case sponsorMatchOrders(AppOrder, DatasetOrder, WorkerpoolOrder, RequestOrder)
}

/// What matchOrders learns while authenticating the orders: their hashes and the assets' owners.
/// The dataset's are zero when the request has no dataset.
struct MatchedOrders {
    var appHash: Hash32
    var appOwner: Address
    var datasetHash: Hash32 = .zero
    var datasetOwner: Address = .zero
    var workerpoolHash: Hash32
    /// The registered workerpool: its owner and its policies.
    var workerpool: Workerpool
    var requestHash: Hash32
    var hasDataset: Bool
}

extension PoCoEngine {
    mutating func execute(_ call: MatchingCall) throws(PoCoError) -> CallOutput {
        switch call {
        case .matchOrders(let app, let dataset, let workerpool, let request):
            return .hash(try matchOrders(app, dataset, workerpool, request, sponsor: request.requester))
        case .sponsorMatchOrders(let app, let dataset, let workerpool, let request):
            let sponsor = context.sender
            let dealid = try matchOrders(app, dataset, workerpool, request, sponsor: sponsor)
            emit(.dealSponsored(dealid: dealid, sponsor: sponsor))
            return .hash(dealid)
        }
    }

    /// iExec's `_matchOrders`: every check in iExec's order, then the deal, the consumed volumes,
    /// the two escrow locks and the logs.
    private mutating func matchOrders(_ apporder: AppOrder, _ datasetorder: DatasetOrder,
                                      _ workerpoolorder: WorkerpoolOrder, _ requestorder: RequestOrder,
                                      sponsor: Address) throws(PoCoError) -> Hash32 {
        let tag = try checkCompatibility(apporder, datasetorder, workerpoolorder, requestorder)
        let ids = try authenticate(apporder, datasetorder, workerpoolorder, requestorder)
        let volume = try dealVolume(app: apporder, appHash: ids.appHash, dataset: datasetorder, datasetHash: ids.datasetHash,
                                    workerpool: workerpoolorder, workerpoolHash: ids.workerpoolHash,
                                    request: requestorder, requestHash: ids.requestHash)
        guard !volume.isZero else { throw .matchOrders(.noVolume) }

        let botFirst = state.uint(.consumed(ids.requestHash))
        let dealid = PoCoIds.dealId(requestHash: ids.requestHash, consumed: botFirst)
        let pool = ids.workerpool
        let deal = Deal(
            app: Resource(pointer: apporder.app, owner: ids.appOwner, price: apporder.appprice),
            dataset: Resource(pointer: datasetorder.dataset, owner: ids.datasetOwner,
                              price: ids.hasDataset ? datasetorder.datasetprice : .zero),
            workerpool: Resource(pointer: workerpoolorder.workerpool, owner: pool.owner,
                                 price: workerpoolorder.workerpoolprice),
            trust: max(requestorder.trust, .one), category: requestorder.category, tag: tag,
            requester: requestorder.requester, beneficiary: requestorder.beneficiary,
            callback: requestorder.callback, params: requestorder.params, startTime: now,
            botFirst: botFirst, botSize: volume,
            workerStake: try workerpoolorder.workerpoolprice.times(pool.workerStakeRatioPolicy).over(100),
            schedulerRewardRatio: pool.schedulerRewardRatioPolicy, sponsor: sponsor)
        state.setDeal(dealid, deal)

        try consume(ids.appHash, volume)
        if ids.hasDataset { try consume(ids.datasetHash, volume) }
        try consume(ids.workerpoolHash, volume)
        try consume(ids.requestHash, volume)

        try lock(sponsor, try deal.taskPrice().times(volume))
        // Integer division before the multiplication by the volume, as iExec does.
        try lock(deal.workerpool.owner, try deal.schedulerStake().times(volume))

        emit(.schedulerNotice(workerpool: deal.workerpool.pointer, dealid: dealid))
        emit(.ordersMatched(dealid: dealid, appHash: ids.appHash, datasetHash: ids.datasetHash,
                            workerpoolHash: ids.workerpoolHash, requestHash: ids.requestHash, volume: volume))
        return dealid
    }

    /// Checks 0x00–0x1b: category, trust, prices, tag, and that every order accepts the others.
    /// Returns the deal's tag; throws the first check that fails.
    private func checkCompatibility(_ apporder: AppOrder, _ datasetorder: DatasetOrder,
                                    _ workerpoolorder: WorkerpoolOrder, _ requestorder: RequestOrder)
        throws(PoCoError) -> Hash32 {
        let (tag, failures) = compatibility(apporder, datasetorder, workerpoolorder, requestorder)
        if let first = failures.first { throw .matchOrders(first) }
        return tag
    }

    /// Every one of matchOrders' compatibility checks (0x00–0x1b: category, trust, prices, tag,
    /// and that every order accepts the others) that the four orders fail, in iExec's order;
    /// empty when they fit. The market uses it to explain why orders do not match; matchOrders
    /// reverts with the first.
    public func compatibilityFailures(_ apporder: AppOrder, _ datasetorder: DatasetOrder,
                                      _ workerpoolorder: WorkerpoolOrder, _ requestorder: RequestOrder)
        -> [MatchOrdersCheck] {
        compatibility(apporder, datasetorder, workerpoolorder, requestorder).failures
    }

    /// The deal's tag and the failed checks. The dataset order's fields are checked even when the
    /// request has no dataset, as iExec does (an all-zero dataset order passes them).
    private func compatibility(_ apporder: AppOrder, _ datasetorder: DatasetOrder,
                               _ workerpoolorder: WorkerpoolOrder, _ requestorder: RequestOrder)
        -> (tag: Hash32, failures: [MatchOrdersCheck]) {
        var failures: [MatchOrdersCheck] = []
        func require(_ condition: Bool, _ check: MatchOrdersCheck) {
            if !condition { failures.append(check) }
        }
        require(requestorder.category == workerpoolorder.category, .categoryMismatch)
        require(requestorder.category < state.uint(.categoryCount), .categoryUnknown)
        require(requestorder.trust <= workerpoolorder.trust, .trustTooHigh)
        require(requestorder.appmaxprice >= apporder.appprice, .appPriceTooHigh)
        require(requestorder.datasetmaxprice >= datasetorder.datasetprice, .datasetPriceTooHigh)
        require(requestorder.workerpoolmaxprice >= workerpoolorder.workerpoolprice, .workerpoolPriceTooHigh)

        let tag = Tag.union(apporder.tag, Tag.ignoringTeeFrameworks(datasetorder.tag), requestorder.tag)
        require(Tag.isSubset(tag, of: workerpoolorder.tag), .tagNotSupported)
        require(Tag.teeBit(tag) == Tag.teeBit(apporder.tag), .teeBitNotFromApp)

        require(requestorder.app == apporder.app, .appMismatch)
        require(requestorder.dataset == datasetorder.dataset, .datasetMismatch)
        require(authorizes(requestorder.workerpool, workerpoolorder.workerpool), .workerpoolRestricted)
        require(authorizes(apporder.datasetrestrict, datasetorder.dataset), .appOrderDatasetRestricted)
        require(authorizes(apporder.workerpoolrestrict, workerpoolorder.workerpool), .appOrderWorkerpoolRestricted)
        require(authorizes(apporder.requesterrestrict, requestorder.requester), .appOrderRequesterRestricted)
        require(authorizes(datasetorder.apprestrict, apporder.app), .datasetOrderAppRestricted)
        require(authorizes(datasetorder.workerpoolrestrict, workerpoolorder.workerpool),
                .datasetOrderWorkerpoolRestricted)
        require(authorizes(datasetorder.requesterrestrict, requestorder.requester), .datasetOrderRequesterRestricted)
        require(authorizes(workerpoolorder.apprestrict, apporder.app), .workerpoolOrderAppRestricted)
        require(authorizes(workerpoolorder.datasetrestrict, datasetorder.dataset), .workerpoolOrderDatasetRestricted)
        require(authorizes(workerpoolorder.requesterrestrict, requestorder.requester),
                .workerpoolOrderRequesterRestricted)
        return (tag, failures)
    }

    /// A restriction lets `account` through when it is zero or `account` itself. **Here:** no
    /// ERC-734 identity contracts, so no group membership.
    private func authorizes(_ restriction: Address, _ account: Address) -> Bool {
        restriction == .zero || restriction == account
    }

    /// Checks 0x20–0x50: each asset registered and each order presigned or signed by its owner (the
    /// request by its requester); the dataset only when the request has one. A signature of the
    /// wrong length reverts with `invalid-signature-format` from inside the check.
    private func authenticate(_ apporder: AppOrder, _ datasetorder: DatasetOrder,
                              _ workerpoolorder: WorkerpoolOrder, _ requestorder: RequestOrder)
        throws(PoCoError) -> MatchedOrders {
        let domain = config.domain
        // iExec asks the app contract for its owner before the registry; with no contract call to
        // revert here, an unregistered asset fails the registry check.
        let appHash = apporder.hash(in: domain)
        guard let appOwner = state.app(apporder.app)?.owner else { throw .matchOrders(.appNotRegistered) }
        guard try presignedOrSigned(identity: appOwner, hash: appHash, sign: apporder.sign) else {
            throw .matchOrders(.appOrderNotSigned)
        }

        var datasetHash = Hash32.zero
        var datasetOwner = Address.zero
        let hasDataset = datasetorder.dataset != .zero
        if hasDataset {
            datasetHash = datasetorder.hash(in: domain)
            guard let owner = state.dataset(datasetorder.dataset)?.owner else {
                throw .matchOrders(.datasetNotRegistered)
            }
            guard try presignedOrSigned(identity: owner, hash: datasetHash, sign: datasetorder.sign) else {
                throw .matchOrders(.datasetOrderNotSigned)
            }
            datasetOwner = owner
        }

        let workerpoolHash = workerpoolorder.hash(in: domain)
        guard let workerpool = state.workerpool(workerpoolorder.workerpool) else {
            throw .matchOrders(.workerpoolNotRegistered)
        }
        guard try presignedOrSigned(identity: workerpool.owner, hash: workerpoolHash, sign: workerpoolorder.sign) else {
            throw .matchOrders(.workerpoolOrderNotSigned)
        }

        let requestHash = requestorder.hash(in: domain)
        guard try presignedOrSigned(identity: requestorder.requester, hash: requestHash, sign: requestorder.sign) else {
            throw .matchOrders(.requestOrderNotSigned)
        }
        return MatchedOrders(appHash: appHash, appOwner: appOwner, datasetHash: datasetHash, datasetOwner: datasetOwner,
                             workerpoolHash: workerpoolHash, workerpool: workerpool,
                             requestHash: requestHash, hasDataset: hasDataset)
    }

    /// min over the orders of volume − consumed (the dataset's only when the request has one).
    private mutating func consume(_ orderHash: Hash32, _ volume: UInt256) throws(PoCoError) {
        state.setUInt(.consumed(orderHash), try state.uint(.consumed(orderHash)).plus(volume))
    }
}

/// Tag arithmetic on the bytes32 requirement bitmasks (bit 0 is the last byte's lowest bit).
public enum Tag {
    /// Bits 1…3 (Scone, Gramine, TDX): a dataset order's TEE-framework bits, which matching ignores
    /// since PoCo 6.2 so that SGX datasets run on TDX workerpools.
    public static let teeFrameworkBits: UInt8 = 0x0E

    /// The bitwise OR of `tags`.
    public static func union(_ tags: Hash32...) -> Hash32 {
        var bytes = [UInt8](repeating: 0, count: 32)
        for tag in tags {
            for index in 0..<32 { bytes[index] |= tag.bytes[index] }
        }
        return Self.hash(bytes)
    }

    /// `tag & ~0x0E`.
    public static func ignoringTeeFrameworks(_ tag: Hash32) -> Hash32 {
        var bytes = tag.bytes
        bytes[31] &= ~teeFrameworkBits
        return Self.hash(bytes)
    }

    /// `tag & ~required == 0`.
    public static func isSubset(_ tag: Hash32, of required: Hash32) -> Bool {
        zip(tag.bytes, required.bytes).allSatisfy { $0 & ~$1 == 0 }
    }

    /// Bit 0: the task runs in a TEE.
    public static func teeBit(_ tag: Hash32) -> UInt8 { tag.bytes[31] & PoCoConstants.teeTagBit }

    /// 32 bytes built here always make a Hash32.
    private static func hash(_ bytes: [UInt8]) -> Hash32 {
        (try? Hash32(bytes)) ?? .zero
    }
}
