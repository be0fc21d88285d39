import Client
import Ethereum
import Foundation
import PoCo
import Scheduler
import Synchronization
import Testing

/// A workerpool's world on an `InMemoryPoCoChain`: an app, a workerpool and a requester funded,
/// workers funded for their stakes (some with a reputation), a scheduler over it with a clock the
/// test moves, and deals made by matching signed orders. Every deposit is counted so that each
/// test can check that nRLC is conserved.
final class PoolWorld: Sendable {
    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: key(1).address)
    static let oneRLCWei = UInt256(1_000_000_000_000_000_000 as UInt64)

    let chain: InMemoryPoCoChain
    let appOwner = key(400)
    let poolOwner = key(401)
    let requester = key(402)
    let workers: [PrivateKey]
    let app: Address
    let workerpool: Address
    let scheduler: WorkerpoolScheduler
    let store: any SchedulerStore
    /// The wall clock the scheduler reads (seconds), moved by the test.
    let wallClock = WallClock()
    /// nRLC deposited in all.
    let deposited = Mutex<UInt256>(.zero)
    let funded = Mutex<Set<Address>>([])

    var domain: PoCoDomain { Self.config.domain }

    static func key(_ n: Int) -> PrivateKey {
        try! PrivateKey(Keccak256.hash("iexec-swift scheduler actor \(n)").bytes)
    }

    /// A world with `workerCount` workers whose scores are `scores[i]` (0 when absent).
    init(workerCount: Int = 3, scores: [UInt64] = [], store: any SchedulerStore = InMemorySchedulerStore(),
         configuration: ((Address) -> SchedulerConfiguration)? = nil) async throws {
        workers = (0..<workerCount).map { Self.key(500 + $0) }
        var allocations: [Address: UInt256] = [:]
        for key in [appOwner, poolOwner, requester] + workers { allocations[key.address] = UInt256(1_000) * Self.oneRLCWei }
        var scoreMap: [Address: UInt256] = [:]
        for (index, score) in scores.enumerated() where score > 0 { scoreMap[workers[index].address] = UInt256(score) }
        chain = InMemoryPoCoChain(config: Self.config, allocations: allocations, scores: scoreMap)
        app = try await Self.created(chain.send(.registry(.createApp(
            owner: appOwner.address, name: "pi", type: "WASM", multiaddr: Array("bafkapp".utf8),
            checksum: Keccak256.hash("app bytes"), mrenclave: [])), signer: appOwner))
        workerpool = try await Self.created(chain.send(
            .registry(.createWorkerpool(owner: poolOwner.address, description: "pool")), signer: poolOwner))
        self.store = store
        let clock = wallClock
        scheduler = try WorkerpoolScheduler(
            configuration: configuration?(workerpool) ?? SchedulerConfiguration(workerpool: workerpool, workerLostAfter: 10,
                                                                                 replicateTimeout: 60, askWindow: 5),
            chain: chain, key: poolOwner, store: store, clock: { clock.now })
        for key in [poolOwner, requester] + workers { try await deposit(key, 100_000) }
        // The app's owner is paid per task without depositing.
        funded.withLock { _ = $0.insert(appOwner.address) }
    }

    private static func created(_ receipt: PoCoReceipt) throws -> Address {
        guard let address = receipt.mintedAsset() else { throw WorldError.notCreated }
        return address
    }

    func deposit(_ key: PrivateKey, _ nRLC: UInt64) async throws {
        _ = try await chain.send(.escrow(.deposit), value: UInt256(nRLC) * PoCoConstants.weiPerNRLC, signer: key)
        deposited.withLock { $0 += UInt256(nRLC) }
        funded.withLock { _ = $0.insert(key.address) }
    }

    /// Moves the scheduler's wall clock.
    func advanceWallClock(_ seconds: Double) { wallClock.advance(seconds) }

    /// Matches a deal of `volume` tasks at `trust` with `params`, in category 0; returns its id.
    @discardableResult
    func makeDeal(volume: UInt64 = 1, trust: UInt64 = 1, params: String = "", tag: Hash32 = .zero,
                  category: UInt64 = 0, salt: Int = 0) async throws -> Hash32 {
        let appOrder = AppOrder(app: app, appprice: 2, volume: UInt256(volume), tag: tag, datasetrestrict: .zero,
                                workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("a\(salt)"))
            .signed(with: appOwner, in: domain)
        let poolOrder = WorkerpoolOrder(workerpool: workerpool, workerpoolprice: 10, volume: UInt256(volume), tag: tag,
                                        category: UInt256(category), trust: UInt256(max(trust, 1)), apprestrict: .zero,
                                        datasetrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("w\(salt)"))
            .signed(with: poolOwner, in: domain)
        let request = RequestOrder(app: app, appmaxprice: 2, dataset: .zero, datasetmaxprice: 0, workerpool: workerpool,
                                   workerpoolmaxprice: 10, requester: requester.address, volume: UInt256(volume), tag: tag,
                                   category: UInt256(category), trust: UInt256(trust), beneficiary: requester.address,
                                   callback: .zero, params: params, salt: Keccak256.hash("r\(salt)"))
            .signed(with: requester, in: domain)
        let receipt = try await chain.send(.matching(.matchOrders(appOrder, Self.noDatasetOrder, poolOrder, request)),
                                           signer: requester)
        guard let notice = receipt.logs.first(where: { $0.topics.first == Keccak256.hash("SchedulerNotice(address,bytes32)") })
        else { throw WorldError.noDeal }
        return try Hash32(Array(notice.data.prefix(32)))
    }

    /// The scheduler catches up with the chain's head.
    func sync() async throws {
        try await scheduler.sync(to: try await chain.head())
    }

    /// Σ balance + frozen over every funded account equals what was deposited (nothing leaves:
    /// no withdrawals here), and the total supply too.
    func checkConservation(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let net = deposited.withLock { $0 }
        var held = UInt256.zero
        for address in funded.withLock({ $0 }) {
            let account = try await chain.account(address)
            held += account.balance + account.frozen
        }
        let kitty = try await chain.account(PoCoConstants.kittyAddress)
        #expect(held + kitty.balance + kitty.frozen == net, "nRLC held ≠ nRLC deposited", sourceLocation: sourceLocation)
        #expect(try await chain.totalSupply() == net, "total supply ≠ nRLC deposited", sourceLocation: sourceLocation)
    }

    /// iexec-sdk's NULL_DATASETORDER: what a request without a dataset is matched with.
    static let noDatasetOrder = DatasetOrder(dataset: .zero, datasetprice: .zero, volume: .zero, tag: .zero,
                                             apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                                             salt: .zero)

    enum WorldError: Error { case notCreated, noDeal }
}

/// A clock a test moves by hand.
final class WallClock: Sendable {
    private let seconds = Mutex<Double>(1_000)

    var now: Double { seconds.withLock { $0 } }

    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}
