import Ethereum

/// Calls to the three registries (iExec's ERC-721 AppRegistry, DatasetRegistry,
/// WorkerpoolRegistry) and to a workerpool entry.
public enum RegistryCall: Hashable, Sendable {
    case createApp(owner: Address, name: String, type: String, multiaddr: [UInt8], checksum: Hash32, mrenclave: [UInt8])
    case createDataset(owner: Address, name: String, multiaddr: [UInt8], checksum: Hash32)
    case createWorkerpool(owner: Address, description: String)
    /// ERC-721 `transferFrom(from, to, tokenId)` on the registry of `kind`: hands the asset over.
    case transferAsset(kind: AssetKind, from: Address, to: Address, asset: Address)
    /// `Workerpool.changePolicy`, by the workerpool's owner.
    case changePolicy(workerpool: Address, workerStakeRatio: UInt256, schedulerRewardRatio: UInt256)
}

extension PoCoEngine {
    mutating func execute(_ call: RegistryCall) throws(PoCoError) -> CallOutput {
        switch call {
        case .createApp(let owner, let name, let type, let multiaddr, let checksum, let mrenclave):
            let address = config.predictApp(owner: owner, name: name, type: type, multiaddr: multiaddr,
                                            checksum: checksum, mrenclave: mrenclave)
            guard state.app(address) == nil else { throw .assetExists }
            state.setApp(address, App(owner: owner, name: name, type: type, multiaddr: multiaddr, checksum: checksum,
                                      mrenclave: mrenclave))
            try register(.app, address, owner: owner)
            return .address(address)
        case .createDataset(let owner, let name, let multiaddr, let checksum):
            let address = config.predictDataset(owner: owner, name: name, multiaddr: multiaddr, checksum: checksum)
            guard state.dataset(address) == nil else { throw .assetExists }
            state.setDataset(address, Dataset(owner: owner, name: name, multiaddr: multiaddr, checksum: checksum))
            try register(.dataset, address, owner: owner)
            return .address(address)
        case .createWorkerpool(let owner, let description):
            let address = config.predictWorkerpool(owner: owner, description: description)
            guard state.workerpool(address) == nil else { throw .assetExists }
            state.setWorkerpool(address, Workerpool(owner: owner, description: description))
            try register(.workerpool, address, owner: owner)
            return .address(address)
        case .transferAsset(let kind, let from, let to, let asset):
            try transferAsset(kind, from: from, to: to, asset: asset)
            return .none
        case .changePolicy(let address, let workerStakeRatio, let schedulerRewardRatio):
            guard var workerpool = state.workerpool(address) else { throw .notRegistered(.workerpool, address) }
            guard workerpool.owner == context.sender else { throw .notEntryOwner }
            guard schedulerRewardRatio <= 100 else { throw .schedulerRewardRatioTooHigh }
            emit(.policyUpdate(oldWorkerStakeRatio: workerpool.workerStakeRatioPolicy, newWorkerStakeRatio: workerStakeRatio,
                               oldSchedulerRewardRatio: workerpool.schedulerRewardRatioPolicy,
                               newSchedulerRewardRatio: schedulerRewardRatio), from: address)
            workerpool.workerStakeRatioPolicy = workerStakeRatio
            workerpool.schedulerRewardRatioPolicy = schedulerRewardRatio
            state.setWorkerpool(address, workerpool)
            return .none
        }
    }

    /// Counts a new asset and emits its ERC-721 mint.
    private mutating func register(_ kind: AssetKind, _ address: Address, owner: Address) throws(PoCoError) {
        guard owner != .zero else { throw .assetMintToZeroAddress }
        state.setUInt(.assetCount(kind), try state.uint(.assetCount(kind)).plus(1))
        state.setUInt(.assetBalance(kind, owner: owner), try state.uint(.assetBalance(kind, owner: owner)).plus(1))
        emit(.assetTransfer(from: .zero, to: owner, tokenId: Self.tokenId(address)), from: config.registry(kind))
    }

    private mutating func transferAsset(_ kind: AssetKind, from: Address, to: Address, asset: Address) throws(PoCoError) {
        guard let owner = assetOwner(kind, asset) else { throw .notRegistered(kind, asset) }
        // OpenZeppelin 3.3's order: caller, then `from`, then `to`. **Here** there are no
        // ERC-721 approvals, so only the owner may transfer.
        guard context.sender == owner else { throw .notAssetOwnerOrApproved }
        guard owner == from else { throw .assetTransferNotOwnToken }
        guard to != .zero else { throw .assetTransferToZeroAddress }
        switch kind {
        case .app:
            if var app = state.app(asset) { app.owner = to; state.setApp(asset, app) }
        case .dataset:
            if var dataset = state.dataset(asset) { dataset.owner = to; state.setDataset(asset, dataset) }
        case .workerpool:
            if var workerpool = state.workerpool(asset) { workerpool.owner = to; state.setWorkerpool(asset, workerpool) }
        }
        state.setUInt(.assetBalance(kind, owner: from), try state.uint(.assetBalance(kind, owner: from)).minus(1))
        state.setUInt(.assetBalance(kind, owner: to), try state.uint(.assetBalance(kind, owner: to)).plus(1))
        emit(.assetTransfer(from: from, to: to, tokenId: Self.tokenId(asset)), from: config.registry(kind))
    }

    /// The owner of a registered asset, nil when `address` is not one of `kind`.
    func assetOwner(_ kind: AssetKind, _ address: Address) -> Address? {
        switch kind {
        case .app: return state.app(address)?.owner
        case .dataset: return state.dataset(address)?.owner
        case .workerpool: return state.workerpool(address)?.owner
        }
    }

    /// An entry's ERC-721 token id: its address as a number.
    static func tokenId(_ address: Address) -> UInt256 {
        (try? UInt256(bigEndian: address.bytes)) ?? .zero
    }
}

// Asset addresses are deterministic, as iExec's CREATE2 deployments are: the same owner and creation
// arguments always give the same address, and creating them twice is refused. **Here** the
// "init code hash" of CREATE2 is keccak256("iexec-swift <kind> entry"), since entries are not EVM code.
extension PoCoConfig {
    public func predictApp(owner: Address, name: String, type: String, multiaddr: [UInt8], checksum: Hash32,
                           mrenclave: [UInt8]) -> Address {
        predict(.app, initializer: "initialize(string,string,bytes,bytes32,bytes)",
                arguments: [.string(name), .string(type), .bytes(multiaddr), .bytes32(checksum), .bytes(mrenclave)],
                types: [.string, .string, .bytes, .bytes32, .bytes], owner: owner)
    }

    public func predictDataset(owner: Address, name: String, multiaddr: [UInt8], checksum: Hash32) -> Address {
        predict(.dataset, initializer: "initialize(string,bytes,bytes32)",
                arguments: [.string(name), .bytes(multiaddr), .bytes32(checksum)], types: [.string, .bytes, .bytes32],
                owner: owner)
    }

    public func predictWorkerpool(owner: Address, description: String) -> Address {
        predict(.workerpool, initializer: "initialize(string)", arguments: [.string(description)], types: [.string],
                owner: owner)
    }

    /// The selectors of the three entries' initializers, hashed once.
    private static let initializerSelectors: [String: [UInt8]] = Dictionary(uniqueKeysWithValues: [
        "initialize(string,string,bytes,bytes32,bytes)", "initialize(string,bytes,bytes32)", "initialize(string)",
    ].map { ($0, ABI.selector($0)) })

    /// Each kind of entry's code hash, hashed once.
    private static let entryCodeHashes: [AssetKind: Hash32] = Dictionary(uniqueKeysWithValues: AssetKind.allCases.map {
        ($0, Keccak256.hash("iexec-swift \($0.rawValue) entry"))
    })

    /// CREATE2: keccak256(0xff ‖ registry ‖ salt ‖ initCodeHash)[12…], salt = keccak256(initializer call ‖ owner).
    private func predict(_ kind: AssetKind, initializer: String, arguments: [ABIValue], types: [ABIType],
                         owner: Address) -> Address {
        let call = (Self.initializerSelectors[initializer] ?? ABI.selector(initializer))
            + ((try? ABI.encode(arguments, as: types)) ?? [])
        let salt = Keccak256.hash(call + owner.bytes)
        let codeHash = Self.entryCodeHashes[kind] ?? Keccak256.hash("iexec-swift \(kind.rawValue) entry")
        let digest = Keccak256.hash([0xff] + registry(kind).bytes + salt.bytes + codeHash.bytes)
        return try! Address(Array(digest.bytes[12...]))
    }
}
