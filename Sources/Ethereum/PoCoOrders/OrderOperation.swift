/// What `manage*Order` does with an order (`IexecLibOrders_v5.OrderOperationEnum`).
public enum OrderOperationType: UInt8, Hashable, Sendable, CaseIterable {
    /// Presign: the hub records the owner as the order's signer (`m_presigned[orderHash]`).
    case sign = 0
    /// Cancel: the hub marks the whole volume consumed (`m_consumed[orderHash] = volume`).
    case close = 1
}

/// `<Order>Operation {order, operation, sign}`: the argument of `manageAppOrder` and its siblings.
/// When the transaction is not sent by the owner, `sign` must be the owner's EIP-712 signature of
/// this operation struct (type `AppOrderOperation(AppOrder order,uint256 operation)AppOrder(…)`).
/// The hub then keys `m_presigned` / `m_consumed` by the ORDER's hash, not the operation's.
/// Hashed, signed and checked like an order, through `PoCoSignable`.
public struct OrderOperation<Order: PoCoOrder>: PoCoSignable {
    /// The order being presigned or closed (its own `sign` plays no part here).
    public var order: Order
    /// Presign or close.
    public var operation: OrderOperationType
    /// The owner's signature of the operation, or empty when the owner sends the transaction.
    public var sign: [UInt8]

    /// An operation on `order`; unsigned unless `sign` is given.
    public init(order: Order, operation: OrderOperationType, sign: [UInt8] = []) {
        (self.order, self.operation, self.sign) = (order, operation, sign)
    }

    /// `AppOrderOperation` etc.
    public static var typeName: String { Order.typeName + "Operation" }

    /// `AppOrderOperation(AppOrder order,uint256 operation)AppOrder(address app,…)`.
    public static var typeString: String {
        "\(typeName)(\(Order.typeName) order,uint256 operation)" + Order.typeString
    }

    /// `keccak256(typeString)`.
    public static var typeHash: Hash32 { Order.operationTypeHash }

    /// `keccak256(typeHash ‖ hashStruct(order) ‖ uint256(operation))`.
    public var structHash: Hash32 {
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 2)
        words.append(order.structHash)
        words.append(UInt256(UInt64(operation.rawValue)))
        return words.hash()
    }

    /// This struct and the order's: `[typeName: (order, operation), Order.typeName: Order.fields]`.
    public static var typedDataTypes: [String: [TypedData.Field]] {
        [
            typeName: [.init(name: "order", type: Order.typeName), .init(name: "operation", type: "uint256")],
            Order.typeName: Order.fields,
        ]
    }

    /// The operation as a typed-data message: the order's message and the operation number.
    public var messageValue: JSONValue {
        .object(["order": order.messageValue, "operation": .number(String(operation.rawValue))])
    }
}

/// `manageAppOrder`'s argument.
public typealias AppOrderOperation = OrderOperation<AppOrder>
/// `manageDatasetOrder`'s argument.
public typealias DatasetOrderOperation = OrderOperation<DatasetOrder>
/// `manageWorkerpoolOrder`'s argument.
public typealias WorkerpoolOrderOperation = OrderOperation<WorkerpoolOrder>
/// `manageRequestOrder`'s argument.
public typealias RequestOrderOperation = OrderOperation<RequestOrder>
