/// The EIP-712 domain PoCo signs orders in: `iExecODB`, version `5.0.0`, the chain id and the hub
/// (PoCo proxy) address (`IexecConfigurationFacet._domain`). The separator is computed once here.
public struct PoCoDomain: Hashable, Sendable, CustomStringConvertible {
    /// `iExecODB`.
    public static let name = "iExecODB"
    /// `5.0.0`.
    public static let version = "5.0.0"
    /// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
    static let typeHash = Keccak256.hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    private static let nameHash = Keccak256.hash(name)
    private static let versionHash = Keccak256.hash(version)

    /// The chain id (`block.chainid`).
    public let chainId: UInt256
    /// The PoCo hub (proxy / diamond) address: the domain's `verifyingContract`.
    public let hub: Address
    /// `hashStruct(EIP712Domain)`, `m_eip712DomainSeparator` on chain.
    public let separator: Hash32

    /// The domain of the hub at `hub` on chain `chainId`.
    public init(chainId: UInt256, hub: Address) {
        self.chainId = chainId
        self.hub = hub
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 4)
        words.append(Self.nameHash)
        words.append(Self.versionHash)
        words.append(chainId)
        words.append(hub)
        self.separator = words.hash()
    }

    /// The same domain as a generic `EIP712Domain` (for `TypedData`).
    public var eip712Domain: EIP712Domain {
        EIP712Domain(name: Self.name, version: Self.version, chainId: chainId, verifyingContract: hub)
    }

    public var description: String { "iExecODB 5.0.0 chain \(chainId) hub \(hub)" }
}

/// Builds `typeHash ‖ word₁ ‖ … ‖ wordₙ` in one preallocated buffer and hashes it: the fixed
/// layout of a struct whose fields are all static, which is every PoCo order.
struct StructWords {
    private(set) var bytes: [UInt8]

    init(typeHash: Hash32, fieldCount: Int) {
        bytes = []
        bytes.reserveCapacity(32 * (fieldCount + 1))
        bytes.append(contentsOf: typeHash.bytes)
    }

    /// An address, left-padded to 32 bytes.
    mutating func append(_ address: Address) {
        bytes.append(contentsOf: repeatElement(0, count: 12))
        bytes.append(contentsOf: address.bytes)
    }

    /// A `uint256`, big-endian.
    mutating func append(_ value: UInt256) {
        append(limb: value.w3)
        append(limb: value.w2)
        append(limb: value.w1)
        append(limb: value.w0)
    }

    private mutating func append(limb: UInt64) {
        withUnsafeBytes(of: limb.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `bytes32` (or an already-hashed dynamic value).
    mutating func append(_ word: Hash32) {
        bytes.append(contentsOf: word.bytes)
    }

    /// A `string`: the Keccak-256 of its UTF-8 bytes.
    mutating func append(hashOf text: String) {
        append(Keccak256.hash(text.utf8))
    }

    func hash() -> Hash32 {
        Keccak256.hash(bytes)
    }
}
