/// The Solidity contract ABI: encoding arguments and return values, selectors, event topics.
///
/// `encode` and `decode` follow the Solidity ABI specification's head/tail layout byte for byte
/// (what eth-abi's `encode` produces and its strict `decode` accepts); `encodePacked` is
/// Solidity's `abi.encodePacked`.
public enum ABI {
    /// Encodes values as Solidity encodes a function's arguments (`abi.encode(v1, …, vn)`): the
    /// values form one tuple, static ones inline in the head, dynamic ones in the tail behind an
    /// offset word.
    ///
    /// - Throws: `ABIError` when a type is malformed, the counts differ, or a value does not fit its
    ///   type (wrong kind, integer too wide, wrong `bytesN` length, wrong fixed array length or
    ///   tuple arity); the error names the value's path (`arg 2 [3].1`).
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        try validate(values, as: types)
        return ABIEncoding.encodeSequence(values, as: types)
    }

    /// Checks that values can be encoded as the types, without encoding them.
    ///
    /// - Throws: what `encode` throws.
    public static func validate(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) {
        for type in types { try type.validate() }
        guard values.count == types.count else { throw .argumentCount(expected: types.count, actual: values.count) }
        for (index, (value, type)) in zip(values, types).enumerated() {
            try ABIEncoding.check(value, as: type, at: ABIPath(argument: index))
        }
    }

    /// Decodes data produced by `encode(_:as:)` (or by a contract) as the given types.
    ///
    /// Strict, like eth-abi's `decode` with `strict=True`: every word and payload must lie inside
    /// the data, offsets must point past their container's head and inside the data, integers,
    /// addresses, `bool`s and `bytesN` must be canonically padded, `bytes`/`string` payloads must be
    /// zero-padded to a whole word, and strings must be valid UTF-8. Bytes after the encoded values
    /// are ignored, as there. Lengths are checked against the data before anything is allocated,
    /// and the decoded values may take at most about twice the data's size (offsets aliasing one
    /// payload many times are refused with `decodedSizeLimit`). Never traps on any input.
    ///
    /// - Throws: `ABIError` naming the value's path and the byte offset of the offending word.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws(ABIError) -> [ABIValue] {
        for type in types { try type.validate() }
        var decoder = ABIDecoding(data: data)
        return try decoder.decodeArguments(types)
    }

    /// Solidity's `abi.encodePacked`: integers in their own width (`uint8` one byte, `int16` two
    /// bytes two's complement), `address` 20 bytes, `bool` one byte, `bytesN` N bytes, `bytes` and
    /// `string` as they are with no length; arrays of those static types as their elements, each
    /// padded to 32 bytes. Tuples, nested arrays and arrays of `bytes`/`string` are refused, as by
    /// the Solidity compiler. PoCo ids use it: `taskid = keccak256(abi.encodePacked(dealid, idx))`.
    ///
    /// - Throws: `ABIError` when a value does not fit its type or a type is not packable.
    public static func encodePacked(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        try validate(values, as: types)
        var out = [UInt8]()
        for (index, (value, type)) in zip(values, types).enumerated() {
            try ABIEncoding.appendPacked(value, as: type, at: ABIPath(argument: index), to: &out)
        }
        return out
    }

    /// The 4-byte function selector: the first bytes of keccak256 of the signature, e.g.
    /// `transfer(address,uint256)` → `a9059cbb`. Spaces are removed first (as eth-utils does);
    /// otherwise the text is hashed as given, so pass the canonical form (`uint256`, not `uint`) or
    /// use `ABIFunction`, which canonicalizes.
    public static func selector(_ signature: String) -> [UInt8] {
        Array(Keccak256.hash(signature.filter { $0 != " " }).bytes.prefix(4))
    }

    /// An event's topic 0: keccak256 of its signature, e.g. `Transfer(address,address,uint256)`.
    /// Spaces are removed first; otherwise hashed as given (pass the canonical form).
    public static func eventTopic(_ signature: String) -> Hash32 {
        Keccak256.hash(signature.filter { $0 != " " })
    }
}
