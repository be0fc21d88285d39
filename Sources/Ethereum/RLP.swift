/// Recursive Length Prefix, Ethereum's serialization of nested byte strings (Yellow Paper,
/// appendix B).
///
/// Decoding is strict: only the one canonical encoding of each item is accepted, so a decoded
/// item re-encodes to exactly the bytes it came from, and two encodings never hash alike by
/// accident of form.
public enum RLP {
    /// An RLP item: a byte string or a list of items.
    public enum Item: Sendable, Hashable {
        /// A byte string (possibly empty).
        case bytes([UInt8])
        /// A list of items (possibly empty).
        case list([Item])
    }

    /// The deepest list nesting `decode` accepts; deeper input is refused before it can exhaust
    /// the stack.
    public static let maxDepth = 64

    /// The canonical encoding of `item`.
    public static func encode(_ item: Item) -> [UInt8] {
        var out = [UInt8]()
        append(item, to: &out)
        return out
    }

    /// Decodes exactly one item spanning all of `bytes`, refusing any non-canonical form.
    ///
    /// - Throws: `RLPError` naming the offset of the offending item header.
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> Item {
        try decode(bytes, from: 0)
    }

    /// Decodes exactly one item spanning `bytes[start...]`; offsets in errors count from the
    /// start of `bytes`, so a typed transaction's errors point into the whole raw transaction.
    static func decode(_ bytes: [UInt8], from start: Int) throws(RLPError) -> Item {
        guard start < bytes.count else { throw .emptyInput }
        let decoder = Decoder(bytes: bytes)
        let (item, end) = try decoder.item(at: start, end: bytes.count, depth: 0)
        guard end == bytes.count else { throw .trailingBytes(offset: end, count: bytes.count - end) }
        return item
    }

    private static func append(_ item: Item, to out: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 {
                out.append(bytes[0])
            } else {
                appendHeader(payloadLength: bytes.count, shortBase: 0x80, to: &out)
                out.append(contentsOf: bytes)
            }
        case .list(let items):
            var payload = [UInt8]()
            for child in items { append(child, to: &payload) }
            appendHeader(payloadLength: payload.count, shortBase: 0xc0, to: &out)
            out.append(contentsOf: payload)
        }
    }

    private static func appendHeader(payloadLength: Int, shortBase: UInt8, to out: inout [UInt8]) {
        if payloadLength <= 55 {
            out.append(shortBase + UInt8(payloadLength))
        } else {
            let lengthBytes = UInt256(UInt64(payloadLength)).minimalBigEndianBytes
            out.append(shortBase + 55 + UInt8(lengthBytes.count))
            out.append(contentsOf: lengthBytes)
        }
    }

    /// Walks the input by index; every length is checked against the bytes that remain before
    /// it is used, so no input can make it read out of bounds or overflow.
    private struct Decoder {
        let bytes: [UInt8]

        /// Decodes the item whose header is at `offset` and which must end by `end`; returns it
        /// with the offset just past it.
        func item(at offset: Int, end: Int, depth: Int) throws(RLPError) -> (Item, Int) {
            let prefix = bytes[offset]
            switch prefix {
            case 0x00...0x7f:
                return (.bytes([prefix]), offset + 1)
            case 0x80...0xbf:
                let (start, length) = try payload(at: offset, end: end, shortBase: 0x80)
                if length == 1, bytes[start] < 0x80 { throw .nonCanonicalSingleByte(offset: offset) }
                return (.bytes(Array(bytes[start..<start + length])), start + length)
            default:
                guard depth < RLP.maxDepth else { throw .tooDeep(offset: offset, limit: RLP.maxDepth) }
                let (start, length) = try payload(at: offset, end: end, shortBase: 0xc0)
                var children = [Item]()
                var cursor = start
                while cursor < start + length {
                    let (child, next) = try item(at: cursor, end: start + length, depth: depth + 1)
                    children.append(child)
                    cursor = next
                }
                return (.list(children), cursor)
            }
        }

        /// Reads a string (`shortBase` 0x80) or list (0xc0) header at `offset`: where the payload
        /// starts and how long it is, checked to fit before `end`.
        private func payload(at offset: Int, end: Int, shortBase: UInt8) throws(RLPError) -> (Int, Int) {
            let prefix = bytes[offset]
            let afterPrefix = offset + 1
            if prefix <= shortBase + 55 {
                let length = Int(prefix - shortBase)
                guard length <= end - afterPrefix else {
                    throw .truncated(offset: offset, declared: UInt64(length), available: end - afterPrefix)
                }
                return (afterPrefix, length)
            }
            let lengthOfLength = Int(prefix - shortBase - 55)
            guard lengthOfLength <= end - afterPrefix else {
                throw .truncated(offset: offset, declared: UInt64(lengthOfLength), available: end - afterPrefix)
            }
            guard bytes[afterPrefix] != 0 else { throw .leadingZeroInLength(offset: offset) }
            // At most 8 length bytes, so the value always fits in 64 bits.
            var declared: UInt64 = 0
            for byte in bytes[afterPrefix..<afterPrefix + lengthOfLength] {
                declared = declared << 8 | UInt64(byte)
            }
            guard declared > 55 else { throw .nonCanonicalLongForm(offset: offset, length: declared) }
            let start = afterPrefix + lengthOfLength
            // Compared as UInt64 before any conversion: a length of 2⁶³ is an error, not a trap.
            guard declared <= UInt64(end - start) else {
                throw .truncated(offset: offset, declared: declared, available: end - start)
            }
            return (start, Int(declared))
        }
    }
}

/// Why bytes are not a canonical RLP item, or an item is not the value a field wants.
public enum RLPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are no bytes at all.
    case emptyInput
    /// The header at `offset` declares more payload (or length) bytes than remain in the input or
    /// in the enclosing list.
    case truncated(offset: Int, declared: UInt64, available: Int)
    /// The header at `offset` is `0x81` before a byte below `0x80`, which must encode as itself.
    case nonCanonicalSingleByte(offset: Int)
    /// The header at `offset` uses the long form for a payload of 55 bytes or less.
    case nonCanonicalLongForm(offset: Int, length: UInt64)
    /// The long-form length of the header at `offset` starts with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// The item ends at `offset`, but `count` more bytes follow it.
    case trailingBytes(offset: Int, count: Int)
    /// The list at `offset` is nested deeper than `limit` lists.
    case tooDeep(offset: Int, limit: Int)
    /// A byte string was expected, a list was found.
    case expectedBytes
    /// A list was expected, a byte string was found.
    case expectedList
    /// An integer is encoded with a leading zero byte (zero is the empty string).
    case nonCanonicalInteger
    /// An integer is wider than its field allows.
    case integerTooLarge(byteCount: Int, maxByteCount: Int)
    /// A fixed-size value (address, hash) has the wrong number of bytes.
    case wrongByteCount(expected: Int, actual: Int)
    /// A fixed-shape list (an access-list entry) has the wrong number of items.
    case wrongItemCount(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .emptyInput:
            return "RLP input is empty"
        case .truncated(let offset, let declared, let available):
            return "RLP item at offset \(offset) declares \(declared) bytes but only \(available) are available"
        case .nonCanonicalSingleByte(let offset):
            return "RLP item at offset \(offset) wraps a single byte below 0x80 in a 0x81 header; it must encode as itself"
        case .nonCanonicalLongForm(let offset, let length):
            return "RLP item at offset \(offset) uses the long form for \(length) bytes; 55 or fewer take the short form"
        case .leadingZeroInLength(let offset):
            return "RLP item at offset \(offset) has a long-form length starting with a zero byte"
        case .trailingBytes(let offset, let count):
            return "RLP item ends at offset \(offset) but \(count) more bytes follow"
        case .tooDeep(let offset, let limit):
            return "RLP list at offset \(offset) is nested deeper than \(limit) lists"
        case .expectedBytes:
            return "expected an RLP byte string, found a list"
        case .expectedList:
            return "expected an RLP list, found a byte string"
        case .nonCanonicalInteger:
            return "RLP integer has a leading zero byte (zero is the empty string)"
        case .integerTooLarge(let count, let limit):
            return "RLP integer is \(count) bytes long, more than the \(limit) this field holds"
        case .wrongByteCount(let expected, let actual):
            return "expected \(expected) bytes, got \(actual)"
        case .wrongItemCount(let expected, let actual):
            return "expected a list of \(expected) items, got \(actual)"
        }
    }
}

extension RLP.Item {
    /// An unsigned integer, big-endian without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt256) -> RLP.Item { .bytes(value.minimalBigEndianBytes) }

    /// An unsigned integer, big-endian without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt64) -> RLP.Item { .uint(UInt256(value)) }

    /// An address, or the empty string for none (a contract creation's `to`).
    public static func address(_ address: Address?) -> RLP.Item { .bytes(address?.bytes ?? []) }

    /// The byte string, or `expectedBytes` for a list.
    public func asBytes() throws(RLPError) -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw .expectedBytes }
        return bytes
    }

    /// The list's items, or `expectedList` for a byte string.
    public func asList() throws(RLPError) -> [RLP.Item] {
        guard case .list(let items) = self else { throw .expectedList }
        return items
    }

    /// A canonical unsigned integer of at most 32 bytes.
    public func asUInt256() throws(RLPError) -> UInt256 {
        let bytes = try canonicalInteger(maxByteCount: 32)
        do throws(UInt256.Error) {
            return try UInt256(bigEndian: bytes)
        } catch {
            throw .integerTooLarge(byteCount: bytes.count, maxByteCount: 32)
        }
    }

    /// A canonical unsigned integer of at most 8 bytes.
    public func asUInt64() throws(RLPError) -> UInt64 {
        try canonicalInteger(maxByteCount: 8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Exactly 20 bytes.
    public func asAddress() throws(RLPError) -> Address {
        let bytes = try asBytes()
        guard bytes.count == 20 else { throw .wrongByteCount(expected: 20, actual: bytes.count) }
        return Address(uncheckedBytes: bytes)
    }

    /// Exactly 20 bytes, or the empty string for none.
    public func asOptionalAddress() throws(RLPError) -> Address? {
        if case .bytes(let bytes) = self, bytes.isEmpty { return nil }
        return try asAddress()
    }

    /// Exactly 32 bytes.
    public func asHash32() throws(RLPError) -> Hash32 {
        let bytes = try asBytes()
        guard bytes.count == 32 else { throw .wrongByteCount(expected: 32, actual: bytes.count) }
        return Hash32(uncheckedBytes: bytes)
    }

    private func canonicalInteger(maxByteCount: Int) throws(RLPError) -> [UInt8] {
        let bytes = try asBytes()
        guard bytes.first != 0 else { throw .nonCanonicalInteger }
        guard bytes.count <= maxByteCount else {
            throw .integerTooLarge(byteCount: bytes.count, maxByteCount: maxByteCount)
        }
        return bytes
    }
}
