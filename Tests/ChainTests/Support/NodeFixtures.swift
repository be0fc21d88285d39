import Chain
import ChainTestSupport
import Ethereum
import PoCo

/// A dev-genesis node over an in-memory ledger, with a fixed clock (keys and signed transactions:
/// `DevChain`).
struct NodeFixture {
    let store: InMemoryChainStore
    let node: ChainNode

    /// A node on a fresh store (or on `store`, resuming it) at clock `time`.
    static func make(store: InMemoryChainStore = InMemoryChainStore(), dev: Bool = true,
                     time: UInt64 = DevChain.time) async throws -> NodeFixture {
        let node = try await ChainNode.open(store: store, genesis: DevChain.genesis,
                                            configuration: NodeConfiguration(dev: dev), clock: { time })
        return NodeFixture(store: store, node: node)
    }
}
