import Chain
import Ethereum

/// The devnet's accounts, all keys of the development mnemonic (`HDWallet.devMnemonic`,
/// m/44'/60'/0'/0/i) — public, for development only:
///
/// - 0: governance, and yours: the account to request computations with from the CLI;
/// - 1: owns the sample apps (their orders stay published);
/// - 2: owns the workerpool (the scheduler signs with it);
/// - 3…: the workers, in order.
public struct DevnetAccounts: Sendable {
    /// Every key, at least the ten of the development genesis.
    public let keys: [PrivateKey]

    /// Keys for `workers` workers.
    public init(workers: Int) throws {
        keys = try HDWallet.devAccounts(count: max(10, 3 + workers))
    }

    /// Account 0: governs the chain; the user's.
    public var user: PrivateKey { keys[0] }
    /// Account 1: the sample apps' owner.
    public var appOwner: PrivateKey { keys[1] }
    /// Account 2: the workerpool's owner and scheduler.
    public var workerpoolOwner: PrivateKey { keys[2] }
    /// Worker `index` (0-based): account 3 + index.
    public func worker(_ index: Int) -> PrivateKey { keys[3 + index] }

    /// The development genesis (ten accounts of 10,000 RLC) where accounts 3…9, the first seven
    /// workers, start with reputation `workerScore`. It does not depend on the number of workers,
    /// so a devnet restarts on its ledger with more or fewer of them.
    public static func genesis(workerScore: UInt64) -> Genesis {
        var genesis = Genesis.dev()
        for index in 3..<genesis.accounts.count { genesis.accounts[index].score = UInt256(workerScore) }
        return genesis
    }

    /// Workers whose account is in the genesis (the others are funded by account 0, and new).
    public static let workersInGenesis = 7
}
