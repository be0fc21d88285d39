import Ethereum
import Foundation

/// The signed headers of the storage API (docs/storage.md, "HTTP API"): the signer's address, a
/// unix timestamp, and an EIP-191 `personal_sign` of `iexec-storage\n{METHOD}\n{cid}\n{timestamp}`.
/// Uploads always carry them; reads of a private blob do too.
public struct StorageAuthorization: Hashable, Sendable {
    /// `X-Iexec-Signer`: the address that signed.
    public static let signerHeader = "X-Iexec-Signer"
    /// `X-Iexec-Timestamp`: unix seconds when it was signed.
    public static let timestampHeader = "X-Iexec-Timestamp"
    /// `X-Iexec-Signature`: the 65-byte signature, 0x-hex.
    public static let signatureHeader = "X-Iexec-Signature"
    /// `X-Iexec-Readers`: comma-separated addresses allowed to read the uploaded blob (private).
    public static let readersHeader = "X-Iexec-Readers"
    /// How far a timestamp may be from the server's clock, in seconds.
    public static let maxClockSkew: UInt64 = 300

    /// The claimed signer.
    public var signer: Address
    /// Unix seconds.
    public var timestamp: UInt64
    /// The signature over `message(method:cid:timestamp:)`.
    public var signature: Signature

    /// Headers as received.
    public init(signer: Address, timestamp: UInt64, signature: Signature) {
        self.signer = signer
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Signs `method` (`PUT` or `GET`) of `cid` at `timestamp` with `key`.
    public init(signing method: String, cid: ContentID, timestamp: UInt64, with key: PrivateKey) {
        let message = Self.message(method: method, cid: cid, timestamp: timestamp)
        self.init(signer: key.address, timestamp: timestamp, signature: EIP191.sign(message: Array(message.utf8), with: key))
    }

    /// The text that is signed.
    public static func message(method: String, cid: ContentID, timestamp: UInt64) -> String {
        "iexec-storage\n\(method)\n\(cid)\n\(timestamp)"
    }

    /// Reads the three headers through `header` (name → value). Returns nil when none is present;
    /// throws when some are missing or malformed.
    public init?(header: (String) -> String?) throws(StorageAuthorizationError) {
        let signer = header(Self.signerHeader), timestamp = header(Self.timestampHeader)
        let signature = header(Self.signatureHeader)
        if signer == nil && timestamp == nil && signature == nil { return nil }
        guard let signer, let timestamp, let signature else {
            throw .missingHeader([Self.signerHeader, Self.timestampHeader, Self.signatureHeader]
                .filter { header($0) == nil }.joined(separator: ", "))
        }
        guard let address = try? Address(hex: signer) else { throw .malformed(Self.signerHeader, signer) }
        guard let seconds = UInt64(timestamp) else { throw .malformed(Self.timestampHeader, timestamp) }
        guard let bytes = try? Hex.decode(signature), let parsed = try? Signature(bytes: bytes) else {
            throw .malformed(Self.signatureHeader, signature)
        }
        self.init(signer: address, timestamp: seconds, signature: parsed)
    }

    /// The three headers to send.
    public var headers: [(name: String, value: String)] {
        [(Self.signerHeader, signer.checksummed), (Self.timestampHeader, String(timestamp)),
         (Self.signatureHeader, Hex.encode(signature.bytes, prefix: true))]
    }

    /// Checks that the signature is `signer`'s over `method` and `cid`, and that the timestamp
    /// is within `maxClockSkew` of `now`. Returns the signer.
    public func verify(method: String, cid: ContentID, now: UInt64) throws(StorageAuthorizationError) -> Address {
        let skew = now > timestamp ? now - timestamp : timestamp - now
        guard skew <= Self.maxClockSkew else { throw .expired(timestamp: timestamp, now: now) }
        let message = Self.message(method: method, cid: cid, timestamp: timestamp)
        guard let recovered = try? EIP191.recoverSigner(message: Array(message.utf8), signature: signature),
              recovered == signer else {
            throw .wrongSigner(claimed: signer)
        }
        return signer
    }

    /// Parses `X-Iexec-Readers`: comma-separated addresses, blanks ignored.
    public static func readers(from value: String) throws(StorageAuthorizationError) -> [Address] {
        var readers: [Address] = []
        for item in value.split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let address = try? Address(hex: text) else { throw .malformed(readersHeader, String(text)) }
            readers.append(address)
        }
        return readers
    }
}

/// Why a storage request's signature was refused (HTTP 401).
public enum StorageAuthorizationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Some of the three headers are missing (named).
    case missingHeader(String)
    /// A header's value cannot be read.
    case malformed(String, String)
    /// The timestamp is too far from the server's clock.
    case expired(timestamp: UInt64, now: UInt64)
    /// The signature does not recover to the claimed signer.
    case wrongSigner(claimed: Address)

    public var description: String {
        switch self {
        case .missingHeader(let names): return "missing \(names): sign the request (docs/storage.md)"
        case .malformed(let name, let value): return "malformed \(name): \(value.prefix(80))"
        case .expired(let timestamp, let now):
            return "timestamp \(timestamp) is more than \(StorageAuthorization.maxClockSkew) s from the server's clock (\(now)); check your clock and sign again"
        case .wrongSigner(let claimed):
            return "signature does not match signer \(claimed.checksummed) for this method and id"
        }
    }
}
