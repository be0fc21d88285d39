import Ethereum

/// A server's signed statement that it handed `bytes` bytes of blob `cid` to `reader` at
/// `timestamp` (docs/storage.md, "Receipts"). Anyone can check it with `verify()`.
public struct StorageReceipt: Hashable, Sendable, Codable {
    /// The blob.
    public var cid: String
    /// Who received it (zero for an unsigned read of a public blob).
    public var reader: Address
    /// How many bytes were handed over.
    public var bytes: UInt64
    /// When (unix seconds, the server's clock).
    public var timestamp: UInt64
    /// The server's address (its signing key).
    public var server: Address
    /// The server's `personal_sign` of `message`, 0x-hex.
    public var signature: String

    /// Signs a receipt with the server's key.
    public init(cid: ContentID, reader: Address, bytes: UInt64, timestamp: UInt64, serverKey: PrivateKey) {
        self.cid = cid.description
        self.reader = reader
        self.bytes = bytes
        self.timestamp = timestamp
        self.server = serverKey.address
        let signature = EIP191.sign(message: Array(Self.message(cid: self.cid, reader: reader, bytes: bytes,
                                                                 timestamp: timestamp).utf8), with: serverKey)
        self.signature = Hex.encode(signature.bytes, prefix: true)
    }

    /// The text the server signs.
    public static func message(cid: String, reader: Address, bytes: UInt64, timestamp: UInt64) -> String {
        "iexec-storage-receipt\n\(cid)\n\(reader.checksummed)\n\(bytes)\n\(timestamp)"
    }

    /// Whether the signature is `server`'s over the receipt's fields.
    public func verify() -> Bool {
        guard let bytes = try? Hex.decode(signature), let parsed = try? Signature(bytes: bytes) else { return false }
        let message = Self.message(cid: cid, reader: reader, bytes: self.bytes, timestamp: timestamp)
        return (try? EIP191.recoverSigner(message: Array(message.utf8), signature: parsed)) == server
    }

    enum CodingKeys: String, CodingKey { case cid, reader, bytes, timestamp, server, signature }

    /// Decodes the JSON form (addresses as 0x-hex).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cid = try container.decode(String.self, forKey: .cid)
        bytes = try container.decode(UInt64.self, forKey: .bytes)
        timestamp = try container.decode(UInt64.self, forKey: .timestamp)
        signature = try container.decode(String.self, forKey: .signature)
        let reader = try container.decode(String.self, forKey: .reader)
        let server = try container.decode(String.self, forKey: .server)
        guard let readerAddress = try? Address(hex: reader), let serverAddress = try? Address(hex: server) else {
            throw DecodingError.dataCorruptedError(forKey: .reader, in: container, debugDescription: "reader and server must be addresses")
        }
        self.reader = readerAddress
        self.server = serverAddress
    }

    /// Encodes addresses checksummed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cid, forKey: .cid)
        try container.encode(reader.checksummed, forKey: .reader)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(server.checksummed, forKey: .server)
        try container.encode(signature, forKey: .signature)
    }
}
