import Ethereum

/// A log a call emits: the contract it comes from and the event. `topics`/`data` encode it exactly
/// as iExec's contracts do (`poco-abi.md` §3), so an Ethereum client decodes it with the real ABI.
public struct PoCoLog: Hashable, Sendable {
    /// The emitting contract: the hub, a registry, or a registry entry.
    public var address: Address
    public var event: PoCoEvent

    public init(address: Address, event: PoCoEvent) {
        self.address = address
        self.event = event
    }

    /// topic0 (the event's signature hash) then the indexed arguments.
    public var topics: [Hash32] { [Keccak256.hash(event.signature)] + event.indexed.map(Self.word) }

    /// The ABI encoding of the non-indexed arguments.
    public var data: [UInt8] {
        let (values, types) = event.unindexed
        // The values are built here from typed fields, so they always fit their types.
        return (try? ABI.encode(values, as: types)) ?? []
    }

    private static func word(_ value: ABIValue) -> Hash32 {
        switch value {
        case .address(let address): return try! Hash32([UInt8](repeating: 0, count: 12) + address.bytes)
        case .uint(let number): return try! Hash32(number.bigEndianBytes)
        case .fixedBytes(let bytes): return try! Hash32(bytes)
        default: preconditionFailure("indexed event arguments here are static words")
        }
    }
}

/// The events of PoCo v5 this engine emits.
public enum PoCoEvent: Hashable, Sendable {
    // SRLC ERC-20 and escrow
    case transfer(from: Address, to: Address, value: UInt256)
    case approval(owner: Address, spender: Address, value: UInt256)
    case lock(owner: Address, amount: UInt256)
    case unlock(owner: Address, amount: UInt256)
    case reward(owner: Address, amount: UInt256, ref: Hash32)
    case seize(owner: Address, amount: UInt256, ref: Hash32)
    // Matching and tasks
    case schedulerNotice(workerpool: Address, dealid: Hash32)
    case ordersMatched(dealid: Hash32, appHash: Hash32, datasetHash: Hash32, workerpoolHash: Hash32,
                       requestHash: Hash32, volume: UInt256)
    case dealSponsored(dealid: Hash32, sponsor: Address)
    case taskInitialize(taskid: Hash32, workerpool: Address)
    case taskContribute(taskid: Hash32, worker: Address, hash: Hash32)
    case taskConsensus(taskid: Hash32, consensus: Hash32)
    case taskReveal(taskid: Hash32, worker: Address, digest: Hash32)
    case taskReopen(taskid: Hash32)
    case taskFinalize(taskid: Hash32, results: [UInt8])
    case taskClaimed(taskid: Hash32)
    case accurateContribution(worker: Address, taskid: Hash32)
    case faultyContribution(worker: Address, taskid: Hash32)
    // Orders
    case signedOrder(OrderKind, hash: Hash32)
    case closedOrder(OrderKind, hash: Hash32)
    case broadcastAppOrder(AppOrder)
    case broadcastDatasetOrder(DatasetOrder)
    case broadcastWorkerpoolOrder(WorkerpoolOrder)
    case broadcastRequestOrder(RequestOrder)
    // Governance and registries
    case createCategory(catid: UInt256, name: String, description: String, workClockTimeRef: UInt256)
    /// ERC-721 transfer of a registry entry (creation is a transfer from 0x0).
    case assetTransfer(from: Address, to: Address, tokenId: UInt256)
    case assetApproval(owner: Address, approved: Address, tokenId: UInt256)
    case policyUpdate(oldWorkerStakeRatio: UInt256, newWorkerStakeRatio: UInt256,
                      oldSchedulerRewardRatio: UInt256, newSchedulerRewardRatio: UInt256)

    /// The canonical signature whose Keccak-256 is topic0.
    public var signature: String {
        switch self {
        case .transfer, .assetTransfer: return "Transfer(address,address,uint256)"
        case .approval, .assetApproval: return "Approval(address,address,uint256)"
        case .lock: return "Lock(address,uint256)"
        case .unlock: return "Unlock(address,uint256)"
        case .reward: return "Reward(address,uint256,bytes32)"
        case .seize: return "Seize(address,uint256,bytes32)"
        case .schedulerNotice: return "SchedulerNotice(address,bytes32)"
        case .ordersMatched: return "OrdersMatched(bytes32,bytes32,bytes32,bytes32,bytes32,uint256)"
        case .dealSponsored: return "DealSponsored(bytes32,address)"
        case .taskInitialize: return "TaskInitialize(bytes32,address)"
        case .taskContribute: return "TaskContribute(bytes32,address,bytes32)"
        case .taskConsensus: return "TaskConsensus(bytes32,bytes32)"
        case .taskReveal: return "TaskReveal(bytes32,address,bytes32)"
        case .taskReopen: return "TaskReopen(bytes32)"
        case .taskFinalize: return "TaskFinalize(bytes32,bytes)"
        case .taskClaimed: return "TaskClaimed(bytes32)"
        case .accurateContribution: return "AccurateContribution(address,bytes32)"
        case .faultyContribution: return "FaultyContribution(address,bytes32)"
        case .signedOrder(let kind, _): return "Signed\(kind.typeName)(bytes32)"
        case .closedOrder(let kind, _): return "Closed\(kind.typeName)(bytes32)"
        case .broadcastAppOrder: return "BroadcastAppOrder(\(AppOrder.abiType.canonical))"
        case .broadcastDatasetOrder: return "BroadcastDatasetOrder(\(DatasetOrder.abiType.canonical))"
        case .broadcastWorkerpoolOrder: return "BroadcastWorkerpoolOrder(\(WorkerpoolOrder.abiType.canonical))"
        case .broadcastRequestOrder: return "BroadcastRequestOrder(\(RequestOrder.abiType.canonical))"
        case .createCategory: return "CreateCategory(uint256,string,string,uint256)"
        case .policyUpdate: return "PolicyUpdate(uint256,uint256,uint256,uint256)"
        }
    }

    /// Indexed arguments (topics 1…), in declaration order.
    var indexed: [ABIValue] {
        switch self {
        case .transfer(let from, let to, _), .approval(let from, let to, _):
            return [.address(from), .address(to)]
        case .schedulerNotice(let workerpool, _): return [.address(workerpool)]
        case .taskInitialize(let task, let workerpool): return [.bytes32(task), .address(workerpool)]
        case .taskContribute(let task, let worker, _), .taskReveal(let task, let worker, _):
            return [.bytes32(task), .address(worker)]
        case .taskConsensus(let task, _), .taskReopen(let task), .taskFinalize(let task, _), .taskClaimed(let task):
            return [.bytes32(task)]
        case .accurateContribution(let worker, let task), .faultyContribution(let worker, let task):
            return [.address(worker), .bytes32(task)]
        case .assetTransfer(let from, let to, let token), .assetApproval(let from, let to, let token):
            return [.address(from), .address(to), .uint(token)]
        default: return []
        }
    }

    /// Non-indexed arguments and their types, in declaration order.
    var unindexed: ([ABIValue], [ABIType]) {
        switch self {
        case .transfer(_, _, let value), .approval(_, _, let value): return ([.uint(value)], [.uint256])
        case .lock(let owner, let amount), .unlock(let owner, let amount):
            return ([.address(owner), .uint(amount)], [.address, .uint256])
        case .reward(let owner, let amount, let ref), .seize(let owner, let amount, let ref):
            return ([.address(owner), .uint(amount), .bytes32(ref)], [.address, .uint256, .bytes32])
        case .schedulerNotice(_, let deal): return ([.bytes32(deal)], [.bytes32])
        case .ordersMatched(let deal, let app, let dataset, let workerpool, let request, let volume):
            return ([.bytes32(deal), .bytes32(app), .bytes32(dataset), .bytes32(workerpool), .bytes32(request),
                     .uint(volume)], [.bytes32, .bytes32, .bytes32, .bytes32, .bytes32, .uint256])
        case .dealSponsored(let deal, let sponsor): return ([.bytes32(deal), .address(sponsor)], [.bytes32, .address])
        case .taskContribute(_, _, let hash): return ([.bytes32(hash)], [.bytes32])
        case .taskConsensus(_, let consensus): return ([.bytes32(consensus)], [.bytes32])
        case .taskReveal(_, _, let digest): return ([.bytes32(digest)], [.bytes32])
        case .taskFinalize(_, let results): return ([.bytes(results)], [.bytes])
        case .signedOrder(_, let hash), .closedOrder(_, let hash): return ([.bytes32(hash)], [.bytes32])
        case .broadcastAppOrder(let order): return ([order.abiValue], [AppOrder.abiType])
        case .broadcastDatasetOrder(let order): return ([order.abiValue], [DatasetOrder.abiType])
        case .broadcastWorkerpoolOrder(let order): return ([order.abiValue], [WorkerpoolOrder.abiType])
        case .broadcastRequestOrder(let order): return ([order.abiValue], [RequestOrder.abiType])
        case .createCategory(let id, let name, let description, let timeRef):
            return ([.uint(id), .string(name), .string(description), .uint(timeRef)], [.uint256, .string, .string, .uint256])
        case .policyUpdate(let a, let b, let c, let d):
            return ([.uint(a), .uint(b), .uint(c), .uint(d)], [.uint256, .uint256, .uint256, .uint256])
        case .taskInitialize, .taskReopen, .taskClaimed, .accurateContribution, .faultyContribution,
             .assetTransfer, .assetApproval:
            return ([], [])
        }
    }
}

/// The four order kinds, for events and views that name them.
public enum OrderKind: String, Hashable, Sendable, CaseIterable {
    case app, dataset, workerpool, request

    /// `AppOrder`, `DatasetOrder`, `WorkerpoolOrder`, `RequestOrder`.
    public var typeName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() + "Order" }
}
