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
public struct OrderOperation<Order: PoCoOrder>: Hashable, Sendable {
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

    /// The digest the owner signs: `keccak256(0x1901 ‖ domain.separator ‖ structHash)`.
    public func hash(in domain: PoCoDomain) -> Hash32 {
        TypedData.digest(domainSeparator: domain.separator, structHash: structHash)
    }

    /// A copy whose `sign` is `key`'s signature of the operation in `domain` (65 bytes, v = 27/28).
    public func signed(with key: PrivateKey, in domain: PoCoDomain) -> Self {
        var copy = self
        copy.sign = key.sign(digest: hash(in: domain)).bytes
        return copy
    }

    /// The address that signed this operation in `domain`.
    public func signer(in domain: PoCoDomain) throws(OrderSignatureError) -> Address {
        guard !sign.isEmpty else { throw .unsigned(Self.typeName) }
        do throws(Secp256k1Error) {
            return try Signature(bytes: sign).recoverAddress(digest: hash(in: domain))
        } catch {
            throw .invalid(error)
        }
    }

    /// The operation as generic `eth_signTypedData_v4` data.
    public func typedData(in domain: PoCoDomain) -> TypedData {
        let types = [
            Self.typeName: [
                TypedData.Field(name: "order", type: Order.typeName), TypedData.Field(name: "operation", type: "uint256"),
            ],
            Order.typeName: Order.fields,
        ]
        let message: JSONValue = .object(["order": order.messageValue, "operation": .number(String(operation.rawValue))])
        do {
            return try TypedData(types: types, primaryType: Self.typeName, domain: domain.eip712Domain, message: message)
        } catch {
            preconditionFailure("an order operation's typed data is valid by construction: \(error)")
        }
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
