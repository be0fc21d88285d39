import Chain
import Ethereum

/// What `GET /info` reports: where the system contracts live and where the chain stands.
public struct NodeInfo: Sendable, Hashable {
    /// The chain id.
    public var chainId: UInt64
    /// The PoCo hub (escrow, deals, tasks).
    public var hub: Address
    /// The app registry.
    public var appRegistry: Address
    /// The dataset registry.
    public var datasetRegistry: Address
    /// The workerpool registry.
    public var workerpoolRegistry: Address
    /// The governance account.
    public var governance: Address
    /// The head block's number.
    public var headNumber: UInt64
    /// The head block's hash.
    public var headHash: Hash32
    /// What `web3_clientVersion` answers.
    public var clientVersion: String

    /// The info of `node` now.
    public static func current(of node: ChainNode, clientVersion: String) async -> NodeInfo {
        let head = await node.head
        let genesis = node.genesis
        return NodeInfo(chainId: node.chainId, hub: genesis.hub, appRegistry: genesis.appRegistry,
                        datasetRegistry: genesis.datasetRegistry, workerpoolRegistry: genesis.workerpoolRegistry,
                        governance: genesis.governance, headNumber: head.number, headHash: head.hash,
                        clientVersion: clientVersion)
    }

    /// The JSON object: addresses checksummed, `chainId` and `head.number` as numbers.
    public var json: JSONValue {
        .object([
            "chainId": .number(String(chainId)),
            "hub": .string(hub.checksummed),
            "appRegistry": .string(appRegistry.checksummed),
            "datasetRegistry": .string(datasetRegistry.checksummed),
            "workerpoolRegistry": .string(workerpoolRegistry.checksummed),
            "governance": .string(governance.checksummed),
            "head": .object(["number": .number(String(headNumber)), "hash": .string(headHash.hex)]),
            "clientVersion": .string(clientVersion),
        ])
    }
}
