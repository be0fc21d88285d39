/// A BIP-32 hierarchical deterministic wallet: one master key from which account keys derive.
public struct HDWallet: Sendable, Hashable {
    /// The mnemonic of Hardhat's and Anvil's dev accounts; never use it for real funds.
    public static let devMnemonic = "test test test test test test test test test test test junk"

    /// The master extended key (path `m`).
    public let master: ExtendedPrivateKey

    /// A wallet from a BIP-32 seed of 16 to 64 bytes.
    public init(seed: [UInt8]) throws(HDWalletError) {
        master = try ExtendedPrivateKey(seed: seed)
    }

    /// A wallet from a BIP-39 mnemonic and optional passphrase (see `BIP39.seed`: the words are
    /// not checked against the word list).
    public init(mnemonic: String, passphrase: String = "") throws(HDWalletError) {
        try self.init(seed: BIP39.seed(mnemonic: mnemonic, passphrase: passphrase))
    }

    /// The extended key at `path`, from the master key.
    public func extendedKey(at path: DerivationPath) throws(HDWalletError) -> ExtendedPrivateKey {
        try master.derived(path)
    }

    /// The private key at `path`, from the master key.
    public func privateKey(at path: DerivationPath) throws(HDWalletError) -> PrivateKey {
        try master.derived(path).privateKey
    }

    /// The private key at a path written as text, e.g. `m/44'/60'/0'/0/3`.
    public func privateKey(at path: String) throws(HDWalletError) -> PrivateKey {
        let parsed: DerivationPath
        do { parsed = try DerivationPath(path) } catch { throw .invalidPath(error) }
        return try privateKey(at: parsed)
    }

    /// The Ethereum account key `m/44'/60'/account'/0/index` (BIP-44), as MetaMask, eth-account
    /// and dev chains derive it.
    public func account(_ index: UInt32, account: UInt32 = 0) throws(HDWalletError) -> PrivateKey {
        let path: DerivationPath
        do { path = try .ethereum(account: account, index: index) } catch { throw .invalidPath(error) }
        return try privateKey(at: path)
    }

    /// The first `count` accounts of `devMnemonic` (no passphrase) at `m/44'/60'/0'/0/i`:
    /// Hardhat's and Anvil's prefunded accounts, the first being
    /// 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266.
    public static func devAccounts(count: Int = 10) throws(HDWalletError) -> [PrivateKey] {
        guard (0...Int(ChildIndex.hardenedOffset)).contains(count) else { throw .invalidAccountCount(count) }
        let wallet = try HDWallet(mnemonic: devMnemonic)
        // The shared parent m/44'/60'/0'/0 is derived once.
        let parent = try wallet.master.derived(Self.devParent)
        var keys: [PrivateKey] = []
        keys.reserveCapacity(count)
        for index in 0..<count {
            let childIndex: ChildIndex
            do { childIndex = try .normal(UInt32(index)) } catch { throw .invalidPath(error) }
            keys.append(try parent.derivedChild(childIndex).privateKey)
        }
        return keys
    }

    /// `m/44'/60'/0'/0`, a constant path that always parses.
    private static let devParent = try! DerivationPath("m/44'/60'/0'/0")
}

/// Why a seed, mnemonic or derivation was refused.
public enum HDWalletError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The seed is not 16 to 64 bytes (BIP-32's 128 to 512 bits).
    case seedLength(Int)
    /// The seed's HMAC gives a master key that is zero or not below the curve order.
    case invalidMasterKey
    /// The child at this path is invalid (I_L ≥ n or zero key, probability below 2⁻¹²⁷); BIP-32
    /// would use the next index, this implementation refuses so a path always means its indices.
    case invalidChildKey(DerivationPath)
    /// Deriving below this node would exceed BIP-32's 255 levels.
    case depthOverflow(DerivationPath)
    /// A path given as text or built from indices was refused.
    case invalidPath(DerivationPathError)
    /// An account count is negative or above 2³¹.
    case invalidAccountCount(Int)
    /// The BIP-39 mnemonic is empty.
    case emptyMnemonic
    /// The BIP-39 PBKDF2 failed in the cryptographic library (e.g. out of memory).
    case seedDerivationFailed(String)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .seedLength(let count):
            return "BIP-32 seed must be 16 to 64 bytes, got \(count)"
        case .invalidMasterKey:
            return "this seed gives an invalid BIP-32 master key (zero or not below the secp256k1 order)"
        case .invalidChildKey(let path):
            return "the child key at \(path) is invalid (I_L ≥ n or zero key); "
                + "BIP-32 says to use the next index, which this implementation leaves to the caller"
        case .depthOverflow(let path):
            return "cannot derive below \(path): BIP-32 allows at most \(DerivationPath.maxDepth) levels"
        case .invalidPath(let error):
            return "invalid derivation path: \(error)"
        case .invalidAccountCount(let count):
            return "account count must be 0 to 2^31, got \(count)"
        case .emptyMnemonic:
            return "BIP-39 mnemonic is empty"
        case .seedDerivationFailed(let detail):
            return "BIP-39 seed derivation failed: \(detail)"
        }
    }
}
