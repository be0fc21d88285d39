/// An order of any of the four types, for tools that read an order without being told its type
/// (`iexec order hash order.json`). The type is recognised by the field only it has.
public enum AnyPoCoOrder: Hashable, Sendable {
    case app(AppOrder)
    case dataset(DatasetOrder)
    case workerpool(WorkerpoolOrder)
    case request(RequestOrder)

    /// The field that tells each type apart: `appprice`, `datasetprice`, `workerpoolprice`, `requester`.
    static let markers: [(field: String, type: String)] = [
        ("appprice", AppOrder.typeName), ("datasetprice", DatasetOrder.typeName),
        ("workerpoolprice", WorkerpoolOrder.typeName), ("requester", RequestOrder.typeName),
    ]

    /// Reads an order object of whichever type its fields show, with that type's rules.
    ///
    /// - Throws: `OrderJSONError.unrecognizedOrder` when no (or more than one) marker field is
    ///   present, otherwise what the type's own reader throws.
    public init(jsonValue: JSONValue) throws(OrderJSONError) {
        guard case .object(let members) = jsonValue else {
            throw .notAnObject(order: "order", found: jsonValue.kindDescription)
        }
        let present = Self.markers.filter { members[$0.field] != nil }
        guard present.count == 1, let marker = present.first else { throw .unrecognizedOrder }
        switch marker.type {
        case AppOrder.typeName: self = .app(try AppOrder(jsonValue: jsonValue))
        case DatasetOrder.typeName: self = .dataset(try DatasetOrder(jsonValue: jsonValue))
        case WorkerpoolOrder.typeName: self = .workerpool(try WorkerpoolOrder(jsonValue: jsonValue))
        default: self = .request(try RequestOrder(jsonValue: jsonValue))
        }
    }

    /// Parses JSON text; see `init(jsonValue:)`.
    public init(json: String) throws(OrderJSONError) {
        try self.init(jsonValue: JSONValue(parsing: json.utf8, invalidJSON: OrderJSONError.invalidJSON))
    }

    /// The wrapped order.
    public var order: any PoCoOrder {
        switch self {
        case .app(let order): return order
        case .dataset(let order): return order
        case .workerpool(let order): return order
        case .request(let order): return order
        }
    }

    /// `AppOrder`, `DatasetOrder`, `WorkerpoolOrder` or `RequestOrder`.
    public var typeName: String { type(of: order).typeName }

    /// The order's struct hash.
    public var structHash: Hash32 { order.structHash }

    /// The order hash (typed-data digest) in `domain`.
    public func hash(in domain: PoCoDomain) -> Hash32 { order.hash(in: domain) }

    /// The order signed by `key` in `domain`.
    public func signed(with key: PrivateKey, in domain: PoCoDomain) -> AnyPoCoOrder {
        switch self {
        case .app(let order): return .app(order.signed(with: key, in: domain))
        case .dataset(let order): return .dataset(order.signed(with: key, in: domain))
        case .workerpool(let order): return .workerpool(order.signed(with: key, in: domain))
        case .request(let order): return .request(order.signed(with: key, in: domain))
        }
    }

    /// The signer recovered from the order's `sign` in `domain`.
    public func signer(in domain: PoCoDomain) throws(OrderSignatureError) -> Address {
        try order.signer(in: domain)
    }

    /// The order as generic typed data.
    public func typedData(in domain: PoCoDomain) -> TypedData { order.typedData(in: domain) }

    /// Compact JSON in struct field order, `sign` last when present.
    public var json: String { order.json }
}
