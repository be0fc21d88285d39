import Client
import Ethereum
import Market
import PoCo

/// The cheapest open orders a request can be matched with, fetched from the market as iexec-sdk's
/// `app run` does: an app order, a dataset order when the request names a dataset, and a
/// workerpool order of the request's category with enough trust and tag bits. When one is
/// missing, the error says which and why (the open orders there are, and what they lack).
struct MarketOffers {
    /// The cheapest open app order of the request's app.
    var app: AppOrder
    /// The cheapest open dataset order of its dataset; nil when it names none.
    var dataset: DatasetOrder?
    /// The cheapest open workerpool order that fits its category, trust and tag.
    var workerpool: WorkerpoolOrder

    /// app + dataset + workerpool prices: what one task costs.
    var taskPrice: UInt256 {
        let (partial, _) = app.appprice.addingReportingOverflow(dataset?.datasetprice ?? .zero)
        let (total, overflow) = partial.addingReportingOverflow(workerpool.workerpoolprice)
        return overflow ? .max : total
    }

    /// The best open orders for `request` (its prices are not looked at: the request is not signed yet).
    static func fetch(for request: RequestOrder, market: MarketClient, appMaxPrice: UInt256? = nil,
                      datasetMaxPrice: UInt256? = nil, workerpoolMaxPrice: UInt256? = nil) async throws -> MarketOffers {
        let apps = try await list(market, OrderQuery(kind: .app, app: request.app, minVolume: .one)).compactMap { listed -> AppOrder? in
            if case .app(let order) = listed.order { return order } else { return nil }
        }
        guard let app = apps.first(where: { order in appMaxPrice.map { order.appprice <= $0 } ?? true }) else {
            throw CLIError(apps.isEmpty
                ? "no open app order for app \(request.app.checksummed): its owner must publish one (`iexec app publish`) before it can run"
                : "the \(apps.count) open app order(s) of \(request.app.checksummed) ask at least \(Amount.describe(apps[0].appprice)), above --app-max-price")
        }
        var dataset: DatasetOrder?
        if request.dataset != .zero {
            let datasets = try await list(market, OrderQuery(kind: .dataset, dataset: request.dataset, minVolume: .one))
                .compactMap { listed -> DatasetOrder? in
                    if case .dataset(let order) = listed.order { return order } else { return nil }
                }
            guard let found = datasets.first(where: { order in datasetMaxPrice.map { order.datasetprice <= $0 } ?? true }) else {
                throw CLIError(datasets.isEmpty
                    ? "no open dataset order for dataset \(request.dataset.checksummed): its owner must publish one (`iexec dataset publish`)"
                    : "the open dataset order(s) of \(request.dataset.checksummed) ask at least \(Amount.describe(datasets[0].datasetprice)), above --dataset-max-price")
            }
            dataset = found
        }
        let neededTag = Tag.union(request.tag, app.tag)
        let poolFilter = request.workerpool == .zero ? nil : request.workerpool
        let pools = try await list(market, OrderQuery(kind: .workerpool, workerpool: poolFilter, category: request.category,
                                                      minTag: neededTag, minTrust: request.trust, minVolume: .one))
            .compactMap { listed -> WorkerpoolOrder? in
                if case .workerpool(let order) = listed.order { return order } else { return nil }
            }
        guard let workerpool = pools.first(where: { order in workerpoolMaxPrice.map { order.workerpoolprice <= $0 } ?? true }) else {
            if let cheapest = pools.first {
                throw CLIError("the fitting workerpool orders ask at least \(Amount.describe(cheapest.workerpoolprice)), above --workerpool-max-price")
            }
            throw CLIError(try await missingWorkerpool(request: request, tag: neededTag, market: market))
        }
        return MarketOffers(app: app, dataset: dataset, workerpool: workerpool)
    }

    /// Why no workerpool order fits: what was asked, and what the open orders offer.
    static func missingWorkerpool(request: RequestOrder, tag: Hash32, market: MarketClient) async throws -> String {
        let which = request.workerpool == .zero ? "" : " of workerpool \(request.workerpool.checksummed)"
        var wanted = "no open workerpool order\(which) in category \(request.category) with trust ≥ \(request.trust)"
        if tag != .zero { wanted += " and tag \(tag.hex)" }
        let all = try await list(market, OrderQuery(kind: .workerpool, workerpool: request.workerpool == .zero ? nil : request.workerpool,
                                                    minVolume: .one))
            .compactMap { listed -> WorkerpoolOrder? in
                if case .workerpool(let order) = listed.order { return order } else { return nil }
            }
        guard !all.isEmpty else { return wanted + ": no workerpool order is open at all; a workerpool's scheduler must publish one" }
        var offered: [String] = []
        for order in all {
            let terms = "category \(order.category), trust \(order.trust), tag \(order.tag == .zero ? "none" : order.tag.hex)"
            if !offered.contains(terms) { offered.append(terms) }
        }
        return wanted + "; the open ones offer: " + offered.prefix(5).joined(separator: "; ") + (offered.count > 5 ? "; …" : "")
            + ". Change --category, --trust or --tag"
    }

    /// Why the market did not match the signed request: its reasons, then each candidate's failed checks.
    static func explain(candidates: [MatchCandidate], reasons: [String]) -> String {
        var lines = ["the market found no orders to match the request: " + (reasons.isEmpty ? "see below" : reasons.joined(separator: "; "))]
        for candidate in candidates where !candidate.failed.isEmpty {
            let checks = candidate.failed.map { "\($0.category.rawValue): \($0.detail)" }.joined(separator: "; ")
            lines.append("  \(candidate.kind.rawValue) order \(candidate.orderHash.hex): \(checks)")
        }
        return lines.joined(separator: "\n")
    }

    /// The first page of open orders `query` selects, best price first.
    static func list(_ market: MarketClient, _ query: OrderQuery) async throws -> [ListedOrder] {
        var query = query
        query.pageSize = 100
        do { return try await market.orders(query).orders } catch {
            throw CLIError("the market at \(market.baseURL) did not list the \(query.kind.rawValue) orders: \(error)")
        }
    }
}
