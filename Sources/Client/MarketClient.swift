import AsyncHTTPClient
import Ethereum
import Foundation
import Market
import NIOCore
import NIOHTTP1
import PoCo

/// A client of a node's market (`/market`, docs/openapi/market.yaml): publish, list, read and
/// unpublish orders, and ask which orders match a request.
public struct MarketClient: Sendable {
    private var transport: ServiceTransport
    /// The node's URL, e.g. `http://127.0.0.1:8545` (no trailing slash needed).
    public var baseURL: String { transport.baseURL }
    /// The HTTP client used.
    public var httpClient: HTTPClient { transport.httpClient }
    /// How long one call may take.
    public var timeout: TimeAmount {
        get { transport.timeout }
        set { transport.timeout = newValue }
    }

    /// The largest answer read (a page of 1000 orders with long `params`).
    static let maxAnswerSize = 32 << 20

    /// A client of the market served at `baseURL`.
    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        transport = ServiceTransport(baseURL: baseURL, httpClient: httpClient, timeout: timeout,
                                     maxAnswerSize: Self.maxAnswerSize)
    }

    /// Publishes a signed order. Publishing an order already in the book is not an error
    /// (`PublishedOrder.created` is false).
    ///
    /// - Throws: `ClientError.service` with the market's reason (bad signature, not the owner,
    ///   unregistered asset, no volume, funds, stake, too many orders…).
    public func publish(_ order: AnyPoCoOrder) async throws(ClientError) -> PublishedOrder {
        let body = JSONValue.object(["type": .string(order.kind.rawValue), "order": order.order.jsonValue])
        let (status, answer) = try await send(.POST, "/market/orders", body: body, expecting: [200, 201])
        let reader = AnswerReader(answer, what: "publication")
        return PublishedOrder(orderHash: try reader.hash("orderHash"), status: try reader.status("status"),
                              remaining: try reader.uint("remaining"), created: status == 201)
    }

    /// One page of the orders `query` selects, best first.
    public func orders(_ query: OrderQuery) async throws(ClientError) -> OrderListing {
        let (_, answer) = try await send(.GET, "/market/orders?" + Self.queryString(query), expecting: [200])
        let reader = AnswerReader(answer, what: "order page")
        guard case .array(let items)? = answer["orders"] else { throw reader.invalid("orders is not an array") }
        var orders: [ListedOrder] = []
        for item in items { orders.append(try ListedOrder(item)) }
        return OrderListing(orders: orders, total: try reader.int("total"), page: try reader.int("page"),
                            pageSize: try reader.int("pageSize"))
    }

    /// The order with this hash. Throws `.service(status: 404, …)` when it is not in the book.
    public func order(_ hash: Hash32) async throws(ClientError) -> ListedOrder {
        let (_, answer) = try await send(.GET, "/market/orders/\(hash.hex)", expecting: [200])
        return try ListedOrder(answer)
    }

    /// The challenge `address` must sign to unpublish one of its orders: EIP-712 typed data.
    public func challenge(for address: Address) async throws(ClientError) -> TypedData {
        let (_, answer) = try await send(.GET, "/market/challenge?address=\(address.checksummed)", expecting: [200])
        guard let document = answer["typedData"] else { throw AnswerReader(answer, what: "challenge").invalid("no typedData") }
        do throws(TypedDataError) {
            return try TypedData(jsonValue: document)
        } catch {
            throw .invalidResponse("challenge: \(error)")
        }
    }

    /// Removes the order from the book, proving with `key` (its owner's) a fresh challenge.
    public func unpublish(_ hash: Hash32, key: PrivateKey) async throws(ClientError) {
        let challenge = try await challenge(for: key.address)
        let authorization = Self.authorization(challenge, signedWith: key)
        let (_, answer) = try await send(.DELETE, "/market/orders/\(hash.hex)", headers: ["Authorization": authorization],
                                         expecting: [200])
        guard answer["removed"] == JSONValue.bool(true) else {
            throw .invalidResponse("unpublish: the market did not say the order was removed")
        }
    }

    /// What the market advises for `request`: the best compatible orders, or why none fits.
    public func match(_ request: RequestOrder) async throws(ClientError) -> MatchAdvice {
        let (_, answer) = try await send(.POST, "/market/match", body: .object(["order": request.jsonValue]),
                                         expecting: [200])
        return try MatchAdvice(answer: answer)
    }

    /// The `Authorization` header that proves `key` signed `challenge`: `<digest>_<signature>_<address>`,
    /// as iExec's gateway takes it.
    public static func authorization(_ challenge: TypedData, signedWith key: PrivateKey) -> String {
        SignedChallenge.authorization(hash: challenge.digest, signature: challenge.sign(with: key).bytes,
                                         address: key.address)
    }

    // MARK: - Transport

    /// Sends a request and reads its JSON answer; an answer outside `expecting` becomes
    /// `.service(status, its "error")`.
    private func send(_ method: HTTPMethod, _ path: String, headers: [String: String] = [:], body: JSONValue? = nil,
                      expecting: Set<Int>) async throws(ClientError) -> (Int, JSONValue) {
        let (status, bytes) = try await transport.exchange(method, path, headers: headers,
                                                           json: body.map { Array($0.serialized.utf8) }, expecting: expecting)
        guard let answer = try? JSONValue(parsing: bytes.readableBytesView) else {
            throw .invalidResponse("\(method) \(path): the answer is not JSON")
        }
        return (status, answer)
    }

    /// `type=…&app=…`: the query's filters as `GET /market/orders` parameters.
    static func queryString(_ query: OrderQuery) -> String {
        var items: [(String, String)] = [("type", query.kind.rawValue)]
        let addresses: [(String, Address?)] = [
            ("app", query.app), ("dataset", query.dataset), ("workerpool", query.workerpool),
            ("requester", query.requester), ("signer", query.signer),
        ]
        for (name, address) in addresses { if let address { items.append((name, address.checksummed)) } }
        let numbers: [(String, UInt256?)] = [("category", query.category), ("minTrust", query.minTrust),
                                             ("minVolume", query.minVolume)]
        for (name, number) in numbers { if let number { items.append((name, number.description)) } }
        if let tag = query.minTag { items.append(("minTag", tag.hex)) }
        if let tag = query.maxTag { items.append(("maxTag", tag.hex)) }
        let statuses = OrderStatus.allCases.filter(query.statuses.contains).map(\.rawValue)
        items.append(("status", statuses.joined(separator: ",")))
        items.append(("page", String(query.page)))
        items.append(("pageSize", String(query.pageSize)))
        return items.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
