/// A 20-byte Ethereum account address, printed with the EIP-55 mixed-case checksum.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// `0x0000…0000`: "none" in PoCo's restriction fields.
    public static let zero = Address(uncheckedBytes: [UInt8](repeating: 0, count: 20))

    /// Wraps exactly 20 bytes.
    public init(_ bytes: [UInt8]) throws(AddressError) {
        guard bytes.count == 20 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    init(uncheckedBytes bytes: [UInt8]) {
        precondition(bytes.count == 20)
        self.bytes = bytes
    }

    /// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase are accepted as unchecksummed;
    /// mixed case must be the exact EIP-55 checksum, so a mistyped address is refused.
    public init(hex text: some StringProtocol) throws(AddressError) {
        let whole = Substring(text)
        let digits = whole.hasPrefix("0x") || whole.hasPrefix("0X") ? whole.dropFirst(2) : whole
        let bytes: [UInt8]
        do throws(HexError) {
            bytes = try Hex.decode(digits)
        } catch {
            throw .invalidHex(error)
        }
        guard bytes.count == 20 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
        // Hex digits are ASCII (Hex.decode checked): byte tests, not Unicode properties.
        let hasLower = digits.utf8.contains { $0 >= 0x61 && $0 <= 0x66 }
        let hasUpper = digits.utf8.contains { $0 >= 0x41 && $0 <= 0x46 }
        if hasLower && hasUpper && !checksummed.utf8.dropFirst(2).elementsEqual(digits.utf8) {
            throw .badChecksum(given: String(text), expected: checksummed)
        }
    }

    /// The address of an uncompressed secp256k1 public key: the last 20 bytes of the Keccak-256
    /// of its 64-byte body.
    public init(publicKey: PublicKey) {
        let digest = Keccak256.hash(publicKey.uncompressed.dropFirst())
        self.init(uncheckedBytes: Array(digest.bytes[12...]))
    }

    /// EIP-55: hex digit i is uppercase when nibble i of keccak256(lowercase hex) is ≥ 8.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let digest = Keccak256.hash(lower).bytes
        var out: [UInt8] = [0x30, 0x78]
        for (index, character) in lower.enumerated() {
            let nibble = index % 2 == 0 ? digest[index / 2] >> 4 : digest[index / 2] & 0x0f
            out.append(character >= 0x61 && nibble >= 8 ? character - 0x20 : character)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lowercase hex form.
    public var lowercaseHex: String { Hex.encode(bytes) }
    public var description: String { checksummed }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// Why text or bytes are not an address.
public enum AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidHex(HexError)
    case wrongLength(Int)
    case badChecksum(given: String, expected: String)

    public var description: String {
        switch self {
        case .invalidHex(let error): return "address: \(error)"
        case .wrongLength(let count): return "an address is 20 bytes, got \(count)"
        case .badChecksum(let given, let expected):
            return "address \(given) has a wrong EIP-55 checksum (expected \(expected)); check for a typo"
        }
    }
}
