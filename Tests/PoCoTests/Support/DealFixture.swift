import Ethereum
import Testing

@testable import PoCo

/// A market for lifecycle tests: an app, a dataset and a workerpool registered through real
/// registry calls, funded parties, and deals written into the state exactly as matchOrders leaves
/// them (the Deal record, the sponsor's price · volume and the scheduler's stake · volume locked, in
/// one journaled step), so the lifecycle can be tested before matchOrders lands.
struct DealFixture {
    static let appOwner = Testbed.key(30).address
    static let datasetOwner = Testbed.key(31).address
    static let schedulerKey = Testbed.key(32)
    static var scheduler: Address { schedulerKey.address }
    static let requester = Testbed.key(33).address
    static let sponsor = Testbed.key(34).address
    static let kitty = PoCoConstants.kittyAddress

    /// Worker number `n` (0, 1, 2, …).
    static func workerKey(_ n: Int) -> PrivateKey { Testbed.key(40 + n) }
    static func worker(_ n: Int) -> Address { workerKey(n).address }

    let app: Address
    let dataset: Address
    let workerpool: Address

    /// Registers the assets and sets the workerpool's policy.
    init(_ bed: inout Testbed, workerStakeRatio: UInt256 = 30, schedulerRewardRatio: UInt256 = 1) throws {
        app = try Self.address(bed.call(.registry(.createApp(
            owner: Self.appOwner, name: "pi", type: "WASM", multiaddr: Array("/storage/pi.wasm".utf8),
            checksum: Keccak256.hash("pi code"), mrenclave: [])), from: Self.appOwner))
        dataset = try Self.address(bed.call(.registry(.createDataset(
            owner: Self.datasetOwner, name: "digits", multiaddr: Array("/storage/digits".utf8),
            checksum: Keccak256.hash("digits"))), from: Self.datasetOwner))
        workerpool = try Self.address(bed.call(.registry(.createWorkerpool(owner: Self.scheduler, description: "pool")),
                                               from: Self.scheduler))
        try bed.call(.registry(.changePolicy(workerpool: workerpool, workerStakeRatio: workerStakeRatio,
                                             schedulerRewardRatio: schedulerRewardRatio)), from: Self.scheduler)
    }

    private static func address(_ receipt: CallReceipt) throws -> Address {
        guard case .address(let address) = receipt.output else { throw FixtureError("no address in \(receipt.output)") }
        return address
    }

    /// What a deal is made of: the orders' prices and fields that matter to the lifecycle.
    struct Terms {
        var appPrice: UInt256 = 5_000
        var datasetPrice: UInt256 = 2_000
        var workerpoolPrice: UInt256 = 1_000_003
        var withDataset = true
        var volume: UInt256 = 1
        var trust: UInt256 = 1
        var category: UInt256 = 0
        var tag: Hash32 = .zero
        var callback: Address = .zero
        /// The request's consumed volume before the match.
        var botFirst: UInt256 = 0
        /// Who pays (`sponsorMatchOrders`); the requester when nil.
        var sponsor: Address? = nil
        /// Distinguishes requests with the same terms.
        var salt = "request"
    }

    /// Writes a deal as matchOrders does at `bed.time` and returns its dealid.
    func deal(_ bed: inout Testbed, _ terms: Terms = Terms()) throws -> Hash32 {
        let policy = try #require(bed.state.workerpool(workerpool))
        let requestHash = Keccak256.hash("iexec-swift test \(terms.salt)")
        let dealid = PoCoIds.dealId(requestHash: requestHash, consumed: terms.botFirst)
        let sponsor = terms.sponsor ?? Self.requester
        let deal = Deal(
            app: Resource(pointer: app, owner: Self.appOwner, price: terms.appPrice),
            dataset: terms.withDataset ? Resource(pointer: dataset, owner: Self.datasetOwner, price: terms.datasetPrice)
                                       : Resource(),
            workerpool: Resource(pointer: workerpool, owner: Self.scheduler, price: terms.workerpoolPrice),
            trust: max(terms.trust, 1), category: terms.category, tag: terms.tag, requester: Self.requester,
            beneficiary: Self.requester, callback: terms.callback, params: "{}", startTime: UInt256(bed.time),
            botFirst: terms.botFirst, botSize: terms.volume,
            workerStake: terms.workerpoolPrice * policy.workerStakeRatioPolicy / 100,
            schedulerRewardRatio: policy.schedulerRewardRatioPolicy, sponsor: sponsor)
        let before = bed.state
        bed.engine.state.beginJournal()
        do {
            bed.engine.state.setDeal(dealid, deal)
            try bed.engine.lock(sponsor, deal.taskPrice() * terms.volume)
            // Integer division first, then · volume, as matchOrders.
            try bed.engine.lock(Self.scheduler, terms.workerpoolPrice * 30 / 100 * terms.volume)
        } catch {
            bed.engine.state.rollbackJournal()
            #expect(bed.state == before)
            throw error
        }
        _ = bed.engine.state.commitJournal()
        bed.checkConservation()
        return dealid
    }

    /// Sets a worker's score (iExec imports scores from v3; tests set them directly).
    static func setScore(_ bed: inout Testbed, _ worker: Address, _ score: UInt256) {
        bed.engine.state.beginJournal()
        bed.engine.state.setUInt(.score(worker), score)
        _ = bed.engine.state.commitJournal()
    }

    /// The scheduler's authorization for `worker` on `taskid` (EIP-191 over authorizationHash).
    static func authorization(_ worker: Address, _ taskid: Hash32, enclave: Address = .zero,
                              signer: PrivateKey = schedulerKey) -> [UInt8] {
        EIP191.sign(message: PoCoIds.authorizationHash(worker: worker, taskid: taskid, enclaveChallenge: enclave).bytes,
                    with: signer).bytes
    }

    /// The contribute call of worker `n` for `digest`, authorized by the scheduler.
    static func contribution(_ n: Int, _ taskid: Hash32, digest: Hash32) -> PoCoCall {
        let worker = worker(n)
        return .lifecycle(.contribute(
            taskid: taskid, resultHash: PoCoIds.resultHash(taskid: taskid, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: digest),
            enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization(worker, taskid)))
    }

    /// Worker `n` contributes `digest` to `taskid`.
    @discardableResult
    static func contribute(_ bed: inout Testbed, _ n: Int, _ taskid: Hash32, digest: Hash32) throws -> CallReceipt {
        try bed.call(contribution(n, taskid, digest: digest), from: worker(n))
    }

    /// Worker `n` reveals `digest`.
    @discardableResult
    static func reveal(_ bed: inout Testbed, _ n: Int, _ taskid: Hash32, digest: Hash32) throws -> CallReceipt {
        try bed.call(.lifecycle(.reveal(taskid: taskid, resultDigest: digest)), from: worker(n))
    }

    /// Initializes task `index` of a deal and returns its taskid.
    static func initialize(_ bed: inout Testbed, _ dealid: Hash32, _ index: UInt256 = 0) throws -> Hash32 {
        let receipt = try bed.call(.lifecycle(.initialize(dealid: dealid, index: index)), from: requester)
        guard case .hash(let taskid) = receipt.output else { throw FixtureError("no taskid in \(receipt.output)") }
        return taskid
    }
}

/// A fixture step that could not produce what it promised.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Shorthands for expected logs: every lifecycle log comes from the hub.
extension Array where Element == PoCoLog {
    var events: [PoCoEvent] { map(\.event) }
}

/// The escrow events of iExec's lock, unlock and reward, for expected event lists.
enum EscrowEvents {
    static let hub = Testbed.config.hub

    static func lock(_ account: Address, _ value: UInt256) -> [PoCoEvent] {
        [.transfer(from: account, to: hub, value: value), .lock(owner: account, amount: value)]
    }

    static func unlock(_ account: Address, _ value: UInt256) -> [PoCoEvent] {
        [.transfer(from: hub, to: account, value: value), .unlock(owner: account, amount: value)]
    }

    static func reward(_ account: Address, _ value: UInt256, _ ref: Hash32) -> [PoCoEvent] {
        [.transfer(from: hub, to: account, value: value), .reward(owner: account, amount: value, ref: ref)]
    }
}

extension Testbed {
    /// Expects an account's free and frozen nRLC.
    func expectAccount(_ address: Address, balance: UInt256, frozen: UInt256,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.balance(address) == balance, "balance of \(address)", sourceLocation: sourceLocation)
        #expect(self.frozen(address) == frozen, "frozen of \(address)", sourceLocation: sourceLocation)
    }
}
