/// The EIP-2718 kinds of transaction this module reads and writes.
public enum TransactionType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The original RLP-list transaction, with or without EIP-155 replay protection. It has no
    /// type byte on the wire; 0 is its EIP-2718 number in JSON-RPC.
    case legacy = 0x00
    /// EIP-2930: type 0x01, gas price plus an access list.
    case eip2930 = 0x01
    /// EIP-1559: type 0x02, max fee and priority fee plus an access list.
    case eip1559 = 0x02

    public var description: String {
        switch self {
        case .legacy: return "legacy transaction"
        case .eip2930: return "EIP-2930 transaction (type 0x01)"
        case .eip1559: return "EIP-1559 transaction (type 0x02)"
        }
    }
}

/// Why raw bytes are not a valid signed transaction, or a signature does not recover.
public enum TransactionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No bytes at all.
    case emptyInput
    /// The first byte is an EIP-2718 type this module does not know (blob, set-code, …).
    case unknownType(UInt8)
    /// The first byte (0x80–0xbf) is neither a type byte nor the start of a legacy RLP list.
    case invalidLeadingByte(UInt8)
    /// The bytes are not one canonical RLP item.
    case malformedRLP(TransactionType, RLPError)
    /// The RLP payload is a byte string where the transaction's field list belongs.
    case notAList(TransactionType)
    /// The field list has the wrong number of fields.
    case wrongFieldCount(TransactionType, expected: Int, actual: Int)
    /// A named field (e.g. `nonce`, `accessList[1].storageKeys[0]`) does not hold a valid value.
    case invalidField(String, RLPError)
    /// A legacy `v` is neither 27/28 nor `chainId·2 + 35 + parity` with a 64-bit chain id.
    case invalidV(UInt256)
    /// A typed transaction's `yParity` is not 0 or 1.
    case invalidYParity(UInt256)
    /// `r`/`s` are out of range (zero, not below the curve order, or high `s`), or recovery failed.
    case invalidSignature(Secp256k1Error)

    public var description: String {
        switch self {
        case .emptyInput:
            return "raw transaction is empty"
        case .unknownType(let type):
            return "transaction type 0x\(Hex.encode([type], prefix: false)) is not supported (only legacy, 0x01 and 0x02)"
        case .invalidLeadingByte(let byte):
            return "raw transaction starts with 0x\(Hex.encode([byte], prefix: false)): neither a type byte (0x00–0x7f) nor an RLP list (0xc0–0xff)"
        case .malformedRLP(let type, let error):
            return "\(type): \(error)"
        case .notAList(let type):
            return "\(type): payload is an RLP byte string, not the list of fields"
        case .wrongFieldCount(let type, let expected, let actual):
            return "\(type) has \(actual) fields, expected \(expected)"
        case .invalidField(let field, let error):
            return "transaction field '\(field)': \(error)"
        case .invalidV(let v):
            return "transaction field 'v' is \(Hex.encode(v.minimalBigEndianBytes)): expected 27, 28 or chainId·2+35+parity (chain id at most 64 bits)"
        case .invalidYParity(let value):
            return "transaction field 'yParity' is \(Hex.encode(value.minimalBigEndianBytes)): expected 0 or 1"
        case .invalidSignature(let error):
            return "transaction signature: \(error)"
        }
    }
}
