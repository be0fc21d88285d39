import Ethereum
import Foundation
import PoCo

// The genesis file:
//
//   { "chainId": 31337, "timestamp": 0, "governance": "0x…",
//     "hub": "0x…", "appRegistry": "0x…", "datasetRegistry": "0x…", "workerpoolRegistry": "0x…",
//     "categories": [ { "name": "XS", "description": "{}", "workClockTimeRef": 300 }, … ],
//     "accounts": [ { "address": "0x…", "balance": "10000000000000000000000", "escrow": "0",
//                     "score": "150" }, … ] }
//
// chainId and governance are required; the rest default (see `Genesis.init`). Numbers are JSON
// integers or strings of decimal or 0x-hex digits, read exactly to 256 bits. Unknown fields are
// refused so that a typo does not silently fall back to a default.

extension Genesis {
    /// Reads the genesis file at `path`.
    ///
    /// - Throws: `GenesisError.unreadableFile`, or what `init(json:)` throws.
    public init(contentsOfFile path: String) throws(GenesisError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        try self.init(json: data)
    }

    /// Reads a genesis file's UTF-8 bytes.
    ///
    /// - Throws: `GenesisError` naming the offending field.
    public init<Bytes: Collection>(json bytes: Bytes) throws(GenesisError) where Bytes.Element == UInt8 {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch { throw .invalidJSON(error) }
        try self.init(json: value)
    }

    /// Reads a genesis from parsed JSON.
    public init(json value: JSONValue) throws(GenesisError) {
        let root = try GenesisFields(value, path: "", allowed: [
            "chainId", "timestamp", "governance", "hub", "appRegistry", "datasetRegistry",
            "workerpoolRegistry", "categories", "accounts",
        ])
        self.init(chainId: try root.uint64("chainId"), governance: try root.address("governance"))
        timestamp = try root.uint64("timestamp", default: 0)
        hub = try root.address("hub", default: Genesis.defaultHub)
        appRegistry = try root.address("appRegistry", default: Genesis.defaultAppRegistry)
        datasetRegistry = try root.address("datasetRegistry", default: Genesis.defaultDatasetRegistry)
        workerpoolRegistry = try root.address("workerpoolRegistry", default: Genesis.defaultWorkerpoolRegistry)
        if let items = try root.array("categories") {
            categories = []
            for (index, item) in items.enumerated() {
                let fields = try GenesisFields(item, path: "categories[\(index)]",
                                               allowed: ["name", "description", "workClockTimeRef"])
                categories.append(Category(name: try fields.string("name"),
                                           description: try fields.string("description", default: "{}"),
                                           workClockTimeRef: try fields.uint256("workClockTimeRef")))
            }
        }
        var seen: Set<Address> = []
        for (index, item) in (try root.array("accounts") ?? []).enumerated() {
            let path = "accounts[\(index)]"
            let fields = try GenesisFields(item, path: path, allowed: ["address", "balance", "escrow", "score"])
            let account = GenesisAccount(address: try fields.address("address"),
                                         balance: try fields.uint256("balance", default: .zero),
                                         escrow: try fields.uint256("escrow", default: .zero),
                                         score: try fields.uint256("score", default: .zero))
            guard seen.insert(account.address).inserted else {
                throw .duplicateAccount(field: path + ".address", account.address)
            }
            accounts.append(account)
        }
    }

    /// The genesis as JSON (every field written, keys sorted, 256-bit amounts as decimal strings
    /// so that no JSON reader rounds them); `init(json:)` reads it back to an equal value.
    public var json: String {
        let categoryValues: [JSONValue] = categories.map {
            .object(["name": .string($0.name), "description": .string($0.description),
                     "workClockTimeRef": .number($0.workClockTimeRef.description)])
        }
        let accountValues: [JSONValue] = accounts.map { account in
            var members: [String: JSONValue] = [
                "address": .string(account.address.checksummed), "balance": .string(account.balance.description),
                "escrow": .string(account.escrow.description),
            ]
            // Written only when set, so that genesis files without reputations read back unchanged.
            if !account.score.isZero { members["score"] = .string(account.score.description) }
            return .object(members)
        }
        let root: JSONValue = .object([
            "chainId": .number(String(chainId)), "timestamp": .number(String(timestamp)),
            "governance": .string(governance.checksummed), "hub": .string(hub.checksummed),
            "appRegistry": .string(appRegistry.checksummed),
            "datasetRegistry": .string(datasetRegistry.checksummed),
            "workerpoolRegistry": .string(workerpoolRegistry.checksummed),
            "categories": .array(categoryValues), "accounts": .array(accountValues),
        ])
        return root.serialized
    }
}

/// One JSON object of the genesis file, read field by field with errors naming the field's path.
struct GenesisFields {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String, allowed: Set<String>) throws(GenesisError) {
        guard case .object(let members) = value else {
            throw .wrongType(field: path.isEmpty ? "(root)" : path, expected: "an object", found: value.kindDescription)
        }
        // Sorted so the error names the same field on every run.
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .unknownField(Self.join(path, unknown))
        }
        self.members = members
        self.path = path
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func required(_ key: String) throws(GenesisError) -> JSONValue {
        guard let value = members[key] else { throw .missingField(Self.join(path, key)) }
        return value
    }

    func string(_ key: String) throws(GenesisError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw .wrongType(field: Self.join(path, key), expected: "a string", found: value.kindDescription)
        }
        return text
    }

    func string(_ key: String, default fallback: String) throws(GenesisError) -> String {
        members[key] == nil ? fallback : try string(key)
    }

    func address(_ key: String) throws(GenesisError) -> Address {
        let text = try string(key)
        do { return try Address(hex: text) } catch { throw .invalidAddress(field: Self.join(path, key), error) }
    }

    func address(_ key: String, default fallback: Address) throws(GenesisError) -> Address {
        members[key] == nil ? fallback : try address(key)
    }

    func array(_ key: String) throws(GenesisError) -> [JSONValue]? {
        guard let value = members[key] else { return nil }
        guard case .array(let items) = value else {
            throw .wrongType(field: Self.join(path, key), expected: "an array", found: value.kindDescription)
        }
        return items
    }

    /// A JSON integer, or a string of decimal or 0x-hex digits.
    func uint256(_ key: String) throws(GenesisError) -> UInt256 {
        let field = Self.join(path, key)
        let value = try required(key)
        let text: String
        switch value {
        case .number(let literal):
            // JSON numbers may carry a fraction or exponent; only plain digits are an integer here.
            guard !literal.hasPrefix("-") else { throw .negativeNumber(field: field, text: literal) }
            guard literal.allSatisfy(\.isASCIIDigitCharacter) else { throw .invalidNumber(field: field, text: literal) }
            text = literal
        case .string(let literal):
            guard !literal.hasPrefix("-") else { throw .negativeNumber(field: field, text: literal) }
            text = literal
        default:
            throw .wrongType(field: field, expected: "an integer or a string of digits", found: value.kindDescription)
        }
        do { return try UInt256(parsing: text) } catch {
            if case .overflow = error { throw .numberTooLarge(field: field, text: text, maximum: "2^256 - 1") }
            throw .invalidNumber(field: field, text: text)
        }
    }

    func uint256(_ key: String, default fallback: UInt256) throws(GenesisError) -> UInt256 {
        members[key] == nil ? fallback : try uint256(key)
    }

    func uint64(_ key: String) throws(GenesisError) -> UInt64 {
        let value = try uint256(key)
        guard let small = value.uint64Value else {
            throw .numberTooLarge(field: Self.join(path, key), text: value.description, maximum: String(UInt64.max))
        }
        return small
    }

    func uint64(_ key: String, default fallback: UInt64) throws(GenesisError) -> UInt64 {
        members[key] == nil ? fallback : try uint64(key)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
