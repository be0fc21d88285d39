import Ethereum
import PoCo

/// What `POST /market/match` answers: the orders to match, or why nothing fits.
public enum MatchAdvice: Hashable, Sendable {
    /// The best compatible orders, ready for `matchOrders` against the chain's current state.
    case matched(MatchProposal)
    /// Nothing fits: every candidate considered with the checks it failed, and what is wrong
    /// beyond single candidates (an empty book, a request that cannot match at all).
    case unmatched(candidates: [MatchCandidate], reasons: [String])

    /// `{"matched": true, "volume": "…", "orders": {"app", "dataset", "workerpool", "request"}}` or
    /// `{"matched": false, "candidates": […], "reasons": […]}`.
    public var jsonValue: JSONValue {
        switch self {
        case .matched(let proposal):
            return .object([
                "matched": .bool(true),
                "volume": .string(proposal.volume.description),
                "orders": .object([
                    "app": proposal.app.jsonValue, "dataset": proposal.dataset.jsonValue,
                    "workerpool": proposal.workerpool.jsonValue, "request": proposal.request.jsonValue,
                ]),
            ])
        case .unmatched(let candidates, let reasons):
            return .object([
                "matched": .bool(false),
                "candidates": .array(candidates.map(\.jsonValue)),
                "reasons": .array(reasons.map { .string($0) }),
            ])
        }
    }
}

/// Four orders that match, and the volume the deal will have.
public struct MatchProposal: Hashable, Sendable {
    /// The app order.
    public var app: AppOrder
    /// The dataset order; all zero (iexec-sdk's NULL_DATASETORDER) when the request has no dataset.
    public var dataset: DatasetOrder
    /// The workerpool order.
    public var workerpool: WorkerpoolOrder
    /// The request order.
    public var request: RequestOrder
    /// The deal's volume (`computeDealVolume`).
    public var volume: UInt256

    /// A proposal.
    public init(app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder, request: RequestOrder,
                volume: UInt256) {
        self.app = app
        self.dataset = dataset
        self.workerpool = workerpool
        self.request = request
        self.volume = volume
    }

    /// The `matchOrders` call to send.
    public var call: MatchingCall { .matchOrders(app, dataset, workerpool, request) }

    /// The all-zero dataset order a request without a dataset is matched with.
    public static let noDatasetOrder = DatasetOrder(
        dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero, apprestrict: .zero,
        workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero)
}

/// One published order considered for a request, and why it does not fit.
public struct MatchCandidate: Hashable, Sendable {
    /// app, dataset or workerpool.
    public var kind: OrderKind
    /// The order's hash.
    public var orderHash: Hash32
    /// The checks it failed, against the request alone or with every partner tried.
    public var failed: [MatchFailure]

    /// A candidate.
    public init(kind: OrderKind, orderHash: Hash32, failed: [MatchFailure]) {
        self.kind = kind
        self.orderHash = orderHash
        self.failed = failed
    }

    /// `{"type": "workerpool", "orderHash": "0x…", "failed": [{"check", "reason", "detail"}]}`.
    public var jsonValue: JSONValue {
        .object([
            "type": .string(kind.rawValue), "orderHash": .string(orderHash.hex),
            "failed": .array(failed.map(\.jsonValue)),
        ])
    }
}

/// The families of checks a candidate can fail, as the issue names them, plus `signature` (an
/// order no longer signed by its asset's current owner).
public enum MatchCheckCategory: String, Hashable, Sendable, CaseIterable {
    case price, tag, trust, category, restriction, volume, funds, signature
}

/// One failed check.
public struct MatchFailure: Hashable, Sendable {
    /// Its family.
    public var category: MatchCheckCategory
    /// The precise check, e.g. `appPriceTooHigh (iExecV5-matchOrders-0x03)`.
    public var reason: String
    /// What is wrong, in words, with the values involved.
    public var detail: String

    /// A failure.
    public init(category: MatchCheckCategory, reason: String, detail: String) {
        self.category = category
        self.reason = reason
        self.detail = detail
    }

    /// A failure of one of matchOrders' checks.
    init(_ check: MatchOrdersCheck, detail: String) {
        self.init(category: check.category, reason: check.name, detail: detail)
    }

    /// `{"check": "price", "reason": "appPriceTooHigh (iExecV5-matchOrders-0x03)", "detail": "…"}`.
    public var jsonValue: JSONValue {
        .object(["check": .string(category.rawValue), "reason": .string(reason), "detail": .string(detail)])
    }
}

extension MatchOrdersCheck {
    /// The family the check belongs to.
    public var category: MatchCheckCategory {
        switch self {
        case .categoryMismatch, .categoryUnknown: return .category
        case .trustTooHigh: return .trust
        case .appPriceTooHigh, .datasetPriceTooHigh, .workerpoolPriceTooHigh: return .price
        case .tagNotSupported, .teeBitNotFromApp: return .tag
        case .appMismatch, .datasetMismatch, .workerpoolRestricted, .appOrderDatasetRestricted,
             .appOrderWorkerpoolRestricted, .appOrderRequesterRestricted, .datasetOrderAppRestricted,
             .datasetOrderWorkerpoolRestricted, .datasetOrderRequesterRestricted, .workerpoolOrderAppRestricted,
             .workerpoolOrderDatasetRestricted, .workerpoolOrderRequesterRestricted:
            return .restriction
        case .appNotRegistered, .appOrderNotSigned, .datasetNotRegistered, .datasetOrderNotSigned,
             .workerpoolNotRegistered, .workerpoolOrderNotSigned, .requestOrderNotSigned:
            return .signature
        case .noVolume: return .volume
        }
    }

    /// `appPriceTooHigh (iExecV5-matchOrders-0x03)`.
    public var name: String { "\(self) (\(reason))" }

    /// The orders whose fields decide the check: a failure is reported on each of them.
    var involvedKinds: Set<OrderKind> {
        switch self {
        case .categoryMismatch, .categoryUnknown, .trustTooHigh, .workerpoolPriceTooHigh, .workerpoolRestricted,
             .workerpoolOrderRequesterRestricted, .workerpoolNotRegistered, .workerpoolOrderNotSigned:
            return [.workerpool]
        case .appPriceTooHigh, .appMismatch, .appOrderRequesterRestricted, .appNotRegistered, .appOrderNotSigned:
            return [.app]
        case .datasetPriceTooHigh, .datasetMismatch, .datasetOrderRequesterRestricted, .datasetNotRegistered,
             .datasetOrderNotSigned:
            return [.dataset]
        case .teeBitNotFromApp, .appOrderDatasetRestricted, .datasetOrderAppRestricted: return [.app, .dataset]
        case .appOrderWorkerpoolRestricted, .workerpoolOrderAppRestricted: return [.app, .workerpool]
        case .datasetOrderWorkerpoolRestricted, .workerpoolOrderDatasetRestricted: return [.dataset, .workerpool]
        case .tagNotSupported, .requestOrderNotSigned, .noVolume: return [.app, .dataset, .workerpool]
        }
    }

    /// What the check found wrong with these orders, with the values involved.
    func detail(app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder, request: RequestOrder) -> String {
        switch self {
        case .categoryMismatch:
            return "the workerpool order is for category \(workerpool.category), the request for \(request.category)"
        case .categoryUnknown: return "the request's category \(request.category) does not exist on chain"
        case .trustTooHigh:
            return "the request wants trust \(request.trust), the workerpool order offers \(workerpool.trust)"
        case .appPriceTooHigh:
            return "the app order asks \(app.appprice) nRLC, the request pays at most \(request.appmaxprice)"
        case .datasetPriceTooHigh:
            return "the dataset order asks \(dataset.datasetprice) nRLC, the request pays at most \(request.datasetmaxprice)"
        case .workerpoolPriceTooHigh:
            return "the workerpool order asks \(workerpool.workerpoolprice) nRLC, the request pays at most \(request.workerpoolmaxprice)"
        case .tagNotSupported:
            let needed = Tag.union(app.tag, Tag.ignoringTeeFrameworks(dataset.tag), request.tag)
            return "the workerpool order's tag \(workerpool.tag.hex) lacks bits of \(needed.hex) (app, dataset and request tags)"
        case .teeBitNotFromApp: return "the TEE bit comes from the request or dataset order, not from the app order"
        case .appMismatch: return "the app order is for \(app.app.checksummed), the request for \(request.app.checksummed)"
        case .datasetMismatch:
            return "the dataset order is for \(dataset.dataset.checksummed), the request for \(request.dataset.checksummed)"
        case .workerpoolRestricted: return "the request only accepts workerpool \(request.workerpool.checksummed)"
        case .appOrderDatasetRestricted: return Self.restricted("app", to: app.datasetrestrict, "dataset")
        case .appOrderWorkerpoolRestricted: return Self.restricted("app", to: app.workerpoolrestrict, "workerpool")
        case .appOrderRequesterRestricted: return Self.restricted("app", to: app.requesterrestrict, "requester")
        case .datasetOrderAppRestricted: return Self.restricted("dataset", to: dataset.apprestrict, "app")
        case .datasetOrderWorkerpoolRestricted:
            return Self.restricted("dataset", to: dataset.workerpoolrestrict, "workerpool")
        case .datasetOrderRequesterRestricted:
            return Self.restricted("dataset", to: dataset.requesterrestrict, "requester")
        case .workerpoolOrderAppRestricted: return Self.restricted("workerpool", to: workerpool.apprestrict, "app")
        case .workerpoolOrderDatasetRestricted:
            return Self.restricted("workerpool", to: workerpool.datasetrestrict, "dataset")
        case .workerpoolOrderRequesterRestricted:
            return Self.restricted("workerpool", to: workerpool.requesterrestrict, "requester")
        case .appNotRegistered, .datasetNotRegistered, .workerpoolNotRegistered: return "the asset is not registered"
        case .appOrderNotSigned, .datasetOrderNotSigned, .workerpoolOrderNotSigned, .requestOrderNotSigned:
            return "the order is neither presigned nor signed by its asset's current owner (or the requester)"
        case .noVolume: return "no volume is left to match"
        }
    }

    private static func restricted(_ order: String, to address: Address, _ party: String) -> String {
        "the \(order) order only accepts \(party) \(address.checksummed)"
    }
}
