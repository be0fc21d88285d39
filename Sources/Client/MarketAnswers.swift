import Ethereum
import Market
import PoCo

/// The market's answer to a publication.
public struct PublishedOrder: Hashable, Sendable {
    /// The order's EIP-712 hash in the chain's domain (its key in the book).
    public var orderHash: Hash32
    /// Its status (OPEN for a new order).
    public var status: OrderStatus
    /// Its volume not yet consumed on chain.
    public var remaining: UInt256
    /// True when this call added it (201); false when it was already in the book (200).
    public var created: Bool

    /// An answer.
    public init(orderHash: Hash32, status: OrderStatus, remaining: UInt256, created: Bool) {
        self.orderHash = orderHash
        self.status = status
        self.remaining = remaining
        self.created = created
    }
}

/// An order as the market lists it.
public struct ListedOrder: Hashable, Sendable {
    /// The signed order.
    public var order: AnyPoCoOrder
    /// Its hash.
    public var orderHash: Hash32
    /// Who signed it (the asset's owner, or the requester).
    public var signer: Address
    /// OPEN, FILLED, CANCELED or DEAD.
    public var status: OrderStatus
    /// Its volume not yet consumed on chain.
    public var remaining: UInt256
    /// When it was published (the chain head's timestamp then, unix seconds).
    public var publishedAt: UInt64

    /// An order from its parts.
    public init(order: AnyPoCoOrder, orderHash: Hash32, signer: Address, status: OrderStatus, remaining: UInt256,
                publishedAt: UInt64) {
        self.order = order
        self.orderHash = orderHash
        self.signer = signer
        self.status = status
        self.remaining = remaining
        self.publishedAt = publishedAt
    }

    /// Reads `{"orderHash","type","status","remaining","signer","publishedAt","order"}`.
    init(_ value: JSONValue) throws(ClientError) {
        let reader = AnswerReader(value, what: "order")
        guard case .string(let typeName)? = value["type"], let kind = OrderKind(rawValue: typeName) else {
            throw reader.invalid("type is not app, dataset, workerpool or request")
        }
        let body = value["order"] ?? .null
        do throws(OrderJSONError) {
            switch kind {
            case .app: order = .app(try AppOrder(jsonValue: body))
            case .dataset: order = .dataset(try DatasetOrder(jsonValue: body))
            case .workerpool: order = .workerpool(try WorkerpoolOrder(jsonValue: body))
            case .request: order = .request(try RequestOrder(jsonValue: body))
            }
        } catch {
            throw reader.invalid("order: \(error)")
        }
        orderHash = try reader.hash("orderHash")
        signer = try reader.address("signer")
        status = try reader.status("status")
        remaining = try reader.uint("remaining")
        publishedAt = UInt64(try reader.int("publishedAt"))
    }
}

/// One page of orders, best first.
public struct OrderListing: Hashable, Sendable {
    /// The orders on this page.
    public var orders: [ListedOrder]
    /// How many orders match the query in all pages.
    public var total: Int
    /// This page's number (from 0).
    public var page: Int
    /// The page size asked for.
    public var pageSize: Int

    /// A page.
    public init(orders: [ListedOrder], total: Int, page: Int, pageSize: Int) {
        self.orders = orders
        self.total = total
        self.page = page
        self.pageSize = pageSize
    }
}

/// Reads the members of one JSON answer; a missing or malformed member is `.invalidResponse`
/// naming it.
struct AnswerReader {
    let value: JSONValue
    let what: String

    init(_ value: JSONValue, what: String) {
        self.value = value
        self.what = what
    }

    func invalid(_ why: String) -> ClientError { .invalidResponse("\(what): \(why)") }

    func string(_ name: String) throws(ClientError) -> String {
        guard case .string(let text)? = value[name] else { throw invalid("\(name) is missing or not a string") }
        return text
    }

    func hash(_ name: String) throws(ClientError) -> Hash32 {
        let text = try string(name)
        guard let hash = try? Hash32(hex: text) else { throw invalid("\(name) is not a 32-byte hash: \(text)") }
        return hash
    }

    func address(_ name: String) throws(ClientError) -> Address {
        let text = try string(name)
        guard let address = try? Address(hex: text) else { throw invalid("\(name) is not an address: \(text)") }
        return address
    }

    func status(_ name: String) throws(ClientError) -> OrderStatus {
        let text = try string(name)
        guard let status = OrderStatus(rawValue: text) else { throw invalid("\(name) is not a status: \(text)") }
        return status
    }

    func uint(_ name: String) throws(ClientError) -> UInt256 {
        let text = try string(name)
        guard let number = try? UInt256(decimal: text) else { throw invalid("\(name) is not a decimal amount: \(text)") }
        return number
    }

    func int(_ name: String) throws(ClientError) -> Int {
        guard case .number(let literal)? = value[name], let number = Int(literal), number >= 0 else {
            throw invalid("\(name) is missing or not a non-negative integer")
        }
        return number
    }
}

extension MatchAdvice {
    /// Reads the answer of `POST /market/match` (see `MatchAdvice.jsonValue`).
    init(answer: JSONValue) throws(ClientError) {
        let reader = AnswerReader(answer, what: "match advice")
        switch answer["matched"] {
        case .bool(true)?:
            guard case .object(let orders)? = answer["orders"] else { throw reader.invalid("orders is missing") }
            let volume = try reader.uint("volume")
            do throws(OrderJSONError) {
                self = .matched(MatchProposal(
                    app: try AppOrder(jsonValue: orders["app"] ?? .null),
                    dataset: try DatasetOrder(jsonValue: orders["dataset"] ?? .null),
                    workerpool: try WorkerpoolOrder(jsonValue: orders["workerpool"] ?? .null),
                    request: try RequestOrder(jsonValue: orders["request"] ?? .null), volume: volume))
            } catch {
                throw reader.invalid("orders: \(error)")
            }
        case .bool(false)?:
            guard case .array(let items)? = answer["candidates"], case .array(let reasonItems)? = answer["reasons"] else {
                throw reader.invalid("candidates or reasons is missing")
            }
            var candidates: [MatchCandidate] = []
            for item in items { candidates.append(try MatchCandidate(answer: item)) }
            var reasons: [String] = []
            for item in reasonItems {
                guard case .string(let reason) = item else { throw reader.invalid("a reason is not a string") }
                reasons.append(reason)
            }
            self = .unmatched(candidates: candidates, reasons: reasons)
        default:
            throw reader.invalid("matched is not true or false")
        }
    }
}

extension MatchCandidate {
    /// Reads `{"type", "orderHash", "failed": [{"check", "reason", "detail"}]}`.
    init(answer: JSONValue) throws(ClientError) {
        let reader = AnswerReader(answer, what: "match candidate")
        guard let kind = OrderKind(rawValue: try reader.string("type")) else { throw reader.invalid("type is not an order type") }
        guard case .array(let items)? = answer["failed"] else { throw reader.invalid("failed is not an array") }
        var failed: [MatchFailure] = []
        for item in items {
            let check = AnswerReader(item, what: "failed check")
            guard let category = MatchCheckCategory(rawValue: try check.string("check")) else {
                throw check.invalid("check is not a known category")
            }
            failed.append(MatchFailure(category: category, reason: try check.string("reason"), detail: try check.string("detail")))
        }
        self.init(kind: kind, orderHash: try reader.hash("orderHash"), failed: failed)
    }
}
