import Ethereum
import PoCo

/// The whole state of the chain: the PoCo engine's state and the native accounts, with the
/// ``StateCommitment`` kept up to date as blocks change them.
public struct WorldState: Sendable {
    /// The PoCo engine over the current state.
    public internal(set) var engine: PoCoEngine
    /// Native accounts (nonce, wei); absent means empty.
    public private(set) var accounts: [Address: NativeAccount]
    private var commitment = StateCommitment()

    /// A world over `engine`'s state and `accounts`, committing to all of it.
    public init(engine: PoCoEngine, accounts: [Address: NativeAccount]) {
        self.engine = engine
        self.accounts = accounts.filter { !$0.value.isEmpty }
        for (key, value) in engine.state.storage {
            commitment.set(.poco, key: key.encoded, value: value.encoded)
        }
        for (address, account) in self.accounts { commitment.set(address, account) }
    }

    /// `address`'s native account (empty if never used).
    public func account(_ address: Address) -> NativeAccount { accounts[address] ?? NativeAccount() }

    /// Sets a native account, keeping the commitment in step.
    mutating func setAccount(_ address: Address, _ account: NativeAccount) {
        accounts[address] = account.isEmpty ? nil : account
        commitment.set(address, account)
    }

    /// Records PoCo changes the engine already applied (in canonical bytes) in the commitment.
    mutating func commit(_ changes: [StateChangeRecord]) {
        for change in changes { commitment.set(.poco, key: change.key, value: change.value) }
    }

    /// The state root now.
    public mutating func stateRoot() -> Hash32 { commitment.root() }
}
