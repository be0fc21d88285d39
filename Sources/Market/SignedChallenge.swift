import Ethereum

/// What an address signs to prove it holds its key, as iExec's market API gateway asks to unpublish
/// an order (and the scheduler to log a worker in): EIP-712 typed data in the domain
/// `{name, version: "1", chainId}` (name "iExec Gateway" for the market) with one type
/// `Challenge(string challenge)`, whose value is a fresh random hex string. It is bound to one
/// address, valid until `expiresAt`, and good for one use.
///
/// A client signs `typedData` (with `authorization(signedWith:)`, or a wallet's
/// `eth_signTypedData_v4`) and sends iExec's authorization string
/// `"<typed-data hash>_<signature>_<address>"` with the request.
public struct SignedChallenge: Hashable, Sendable {
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

    /// The market gateway's domain name.
    public static let gatewayDomainName = "iExec Gateway"

    /// The signing domain `name` on chain `chainId` (the gateway's by default).
    public static func domain(chainId: UInt64, name: String = gatewayDomainName) -> EIP712Domain {
        EIP712Domain(name: name, version: "1", chainId: UInt256(chainId))
    }

    /// A challenge with the given value (`ChallengeLedger.issue(for:now:)` draws it at random),
    /// in the domain called `domainName`.
    public init(address: Address, challenge: String, chainId: UInt64, expiresAt: UInt64,
                domainName: String = gatewayDomainName) {
        self.address = address
        self.challenge = challenge
        self.chainId = chainId
        self.expiresAt = expiresAt
        do {
            typedData = try TypedData(types: Self.types, primaryType: "Challenge",
                                      domain: Self.domain(chainId: chainId, name: domainName),
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
struct ChallengeAuthorization: Hashable, Sendable {
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
public struct ChallengeLedger: Sendable {
    /// The most challenges kept.
    public let capacity: Int
    /// The EIP-712 domain name of the challenges issued.
    public let domainName: String
    /// Seconds a challenge stays valid.
    public let lifetime: UInt64
    private var byHash: [Hash32: SignedChallenge] = [:]
    /// Hashes in issue order (which is also expiry order: every challenge lives the same time);
    /// entries already used are skipped when reached.
    private var order: [Hash32] = []
    private var start = 0

    /// A ledger of at most `capacity` outstanding challenges in the domain `domainName`, each
    /// valid `lifetime` seconds.
    public init(capacity: Int, domainName: String = SignedChallenge.gatewayDomainName, lifetime: UInt64 = 300) {
        self.capacity = max(1, capacity)
        self.domainName = domainName
        self.lifetime = lifetime
    }

    /// A fresh random challenge for `address` on chain `chainId`, kept until used or expired.
    public mutating func issue(for address: Address, chainId: UInt64, now: UInt64) -> SignedChallenge {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let (expiresAt, overflow) = now.addingReportingOverflow(lifetime)
        let challenge = SignedChallenge(address: address, challenge: Hex.encode(bytes), chainId: chainId,
                                        expiresAt: overflow ? .max : expiresAt, domainName: domainName)
        add(challenge, now: now)
        return challenge
    }

    /// The address that signed an outstanding challenge, proven by `authorization`
    /// (`SignedChallenge.authorization(signedWith:)`: `"<hash>_<signature>_<address>"`). The
    /// challenge is used up once the signature is verified.
    ///
    /// - Throws: `unauthorized` for a malformed authorization, an unknown, expired or used
    ///   challenge, a challenge given to another address, or a signature that is not that address's.
    public mutating func redeem(_ authorization: String, now: UInt64) throws(MarketError) -> Address {
        let proof = try ChallengeAuthorization(parsing: authorization)
        guard let challenge = byHash[proof.hash] else {
            throw .unauthorized("unknown or already used challenge \(proof.hash.hex); ask for a new one")
        }
        guard now <= challenge.expiresAt else {
            byHash[proof.hash] = nil
            throw .unauthorized("the challenge expired at \(challenge.expiresAt); ask for a new one")
        }
        guard challenge.address == proof.address else {
            throw .unauthorized("the challenge was issued to \(challenge.address.checksummed), not \(proof.address.checksummed)")
        }
        let signer: Address
        do throws(Secp256k1Error) {
            signer = try challenge.typedData.recoverSigner(signatureBytes: proof.signature)
        } catch {
            throw .unauthorized("the challenge's signature is invalid: \(error)")
        }
        guard signer == proof.address else {
            throw .unauthorized("the challenge is signed by \(signer.checksummed), not \(proof.address.checksummed)")
        }
        byHash[proof.hash] = nil
        return signer
    }

    /// Keeps a new challenge, dropping expired ones and, past capacity, the oldest.
    mutating func add(_ challenge: SignedChallenge, now: UInt64) {
        dropExpired(now: now)
        byHash[challenge.hash] = challenge
        order.append(challenge.hash)
        while byHash.count > capacity, start < order.count {
            byHash[order[start]] = nil
            start += 1
        }
        compact()
    }

    /// How many challenges are outstanding.
    public var count: Int { byHash.count }

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
