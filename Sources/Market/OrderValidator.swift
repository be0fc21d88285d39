import Ethereum
import PoCo

/// Decides whether a signed order may be published, from the chain's state alone: the rules of
/// the "publish" refusals. Pure: the same snapshot, order and counts give the same answer.
///
/// An order closed on chain (`manageXOrder` CLOSE) has `consumed = volume`, exactly like an order
/// filled by deals, so the state cannot tell them apart: the validator answers `noVolumeLeft` for
/// both, and `MarketService` turns it into `canceled` when the chain's logs hold the order's
/// `ClosedXOrder` event.
public struct OrderValidator: Sendable {
    /// The chain's config: orders are hashed in `config.domain`.
    public var config: PoCoConfig
    /// The per-address cap.
    public var policy: MarketPolicy

    /// A validator for orders of the chain `config` under `policy`.
    public init(config: PoCoConfig, policy: MarketPolicy) {
        self.config = config
        self.policy = policy
    }

    /// Checks `order` against `snapshot` and returns the book entry to insert (OPEN, its
    /// remaining volume, `sequence`, published at the snapshot's timestamp).
    ///
    /// Checks, in order: the assets it names are registered; it is presigned on chain by the
    /// asset's owner (the requester for a request) or carries that account's signature; volume is
    /// left; the requester can pay the remaining volume at its maximum prices, or the workerpool
    /// owner can stake one task; the signer is under the cap of open orders.
    ///
    /// - Parameter activeOrderCount: how many OPEN or DEAD orders an address has in the book.
    /// - Throws: the `MarketError` naming the first rule the order breaks.
    public func validate(_ order: AnyPoCoOrder, snapshot: ChainSnapshot, sequence: UInt64,
                         activeOrderCount: (Address) throws(MarketError) -> Int) throws(MarketError) -> MarketOrder {
        let state = snapshot.state
        let owner = try requiredSigner(of: order, in: state)
        let orderHash = order.hash(in: config.domain)
        try checkSignature(order, hash: orderHash, owner: owner, state: state)
        let remaining = try remainingVolume(order, hash: orderHash, state: state)
        if let shortfall = try Self.fundingShortfall(of: order, remaining: remaining, state: state) {
            throw shortfall
        }
        guard try activeOrderCount(owner) < policy.maxOpenOrdersPerAddress else {
            throw .tooManyOpenOrders(signer: owner, limit: policy.maxOpenOrdersPerAddress)
        }
        return MarketOrder(order: order, orderHash: orderHash, signer: owner, status: .open, remaining: remaining,
                           sequence: sequence, publishedAt: snapshot.timestamp)
    }

    /// Who must sign `order`: the owner of its app, dataset or workerpool, or the requester. A
    /// request's app (and its dataset and workerpool, when named) must be registered too: it
    /// could never be matched otherwise.
    func requiredSigner(of order: AnyPoCoOrder, in state: PoCoState) throws(MarketError) -> Address {
        switch order {
        case .app(let order): return try Self.owner(.app, order.app, in: state)
        case .dataset(let order): return try Self.owner(.dataset, order.dataset, in: state)
        case .workerpool(let order): return try Self.owner(.workerpool, order.workerpool, in: state)
        case .request(let order):
            _ = try Self.owner(.app, order.app, in: state)
            if order.dataset != .zero { _ = try Self.owner(.dataset, order.dataset, in: state) }
            if order.workerpool != .zero { _ = try Self.owner(.workerpool, order.workerpool, in: state) }
            return order.requester
        }
    }

    /// The registered owner of an asset.
    static func owner(_ kind: AssetKind, _ address: Address, in state: PoCoState) throws(MarketError) -> Address {
        let owner: Address?
        switch kind {
        case .app: owner = state.app(address)?.owner
        case .dataset: owner = state.dataset(address)?.owner
        case .workerpool: owner = state.workerpool(address)?.owner
        }
        guard let owner else { throw .unregisteredAsset(kind: kind, address: address) }
        return owner
    }

    /// Accepts what matchOrders accepts: a presignature by `owner` (`viewPresigned`), else a
    /// signature that recovers to `owner`.
    private func checkSignature(_ order: AnyPoCoOrder, hash: Hash32, owner: Address,
                                state: PoCoState) throws(MarketError) {
        let engine = PoCoEngine(config: config, state: state)
        if engine.verifyPresignature(identity: owner, hash: hash) { return }
        let signer: Address
        do throws(OrderSignatureError) {
            signer = try order.signer(in: config.domain)
        } catch .unsigned {
            throw .badSignature("the order has no sign and \(owner.checksummed) has not presigned it on chain")
        } catch {
            throw .badSignature(error.description)
        }
        guard signer == owner else { throw .signerNotOwner(kind: order.kind, signer: signer, owner: owner) }
    }

    /// `volume − consumed`; a volume of 0, or one the chain has wholly consumed, is refused.
    private func remainingVolume(_ order: AnyPoCoOrder, hash: Hash32, state: PoCoState) throws(MarketError) -> UInt256 {
        let volume = order.order.volume
        let consumed = state.uint(.consumed(hash))
        guard consumed < volume else { throw .noVolumeLeft(hash) }
        return volume - consumed
    }

    // MARK: Funding (shared with the status tracker's DEAD rule)

    /// What a requester must hold for `remaining` tasks of `request` at its maximum prices:
    /// (appmaxprice + datasetmaxprice + workerpoolmaxprice) × remaining. The dataset's price
    /// counts only when the request names a dataset: matchOrders charges none otherwise.
    ///
    /// - Throws: `invalidOrder` when the cost does not fit in 256 bits (no balance could pay it).
    public static func requesterCost(of request: RequestOrder, remaining: UInt256) throws(MarketError) -> UInt256 {
        do throws(UInt256.ArithmeticError) {
            let datasetPrice = request.dataset == .zero ? UInt256.zero : request.datasetmaxprice
            let taskPrice = try request.appmaxprice.adding(datasetPrice).adding(request.workerpoolmaxprice)
            return try taskPrice.multiplied(by: remaining)
        } catch {
            throw .invalidOrder("the remaining volume's cost at the order's maximum prices overflows uint256")
        }
    }

    /// The scheduler stake of one task of `workerpool`: workerpoolprice × 30 / 100, as matchOrders
    /// locks it.
    ///
    /// - Throws: `invalidOrder` when the price is too large to compute it in 256 bits.
    public static func schedulerStake(of workerpool: WorkerpoolOrder) throws(MarketError) -> UInt256 {
        do throws(UInt256.ArithmeticError) {
            let scaled = try workerpool.workerpoolprice.multiplied(by: UInt256(PoCoConstants.workerpoolStakeRatio))
            return scaled.quotientAndRemainder(dividingBy: 100).quotient
        } catch {
            throw .invalidOrder("workerpoolprice × \(PoCoConstants.workerpoolStakeRatio) overflows uint256")
        }
    }

    /// Why the signer of `order` cannot pay for it now, or nil when they can (or the order costs
    /// its signer nothing: app and dataset orders). A request needs `requesterCost` in the
    /// requester's free balance; a workerpool order needs one task's `schedulerStake` in its
    /// owner's. The status tracker marks an order DEAD while this is not nil.
    public static func fundingShortfall(of order: AnyPoCoOrder, remaining: UInt256,
                                        state: PoCoState) throws(MarketError) -> MarketError? {
        switch order {
        case .app, .dataset:
            return nil
        case .request(let request):
            let needed = try requesterCost(of: request, remaining: remaining)
            let available = state.account(request.requester).balance
            return available < needed
                ? .insufficientFunds(account: request.requester, needed: needed, available: available) : nil
        case .workerpool(let workerpool):
            let poolOwner = try Self.owner(.workerpool, workerpool.workerpool, in: state)
            let needed = try schedulerStake(of: workerpool)
            let available = state.account(poolOwner).balance
            return available < needed
                ? .insufficientStake(account: poolOwner, needed: needed, available: available) : nil
        }
    }
}
