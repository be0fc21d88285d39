import Ethereum

/// `tx`: build and sign the transaction from its fields; decode the reference's raw bytes.
func answerTransaction(_ input: Input) throws -> [String: Any] {
    let fields = try input.object("fields")
    let key = try input.privateKey()
    let nonce = try fields.uint64("nonce")
    let gasLimit = try fields.uint64("gas")
    let value = try fields.uint256("value")
    let data = try fields.bytes("data")
    let chainId = try fields.uint64("chainId")
    let to = try fields.object["to"].map { try Address(hex: $0 as? String ?? "") }
    let accessList = try fields.accessList()
    let transaction: UnsignedTransaction
    switch try fields.uint64("type") {
    case 0:
        transaction = .legacy(LegacyTransaction(
            nonce: nonce, gasPrice: try fields.uint256("gasPrice"), gasLimit: gasLimit, to: to, value: value,
            data: data, chainId: chainId))
    case 1:
        transaction = .eip2930(EIP2930Transaction(
            chainId: chainId, nonce: nonce, gasPrice: try fields.uint256("gasPrice"), gasLimit: gasLimit, to: to,
            value: value, data: data, accessList: accessList))
    case 2:
        transaction = .eip1559(EIP1559Transaction(
            chainId: chainId, nonce: nonce, maxPriorityFeePerGas: try fields.uint256("maxPriorityFeePerGas"),
            maxFeePerGas: try fields.uint256("maxFeePerGas"), gasLimit: gasLimit, to: to, value: value, data: data,
            accessList: accessList))
    case let other:
        throw CheckerError("unknown transaction type \(other)")
    }
    let signed = transaction.sign(with: key)
    let decoded = try SignedTransaction(raw: try input.bytes("raw"))
    return [
        "raw": Hex.encode(signed.rawBytes), "hash": signed.hash.hex,
        "sender": try decoded.sender().checksummed,
        // Re-encoding what we decoded must give the reference's bytes back.
        "decodedRaw": Hex.encode(SignedTransaction(transaction: decoded.transaction, signature: decoded.signature).rawBytes),
    ]
}

/// `rlp`: encode the reference's item; decode the reference's encoding.
func answerRLP(_ input: Input) throws -> [String: Any] {
    let item = try rlpItem(try input.value("item"))
    return ["encoded": Hex.encode(RLP.encode(item)), "decoded": rlpJSON(try RLP.decode(try input.bytes("encoded")))]
}

private func rlpItem(_ json: Any) throws -> RLP.Item {
    if let list = json as? [Any] { return .list(try list.map(rlpItem)) }
    guard let text = json as? String else { throw CheckerError("an RLP item is a hex string or a list") }
    return .bytes(try Hex.decode(text))
}

private func rlpJSON(_ item: RLP.Item) -> Any {
    switch item {
    case .bytes(let bytes): return Hex.encode(bytes)
    case .list(let items): return items.map(rlpJSON)
    }
}

extension Input {
    func uint256(_ key: String) throws -> UInt256 {
        let text = try value(key) as? String ?? ""
        return try UInt256(bigEndian: decimalToBytes(text, field: key))
    }

    func uint64(_ key: String) throws -> UInt64 {
        if let number = try value(key) as? Int, number >= 0 { return UInt64(number) }
        guard let text = try value(key) as? String, let number = UInt64(text) else {
            throw CheckerError("\(key) is not a 64-bit unsigned integer")
        }
        return number
    }

    func accessList() throws -> AccessList {
        guard let entries = object["accessList"] as? [[String: Any]] else { return [] }
        return AccessList(try entries.map { entry in
            let keys = try (entry["storageKeys"] as? [String] ?? []).map { try Hash32(hex: $0) }
            return AccessList.Entry(address: try Address(hex: entry["address"] as? String ?? ""), storageKeys: keys)
        })
    }
}

/// Decimal text to big-endian bytes, by schoolbook long multiplication (UInt256 text parsing is
/// under test elsewhere; this keeps the checker's reading of inputs independent of it).
func decimalToBytes(_ text: String, field: String) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for character in text.utf8 {
        guard (0x30...0x39).contains(character) else { throw CheckerError("\(field): '\(text)' is not decimal") }
        var carry = Int(character - 0x30)
        for index in bytes.indices.reversed() {
            let product = Int(bytes[index]) * 10 + carry
            bytes[index] = UInt8(product & 0xff)
            carry = product >> 8
        }
        while carry > 0 {
            bytes.insert(UInt8(carry & 0xff), at: 0)
            carry >>= 8
        }
    }
    return bytes
}
