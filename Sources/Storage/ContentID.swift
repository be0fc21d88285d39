// Content-addressed blob storage (issue #6): see docs/storage.md.
import Crypto

/// The id of a blob: an IPFS CIDv1 in multibase base32 (`b…`).
///
/// Blobs of at most ``ContentID/plainLimit`` bytes get the plain IPFS id (codec `raw` 0x55,
/// multihash sha2-256 of the bytes), identical to what `ipfs add --cid-version 1 --raw-leaves`
/// prints for a single block. Larger blobs get the chunked id (codec ``ContentID/chunkedCodec``),
/// whose digest commits to a Merkle tree of 256 KiB chunks so each chunk can be verified alone.
public struct ContentID: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// Which construction the id commits to.
    public enum Kind: Hashable, Sendable {
        /// The sha2-256 of the whole blob (codec `raw`).
        case plain
        /// The sha2-256 of the chunk-tree header (private-use codec, see docs/storage.md).
        case chunked
    }

    /// Largest blob size (bytes) that gets a plain id; larger blobs are chunked. Equal to one chunk.
    public static let plainLimit = ChunkTree.chunkSize
    /// Multicodec `raw` (0x55): the plain id.
    public static let rawCodec: UInt64 = 0x55
    /// Codec of the chunked id: 0x300001, in the multicodec private-use range (0x300000–0x3fffff),
    /// so no IPFS tool mistakes it for a block it can fetch, and the id itself says it is chunked.
    public static let chunkedCodec: UInt64 = 0x30_0001
    /// Multihash code of sha2-256.
    public static let sha256Code: UInt64 = 0x12

    /// Which construction the id commits to.
    public let kind: Kind
    /// The 32-byte sha2-256 digest carried in the multihash.
    public let digest: [UInt8]

    /// An id of `kind` with this 32-byte sha2-256 `digest`.
    public init(kind: Kind, digest: [UInt8]) throws(ContentIDError) {
        guard digest.count == 32 else { throw .wrongDigestLength(digest.count) }
        self.kind = kind
        self.digest = digest
    }

    /// The plain (raw codec) id of `bytes`, whatever their size.
    public static func plain(of bytes: some Sequence<UInt8>) -> ContentID {
        ContentID(uncheckedKind: .plain, digest: Array(SHA256.hash(data: Array(bytes))))
    }

    /// The canonical id of `bytes`: plain up to ``plainLimit`` bytes, chunked above.
    public static func of(_ bytes: [UInt8]) -> ContentID {
        var hasher = ContentHasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    init(uncheckedKind kind: Kind, digest: [UInt8]) {
        self.kind = kind
        self.digest = digest
    }

    /// The multicodec of this id.
    public var codec: UInt64 { kind == .plain ? Self.rawCodec : Self.chunkedCodec }

    /// The binary CID: version varint, codec varint, multihash (code, length, digest).
    public var binary: [UInt8] {
        Varint.encode(1) + Varint.encode(codec) + Varint.encode(Self.sha256Code)
            + Varint.encode(UInt64(digest.count)) + digest
    }

    /// The text form: `b` followed by the lower-case base32 of ``binary``.
    public var description: String { "b" + Base32.encode(binary) }

    /// Parses the text form, or returns nil; ``init(parsing:)`` says what is wrong.
    public init?(_ description: String) {
        guard let parsed = try? ContentID(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses the text form `b…`, refusing anything but a CIDv1 with a raw or chunked codec and a
    /// 32-byte sha2-256 multihash.
    public init(parsing text: some StringProtocol) throws(ContentIDError) {
        let text = Substring(text)
        guard let first = text.first else { throw .empty }
        guard first == "b" else { throw .unsupportedMultibase(String(first)) }
        let bytes = try Base32.decode(text.dropFirst(), offsetBase: 1)
        try self.init(binary: bytes)
    }

    /// Parses the binary CID (no multibase prefix).
    public init(binary bytes: [UInt8]) throws(ContentIDError) {
        var offset = 0
        let version = try Varint.decode(bytes, at: &offset, field: "version")
        guard version == 1 else { throw .unsupportedVersion(version) }
        let codec = try Varint.decode(bytes, at: &offset, field: "codec")
        let kind: Kind
        switch codec {
        case Self.rawCodec: kind = .plain
        case Self.chunkedCodec: kind = .chunked
        default: throw .unsupportedCodec(codec)
        }
        let hashCode = try Varint.decode(bytes, at: &offset, field: "multihash code")
        guard hashCode == Self.sha256Code else { throw .unsupportedHashFunction(hashCode) }
        let length = try Varint.decode(bytes, at: &offset, field: "multihash length")
        guard length == 32 else { throw .wrongDigestLength(length > 1 << 20 ? Int.max : Int(length)) }
        let available = bytes.count - offset
        guard available >= 32 else { throw .truncated(field: "digest") }
        guard available == 32 else { throw .trailingBytes(available - 32) }
        self.kind = kind
        self.digest = Array(bytes[offset...])
    }
}

/// Why a content id was refused.
public enum ContentIDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// The multibase prefix is not `b` (lower-case base32).
    case unsupportedMultibase(String)
    /// A character outside the lower-case base32 alphabet, at this offset in the text.
    case invalidBase32Character(offset: Int)
    /// The base32 text has a length or trailing bits no encoder produces.
    case nonCanonicalBase32
    /// A varint is over 9 bytes or not minimal; the field and its byte offset in the binary CID.
    case invalidVarint(field: String, offset: Int)
    /// The binary CID ends inside this field.
    case truncated(field: String)
    /// The CID version is not 1.
    case unsupportedVersion(UInt64)
    /// The codec is neither raw (0x55) nor the chunked codec (0x300001).
    case unsupportedCodec(UInt64)
    /// The multihash function is not sha2-256 (0x12).
    case unsupportedHashFunction(UInt64)
    /// The digest length is not 32.
    case wrongDigestLength(Int)
    /// Bytes follow the digest.
    case trailingBytes(Int)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .empty: "content id: empty"
        case .unsupportedMultibase(let prefix): "content id: multibase prefix '\(prefix)' is not 'b' (base32 lower-case)"
        case .invalidBase32Character(let offset): "content id: character at offset \(offset) is not lower-case base32"
        case .nonCanonicalBase32: "content id: base32 length or trailing bits are not canonical"
        case .invalidVarint(let field, let offset): "content id: \(field) varint at byte \(offset) is over 9 bytes or not minimal"
        case .truncated(let field): "content id: ends inside the \(field)"
        case .unsupportedVersion(let version): "content id: version \(version) is not 1"
        case .unsupportedCodec(let codec): "content id: codec 0x\(String(codec, radix: 16)) is neither raw (0x55) nor chunked (0x300001)"
        case .unsupportedHashFunction(let code): "content id: multihash 0x\(String(code, radix: 16)) is not sha2-256 (0x12)"
        case .wrongDigestLength(let length): "content id: digest length \(length) is not 32"
        case .trailingBytes(let count): "content id: \(count) bytes follow the digest"
        }
    }
}
