import Chain
import Ethereum
import PoCo

/// A dev-genesis node over an in-memory ledger, with a fixed clock, and helpers to sign transactions.
struct NodeFixture {
    static let keys: [PrivateKey] = try! HDWallet.devAccounts()
    static let genesis = Genesis.dev()
    let store: InMemoryChainStore
    let node: ChainNode

    /// A node on a fresh store (or on `store`, resuming it) at clock `time`.
    static func make(store: InMemoryChainStore = InMemoryChainStore(), dev: Bool = true,
                     time: UInt64 = 1_700_000_000) async throws -> NodeFixture {
        let node = try await ChainNode.open(store: store, genesis: genesis,
                                            configuration: NodeConfiguration(dev: dev), clock: { time })
        return NodeFixture(store: store, node: node)
    }

    /// A signed EIP-1559 transaction from dev account `key` (gas limit 2,000,000 unless given).
    static func transaction(from key: Int, nonce: UInt64, to: Address, value: UInt256 = .zero, data: [UInt8] = [],
                            gasLimit: UInt64 = 2_000_000, chainId: UInt64 = Genesis.devChainId) -> SignedTransaction {
        EIP1559Transaction(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
                           gasLimit: gasLimit, to: to, value: value, data: data)
            .sign(with: keys[key])
    }

    /// ABI call data of `signature` with `arguments`.
    static func calldata(_ signature: String, _ arguments: [ABIValue] = []) -> [UInt8] {
        let function = try! ABIFunction(signature)
        return try! function.encodeCall(arguments)
    }

    /// 1 RLC (1e9 nRLC) in wei.
    static let oneRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
}
