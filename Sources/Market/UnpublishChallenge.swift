import Ethereum

/// What an owner signs to unpublish an order, as iExec's market API gateway asks: EIP-712 typed
/// data in the domain `{name: "iExec Gateway", version: "1", chainId}` with one type
/// `Challenge(string challenge)`, whose value is a fresh random hex string. It is bound to one
/// address, valid until `expiresAt`, and good for one unpublish.
///
/// A client signs `typedData` (with `authorization(signedWith:)`, or a wallet's
/// `eth_signTypedData_v4`) and sends iExec's authorization string
/// `"<typed-data hash>_<signature>_<address>"` with the request.
public struct UnpublishChallenge: Hashable, Sendable {
    /// The address that must sign it: the signer of the orders it unpublishes.
    public let address: Address
    /// The random value signed, `0x` and 64 hex digits.
    public let challenge: String
    /// The chain id of the domain.
    public let chainId: UInt64
    /// Unix seconds after which it is refused.
    public let expiresAt: UInt64
    /// The EIP-712 document to sign.
    public let typedData: TypedData

    /// The `Challenge` struct type.
    public static let types: [String: [TypedData.Field]] = ["Challenge": [.init(name: "challenge", type: "string")]]

    /// The gateway's signing domain on chain `chainId`.
    public static func domain(chainId: UInt64) -> EIP712Domain {
        EIP712Domain(name: "iExec Gateway", version: "1", chainId: UInt256(chainId))
    }

    /// A challenge with the given value (`MarketService.challenge(for:)` draws it at random).
    public init(address: Address, challenge: String, chainId: UInt64, expiresAt: UInt64) {
        self.address = address
        self.challenge = challenge
        self.chainId = chainId
        self.expiresAt = expiresAt
        do {
            typedData = try TypedData(types: Self.types, primaryType: "Challenge", domain: Self.domain(chainId: chainId),
                                      message: .object(["challenge": .string(challenge)]))
        } catch {
            // One string field holding a string: valid for every value.
            preconditionFailure("the challenge's typed data is valid by construction: \(error)")
        }
    }

    /// The EIP-712 digest signed: the first part of the authorization string.
    public var hash: Hash32 { typedData.digest }

    /// iExec's authorization string for this challenge signed by `key`:
    /// `"<hash hex>_<65-byte signature hex>_<address>"`.
    public func authorization(signedWith key: PrivateKey) -> String {
        Self.authorization(hash: hash, signature: typedData.sign(with: key).bytes, address: key.address)
    }

    /// Builds an authorization string from its parts.
    public static func authorization(hash: Hash32, signature: [UInt8], address: Address) -> String {
        [hash.hex, Hex.encode(signature), address.checksummed].joined(separator: "_")
    }

    /// What the HTTP route answers: `{"typedData": {…}, "expiresAt": n}`.
    public var jsonValue: JSONValue {
        .object(["typedData": typedData.jsonValue, "expiresAt": .number(String(expiresAt))])
    }
}

/// The three parts of an authorization string.
struct UnpublishAuthorization: Hashable, Sendable {
    var hash: Hash32
    var signature: [UInt8]
    var address: Address

    /// Parses `"<hash>_<signature>_<address>"` (each `0x`-prefixed hex).
    init(parsing text: String) throws(MarketError) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .unauthorized("the authorization must be \"<challenge hash>_<signature>_<address>\", got \(parts.count) part(s)")
        }
        do {
            hash = try Hash32(hex: parts[0])
        } catch {
            throw .unauthorized("the authorization's challenge hash is not 32 bytes of hex")
        }
        do {
            signature = try Hex.decode(parts[1])
        } catch {
            throw .unauthorized("the authorization's signature is not hex")
        }
        do {
            address = try Address(hex: parts[2])
        } catch {
            throw .unauthorized("the authorization's address is not an address: \(error)")
        }
    }
}

/// The challenges handed out and not used yet, by hash. Bounded: past `capacity` the oldest are
/// dropped, so requesting challenges cannot exhaust memory.
struct ChallengeLedger: Sendable {
    /// The most challenges kept.
    let capacity: Int
    private var byHash: [Hash32: UnpublishChallenge] = [:]
    /// Hashes in issue order (which is also expiry order: every challenge lives the same time);
    /// entries already used are skipped when reached.
    private var order: [Hash32] = []
    private var start = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Keeps a new challenge, dropping expired ones and, past capacity, the oldest.
    mutating func add(_ challenge: UnpublishChallenge, now: UInt64) {
        dropExpired(now: now)
        byHash[challenge.hash] = challenge
        order.append(challenge.hash)
        while byHash.count > capacity, start < order.count {
            byHash[order[start]] = nil
            start += 1
        }
        compact()
    }

    /// The outstanding challenge with this hash.
    func challenge(_ hash: Hash32) -> UnpublishChallenge? { byHash[hash] }

    /// Forgets a challenge (used, or found expired).
    mutating func remove(_ hash: Hash32) { byHash[hash] = nil }

    /// How many challenges are outstanding.
    var count: Int { byHash.count }

    /// Drops challenges from the front while they are expired or already used.
    private mutating func dropExpired(now: UInt64) {
        while start < order.count {
            let hash = order[start]
            if let challenge = byHash[hash], challenge.expiresAt >= now { return }
            byHash[hash] = nil
            start += 1
        }
    }

    /// Drops the consumed prefix of `order` once it is the larger half.
    private mutating func compact() {
        if start > 0, start * 2 >= order.count {
            order.removeFirst(start)
            start = 0
        }
    }
}
