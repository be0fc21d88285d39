import Ethereum

/// Presigning and closing orders (manage*Order), and broadcasting them as events.
public enum OrderManagementCall: Hashable, Sendable {
    case manageAppOrder(OrderOperation<AppOrder>)
    case manageDatasetOrder(OrderOperation<DatasetOrder>)
    case manageWorkerpoolOrder(OrderOperation<WorkerpoolOrder>)
    case manageRequestOrder(OrderOperation<RequestOrder>)
    case broadcastAppOrder(AppOrder)
    case broadcastDatasetOrder(DatasetOrder)
    case broadcastWorkerpoolOrder(WorkerpoolOrder)
    case broadcastRequestOrder(RequestOrder)
}

extension PoCoEngine {
    mutating func execute(_ call: OrderManagementCall) throws(PoCoError) -> CallOutput {
        switch call {
        case .manageAppOrder(let operation):
            guard let owner = state.app(operation.order.app)?.owner else { throw .notRegistered(.app, operation.order.app) }
            try manage(operation, kind: .app, owner: owner)
        case .manageDatasetOrder(let operation):
            guard let owner = state.dataset(operation.order.dataset)?.owner else {
                throw .notRegistered(.dataset, operation.order.dataset)
            }
            try manage(operation, kind: .dataset, owner: owner)
        case .manageWorkerpoolOrder(let operation):
            guard let owner = state.workerpool(operation.order.workerpool)?.owner else {
                throw .notRegistered(.workerpool, operation.order.workerpool)
            }
            try manage(operation, kind: .workerpool, owner: owner)
        case .manageRequestOrder(let operation):
            try manage(operation, kind: .request, owner: operation.order.requester)
        case .broadcastAppOrder(let order): emit(.broadcastAppOrder(order))
        case .broadcastDatasetOrder(let order): emit(.broadcastDatasetOrder(order))
        case .broadcastWorkerpoolOrder(let order): emit(.broadcastWorkerpoolOrder(order))
        case .broadcastRequestOrder(let order): emit(.broadcastRequestOrder(order))
        }
        return .none
    }

    /// The owner itself, or anyone carrying the owner's signature of the operation, presigns
    /// (SIGN) or closes (CLOSE: consumed = volume) the order.
    private mutating func manage<Order: PoCoOrder>(_ operation: OrderOperation<Order>, kind: OrderKind, owner: Address)
        throws(PoCoError) {
        let domain = config.domain
        if owner != context.sender {
            guard try signatureMatches(identity: owner, hash: operation.hash(in: domain), sign: operation.sign) else {
                throw .invalidSenderOrSignature
            }
        }
        let orderHash = operation.order.hash(in: domain)
        switch operation.operation {
        case .sign:
            state.setAddress(.presigned(orderHash), owner)
            emit(.signedOrder(kind, hash: orderHash))
        case .close:
            state.setUInt(.consumed(orderHash), operation.order.volume)
            emit(.closedOrder(kind, hash: orderHash))
        }
    }

    /// iExec's `_verifySignature` for an account: a 65-byte (v 27/28 or 0/1) or 64-byte EIP-2098
    /// signature whose recovered signer is `identity`. Other lengths revert; a signature that does
    /// not recover (high s, bad values) counts as signed by the zero address, as OpenZeppelin's
    /// `tryRecover` makes it.
    func signatureMatches(identity: Address, hash: Hash32, sign: [UInt8]) throws(PoCoError) -> Bool {
        guard sign.count == 64 || sign.count == 65 else { throw .invalidSignatureFormat }
        let recovered = (try? Signature(bytes: sign).recoverAddress(digest: hash)) ?? .zero
        return recovered == identity
    }

    /// iExec's `_verifyPresignatureOrSignature`: presigned by `identity`, or signed by it.
    func presignedOrSigned(identity: Address, hash: Hash32, sign: [UInt8]) throws(PoCoError) -> Bool {
        if identity != .zero && state.address(.presigned(hash)) == identity { return true }
        return try signatureMatches(identity: identity, hash: hash, sign: sign)
    }
}
