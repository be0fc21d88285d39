import Ethereum
import PoCo

/// Finds, for a signed request order, the best compatible OPEN app, dataset and workerpool orders
/// of the book, checked against the chain's state as `matchOrders` would check them; or explains,
/// candidate by candidate, why none fits.
///
/// Candidates: the `candidateLimit` best-priced OPEN orders for the request's app, for its dataset
/// (when it names one) and of workerpools (the request's, or all). Each is first checked against
/// the request alone (its own price, category, trust, tag, restrictions, remaining volume on
/// chain, signature and, for a workerpool, its owner's stake); combinations of those that pass
/// are then tried cheapest first (total task price, then oldest), with matchOrders' own
/// `compatibilityFailures`, the deal's volume, what the requester and the workerpool owner must
/// lock for it, and finally a simulation of the call on the snapshot. The locks are checked for
/// the deal's whole volume, as matchOrders takes them, not for one task: orders advised on one
/// task's funds would revert when the volume is larger.
///
/// Only the `candidateLimit` best-priced orders of each kind are looked at: a fitting order
/// priced beyond them is not found (the book is best price first, so it is the dearest).
public struct MatchAdvisor: Sendable {
    /// The chain's config (the domain orders are hashed in).
    public var config: PoCoConfig
    /// How many orders of each kind are considered.
    public var candidateLimit: Int

    /// An advisor; `candidateLimit` is clamped to 1…`OrderQuery.maxPageSize`.
    public init(config: PoCoConfig, candidateLimit: Int = 50) {
        self.config = config
        self.candidateLimit = min(max(1, candidateLimit), OrderQuery.maxPageSize)
    }

    /// An order of the book with what the checks against the request alone found.
    private struct Candidate<Order: PoCoOrder> {
        var entry: MarketOrder
        var order: Order
        var failed: [MatchFailure]
    }

    /// Advice for `request` from `book`, against `snapshot`.
    public func advise(_ request: RequestOrder, book: any OrderBook,
                       snapshot: ChainSnapshot) throws(MarketError) -> MatchAdvice {
        var engine = PoCoEngine(config: config, state: snapshot.state)
        var reasons = requestProblems(request, engine: engine)
        let hasDataset = request.dataset != .zero
        let ideal = idealPartners(for: request)

        var apps: [Candidate<AppOrder>] = try entries(book, OrderQuery(kind: .app, app: request.app)) { entry in
            guard case .app(let order) = entry.order else { return nil }
            return Candidate(entry: entry, order: order, failed: ownFailures(
                order, hash: entry.orderHash, owner: snapshot.state.app(order.app)?.owner, engine: engine,
                checks: [.appPriceTooHigh, .teeBitNotFromApp, .appMismatch, .appOrderRequesterRestricted],
                compatibility: engine.compatibilityFailures(order, ideal.dataset, ideal.workerpool, request),
                app: order, dataset: ideal.dataset, workerpool: ideal.workerpool, request: request))
        }
        var datasets: [Candidate<DatasetOrder>] = []
        if hasDataset {
            datasets = try entries(book, OrderQuery(kind: .dataset, dataset: request.dataset)) { entry in
                guard case .dataset(let order) = entry.order else { return nil }
                return Candidate(entry: entry, order: order, failed: ownFailures(
                    order, hash: entry.orderHash, owner: snapshot.state.dataset(order.dataset)?.owner, engine: engine,
                    checks: [.datasetPriceTooHigh, .datasetMismatch, .datasetOrderRequesterRestricted],
                    compatibility: engine.compatibilityFailures(ideal.app, order, ideal.workerpool, request),
                    app: ideal.app, dataset: order, workerpool: ideal.workerpool, request: request))
            }
        }
        let poolFilter = request.workerpool == .zero ? nil : request.workerpool
        var pools: [Candidate<WorkerpoolOrder>] = try entries(book, OrderQuery(kind: .workerpool, workerpool: poolFilter)) {
            entry in
            guard case .workerpool(let order) = entry.order else { return nil }
            var failed = ownFailures(
                order, hash: entry.orderHash, owner: snapshot.state.workerpool(order.workerpool)?.owner, engine: engine,
                checks: [.categoryMismatch, .categoryUnknown, .trustTooHigh, .workerpoolPriceTooHigh, .tagNotSupported,
                         .workerpoolRestricted, .workerpoolOrderRequesterRestricted],
                compatibility: engine.compatibilityFailures(ideal.app, ideal.dataset, order, request),
                app: ideal.app, dataset: ideal.dataset, workerpool: order, request: request)
            if let shortfall = try? OrderValidator.fundingShortfall(of: entry.order, remaining: 1, state: snapshot.state) {
                failed.append(MatchFailure(category: .funds, reason: "schedulerStake", detail: shortfall.description))
            }
            return Candidate(entry: entry, order: order, failed: failed)
        }

        reasons += emptyBookReasons(request, apps: apps.count, datasets: datasets.count, pools: pools.count)
        let usableApps = apps.indices.filter { apps[$0].failed.isEmpty }
        let usableDatasets = hasDataset ? datasets.indices.filter { datasets[$0].failed.isEmpty } : [-1]
        let usablePools = pools.indices.filter { pools[$0].failed.isEmpty }

        // Every combination of usable candidates, cheapest task first, then oldest orders.
        var combinations: [(app: Int, dataset: Int, pool: Int, price: UInt256)] = []
        for a in usableApps {
            for d in usableDatasets {
                for p in usablePools {
                    let datasetPrice = d < 0 ? UInt256.zero : datasets[d].order.datasetprice
                    let (partial, overflowA) = apps[a].order.appprice.addingReportingOverflow(datasetPrice)
                    let (price, overflowB) = partial.addingReportingOverflow(pools[p].order.workerpoolprice)
                    combinations.append((a, d, p, overflowA || overflowB ? .max : price))
                }
            }
        }
        combinations.sort { lhs, rhs in
            if lhs.price != rhs.price { return lhs.price < rhs.price }
            let left = [apps[lhs.app].entry.sequence, lhs.dataset < 0 ? 0 : datasets[lhs.dataset].entry.sequence,
                        pools[lhs.pool].entry.sequence]
            let right = [apps[rhs.app].entry.sequence, rhs.dataset < 0 ? 0 : datasets[rhs.dataset].entry.sequence,
                         pools[rhs.pool].entry.sequence]
            return left.lexicographicallyPrecedes(right)
        }

        let canMatch = reasons.isEmpty
        for combination in combinations {
            let app = apps[combination.app].order
            let dataset = combination.dataset < 0 ? MatchProposal.noDatasetOrder : datasets[combination.dataset].order
            let pool = pools[combination.pool].order
            let failures = combinationFailures(app: app, dataset: dataset, workerpool: pool, request: request,
                                               engine: &engine, canMatch: canMatch)
            switch failures {
            case .success(let volume):
                return .matched(MatchProposal(app: app, dataset: dataset, workerpool: pool, request: request,
                                              volume: volume))
            case .failure(let found):
                for (failure, kinds) in found {
                    if kinds.contains(.app) { Self.note(failure, on: &apps[combination.app].failed) }
                    if kinds.contains(.dataset), combination.dataset >= 0 {
                        Self.note(failure, on: &datasets[combination.dataset].failed)
                    }
                    if kinds.contains(.workerpool) { Self.note(failure, on: &pools[combination.pool].failed) }
                }
            }
        }
        if canMatch {
            reasons += noFitReasons(apps: usableApps.count, datasets: hasDataset ? usableDatasets.count : nil,
                                    pools: usablePools.count)
        }
        let candidates = apps.map { MatchCandidate(kind: .app, orderHash: $0.entry.orderHash, failed: $0.failed) }
            + datasets.map { MatchCandidate(kind: .dataset, orderHash: $0.entry.orderHash, failed: $0.failed) }
            + pools.map { MatchCandidate(kind: .workerpool, orderHash: $0.entry.orderHash, failed: $0.failed) }
        return .unmatched(candidates: candidates, reasons: reasons)
    }

    // MARK: The request

    /// What makes the request unmatchable whatever the book holds: an unregistered app (or
    /// dataset), a missing signature, no volume left.
    private func requestProblems(_ request: RequestOrder, engine: PoCoEngine) -> [String] {
        var problems: [String] = []
        if engine.state.app(request.app) == nil {
            problems.append("the request's app \(request.app.checksummed) is not registered")
        }
        if request.dataset != .zero, engine.state.dataset(request.dataset) == nil {
            problems.append("the request's dataset \(request.dataset.checksummed) is not registered")
        }
        let hash = request.hash(in: config.domain)
        let signed = (try? engine.verifyPresignatureOrSignature(identity: request.requester, hash: hash,
                                                                 signature: request.sign)) ?? false
        if !signed {
            problems.append("the request order is neither presigned nor signed by its requester \(request.requester.checksummed)")
        }
        if engine.viewConsumed(hash) >= request.volume {
            problems.append("the request order has no volume left (volume \(request.volume), consumed \(engine.viewConsumed(hash)))")
        }
        return problems
    }

    /// Partners that pass every check involving them, to test one candidate against the request
    /// alone (only the candidate's own checks are kept from the result).
    private func idealPartners(for request: RequestOrder)
        -> (app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder) {
        let everyTag = (try? Hash32([UInt8](repeating: 0xff, count: 32))) ?? .zero
        let app = AppOrder(app: request.app, appprice: .zero, volume: .one, tag: .zero, datasetrestrict: .zero,
                           workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
        var dataset = MatchProposal.noDatasetOrder
        dataset.dataset = request.dataset
        let workerpool = WorkerpoolOrder(workerpool: request.workerpool, workerpoolprice: .zero, volume: .one,
                                         tag: everyTag, category: request.category, trust: request.trust,
                                         apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero,
                                         salt: .zero)
        return (app, dataset, workerpool)
    }

    // MARK: Candidates

    /// The first `candidateLimit` OPEN orders the query selects, best first, each evaluated.
    private func entries<Order>(_ book: any OrderBook, _ query: OrderQuery,
                                _ evaluate: (MarketOrder) -> Candidate<Order>?) throws(MarketError) -> [Candidate<Order>] {
        var query = query
        query.pageSize = candidateLimit
        return try book.query(query).orders.compactMap(evaluate)
    }

    /// A candidate's failures against the request alone: its remaining volume on chain, its
    /// signature by the asset's current owner, and those of `checks` that `compatibility` holds.
    private func ownFailures<Order: PoCoOrder>(
        _ order: Order, hash: Hash32, owner: Address?, engine: PoCoEngine, checks: Set<MatchOrdersCheck>,
        compatibility: [MatchOrdersCheck], app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder,
        request: RequestOrder
    ) -> [MatchFailure] {
        var failed: [MatchFailure] = compatibility.filter(checks.contains).map { check in
            MatchFailure(check, detail: check.detail(app: app, dataset: dataset, workerpool: workerpool, request: request))
        }
        let consumed = engine.viewConsumed(hash)
        if consumed >= order.volume {
            failed.append(MatchFailure(.noVolume, detail: "the chain has consumed all of its volume (\(order.volume))"))
        }
        let signed = owner.map { owner in
            (try? engine.verifyPresignatureOrSignature(identity: owner, hash: hash, signature: order.sign)) ?? false
        } ?? false
        if !signed {
            failed.append(MatchFailure(category: .signature, reason: "orderNotSigned",
                                       detail: owner.map { "no longer signed by the asset's owner \($0.checksummed)" }
                                           ?? "its asset is no longer registered"))
        }
        return failed
    }

    /// Records a combination's failure on a candidate, once per check.
    private static func note(_ failure: MatchFailure, on failed: inout [MatchFailure]) {
        if !failed.contains(where: { $0.reason == failure.reason }) { failed.append(failure) }
    }

    // MARK: Combinations

    /// The deal volume when the four orders would match now, else each failure with the kinds of
    /// order it concerns. With `canMatch` false (the request itself cannot match) only the
    /// compatibility checks are made.
    private func combinationFailures(
        app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder, request: RequestOrder,
        engine: inout PoCoEngine, canMatch: Bool
    ) -> Result<UInt256, CombinationFailures> {
        let checks = engine.compatibilityFailures(app, dataset, workerpool, request)
        let partners = "with app order \(app.hash(in: config.domain).hex)"
            + (dataset.dataset == .zero ? "" : ", dataset order \(dataset.hash(in: config.domain).hex)")
            + ", workerpool order \(workerpool.hash(in: config.domain).hex)"
        guard checks.isEmpty else {
            return .failure(CombinationFailures(checks.map { check in
                let detail = check.detail(app: app, dataset: dataset, workerpool: workerpool, request: request)
                return (MatchFailure(check, detail: detail + " (\(partners))"), check.involvedKinds)
            }))
        }
        guard canMatch else { return .failure(CombinationFailures([])) }
        let volume = (try? engine.dealVolume(app: app, dataset: dataset, workerpool: workerpool, request: request)) ?? .zero
        if let shortfall = lockShortfall(app: app, dataset: dataset, workerpool: workerpool, request: request,
                                         volume: volume, state: engine.state) {
            return .failure(CombinationFailures([(MatchFailure(category: .funds, reason: "escrowLock",
                                                               detail: shortfall + " (\(partners))"),
                                                  [.app, .dataset, .workerpool])]))
        }
        // The last word is matchOrders' own, on the snapshot (undone at once).
        let context = CallContext(sender: request.requester, blockTime: 0)
        do throws(PoCoError) {
            _ = try engine.simulate(.matching(.matchOrders(app, dataset, workerpool, request)), context)
            return .success(volume)
        } catch {
            let failure: MatchFailure
            if case .matchOrders(let check) = error {
                failure = MatchFailure(check, detail: check.detail(app: app, dataset: dataset, workerpool: workerpool,
                                                                   request: request) + " (\(partners))")
            } else {
                failure = MatchFailure(category: .funds, reason: error.reason, detail: "matchOrders would revert (\(partners))")
            }
            return .failure(CombinationFailures([(failure, [.app, .dataset, .workerpool])]))
        }
    }

    /// Why the requester cannot lock the deal's price (task price × volume) or the workerpool
    /// owner its scheduler stake (per-task stake × volume), from their free balances; nil when
    /// both can (the same account paying both needs the sum).
    private func lockShortfall(app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder,
                               request: RequestOrder, volume: UInt256, state: PoCoState) -> String? {
        guard let poolOwner = state.workerpool(workerpool.workerpool)?.owner else { return "the workerpool is not registered" }
        let datasetPrice = dataset.dataset == .zero ? UInt256.zero : dataset.datasetprice
        let price = try? app.appprice.adding(datasetPrice).adding(workerpool.workerpoolprice).multiplied(by: volume)
        let stake = try? (OrderValidator.schedulerStake(of: workerpool)).multiplied(by: volume)
        guard let price, let stake else { return "the deal's cost overflows uint256" }
        let requesterBalance = state.account(request.requester).balance
        if poolOwner == request.requester {
            let needed = try? price.adding(stake)
            guard let needed, requesterBalance >= needed else {
                return "requester \(request.requester.checksummed), also the workerpool owner, has \(requesterBalance) nRLC, the deal locks \(price) nRLC and stakes \(stake)"
            }
            return nil
        }
        if requesterBalance < price {
            return "requester \(request.requester.checksummed) has \(requesterBalance) nRLC, the deal of volume \(volume) locks \(price) nRLC"
        }
        let poolBalance = state.account(poolOwner).balance
        if poolBalance < stake {
            return "workerpool owner \(poolOwner.checksummed) has \(poolBalance) nRLC, the deal of volume \(volume) stakes \(stake) nRLC"
        }
        return nil
    }

    // MARK: Reasons

    private func emptyBookReasons(_ request: RequestOrder, apps: Int, datasets: Int, pools: Int) -> [String] {
        var reasons: [String] = []
        if apps == 0 { reasons.append("no app order published for \(request.app.checksummed)") }
        if request.dataset != .zero, datasets == 0 {
            reasons.append("no dataset order published for \(request.dataset.checksummed)")
        }
        if pools == 0 {
            reasons.append(request.workerpool == .zero
                ? "no workerpool order published"
                : "no workerpool order published for \(request.workerpool.checksummed)")
        }
        return reasons
    }

    private func noFitReasons(apps: Int, datasets: Int?, pools: Int) -> [String] {
        var reasons: [String] = []
        if apps == 0 { reasons.append("no app order fits the request on its own") }
        if datasets == 0 { reasons.append("no dataset order fits the request on its own") }
        if pools == 0 { reasons.append("no workerpool order fits the request on its own") }
        if reasons.isEmpty { reasons.append("orders fit the request one by one, but no combination of them matches") }
        return reasons
    }
}

/// The failures of one combination, each with the kinds of order it concerns.
struct CombinationFailures: Error {
    var failures: [(MatchFailure, Set<OrderKind>)]
    init(_ failures: [(MatchFailure, Set<OrderKind>)]) { self.failures = failures }
}

extension CombinationFailures: Sequence {
    func makeIterator() -> IndexingIterator<[(MatchFailure, Set<OrderKind>)]> { failures.makeIterator() }
}
