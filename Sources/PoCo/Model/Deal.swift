import Ethereum

/// One side of a deal: the asset, its owner at match time, and the price per task.
public struct Resource: Hashable, Sendable {
    public var pointer: Address
    public var owner: Address
    public var price: UInt256

    public init(pointer: Address = .zero, owner: Address = .zero, price: UInt256 = .zero) {
        self.pointer = pointer
        self.owner = owner
        self.price = price
    }
}

/// A deal: the result of `matchOrders`, for `botSize` tasks numbered from `botFirst`.
/// Field order is iExec's `IexecLibCore_v5.Deal` (the ABI tuple of `viewDeal`).
public struct Deal: Hashable, Sendable {
    public var app: Resource
    public var dataset: Resource
    public var workerpool: Resource
    /// max(request.trust, 1)
    public var trust: UInt256
    public var category: UInt256
    public var tag: Hash32
    public var requester: Address
    public var beneficiary: Address
    public var callback: Address
    public var params: String
    /// Block time of the match.
    public var startTime: UInt256
    /// The request order's consumed volume before the match: the first task index.
    public var botFirst: UInt256
    /// The deal's volume: its number of tasks.
    public var botSize: UInt256
    /// workerpool price · workerStakeRatioPolicy / 100
    public var workerStake: UInt256
    public var schedulerRewardRatio: UInt256
    /// Who pays: the requester, or the sender of `sponsorMatchOrders`.
    public var sponsor: Address

    public init(app: Resource, dataset: Resource, workerpool: Resource, trust: UInt256, category: UInt256, tag: Hash32,
                requester: Address, beneficiary: Address, callback: Address, params: String, startTime: UInt256,
                botFirst: UInt256, botSize: UInt256, workerStake: UInt256, schedulerRewardRatio: UInt256,
                sponsor: Address) {
        self.app = app
        self.dataset = dataset
        self.workerpool = workerpool
        self.trust = trust
        self.category = category
        self.tag = tag
        self.requester = requester
        self.beneficiary = beneficiary
        self.callback = callback
        self.params = params
        self.startTime = startTime
        self.botFirst = botFirst
        self.botSize = botSize
        self.workerStake = workerStake
        self.schedulerRewardRatio = schedulerRewardRatio
        self.sponsor = sponsor
    }

    /// What the sponsor pays per task: app + dataset + workerpool prices (checked, as Solidity).
    public func taskPrice() throws(PoCoError) -> UInt256 {
        try app.price.plus(dataset.price).plus(workerpool.price)
    }

    /// The scheduler's stake per task: workerpool price · 30 / 100 (checked, integer division).
    public func schedulerStake() throws(PoCoError) -> UInt256 {
        try workerpool.price.times(UInt256(PoCoConstants.workerpoolStakeRatio)).over(100)
    }
}
