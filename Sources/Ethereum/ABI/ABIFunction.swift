/// A contract function: its canonical signature, selector, and the encoders for its call data and
/// return data.
///
/// ```swift
/// let balanceOf = try ABIFunction("balanceOf(address)", returns: "(uint256)")
/// let callData = try balanceOf.encodeCall([.address(owner)])
/// let balance = try balanceOf.decodeReturn(returnData)[0].uintValue
/// ```
public struct ABIFunction: Hashable, Sendable, CustomStringConvertible {
    /// The function's name.
    public let name: String
    /// The parameter types.
    public let inputs: [ABIType]
    /// The return types (empty for none).
    public let outputs: [ABIType]

    /// Parses `name(type,…)`, e.g. `matchOrders((address,uint256,…),…)`; `uint`/`int` aliases and
    /// spaces are accepted and canonicalized. `returns` lists the return types in parentheses as
    /// Solidity writes them: `(uint256)`, `(uint256,bool)`, `((uint256,bool))` for one struct,
    /// `""` or `()` for none (see `ABIType.parseParameterList`).
    ///
    /// - Throws: `ABITypeParseError` naming the offending position in `signature` or `returns`.
    public init(_ signature: String, returns: String = "") throws(ABITypeParseError) {
        var parser = ABITypeParser(signature)
        let name = try parser.parseIdentifier()
        let inputs = try parser.parseParenthesizedList(enclosing: 0, allowEmpty: true)
        try parser.expectEnd()
        self.name = name
        self.inputs = inputs
        self.outputs = try ABIType.parseParameterList(returns)
    }

    /// A function from its parts.
    ///
    /// - Throws: `ABITypeParseError.invalidName` when `name` is not a Solidity identifier.
    public init(name: String, inputs: [ABIType], outputs: [ABIType] = []) throws(ABITypeParseError) {
        var parser = ABITypeParser(name)
        _ = try parser.parseIdentifier()
        guard parser.atEnd else { throw .invalidName(name, offset: 0, text: name) }
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The canonical signature hashed for the selector: `transfer(address,uint256)`.
    public var signature: String {
        name + "(" + inputs.map(\.canonical).joined(separator: ",") + ")"
    }

    /// The canonical signature.
    public var description: String { signature }

    /// The 4-byte selector that starts the call data.
    public var selector: [UInt8] { ABI.selector(signature) }

    /// Call data: the selector, then the arguments encoded as `ABI.encode` does.
    ///
    /// - Throws: `ABIError` when the arguments do not fit the parameters (path `arg N …`).
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABI.encode(arguments, as: inputs))
    }

    /// The arguments of call data for this function, selector checked.
    ///
    /// - Throws: `ABIError.missingSelector`, `.selectorMismatch`, or what `ABI.decode` throws
    ///   (byte offsets counted after the selector).
    public func decodeCall(_ callData: [UInt8]) throws(ABIError) -> [ABIValue] {
        guard callData.count >= 4 else { throw .missingSelector(length: callData.count) }
        let expected = selector
        guard Array(callData.prefix(4)) == expected else {
            throw .selectorMismatch(expected: Hex.encode(expected), actual: Hex.encode(callData.prefix(4)))
        }
        return try ABI.decode(inputs, from: Array(callData.dropFirst(4)))
    }

    /// Return data for this function (what a contract returns), encoded as `ABI.encode` does.
    ///
    /// - Throws: `ABIError` when the values do not fit the return types.
    public func encodeReturn(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.encode(values, as: outputs)
    }

    /// The values in this function's return data.
    ///
    /// - Throws: what `ABI.decode` throws.
    public func decodeReturn(_ returnData: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABI.decode(outputs, from: returnData)
    }
}
