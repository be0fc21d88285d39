import Ethereum
import PoCo

/// Typed PoCo views on any chain: `view(_:)` and the model's ABI decoders.
extension PoCoChain {
    /// The deal `dealid` (every field zero when unknown).
    public func deal(_ dealid: Hash32) async throws(ChainClientError) -> Deal {
        try await decoded(.viewDeal(dealid)) { value throws(PoCoDecodingError) in try Deal(abiValue: value) }
    }

    /// The task `taskid` (status `.unset` when unknown).
    public func task(_ taskid: Hash32) async throws(ChainClientError) -> PoCo.Task {
        try await decoded(.viewTask(taskid)) { value throws(PoCoDecodingError) in try PoCo.Task(abiValue: value) }
    }

    /// `worker`'s contribution to `task` (status `.unset` when none).
    public func contribution(task: Hash32, worker: Address) async throws(ChainClientError) -> Contribution {
        try await decoded(.viewContribution(task: task, worker: worker)) { value throws(PoCoDecodingError) in
            try Contribution(abiValue: value)
        }
    }

    /// `address`'s escrow account: free balance and frozen (locked) nRLC.
    public func account(_ address: Address) async throws(ChainClientError) -> Account {
        try await decoded(.viewAccount(address)) { value throws(PoCoDecodingError) in try Account(abiValue: value) }
    }

    /// A worker's reputation score.
    public func score(_ worker: Address) async throws(ChainClientError) -> UInt256 {
        try await uint(.viewScore(worker))
    }

    /// The category `id`.
    ///
    /// - Throws: `.reverted` (`unknownCategory`) at or past `countCategory()`.
    public func category(_ id: UInt256) async throws(ChainClientError) -> PoCo.Category {
        try await decoded(.viewCategory(id)) { value throws(PoCoDecodingError) in try PoCo.Category(abiValue: value) }
    }

    /// How many categories exist (ids 0 ..< count).
    public func countCategory() async throws(ChainClientError) -> UInt256 {
        try await uint(.countCategory)
    }

    /// The app at `address` (owner, name, type, multiaddr, checksum, mrenclave).
    ///
    /// - Throws: `.reverted` when no app is registered there.
    public func app(_ address: Address) async throws(ChainClientError) -> App {
        try await decoded(.viewApp(address)) { value throws(PoCoDecodingError) in try App(abiValue: value) }
    }

    /// The dataset at `address` (owner, name, multiaddr, checksum).
    ///
    /// - Throws: `.reverted` when no dataset is registered there.
    public func dataset(_ address: Address) async throws(ChainClientError) -> Dataset {
        try await decoded(.viewDataset(address)) { value throws(PoCoDecodingError) in try Dataset(abiValue: value) }
    }

    /// The workerpool at `address` (owner, description, stake and reward policy).
    ///
    /// - Throws: `.reverted` when no workerpool is registered there.
    public func workerpool(_ address: Address) async throws(ChainClientError) -> Workerpool {
        try await decoded(.viewWorkerpool(address)) { value throws(PoCoDecodingError) in try Workerpool(abiValue: value) }
    }

    /// SRLC in existence (the sum of every escrow account's free and frozen nRLC, the kitty included).
    public func totalSupply() async throws(ChainClientError) -> UInt256 {
        try await uint(.totalSupply)
    }

    /// The single value of `view`, decoded by `decode`.
    private func decoded<Value>(_ view: PoCoView,
                                _ decode: (ABIValue) throws(PoCoDecodingError) -> Value) async throws(ChainClientError) -> Value {
        let values = try await self.view(view)
        guard values.count == 1, let value = values.first else {
            throw .malformedResponse("\(view.function.name) returned \(values.count) values, expected 1")
        }
        do throws(PoCoDecodingError) {
            return try decode(value)
        } catch {
            throw .malformedResponse("\(view.function.name): \(error.description)")
        }
    }

    /// The single uint of `view`.
    private func uint(_ view: PoCoView) async throws(ChainClientError) -> UInt256 {
        let values = try await self.view(view)
        guard values.count == 1, let value = values.first?.uintValue else {
            throw .malformedResponse("\(view.function.name) did not return one uint256")
        }
        return value
    }
}
