import Ethereum

/// The three kinds of registered assets, each with its own registry.
public enum AssetKind: String, Hashable, Sendable, CaseIterable {
    case app, dataset, workerpool
}

/// A registered application. **Here:** `type` is `WASM` or `NATIVE` (iExec's `DOCKER` is accepted).
public struct App: Hashable, Sendable {
    public var owner: Address
    public var name: String
    public var type: String
    public var multiaddr: [UInt8]
    /// SHA-256 of the code.
    public var checksum: Hash32
    public var mrenclave: [UInt8]

    public init(owner: Address, name: String, type: String, multiaddr: [UInt8], checksum: Hash32, mrenclave: [UInt8]) {
        self.owner = owner
        self.name = name
        self.type = type
        self.multiaddr = multiaddr
        self.checksum = checksum
        self.mrenclave = mrenclave
    }
}

/// A registered dataset.
public struct Dataset: Hashable, Sendable {
    public var owner: Address
    public var name: String
    public var multiaddr: [UInt8]
    public var checksum: Hash32

    public init(owner: Address, name: String, multiaddr: [UInt8], checksum: Hash32) {
        self.owner = owner
        self.name = name
        self.multiaddr = multiaddr
        self.checksum = checksum
    }
}

/// A registered workerpool, run by its owner's scheduler.
public struct Workerpool: Hashable, Sendable {
    public var owner: Address
    public var description: String
    /// A worker's stake per contribution, in percent of the workerpool price.
    public var workerStakeRatioPolicy: UInt256
    /// The scheduler's share of the workers' pot, in percent (≤ 100).
    public var schedulerRewardRatioPolicy: UInt256

    public init(owner: Address, description: String,
                workerStakeRatioPolicy: UInt256 = PoCoConstants.defaultWorkerStakeRatioPolicy,
                schedulerRewardRatioPolicy: UInt256 = PoCoConstants.defaultSchedulerRewardRatioPolicy) {
        self.owner = owner
        self.description = description
        self.workerStakeRatioPolicy = workerStakeRatioPolicy
        self.schedulerRewardRatioPolicy = schedulerRewardRatioPolicy
    }
}
