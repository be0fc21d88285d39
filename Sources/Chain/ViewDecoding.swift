import Ethereum
import PoCo

/// One view: a prototype (any arguments) whose `function` gives the selector and parameter types,
/// and how decoded arguments make the actual view.
struct ViewEntry: Sendable {
    let prototype: PoCoView
    let build: @Sendable (DecodedArguments) throws(BindingError) -> PoCoView

    init(_ prototype: PoCoView, _ build: @escaping @Sendable (DecodedArguments) throws(BindingError) -> PoCoView) {
        self.prototype = prototype
        self.build = build
    }

    /// A view without arguments.
    init(_ view: PoCoView) {
        self.init(view) { _ throws(BindingError) in view }
    }
}

extension PoCoBinding {
    /// The view an `eth_call` to `to` with data `data` asks for: a hub view, a registry view, or
    /// (when `engine` has an entry at `to`) the view of that app, dataset or workerpool entry.
    ///
    /// - Throws: `BindingError.notAPoCoContract` when `to` is none of those, `.missingSelector`,
    ///   `.unknownSelector` (no view of that contract has it), `.undecodableArguments`, `.invalidOrder`.
    public static func decodeView(to: Address, data: [UInt8], config: PoCoConfig, engine: PoCoEngine)
        throws(BindingError) -> PoCoView {
        let target = BindingTarget(to, config: config)
        let entries: [[UInt8]: ViewEntry]
        switch target {
        case .hub: entries = ViewTable.hub
        case .registry(let kind): entries = ViewTable.registries[kind] ?? [:]
        case .entry(let address):
            guard let kind = engine.entryKind(address) else { throw .notAPoCoContract(address) }
            entries = ViewTable.entry(kind, address)
        }
        let selector = try selector(of: data)
        guard let entry = entries[selector] else {
            throw .unknownSelector(selector: Hex.encode(selector), contract: target.name)
        }
        return try entry.build(try arguments(of: entry.prototype.function, data: data))
    }
}

/// The views of each contract, by selector, built from `PoCoView`'s own signatures.
enum ViewTable {
    static let hub: [[UInt8]: ViewEntry] = index(hubViews)

    /// The registries' views, built once per kind.
    static let registries: [AssetKind: [[UInt8]: ViewEntry]] =
        Dictionary(uniqueKeysWithValues: AssetKind.allCases.map { ($0, registry($0)) })

    private static func registry(_ kind: AssetKind) -> [[UInt8]: ViewEntry] {
        index([
            ViewEntry(.registry(kind, .isRegistered(.zero))) { args throws(BindingError) in
                .registry(kind, .isRegistered(try args.address(0)))
            },
            ViewEntry(.registry(kind, .ownerOf(tokenId: .zero))) { args throws(BindingError) in
                .registry(kind, .ownerOf(tokenId: try args.uint(0)))
            },
            ViewEntry(.registry(kind, .balanceOf(.zero))) { args throws(BindingError) in
                .registry(kind, .balanceOf(try args.address(0)))
            },
            ViewEntry(.registry(kind, .totalSupply)),
            ViewEntry(.registry(kind, .name)),
            ViewEntry(.registry(kind, .symbol)),
        ])
    }

    static func entry(_ kind: AssetKind, _ address: Address) -> [[UInt8]: ViewEntry] {
        switch kind {
        case .app: return index(AppEntryView.allCases.map { ViewEntry(.appEntry(address, $0)) })
        case .dataset: return index(DatasetEntryView.allCases.map { ViewEntry(.datasetEntry(address, $0)) })
        case .workerpool: return index(WorkerpoolEntryView.allCases.map { ViewEntry(.workerpoolEntry(address, $0)) })
        }
    }

    private static func index(_ entries: [ViewEntry]) -> [[UInt8]: ViewEntry] {
        Dictionary(entries.map { ($0.prototype.function.selector, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static let hubViews: [ViewEntry] = [
        ViewEntry(.viewDeal(.zero)) { args throws(BindingError) in .viewDeal(try args.hash(0)) },
        ViewEntry(.viewTask(.zero)) { args throws(BindingError) in .viewTask(try args.hash(0)) },
        ViewEntry(.viewContribution(task: .zero, worker: .zero)) { args throws(BindingError) in
            .viewContribution(task: try args.hash(0), worker: try args.address(1))
        },
        ViewEntry(.viewScore(.zero)) { args throws(BindingError) in .viewScore(try args.address(0)) },
        ViewEntry(.viewConsumed(.zero)) { args throws(BindingError) in .viewConsumed(try args.hash(0)) },
        ViewEntry(.viewPresigned(.zero)) { args throws(BindingError) in .viewPresigned(try args.hash(0)) },
        ViewEntry(.viewCategory(.zero)) { args throws(BindingError) in .viewCategory(try args.uint(0)) },
        ViewEntry(.countCategory),
        ViewEntry(.resultFor(.zero)) { args throws(BindingError) in .resultFor(try args.hash(0)) },
        ViewEntry(.computeDealVolume(AppOrder.blank, DatasetOrder.blank, WorkerpoolOrder.blank, RequestOrder.blank)) {
            args throws(BindingError) in
            .computeDealVolume(try args.order(0, as: AppOrder.self), try args.order(1, as: DatasetOrder.self),
                               try args.order(2, as: WorkerpoolOrder.self), try args.order(3, as: RequestOrder.self))
        },
        ViewEntry(.viewAccount(.zero)) { args throws(BindingError) in .viewAccount(try args.address(0)) },
        ViewEntry(.balanceOf(.zero)) { args throws(BindingError) in .balanceOf(try args.address(0)) },
        ViewEntry(.frozenOf(.zero)) { args throws(BindingError) in .frozenOf(try args.address(0)) },
        ViewEntry(.totalSupply),
        ViewEntry(.allowance(owner: .zero, spender: .zero)) { args throws(BindingError) in
            .allowance(owner: try args.address(0), spender: try args.address(1))
        },
        ViewEntry(.name), ViewEntry(.symbol), ViewEntry(.decimals), ViewEntry(.token),
        ViewEntry(.viewApp(.zero)) { args throws(BindingError) in .viewApp(try args.address(0)) },
        ViewEntry(.viewDataset(.zero)) { args throws(BindingError) in .viewDataset(try args.address(0)) },
        ViewEntry(.viewWorkerpool(.zero)) { args throws(BindingError) in .viewWorkerpool(try args.address(0)) },
        ViewEntry(.verifySignature(identity: .zero, hash: .zero, signature: [])) { args throws(BindingError) in
            .verifySignature(identity: try args.address(0), hash: try args.hash(1), signature: try args.bytes(2))
        },
        ViewEntry(.verifyPresignature(identity: .zero, hash: .zero)) { args throws(BindingError) in
            .verifyPresignature(identity: try args.address(0), hash: try args.hash(1))
        },
        ViewEntry(.verifyPresignatureOrSignature(identity: .zero, hash: .zero, signature: [])) { args throws(BindingError) in
            .verifyPresignatureOrSignature(identity: try args.address(0), hash: try args.hash(1),
                                           signature: try args.bytes(2))
        },
        ViewEntry(.domain), ViewEntry(.eip712DomainSeparator), ViewEntry(.contributionDeadlineRatio),
        ViewEntry(.revealDeadlineRatio), ViewEntry(.finalDeadlineRatio), ViewEntry(.workerpoolStakeRatio),
        ViewEntry(.kittyRatio), ViewEntry(.kittyMin), ViewEntry(.kittyAddress), ViewEntry(.groupmemberPurpose),
        ViewEntry(.callbackgas), ViewEntry(.appregistry), ViewEntry(.datasetregistry), ViewEntry(.workerpoolregistry),
        ViewEntry(.owner),
        ViewEntry(.viewAccountABILegacy(.zero)) { args throws(BindingError) in .viewAccountABILegacy(try args.address(0)) },
        ViewEntry(.viewDealABILegacyPt1(.zero)) { args throws(BindingError) in .viewDealABILegacyPt1(try args.hash(0)) },
        ViewEntry(.viewDealABILegacyPt2(.zero)) { args throws(BindingError) in .viewDealABILegacyPt2(try args.hash(0)) },
        ViewEntry(.viewConfigABILegacy(.zero)) { args throws(BindingError) in .viewConfigABILegacy(try args.hash(0)) },
        ViewEntry(.viewTaskABILegacy(.zero)) { args throws(BindingError) in .viewTaskABILegacy(try args.hash(0)) },
        ViewEntry(.viewContributionABILegacy(task: .zero, worker: .zero)) { args throws(BindingError) in
            .viewContributionABILegacy(task: try args.hash(0), worker: try args.address(1))
        },
        ViewEntry(.viewCategoryABILegacy(.zero)) { args throws(BindingError) in .viewCategoryABILegacy(try args.uint(0)) },
    ]
}

// All-zero orders: only the prototype of computeDealVolume needs one (its type, not its value).
extension AppOrder {
    static let blank = AppOrder(app: .zero, appprice: .zero, volume: .zero, tag: .zero, datasetrestrict: .zero,
                                workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero, sign: [])
}

extension DatasetOrder {
    static let blank = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero, apprestrict: .zero,
                                    workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero, sign: [])
}

extension WorkerpoolOrder {
    static let blank = WorkerpoolOrder(workerpool: .zero, workerpoolprice: .zero, volume: .zero, tag: .zero,
                                       category: .zero, trust: .zero, apprestrict: .zero, datasetrestrict: .zero,
                                       requesterrestrict: .zero, salt: .zero, sign: [])
}

extension RequestOrder {
    static let blank = RequestOrder(app: .zero, appmaxprice: .zero, dataset: .zero, datasetmaxprice: .zero,
                                    workerpool: .zero, workerpoolmaxprice: .zero, requester: .zero, volume: .zero,
                                    tag: .zero, category: .zero, trust: .zero, beneficiary: .zero, callback: .zero,
                                    params: "", salt: .zero, sign: [])
}
