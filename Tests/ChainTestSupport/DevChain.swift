import Chain
import Ethereum
import PoCo

/// The development chain as tests use it: its keys, genesis, and signed transactions from its accounts.
public enum DevChain {
    /// The ten accounts of the development mnemonic (account 0 governs).
    public static let keys: [PrivateKey] = try! HDWallet.devAccounts()
    /// `Genesis.dev()`.
    public static let genesis = Genesis.dev()
    /// The fixed clock tests run nodes on (seconds since 1970).
    public static let time: UInt64 = 1_700_000_000
    /// 1 RLC (10⁹ nRLC) in wei.
    public static let oneRLC = UInt256(1_000_000_000_000_000_000 as UInt64)
    /// The PoCo hub.
    public static var hub: Address { genesis.hub }

    /// Dev account `key`'s address.
    public static func address(_ key: Int) -> Address { keys[key].address }

    /// A signed EIP-1559 transaction from dev account `key` (gas limit 2,000,000 unless given).
    public static func transaction(from key: Int, nonce: UInt64, to: Address, value: UInt256 = .zero,
                                   data: [UInt8] = [], gasLimit: UInt64 = 2_000_000,
                                   chainId: UInt64 = Genesis.devChainId) -> SignedTransaction {
        EIP1559Transaction(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
                           gasLimit: gasLimit, to: to, value: value, data: data)
            .sign(with: keys[key])
    }

    /// ABI call data of `signature` with `arguments`.
    public static func calldata(_ signature: String, _ arguments: [ABIValue] = []) -> [UInt8] {
        try! ABIFunction(signature).encodeCall(arguments)
    }

    /// An address as a log topic (left-padded to 32 bytes).
    public static func topic(_ address: Address) -> Hash32 { try! Hash32([UInt8](repeating: 0, count: 12) + address.bytes) }

    /// topic0 of ERC-20/721 `Transfer`.
    public static let transferTopic = Keccak256.hash("Transfer(address,address,uint256)")
    /// topic0 of ERC-20 `Approval`.
    public static let approvalTopic = Keccak256.hash("Approval(address,address,uint256)")
}
