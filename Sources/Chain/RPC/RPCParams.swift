import Ethereum

/// A block named in a request: a tag, a number, or a hash (EIP-1898).
enum BlockSpec: Hashable, Sendable {
    case latest, pending, earliest, safe, finalized
    case number(UInt64)
    case hash(Hash32)

    /// Reads a tag (`latest`, `pending`, `earliest`, `safe`, `finalized`), a `0x` quantity, or an
    /// EIP-1898 object (`{"blockNumber": …}` or `{"blockHash": …}`).
    init(_ value: JSONValue, name: String) throws(RPCError) {
        switch value {
        case .string(let text):
            switch text {
            case "latest": self = .latest
            case "pending": self = .pending
            case "earliest": self = .earliest
            case "safe": self = .safe
            case "finalized": self = .finalized
            default:
                guard let number = RPCParams.uint64(hex: text) else {
                    throw .invalidParams("\(name) must be a block tag (latest, pending, earliest, safe, finalized) or a 0x-hex block number, got \"\(text)\"")
                }
                self = .number(number)
            }
        case .object(let members):
            if let hash = members["blockHash"] {
                guard case .string(let text) = hash, let parsed = try? Hash32(hex: text), text.hasPrefix("0x") else {
                    throw .invalidParams("\(name).blockHash must be a 32-byte 0x-hex hash")
                }
                self = .hash(parsed)
            } else if let number = members["blockNumber"] {
                self = try BlockSpec(number, name: "\(name).blockNumber")
            } else {
                throw .invalidParams("\(name) must name blockNumber or blockHash")
            }
        default:
            throw .invalidParams("\(name) must be a block tag or a 0x-hex block number, got \(value.kindDescription)")
        }
    }
}

/// The positional parameters of one call, read with errors that name the parameter and what was expected.
struct RPCParams {
    let method: String
    let values: [JSONValue]

    /// The parameters of `method`: an array, or nothing (`null`/absent is no parameters).
    init(method: String, params: JSONValue) throws(RPCError) {
        self.method = method
        switch params {
        case .array(let items): values = items
        case .null: values = []
        default: throw .invalidParams("\(method) takes its parameters as an array, got \(params.kindDescription)")
        }
    }

    /// Fails when more than `count` parameters were given.
    func expect(atMost count: Int) throws(RPCError) {
        guard values.count <= count else {
            throw .invalidParams("\(method) takes at most \(count) parameter\(count == 1 ? "" : "s"), got \(values.count)")
        }
    }

    /// Parameter `index`, nil when absent or null.
    func optional(_ index: Int) -> JSONValue? {
        guard index < values.count, values[index] != .null else { return nil }
        return values[index]
    }

    /// Parameter `index`, which must be present.
    func required(_ index: Int, _ name: String) throws(RPCError) -> JSONValue {
        guard let value = optional(index) else {
            throw .invalidParams("missing parameter \(index) (\(name)) of \(method)")
        }
        return value
    }

    /// How parameter `index` is named in messages.
    func label(_ index: Int, _ name: String) -> String { "parameter \(index) (\(name))" }

    func address(_ index: Int, _ name: String) throws(RPCError) -> Address {
        try Self.address(try required(index, name), name: label(index, name))
    }

    func hash(_ index: Int, _ name: String) throws(RPCError) -> Hash32 {
        try Self.hash(try required(index, name), name: label(index, name))
    }

    func data(_ index: Int, _ name: String) throws(RPCError) -> [UInt8] {
        try Self.data(try required(index, name), name: label(index, name))
    }

    func quantity(_ index: Int, _ name: String) throws(RPCError) -> UInt256 {
        try Self.quantity(try required(index, name), name: label(index, name))
    }

    /// A block parameter; absent means `latest`.
    func block(_ index: Int, _ name: String = "block") throws(RPCError) -> BlockSpec {
        guard let value = optional(index) else { return .latest }
        return try BlockSpec(value, name: label(index, name))
    }

    func bool(_ index: Int, _ name: String, default fallback: Bool) throws(RPCError) -> Bool {
        guard let value = optional(index) else { return fallback }
        guard case .bool(let flag) = value else {
            throw .invalidParams("\(label(index, name)) must be true or false, got \(value.kindDescription)")
        }
        return flag
    }

    // MARK: - Value readers

    /// A 20-byte `0x`-hex address (an EIP-55 mixed-case one must have a valid checksum).
    static func address(_ value: JSONValue, name: String) throws(RPCError) -> Address {
        guard case .string(let text) = value else {
            throw .invalidParams("\(name) must be a 0x-hex address, got \(value.kindDescription)")
        }
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidParams("\(name) must be a 0x-prefixed address, got \"\(text)\"")
        }
        do throws(AddressError) { return try Address(hex: text) } catch {
            throw .invalidParams("\(name) is not a valid address: \(error)")
        }
    }

    /// A 32-byte `0x`-hex hash.
    static func hash(_ value: JSONValue, name: String) throws(RPCError) -> Hash32 {
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X"),
              let hash = try? Hash32(hex: text) else {
            throw .invalidParams("\(name) must be a 32-byte 0x-hex hash")
        }
        return hash
    }

    /// `0x`-hex bytes (an even number of digits).
    static func data(_ value: JSONValue, name: String) throws(RPCError) -> [UInt8] {
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidParams("\(name) must be 0x-hex data, got \(value.kindDescription)")
        }
        do throws(HexError) { return try Hex.decode(text) } catch {
            throw .invalidParams("\(name) is not valid 0x-hex data: \(error)")
        }
    }

    /// A `0x`-hex quantity up to 2²⁵⁶ − 1.
    static func quantity(_ value: JSONValue, name: String) throws(RPCError) -> UInt256 {
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidParams("\(name) must be a 0x-hex quantity, got \(value.kindDescription)")
        }
        do throws(UInt256.Error) { return try UInt256(hex: text) } catch {
            throw .invalidParams("\(name) is not a valid 0x-hex quantity: \(error)")
        }
    }

    /// A quantity that fits 64 bits: `0x`-hex text, or (as Hardhat accepts for its dev methods) a JSON integer.
    static func uint64(_ value: JSONValue, name: String) throws(RPCError) -> UInt64 {
        switch value {
        case .number(let literal):
            guard let number = UInt64(literal) else {
                throw .invalidParams("\(name) must be a non-negative integer below 2^64, got \(literal)")
            }
            return number
        case .string(let text):
            guard let number = uint64(hex: text) else {
                throw .invalidParams("\(name) must be a 0x-hex quantity below 2^64, got \"\(text)\"")
            }
            return number
        default:
            throw .invalidParams("\(name) must be a 0x-hex quantity, got \(value.kindDescription)")
        }
    }

    /// `0x`-hex text of at most 16 significant digits.
    static func uint64(hex text: String) -> UInt64? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty, digits.count <= 64,
              digits.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) })
        else { return nil }
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 16 else { return nil }
        return significant.isEmpty ? 0 : UInt64(significant, radix: 16)
    }
}
