import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `--app --dataset --workerpool --request`: which of the project's orders a command handles.
struct OrderSelection: ParsableArguments {
    @Flag(help: "The app order (iexec.json's order.apporder, orders.json's apporder).")
    var app = false
    @Flag(help: "The dataset order.")
    var dataset = false
    @Flag(help: "The workerpool order.")
    var workerpool = false
    @Flag(help: "The request order.")
    var request = false

    /// The kinds chosen, in the order app, dataset, workerpool, request (empty: none chosen).
    var kinds: [OrderKind] {
        [(app, OrderKind.app), (dataset, .dataset), (workerpool, .workerpool), (request, .request)]
            .filter(\.0).map(\.1)
    }
}

/// Exactly one of `--app --dataset --workerpool --request`, and optionally the order's hash (by
/// default, the hash of that kind's signed order in orders.json for the connected chain).
struct SingleOrderSelection: ParsableArguments {
    @OptionGroup var selection: OrderSelection
    @Argument(help: "The order's hash (default: that kind's signed order in orders.json, for the connected chain).")
    var orderHash: String?

    func validate() throws {
        guard selection.kinds.count == 1 else {
            throw ValidationError("choose one order: --app, --dataset, --workerpool or --request")
        }
        if let orderHash, (try? Hash32(hex: orderHash)) == nil {
            throw ValidationError("\(orderHash) is not an order hash (0x and 64 hex digits)")
        }
    }

    /// The kind chosen (validated to be exactly one).
    var kind: OrderKind { selection.kinds.first ?? .app }

    /// The hash given, or nil to use orders.json's.
    var hash: Hash32? { orderHash.flatMap { try? Hash32(hex: $0) } }
}

extension OrderKind {
    /// `apporder`, …: the key of this kind in iexec.json's `order` section and in orders.json.
    var fileKey: String { rawValue + "order" }

    /// The command-line flag choosing this kind: `--app`, …
    var flag: String { "--" + rawValue }

    /// Reads an order of this kind from iexec-sdk's JSON.
    func decode(_ value: JSONValue) throws(OrderJSONError) -> AnyPoCoOrder {
        switch self {
        case .app: return .app(try AppOrder(jsonValue: value))
        case .dataset: return .dataset(try DatasetOrder(jsonValue: value))
        case .workerpool: return .workerpool(try WorkerpoolOrder(jsonValue: value))
        case .request: return .request(try RequestOrder(jsonValue: value))
        }
    }
}

extension AnyPoCoOrder {
    /// The order as a JSON object (what orders.json and `--raw` hold): every field a string.
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }
}

extension JSONValue {
    /// A value read with JSONSerialization (a file's object), as `JSONValue`.
    init(foundation object: Any, what: String) throws {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
              let value = try? JSONValue(parsing: Array(data)) else {
            throw CLIError("\(what) is not a JSON object")
        }
        self = value
    }
}

extension ProjectFiles {
    /// The signed order of `kind` kept in orders.json for chain `chainId`, if any.
    func storedOrder(_ kind: OrderKind, chainId: UInt64) throws -> AnyPoCoOrder? {
        guard let object = try signedOrder(kind.fileKey, chainId: chainId) else { return nil }
        let what = "orders.json: the \(kind.fileKey) of chain \(chainId)"
        do {
            return try kind.decode(JSONValue(foundation: object, what: what))
        } catch let error as OrderJSONError {
            throw CLIError("\(what): \(error); sign it again (`iexec order sign \(kind.flag)`)")
        }
    }
}

/// The templates `iexec order init` writes in iexec.json, and their reading into orders when
/// `iexec order sign` signs them. Field names are iexec-sdk's; prices may be written as nRLC
/// numbers or as amounts (`"0.5 RLC"`); a request's `params` may be an object (iexec-sdk's way)
/// or the JSON text itself.
enum OrderTemplate {
    static let zeroTag = Hash32.zero.hex
    static let zeroAddress = Address.zero.checksummed
    /// The params of a new request template: no arguments.
    static let defaultParams: [String: String] = ["iexec_args": ""]
    /// The fields holding prices, read as RLC amounts.
    static let priceFields: Set<String> = ["appprice", "datasetprice", "workerpoolprice", "appmaxprice",
                                           "datasetmaxprice", "workerpoolmaxprice"]

    /// The template of `kind`, with the assets deployed on the chain (deployed.json) and `wallet`
    /// as requester and beneficiary, where known.
    static func make(_ kind: OrderKind, deployed: (AssetKind) throws -> Address?, wallet: Address?) throws -> [String: Any] {
        func address(_ asset: AssetKind) throws -> String { try deployed(asset)?.checksummed ?? zeroAddress }
        switch kind {
        case .app:
            return ["app": try address(.app), "appprice": "0", "volume": "1", "tag": zeroTag,
                    "datasetrestrict": zeroAddress, "workerpoolrestrict": zeroAddress, "requesterrestrict": zeroAddress]
        case .dataset:
            return ["dataset": try address(.dataset), "datasetprice": "0", "volume": "1", "tag": zeroTag,
                    "apprestrict": zeroAddress, "workerpoolrestrict": zeroAddress, "requesterrestrict": zeroAddress]
        case .workerpool:
            return ["workerpool": try address(.workerpool), "workerpoolprice": "0", "volume": "1", "tag": zeroTag,
                    "category": "0", "trust": "0", "apprestrict": zeroAddress, "datasetrestrict": zeroAddress,
                    "requesterrestrict": zeroAddress]
        case .request:
            let me = wallet?.checksummed ?? zeroAddress
            return ["app": try address(.app), "appmaxprice": "0", "dataset": try address(.dataset), "datasetmaxprice": "0",
                    "workerpool": try address(.workerpool), "workerpoolmaxprice": "0", "requester": me, "volume": "1",
                    "tag": zeroTag, "category": "0", "trust": "0", "beneficiary": me, "callback": zeroAddress,
                    "params": defaultParams]
        }
    }

    /// The order a template describes, with `salt` (any `salt` or `sign` it has is replaced).
    ///
    /// - Throws: `CLIError` naming `order.<kind>order.<field>` and what is wrong with it.
    static func order(from template: [String: Any], kind: OrderKind, salt: Hash32) throws -> AnyPoCoOrder {
        let place = "iexec.json order.\(kind.fileKey)"
        var fields = template
        fields["sign"] = nil
        fields["salt"] = salt.hex
        for name in priceFields {
            guard let text = fields[name] as? String else { continue }
            do { fields[name] = try Amount.parse(text).decimalString } catch {
                throw CLIError("\(place).\(name): \(error)")
            }
        }
        if kind == .request {
            fields["params"] = try params(fields["params"], place: place)
        }
        do {
            return try kind.decode(JSONValue(foundation: fields, what: place))
        } catch let error as OrderJSONError {
            throw CLIError("\(place).\(error)")
        }
    }

    /// A request's `params` as the text signed: an object is written as compact JSON (sorted
    /// keys), a string is kept; either must be what a worker can read (`DealParams`).
    static func params(_ value: Any?, place: String) throws -> String {
        let text: String
        switch value {
        case let string as String:
            text = string
        case let object as [String: Any]:
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                throw CLIError("\(place).params is not JSON")
            }
            text = String(decoding: data, as: UTF8.self)
        case nil:
            throw CLIError("\(place).params: missing; e.g. {\"iexec_args\": \"\"}")
        default:
            throw CLIError("\(place).params: an object such as {\"iexec_args\": \"a b\"}, or its JSON text")
        }
        do { _ = try DealParams(parsing: text) } catch {
            throw CLIError("\(place).params: \(error)")
        }
        return text
    }

    /// 32 random bytes, as iexec-sdk's salt.
    static func randomSalt() -> Hash32 {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return (try? Hash32(bytes)) ?? .zero
    }
}

extension WalletOptions {
    /// The wallet's address when it can be known without its password: `--wallet-address`, or
    /// the address a keystore file names; nil when there is no single wallet.
    func knownAddress() -> Address? {
        if let walletAddress, let address = try? Address(hex: walletAddress) { return address }
        guard let path = try? keystorePath(), let data = FileManager.default.contents(atPath: path) else { return nil }
        return (try? KeystoreFile(jsonData: data))?.address
    }

    /// The signer's address, and its key when the wallet had to be opened to learn it: checks
    /// that need only the address run before the password is asked.
    func signer() throws -> (address: Address, key: PrivateKey?) {
        if let known = knownAddress() { return (known, nil) }
        let key = try key()
        return (key.address, key)
    }

    /// `opened`, or the wallet opened now, checked to hold `address`'s key.
    func key(of address: Address, opened: PrivateKey?) throws -> PrivateKey {
        let key = try opened ?? self.key()
        guard key.address == address else {
            throw CLIError("the keystore holds the key of \(key.address.checksummed), not of \(address.checksummed) as its file says: it is corrupt or was edited")
        }
        return key
    }
}
