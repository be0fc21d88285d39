import Ethereum
import PoCo

/// The chain's state before block 1: the PoCo engine with the categories installed and the escrow
/// deposits applied, the native coin balances, and the hash that identifies this genesis.
public struct GenesisState: Sendable {
    /// The genesis it was built from.
    public let genesis: Genesis
    /// `PoCoEngine.genesis(config:categories:scores:)`, then one real `deposit` per account with escrow.
    public let engine: PoCoEngine
    /// Native coin in wei, by account; zero balances are absent. The hub holds the wei behind the
    /// escrow (escrow · 1e9 per deposit), as the native escrow does after a deposit.
    public let nativeBalances: [Address: UInt256]
    /// keccak256 of the RLP list
    /// `[chainId, timestamp, governance, hub, appRegistry, datasetRegistry, workerpoolRegistry,
    ///   PoCoState.digest, [[address, wei], …]]`,
    /// integers minimal big-endian, balances sorted by address bytes. Any difference in
    /// configuration, PoCo state or native coin changes it; it is the parent hash of block 1.
    public let genesisHash: Hash32

    /// Builds the state of `genesis`.
    ///
    /// - Throws: `GenesisError.supplyOverflow` when the coin (balances plus escrow value) exceeds
    ///   2²⁵⁶ − 1 wei, `.depositRefused` when the engine refuses a deposit (the zero address).
    public init(_ genesis: Genesis) throws(GenesisError) {
        let scores = Dictionary(genesis.accounts.filter { !$0.score.isZero }.map { ($0.address, $0.score) },
                                uniquingKeysWith: { first, _ in first })
        var engine = PoCoEngine.genesis(config: genesis.config, categories: genesis.categories, scores: scores)
        var balances: [Address: UInt256] = [:]
        var totalWei = UInt256.zero
        for (index, account) in genesis.accounts.enumerated() {
            let path = "accounts[\(index)]"
            let (escrowWei, escrowOverflow) = account.escrow.multipliedReportingOverflow(by: PoCoConstants.weiPerNRLC)
            let (withBalance, balanceOverflow) = totalWei.addingReportingOverflow(account.balance)
            let (withEscrow, totalOverflow) = withBalance.addingReportingOverflow(escrowWei)
            guard !escrowOverflow, !balanceOverflow, !totalOverflow else { throw .supplyOverflow(field: path) }
            totalWei = withEscrow
            // Sums stay below totalWei, so these additions cannot overflow.
            if !account.balance.isZero { balances[account.address, default: .zero] &+= account.balance }
            guard !account.escrow.isZero else { continue }
            let context = CallContext(sender: account.address, value: escrowWei, blockTime: genesis.timestamp)
            do {
                _ = try engine.apply(.escrow(.deposit), context)
            } catch {
                throw .depositRefused(field: path + ".escrow", reason: error.description)
            }
            balances[genesis.hub, default: .zero] = balances[genesis.hub, default: .zero] &+ escrowWei
        }
        self.genesis = genesis
        self.engine = engine
        self.nativeBalances = balances
        self.genesisHash = Self.hash(genesis, state: engine.state, balances: balances)
    }

    /// The PoCo state after genesis.
    public var state: PoCoState { engine.state }

    private static func hash(_ genesis: Genesis, state: PoCoState, balances: [Address: UInt256]) -> Hash32 {
        let sorted = balances.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }
        let item: RLP.Item = .list([
            .uint(genesis.chainId), .uint(genesis.timestamp), .address(genesis.governance),
            .address(genesis.hub), .address(genesis.appRegistry), .address(genesis.datasetRegistry),
            .address(genesis.workerpoolRegistry), .bytes(state.digest.bytes),
            .list(sorted.map { .list([.address($0.key), .uint($0.value)]) }),
        ])
        return Keccak256.hash(RLP.encode(item))
    }
}
