import Ethereum
import Market
import PoCo

/// The market's answers as JSON: amounts as decimal strings (they may exceed 2⁵³), addresses
/// checksummed, hashes lowercase hex, the order in iexec-sdk's form.
enum MarketJSON {
    /// One book entry: `{"orderHash","type","status","remaining","signer","publishedAt","order"}`.
    static func order(_ entry: MarketOrder) -> JSONValue {
        .object([
            "orderHash": .string(entry.orderHash.hex),
            "type": .string(entry.kind.rawValue),
            "status": .string(entry.status.rawValue),
            "remaining": .string(entry.remaining.description),
            "signer": .string(entry.signer.checksummed),
            "publishedAt": .number(String(entry.publishedAt)),
            "order": entry.order.order.jsonValue,
        ])
    }

    /// The answer to a publication: `{"orderHash","status","remaining"}`.
    static func publication(_ entry: MarketOrder) -> JSONValue {
        .object([
            "orderHash": .string(entry.orderHash.hex),
            "status": .string(entry.status.rawValue),
            "remaining": .string(entry.remaining.description),
        ])
    }

    /// A page: `{"orders": […], "total", "page", "pageSize"}`.
    static func page(_ page: OrderPage) -> JSONValue {
        .object([
            "orders": .array(page.orders.map(order)),
            "total": .number(String(page.total)),
            "page": .number(String(page.page)),
            "pageSize": .number(String(page.pageSize)),
        ])
    }
}
