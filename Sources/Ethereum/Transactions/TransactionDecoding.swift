extension SignedTransaction {
    /// Decodes the bytes `eth_sendRawTransaction` takes: a legacy RLP list (EIP-155 or not), or an
    /// EIP-2718 envelope of type 0x01 or 0x02. Every field is checked: canonical RLP and integers,
    /// exact field count, 20-byte `to` or empty, `v`/`yParity` consistent, `r`/`s` in range with
    /// low `s`. Errors name the field at fault.
    public init(raw: [UInt8]) throws(TransactionError) {
        guard let first = raw.first else { throw .emptyInput }
        let type: TransactionType
        switch first {
        case 0xc0...0xff:
            type = .legacy
        case 0x80...0xbf:
            throw .invalidLeadingByte(first)
        default:
            // 0x00 is legacy's number in JSON-RPC only; as an envelope byte it is no known type.
            guard let known = TransactionType(rawValue: first), known != .legacy else { throw .unknownType(first) }
            type = known
        }
        let item: RLP.Item
        do throws(RLPError) {
            item = try RLP.decode(raw, from: type == .legacy ? 0 : 1)
        } catch {
            throw .malformedRLP(type, error)
        }
        guard case .list(let items) = item else { throw .notAList(type) }
        let fields = FieldReader(type: type, items: items)

        let transaction: UnsignedTransaction
        let yParity: UInt8
        switch type {
        case .legacy:
            try fields.expectCount(9)
            var legacy = LegacyTransaction(
                nonce: try fields.uint64(0, "nonce"), gasPrice: try fields.uint256(1, "gasPrice"),
                gasLimit: try fields.uint64(2, "gasLimit"), to: try fields.optionalAddress(3, "to"),
                value: try fields.uint256(4, "value"), data: try fields.bytes(5, "data"), chainId: nil)
            (legacy.chainId, yParity) = try Self.chainIdAndParity(legacyV: try fields.uint256(6, "v"))
            transaction = .legacy(legacy)
        case .eip2930:
            try fields.expectCount(11)
            transaction = .eip2930(EIP2930Transaction(
                chainId: try fields.uint64(0, "chainId"), nonce: try fields.uint64(1, "nonce"),
                gasPrice: try fields.uint256(2, "gasPrice"), gasLimit: try fields.uint64(3, "gasLimit"),
                to: try fields.optionalAddress(4, "to"), value: try fields.uint256(5, "value"),
                data: try fields.bytes(6, "data"), accessList: try AccessList(rlp: items[7])))
            yParity = try Self.parity(typed: try fields.uint256(8, "yParity"))
        case .eip1559:
            try fields.expectCount(12)
            transaction = .eip1559(EIP1559Transaction(
                chainId: try fields.uint64(0, "chainId"), nonce: try fields.uint64(1, "nonce"),
                maxPriorityFeePerGas: try fields.uint256(2, "maxPriorityFeePerGas"),
                maxFeePerGas: try fields.uint256(3, "maxFeePerGas"), gasLimit: try fields.uint64(4, "gasLimit"),
                to: try fields.optionalAddress(5, "to"), value: try fields.uint256(6, "value"),
                data: try fields.bytes(7, "data"), accessList: try AccessList(rlp: items[8])))
            yParity = try Self.parity(typed: try fields.uint256(9, "yParity"))
        }
        let r = try fields.uint256(items.count - 2, "r")
        let s = try fields.uint256(items.count - 1, "s")
        let signature = try Self.signature(r: r, s: s, yParity: yParity)
        // Canonical decoding means these fields re-encode to `raw` byte for byte; keeping `raw`
        // makes the hash the one the sender's tools computed, by construction.
        self.init(transaction: transaction, signature: signature, rawBytes: raw)
    }

    /// secp256k1's group order n, big-endian.
    private static let curveOrder: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ]

    /// Splits a legacy `v` into chain id (nil for 27/28) and y parity: EIP-155 `v = chainId·2 + 35 + parity`.
    static func chainIdAndParity(legacyV v: UInt256) throws(TransactionError) -> (UInt64?, UInt8) {
        if v == 27 || v == 28 { return (nil, UInt8(v.w0 - 27)) }
        guard v.w2 == 0, v.w3 == 0 else { throw .invalidV(v) }
        let wide = UInt128(v.w1) << 64 | UInt128(v.w0)
        guard wide >= 35, let chainId = UInt64(exactly: (wide - 35) >> 1) else { throw .invalidV(v) }
        return (chainId, UInt8((wide - 35) & 1))
    }

    /// A typed transaction's `yParity`, which must be 0 or 1.
    private static func parity(typed value: UInt256) throws(TransactionError) -> UInt8 {
        guard value == 0 || value == 1 else { throw .invalidYParity(value) }
        return UInt8(value.w0)
    }

    /// Builds the signature, refusing `r` or `s` zero, `r` ≥ n, or `s` > n/2 (EIP-2).
    private static func signature(r: UInt256, s: UInt256, yParity: UInt8) throws(TransactionError) -> Signature {
        let rBytes = r.bigEndianBytes
        guard rBytes.lexicographicallyPrecedes(curveOrder) else { throw .invalidSignature(.invalidSignatureValues) }
        do throws(Secp256k1Error) {
            return try Signature(bytes: rBytes + s.bigEndianBytes + [yParity])
        } catch {
            throw .invalidSignature(error)
        }
    }
}

/// Reads one named field, turning an RLP value error into a `TransactionError` naming the field.
enum TransactionField {
    static func read<Value>(_ name: String, _ body: () throws(RLPError) -> Value) throws(TransactionError) -> Value {
        do throws(RLPError) {
            return try body()
        } catch {
            throw .invalidField(name, error)
        }
    }
}

/// A transaction's field list, read by position with the field's name for errors.
private struct FieldReader {
    let type: TransactionType
    let items: [RLP.Item]

    func expectCount(_ expected: Int) throws(TransactionError) {
        guard items.count == expected else {
            throw .wrongFieldCount(type, expected: expected, actual: items.count)
        }
    }

    func uint64(_ index: Int, _ name: String) throws(TransactionError) -> UInt64 {
        try TransactionField.read(name) { () throws(RLPError) in try items[index].asUInt64() }
    }

    func uint256(_ index: Int, _ name: String) throws(TransactionError) -> UInt256 {
        try TransactionField.read(name) { () throws(RLPError) in try items[index].asUInt256() }
    }

    func optionalAddress(_ index: Int, _ name: String) throws(TransactionError) -> Address? {
        try TransactionField.read(name) { () throws(RLPError) in try items[index].asOptionalAddress() }
    }

    func bytes(_ index: Int, _ name: String) throws(TransactionError) -> [UInt8] {
        try TransactionField.read(name) { () throws(RLPError) in try items[index].asBytes() }
    }
}
