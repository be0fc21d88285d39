import Ethereum
import PoCo

/// The first state of a chain: who governs, where the system contracts live, the categories and
/// the accounts funded before block 1. Read from a JSON file (`init(json:)`), written back with
/// `json`, or `dev()` for a local development chain.
public struct Genesis: Hashable, Sendable {
    /// The EIP-155 chain id (also the EIP-712 domain's chainId of PoCo orders).
    public var chainId: UInt64
    /// The genesis block's timestamp, in seconds since 1970.
    public var timestamp: UInt64
    /// The account allowed to create categories.
    public var governance: Address
    /// The PoCo hub: the `to` of PoCo calls and the domain's verifyingContract.
    public var hub: Address
    public var appRegistry: Address
    public var datasetRegistry: Address
    public var workerpoolRegistry: Address
    /// Installed in order at genesis; category i gets id i.
    public var categories: [Category]
    /// Funded accounts, each address at most once.
    public var accounts: [GenesisAccount]

    /// A genesis; the system addresses and categories default to iExec's hub, this project's
    /// fixed registries and iExec's five categories.
    public init(chainId: UInt64, timestamp: UInt64 = 0, governance: Address,
                hub: Address = Genesis.defaultHub,
                appRegistry: Address = Genesis.defaultAppRegistry,
                datasetRegistry: Address = Genesis.defaultDatasetRegistry,
                workerpoolRegistry: Address = Genesis.defaultWorkerpoolRegistry,
                categories: [Category] = Category.defaults, accounts: [GenesisAccount] = []) {
        self.chainId = chainId
        self.timestamp = timestamp
        self.governance = governance
        self.hub = hub
        self.appRegistry = appRegistry
        self.datasetRegistry = datasetRegistry
        self.workerpoolRegistry = workerpoolRegistry
        self.categories = categories
        self.accounts = accounts
    }

    /// The engine configuration this genesis sets.
    public var config: PoCoConfig {
        PoCoConfig(chainId: chainId, hub: hub, appRegistry: appRegistry, datasetRegistry: datasetRegistry,
                   workerpoolRegistry: workerpoolRegistry, governance: governance)
    }

    /// iExec's PoCo hub (the ERC-1538 proxy at the same address on every iExec chain).
    public static let defaultHub = fixedAddress("0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f")
    /// Last 20 bytes of keccak256("iexec-swift app registry").
    public static let defaultAppRegistry = fixedAddress("0xA03644e9599023C39b7Be756Ba56e941B2dFF6cA")
    /// Last 20 bytes of keccak256("iexec-swift dataset registry").
    public static let defaultDatasetRegistry = fixedAddress("0x1e09bF22F229bdd116891443f88691c567be61D3")
    /// Last 20 bytes of keccak256("iexec-swift workerpool registry").
    public static let defaultWorkerpoolRegistry = fixedAddress("0xf09E51d20bCb14ea679B4f8F9AcF1515285809f9")

    /// The chain id of development chains (Hardhat's and Anvil's).
    public static let devChainId: UInt64 = 31337
    /// 10,000 RLC in wei: each dev account's native balance.
    public static let devBalance: UInt256 = UInt256(10_000) * UInt256(1_000_000_000_000_000_000 as UInt64)

    /// The development genesis: chain id 31337, timestamp 0, the ten accounts of the dev mnemonic
    /// (`HDWallet.devAccounts()`) holding 10,000 RLC of native coin each, account 0 governing.
    public static func dev() -> Genesis {
        let keys: [PrivateKey]
        do { keys = try HDWallet.devAccounts() } catch {
            // Fixed input: a failure here is a bug in the HD wallet, not bad input.
            preconditionFailure("deriving the dev accounts failed: \(error)")
        }
        let accounts = keys.map { GenesisAccount(address: $0.address, balance: devBalance) }
        return Genesis(chainId: devChainId, governance: accounts[0].address, accounts: accounts)
    }

    private static func fixedAddress(_ text: String) -> Address {
        do { return try Address(hex: text) } catch { preconditionFailure("bad built-in address \(text): \(error)") }
    }
}

/// An account funded at genesis.
public struct GenesisAccount: Hashable, Sendable {
    public var address: Address
    /// Native coin (RLC) in wei, the chain's own accounting.
    public var balance: UInt256
    /// nRLC deposited in the PoCo escrow, applied as a real deposit whose value (escrow · 1e9 wei)
    /// the hub holds in addition to `balance`.
    public var escrow: UInt256
    /// The account's PoCo reputation as a worker (`viewScore`), zero for a new worker.
    public var score: UInt256

    public init(address: Address, balance: UInt256 = .zero, escrow: UInt256 = .zero, score: UInt256 = .zero) {
        self.address = address
        self.balance = balance
        self.escrow = escrow
        self.score = score
    }
}
