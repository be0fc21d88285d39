import Ethereum
import PoCo

/// Why the market refused a request. Each says what is wrong and what to do; `Server` renders
/// them as `{"error": description}` with `httpStatus`.
public enum MarketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The order's JSON is malformed or a field is invalid.
    case invalidOrder(String)
    /// A query parameter is invalid.
    case invalidQuery(String)
    /// The signature does not recover to any address, or is missing.
    case badSignature(String)
    /// The order is signed by someone other than the asset's owner (or the requester).
    case signerNotOwner(kind: OrderKind, signer: Address, owner: Address)
    /// The order's app, dataset or workerpool is not in its registry.
    case unregisteredAsset(kind: AssetKind, address: Address)
    /// The chain has consumed the order's whole volume (or its volume is 0).
    case noVolumeLeft(Hash32)
    /// The order was closed on chain by its owner.
    case canceled(Hash32)
    /// The requester's balance does not cover the remaining volume at the order's prices.
    case insufficientFunds(account: Address, needed: UInt256, available: UInt256)
    /// The workerpool owner's balance does not cover the scheduler stake of one task.
    case insufficientStake(account: Address, needed: UInt256, available: UInt256)
    /// The signer already has the most open orders the market allows.
    case tooManyOpenOrders(signer: Address, limit: Int)
    /// The order is already in the book.
    case alreadyPublished(Hash32)
    /// No order with this hash is in the book.
    case notFound(Hash32)
    /// Unpublishing needs a valid signed challenge from the order's owner.
    case unauthorized(String)
    /// A valid challenge, signed by someone who does not own the order.
    case notOrderOwner(Hash32, caller: Address, owner: Address)
    /// The book's storage failed.
    case storage(String)
    /// The chain could not be read.
    case chainUnavailable(String)

    /// The HTTP status the market's routes answer with.
    public var httpStatus: Int {
        switch self {
        case .invalidOrder, .invalidQuery, .badSignature: return 400
        case .unauthorized: return 401
        case .signerNotOwner, .notOrderOwner: return 403
        case .notFound: return 404
        case .alreadyPublished: return 409
        case .unregisteredAsset, .noVolumeLeft, .canceled, .insufficientFunds, .insufficientStake,
             .tooManyOpenOrders:
            return 422
        case .storage: return 500
        case .chainUnavailable: return 503
        }
    }

    public var description: String {
        switch self {
        case .invalidOrder(let why): return "invalid order: \(why)"
        case .invalidQuery(let why): return "invalid query: \(why)"
        case .badSignature(let why): return "bad signature: \(why); sign the order's EIP-712 hash in the chain's domain"
        case .signerNotOwner(let kind, let signer, let owner):
            let role = kind == .request ? "the requester" : "the \(kind.rawValue)'s owner"
            return "order signed by \(signer.checksummed), not by \(role) \(owner.checksummed)"
        case .unregisteredAsset(let kind, let address):
            return "\(kind) \(address.checksummed) is not registered; deploy it first"
        case .noVolumeLeft(let hash): return "order \(hash.hex) has no volume left on chain"
        case .canceled(let hash): return "order \(hash.hex) was cancelled on chain"
        case .insufficientFunds(let account, let needed, let available):
            return "requester \(account.checksummed) has \(available) nRLC, the remaining volume costs \(needed) nRLC; deposit more"
        case .insufficientStake(let account, let needed, let available):
            return "workerpool owner \(account.checksummed) has \(available) nRLC, the scheduler stake is \(needed) nRLC; deposit more"
        case .tooManyOpenOrders(let signer, let limit):
            return "\(signer.checksummed) already has \(limit) open orders, the most allowed; unpublish some first"
        case .alreadyPublished(let hash): return "order \(hash.hex) is already published"
        case .notFound(let hash): return "no order \(hash.hex) in the book"
        case .unauthorized(let why): return "unauthorized: \(why)"
        case .notOrderOwner(let hash, let caller, let owner):
            return "order \(hash.hex) belongs to \(owner.checksummed), not \(caller.checksummed): only its signer unpublishes it"
        case .storage(let why): return "order book storage failed: \(why)"
        case .chainUnavailable(let why): return "chain unavailable: \(why)"
        }
    }
}
