import Ethereum

/// Where a piece of PoCo state lives. The ledger stores state as key → value and commits to it by
/// key, so every value the engine keeps has exactly one key.
public enum StateKey: Hashable, Sendable {
    /// An escrow account (nRLC).
    case account(Address)
    /// SRLC ERC-20 allowance of `owner` to `spender`.
    case allowance(owner: Address, spender: Address)
    /// SRLC total supply: all deposits minus all withdrawals, in nRLC.
    case totalSupply
    /// A registered asset.
    case app(Address), dataset(Address), workerpool(Address)
    /// How many assets of a kind a registry holds (its ERC-721 `totalSupply`).
    case assetCount(AssetKind)
    /// How many assets of a kind an account owns (its ERC-721 `balanceOf`).
    case assetBalance(AssetKind, owner: Address)
    /// A category, by index, and how many there are.
    case category(UInt256), categoryCount
    /// Consumed volume of an order, by order hash (EIP-712 digest).
    case consumed(Hash32)
    /// Who presigned an order, by order hash.
    case presigned(Hash32)
    case deal(Hash32)
    case task(Hash32)
    /// The consensus weights of a task.
    case consensus(Hash32)
    case contribution(task: Hash32, worker: Address)
    /// A worker's reputation.
    case score(Address)
}

/// A value of the PoCo state.
public enum StateValue: Hashable, Sendable {
    case account(Account)
    case uint(UInt256)
    case address(Address)
    case app(App), dataset(Dataset), workerpool(Workerpool)
    case category(Category)
    case deal(Deal)
    case task(Task)
    case consensus(Consensus)
    case contribution(Contribution)
}

/// One key's new value after a call; nil when the key was removed (an empty account, a zero).
public struct StateChange: Hashable, Sendable {
    public var key: StateKey
    public var value: StateValue?

    public init(key: StateKey, value: StateValue?) {
        self.key = key
        self.value = value
    }
}
