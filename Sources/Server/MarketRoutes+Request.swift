import Ethereum
import Hummingbird
import HummingbirdCore
import Market
import PoCo

/// Reads the market's requests: bodies, path and query parameters. Each refusal names the member
/// or parameter at fault and answers 400.
enum MarketRequest {
    /// The parameters `GET /market/orders` accepts.
    static let queryParameters: Set<String> = [
        "type", "app", "dataset", "workerpool", "requester", "signer", "category", "minTag", "maxTag",
        "minTrust", "minVolume", "status", "page", "pageSize",
    ]

    /// The body as a JSON object holding only `members` (all required).
    static func object(_ body: [UInt8], members: Set<String>) throws(HTTPFailure) -> [String: JSONValue] {
        let expected = members.sorted().joined(separator: ", ")
        guard let value = try? JSONValue(parsing: body), case .object(let object) = value else {
            throw badBody("the body must be a JSON object with \(expected)")
        }
        if let unknown = object.keys.sorted().first(where: { !members.contains($0) }) {
            throw badBody("unknown member \"\(unknown)\" in the body (expected \(expected))")
        }
        if let missing = members.sorted().first(where: { object[$0] == nil }) {
            throw badBody("the body has no \"\(missing)\" (expected \(expected))")
        }
        return object
    }

    /// `{"type", "order"}` of `POST /market/orders`: the order, whose fields must be those of `type`.
    static func publishedOrder(_ body: [String: JSONValue]) throws(HTTPFailure) -> AnyPoCoOrder {
        guard case .string(let typeName)? = body["type"], let kind = OrderKind(rawValue: typeName) else {
            throw badBody("type must be one of \(kindNames), got \(body["type"].map(\.serialized) ?? "nothing")")
        }
        let order: AnyPoCoOrder
        do throws(OrderJSONError) {
            switch kind {
            case .app: order = .app(try AppOrder(jsonValue: body["order"] ?? .null))
            case .dataset: order = .dataset(try DatasetOrder(jsonValue: body["order"] ?? .null))
            case .workerpool: order = .workerpool(try WorkerpoolOrder(jsonValue: body["order"] ?? .null))
            case .request: order = .request(try RequestOrder(jsonValue: body["order"] ?? .null))
            }
        } catch {
            throw HTTPFailure(MarketError.invalidOrder("\(kind.typeName): \(error)"))
        }
        return order
    }

    /// `{"order"}` of `POST /market/match`: a request order.
    static func requestOrder(_ body: [String: JSONValue]) throws(HTTPFailure) -> RequestOrder {
        do throws(OrderJSONError) {
            return try RequestOrder(jsonValue: body["order"] ?? .null)
        } catch {
            throw HTTPFailure(MarketError.invalidOrder("RequestOrder: \(error)"))
        }
    }

    /// The `{orderHash}` path parameter.
    static func orderHash(_ context: BasicRequestContext) throws(HTTPFailure) -> Hash32 {
        let text = context.parameters.get("orderHash") ?? ""
        guard text.hasPrefix("0x"), let hash = try? Hash32(hex: text) else {
            throw bad("orderHash must be 0x + 64 hex digits, got \"\(text)\"")
        }
        return hash
    }

    /// Refuses a query string on routes that take none.
    static func noQuery(_ request: Request) throws(HTTPFailure) {
        if let name = request.uri.queryParameters.first?.key {
            throw bad("unknown parameter \(name): this route takes no query parameters")
        }
    }

    /// `address` of `GET /market/challenge`.
    static func challengeAddress(_ parameters: FlatDictionary<Substring, Substring>) throws(HTTPFailure) -> Address {
        let values = try single(parameters, allowed: ["address"])
        guard let text = values["address"] else { throw bad("address is required: the owner who will sign the challenge") }
        return try address("address", text)
    }

    /// The parameters of `GET /market/orders` as a validated `OrderQuery`.
    static func orderQuery(_ parameters: FlatDictionary<Substring, Substring>) throws(HTTPFailure) -> OrderQuery {
        let values = try single(parameters, allowed: queryParameters)
        guard let typeName = values["type"] else { throw bad("type is required: one of \(kindNames)") }
        guard let kind = OrderKind(rawValue: typeName) else { throw bad("type must be one of \(kindNames), got \(typeName)") }
        var query = OrderQuery(kind: kind)
        query.app = try values["app"].map { text throws(HTTPFailure) in try address("app", text) }
        query.dataset = try values["dataset"].map { text throws(HTTPFailure) in try address("dataset", text) }
        query.workerpool = try values["workerpool"].map { text throws(HTTPFailure) in try address("workerpool", text) }
        query.requester = try values["requester"].map { text throws(HTTPFailure) in try address("requester", text) }
        query.signer = try values["signer"].map { text throws(HTTPFailure) in try address("signer", text) }
        query.category = try values["category"].map { text throws(HTTPFailure) in try uint("category", text) }
        query.minTag = try values["minTag"].map { text throws(HTTPFailure) in try tag("minTag", text) }
        query.maxTag = try values["maxTag"].map { text throws(HTTPFailure) in try tag("maxTag", text) }
        query.minTrust = try values["minTrust"].map { text throws(HTTPFailure) in try uint("minTrust", text) }
        query.minVolume = try values["minVolume"].map { text throws(HTTPFailure) in try uint("minVolume", text) }
        if let text = values["status"] { query.statuses = try statuses(text) }
        if let text = values["page"] { query.page = try int("page", text) }
        if let text = values["pageSize"] { query.pageSize = try int("pageSize", text) }
        do throws(MarketError) { return try query.validated() } catch { throw HTTPFailure(error) }
    }

    // MARK: - Values

    private static let kindNames = OrderKind.allCases.map(\.rawValue).joined(separator: ", ")

    /// Each parameter once, only those `allowed`.
    private static func single(_ parameters: FlatDictionary<Substring, Substring>,
                               allowed: Set<String>) throws(HTTPFailure) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in parameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw bad("unknown parameter \(name) (accepted: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard values.updateValue(String(value), forKey: name) == nil else { throw bad("parameter \(name) is given twice") }
        }
        return values
    }

    private static func address(_ name: String, _ text: String) throws(HTTPFailure) -> Address {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { throw bad("\(name) must be 0x + 40 hex digits, got \"\(text)\"") }
        do throws(AddressError) { return try Address(hex: text) } catch { throw bad("\(name): \(error)") }
    }

    private static func uint(_ name: String, _ text: String) throws(HTTPFailure) -> UInt256 {
        do throws(UInt256.Error) {
            return try UInt256(parsing: text)
        } catch {
            throw bad("\(name) must be an unsigned integer (decimal or 0x-hex), got \"\(text)\"")
        }
    }

    private static func tag(_ name: String, _ text: String) throws(HTTPFailure) -> Hash32 {
        guard text.hasPrefix("0x"), let tag = try? Hash32(hex: text) else {
            throw bad("\(name) must be a tag: 0x + 64 hex digits, got \"\(text)\"")
        }
        return tag
    }

    private static func int(_ name: String, _ text: String) throws(HTTPFailure) -> Int {
        guard let value = Int(text) else { throw bad("\(name) must be an integer, got \"\(text)\"") }
        return value
    }

    /// `OPEN,FILLED`: comma-separated statuses, any case.
    private static func statuses(_ text: String) throws(HTTPFailure) -> Set<OrderStatus> {
        var statuses: Set<OrderStatus> = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let status = OrderStatus(rawValue: name.uppercased()) else {
                let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw bad("status must be a comma-separated list of \(known), got \"\(text)\"")
            }
            statuses.insert(status)
        }
        return statuses
    }

    private static func bad(_ message: String) -> HTTPFailure {
        HTTPFailure(MarketError.invalidQuery(message))
    }

    private static func badBody(_ message: String) -> HTTPFailure {
        HTTPFailure(MarketError.invalidOrder(message))
    }
}
