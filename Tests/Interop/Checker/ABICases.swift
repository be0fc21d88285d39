import Ethereum

/// `abi`: encode the reference's values, decode the reference's encoding, and the selector.
func answerABI(_ input: Input) throws -> [String: Any] {
    guard let typeTexts = try input.value("types") as? [String], let values = try input.value("values") as? [Any],
          typeTexts.count == values.count else { throw CheckerError("types and values must be lists of one length") }
    let types = try typeTexts.map { try ABIType(parsing: $0) }
    let ours = try zip(types, values).map { try abiValue($1, as: $0) }
    let decoded = try ABI.decode(types, from: try input.bytes("encoded"))
    return [
        "encoded": Hex.encode(try ABI.encode(ours, as: types)),
        "decoded": zip(types, decoded).map { abiJSON($1, as: $0) },
        "selector": Hex.encode(try ABIFunction(try input.string("signature")).selector),
    ]
}

/// The wire form (integers as decimal text, bytes as hex) to a typed value.
private func abiValue(_ json: Any, as type: ABIType) throws -> ABIValue {
    func text() throws -> String {
        guard let text = json as? String else { throw CheckerError("\(type.canonical): expected a string") }
        return text
    }
    switch type {
    case .uint: return .uint(try UInt256(decimal: try text()))
    case .int:
        let value = try text()
        let negative = value.hasPrefix("-")
        return try .int(isNegative: negative, magnitude: try UInt256(decimal: String(value.drop { $0 == "-" })))
    case .address: return .address(try Address(hex: try text()))
    case .bool:
        guard let flag = json as? Bool else { throw CheckerError("bool expected") }
        return .bool(flag)
    case .fixedBytes: return .fixedBytes(try Hex.decode(try text()))
    case .bytes: return .bytes(try Hex.decode(try text()))
    case .string: return .string(try text())
    case .array(let element), .fixedArray(let element, _):
        guard let items = json as? [Any] else { throw CheckerError("\(type.canonical): expected a list") }
        return .array(try items.map { try abiValue($0, as: element) })
    case .tuple(let members):
        guard let items = json as? [Any], items.count == members.count else {
            throw CheckerError("\(type.canonical): expected a list of \(members.count)")
        }
        return .tuple(try zip(members, items).map { try abiValue($1, as: $0) })
    }
}

/// A typed value back to the wire form.
private func abiJSON(_ value: ABIValue, as type: ABIType) -> Any {
    switch (type, value) {
    case (.int, _):
        guard let (negative, magnitude) = value.signedParts else { return "?" }
        return (negative ? "-" : "") + magnitude.description
    case (.uint, .uint(let number)): return number.description
    case (_, .address(let address)): return address.checksummed
    case (_, .bool(let flag)): return flag
    case (_, .fixedBytes(let bytes)), (_, .bytes(let bytes)): return Hex.encode(bytes)
    case (_, .string(let text)): return text
    case (.array(let element), .array(let items)), (.fixedArray(let element, _), .array(let items)):
        return items.map { abiJSON($0, as: element) }
    case (.tuple(let members), .tuple(let items)): return zip(members, items).map { abiJSON($1, as: $0) }
    default: return "type \(type.canonical) does not match the decoded value \(value)"
    }
}
