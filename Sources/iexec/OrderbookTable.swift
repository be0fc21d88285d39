import Client
import Ethereum
import Market
import PoCo

/// The text table of `iexec orderbook`: one row per order, the columns that matter for its kind.
struct OrderbookTable {
    let kind: OrderKind

    /// The header and one row per order, columns padded to their widest cell.
    func render(_ orders: [ListedOrder]) -> String {
        let rows = [header] + orders.map(row)
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { cells in
            zip(cells, widths).enumerated().map { index, pair in
                index == cells.count - 1 ? pair.0 : pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    var header: [String] {
        switch kind {
        case .app: return ["ORDER HASH", "PRICE", "LEFT", "STATUS", "TAG", "RESTRICTED TO"]
        case .dataset: return ["ORDER HASH", "PRICE", "LEFT", "STATUS", "TAG", "RESTRICTED TO"]
        case .workerpool: return ["ORDER HASH", "WORKERPOOL", "PRICE", "LEFT", "STATUS", "CATEGORY", "TRUST", "TAG"]
        case .request: return ["ORDER HASH", "REQUESTER", "APP", "POOL MAX PRICE", "LEFT", "STATUS", "CATEGORY", "TRUST"]
        }
    }

    func row(_ listed: ListedOrder) -> [String] {
        let hash = listed.orderHash.hex
        let left = "\(listed.remaining)"
        let status = listed.status.rawValue
        switch listed.order {
        case .app(let order):
            return [hash, Amount.rlc(order.appprice), left, status, Self.tag(order.tag),
                    Self.restrictions(["dataset": order.datasetrestrict, "workerpool": order.workerpoolrestrict,
                                       "requester": order.requesterrestrict])]
        case .dataset(let order):
            return [hash, Amount.rlc(order.datasetprice), left, status, Self.tag(order.tag),
                    Self.restrictions(["app": order.apprestrict, "workerpool": order.workerpoolrestrict,
                                       "requester": order.requesterrestrict])]
        case .workerpool(let order):
            return [hash, order.workerpool.checksummed, Amount.rlc(order.workerpoolprice), left, status,
                    "\(order.category)", "\(order.trust)", Self.tag(order.tag)]
        case .request(let order):
            return [hash, order.requester.checksummed, order.app.checksummed, Amount.rlc(order.workerpoolmaxprice), left,
                    status, "\(order.category)", "\(order.trust)"]
        }
    }

    /// `-` for no tag, else the tag's hex without its leading zeros (`0x1` for TEE).
    static func tag(_ tag: Hash32) -> String {
        guard tag != .zero else { return "-" }
        let digits = tag.hex.dropFirst(2).drop { $0 == "0" }
        return "0x" + digits
    }

    /// `anyone`, or the restrictions set (`workerpool 0x…`).
    static func restrictions(_ fields: KeyValuePairs<String, Address>) -> String {
        let set = fields.filter { $0.value != .zero }.map { "\($0.key) \($0.value.checksummed)" }
        return set.isEmpty ? "anyone" : set.joined(separator: ", ")
    }
}
