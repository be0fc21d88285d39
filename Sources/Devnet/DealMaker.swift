import Client
import Ethereum
import Market
import PoCo

/// Buys computation the shortest way, for benchmarks and tests: the cheapest open app order
/// and workerpool order of the market, a request signed by the requester, `matchOrders`.
/// (The CLI's `iexec app run` does the same with every option a requester has.)
public struct DealMaker: Sendable {
    let chain: any PoCoChain
    let market: MarketClient
    let requester: PrivateKey

    /// A maker of deals on `chain` from `market`'s orders, paid by `requester`.
    public init(chain: any PoCoChain, market: MarketClient, requester: PrivateKey) {
        self.chain = chain
        self.market = market
        self.requester = requester
    }

    /// Matches a deal of `volume` tasks of `app` at `trust` with `params`; returns its id.
    public func deal(app: Address, volume: UInt64, trust: UInt64 = 0, params: DealParams = DealParams(),
                     category: UInt64 = 0, salt: String = "") async throws -> Hash32 {
        let appOrders = try await market.orders(OrderQuery(kind: .app, app: app, minVolume: UInt256(volume), pageSize: 1))
        guard case .app(let appOrder)? = appOrders.orders.first?.order else {
            throw DevnetError.startup("no open app order of \(app.checksummed) with \(volume) tasks left")
        }
        let poolOrders = try await market.orders(OrderQuery(kind: .workerpool, category: UInt256(category), minTrust: UInt256(trust),
                                                            minVolume: UInt256(volume), pageSize: 1))
        guard case .workerpool(let poolOrder)? = poolOrders.orders.first?.order else {
            throw DevnetError.startup("no open workerpool order in category \(category) with trust ≥ \(trust) and \(volume) tasks left")
        }
        let request = RequestOrder(
            app: app, appmaxprice: appOrder.appprice, dataset: .zero, datasetmaxprice: .zero, workerpool: poolOrder.workerpool,
            workerpoolmaxprice: poolOrder.workerpoolprice, requester: requester.address, volume: UInt256(volume), tag: .zero,
            category: UInt256(category), trust: UInt256(trust), beneficiary: requester.address, callback: .zero,
            params: params.json, salt: Keccak256.hash("deal \(salt) \(volume) \(trust)"))
            .signed(with: requester, in: chain.config.domain)
        let noDataset = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero, apprestrict: .zero,
                                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
        let receipt = try await chain.send(.matching(.matchOrders(appOrder, noDataset, poolOrder, request)), signer: requester)
        let noticeTopic = Keccak256.hash("SchedulerNotice(address,bytes32)")
        guard let notice = receipt.logs.first(where: { $0.topics.first == noticeTopic }) else {
            throw DevnetError.startup("matchOrders made no deal (transaction \(receipt.transactionHash.hex))")
        }
        return try Hash32(Array(notice.data.prefix(32)))
    }
}
