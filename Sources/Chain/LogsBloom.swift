import Ethereum

/// Ethereum's 2048-bit logs bloom (Yellow Paper, §4.3.1): for a log's address and each of its
/// topics, three bits are set, each taken from the low 11 bits of one of the first three byte
/// pairs of the item's Keccak-256 hash.
///
/// `bytes` is the header's 256-byte form: the 2048-bit number big-endian, so bit `n` lies in
/// byte `255 - n / 8`.
public struct LogsBloom: Sendable, Hashable, CustomStringConvertible {
    /// The 256-byte encoding found in block headers and receipts.
    public private(set) var bytes: [UInt8]

    /// The empty bloom (all zero bits).
    public static let empty = LogsBloom()

    /// The empty bloom.
    public init() {
        bytes = [UInt8](repeating: 0, count: 256)
    }

    /// A bloom from its 256-byte encoding.
    ///
    /// - Throws: `LogsBloomError.wrongLength` when `bytes` is not 256 bytes long.
    public init(_ bytes: [UInt8]) throws(LogsBloomError) {
        guard bytes.count == 256 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// The bloom of `logs`: each log's address and topics added.
    public init(logs: [ReceiptLog]) {
        self.init()
        for log in logs { add(log) }
    }

    /// Adds an item (an address's 20 bytes or a topic's 32 bytes).
    public mutating func add(_ item: [UInt8]) {
        for bit in Self.bits(of: item) {
            bytes[255 - bit / 8] |= 1 << UInt8(bit % 8)
        }
    }

    /// Adds a log's address and every topic.
    public mutating func add(_ log: ReceiptLog) {
        add(log.address.bytes)
        for topic in log.topics { add(topic.bytes) }
    }

    /// Whether the item's three bits are all set: false means surely absent, true means
    /// possibly present.
    public func contains(_ item: [UInt8]) -> Bool {
        Self.bits(of: item).allSatisfy { bit in bytes[255 - bit / 8] & (1 << UInt8(bit % 8)) != 0 }
    }

    /// Adds all of `other`'s bits, as a block's bloom gathers its receipts'.
    public mutating func formUnion(_ other: LogsBloom) {
        for index in bytes.indices { bytes[index] |= other.bytes[index] }
    }

    /// This bloom with all of `other`'s bits added.
    public func union(_ other: LogsBloom) -> LogsBloom {
        var result = self
        result.formUnion(other)
        return result
    }

    /// The 0x-prefixed hex of the 256 bytes.
    public var description: String { Hex.encode(bytes) }

    /// The three bit numbers (0…2047) an item sets.
    private static func bits(of item: [UInt8]) -> [Int] {
        let hash = Keccak256.hash(item).bytes
        return [0, 2, 4].map { (Int(hash[$0]) << 8 | Int(hash[$0 + 1])) & 2047 }
    }
}

/// Why bytes are not a logs bloom.
public enum LogsBloomError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The encoding is not 256 bytes long; the associated value is its length.
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .wrongLength(let count): return "logs bloom: expected 256 bytes, got \(count)"
        }
    }
}
