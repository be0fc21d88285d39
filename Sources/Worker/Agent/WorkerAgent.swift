import Client
import Ethereum
import Foundation
import PoCo
import ServiceLifecycle

/// The worker agent: logs in to its scheduler, heartbeats, asks for replicates while a slot is
/// free, computes them in the sandbox, and contributes, reveals and uploads as the scheduler
/// says — each step kept in its local store first, so that a restarted worker resumes its
/// interrupted work (its store, checked against the scheduler's list of what it holds).
///
/// A `Service`: it runs until cancelled or until graceful shutdown; replicates under way are
/// cancelled with it and resumed at the next start.
public struct WorkerAgent: Service {
    /// The configuration.
    public let configuration: WorkerConfiguration
    let key: PrivateKey
    let scheduler: SchedulerClient
    let chain: any PoCoChain
    let storage: StorageClient
    let computation: ReplicateComputation
    let store: ReplicateStore
    let description: WorkerDescription
    /// What it did, for tests and status output.
    public let activity = WorkerActivity()

    /// An agent working for the scheduler at `scheduler` as `key`'s address, on `chain`, fetching
    /// and uploading through `storage`, running apps in `sandbox`.
    ///
    /// - Throws: `WorkerError.store` when its data folder cannot be used.
    public init(configuration: WorkerConfiguration, key: PrivateKey, scheduler: SchedulerClient, chain: any PoCoChain,
                storage: StorageClient, sandbox: AppSandbox) throws(WorkerError) {
        self.configuration = configuration
        self.key = key
        self.scheduler = scheduler
        self.chain = chain
        self.storage = storage
        self.computation = ReplicateComputation(chain: chain, storage: storage, sandbox: sandbox,
                                                dataDirectory: configuration.dataDirectory,
                                                misbehaviour: configuration.misbehaviour)
        self.store = try ReplicateStore(directory: configuration.dataDirectory.appendingPathComponent("replicates"))
        self.description = WorkerDescription(
            name: configuration.name,
            classAd: MachineAd.describe(runtimes: sandbox.runtimes, dataDirectory: configuration.dataDirectory,
                                        attributes: configuration.attributes),
            slots: configuration.slots)
    }

    /// The worker's address.
    public var address: Address { key.address }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await work()
        }
    }

    // MARK: The loop

    private func work() async {
        let busy = BusyTasks()
        await withTaskGroup(of: Void.self) { group in
            var session: WorkerSession?
            while !_Concurrency.Task.isCancelled {
                do {
                    if session == nil { session = try await scheduler.login(key: key, worker: description) }
                    guard let current = session else { continue }
                    let held = try await scheduler.heartbeat(current)
                    await reconcile(held, session: current, busy: busy, group: &group)
                    if await busy.computing < configuration.slots,
                       let assignment = try await scheduler.askForReplicate(current) {
                        var local = LocalReplicate(assignment: assignment)
                        try store.save(local)
                        local.stage = .assigned
                        await start(local, action: .compute, session: current, busy: busy, group: &group)
                        continue
                    }
                } catch ClientError.service(status: 401, _) {
                    session = nil
                    await activity.note(.loggedOut)
                } catch {
                    await activity.note(.error("\(error)"))
                }
                do { try await _Concurrency.Task.sleep(for: .milliseconds(Int(configuration.pollInterval * 1000))) } catch { break }
            }
            group.cancelAll()
        }
    }

    /// Acts on the scheduler's list: starts what is due on replicates not already being handled,
    /// forgets the ones it no longer lists (over for the scheduler).
    private func reconcile(_ held: [HeldReplicate], session: WorkerSession, busy: BusyTasks,
                           group: inout TaskGroup<Void>) async {
        let listed = Set(held.map(\.assignment.taskId))
        var locals: [Hash32: LocalReplicate] = [:]
        for replicate in store.all().replicates { locals[replicate.taskId] = replicate }
        for (taskId, _) in locals where !listed.contains(taskId) {
            guard await !busy.contains(taskId) else { continue }
            store.remove(taskId)
            try? FileManager.default.removeItem(at: computation.workDirectory(taskId))
        }
        for entry in held {
            let local = locals[entry.assignment.taskId] ?? LocalReplicate(assignment: entry.assignment)
            switch entry.action {
            case .wait:
                continue
            case .abort, .done:
                guard await !busy.contains(local.taskId) else { continue }
                store.remove(local.taskId)
                try? FileManager.default.removeItem(at: computation.workDirectory(local.taskId))
            default:
                await start(local, action: entry.action, session: session, busy: busy, group: &group)
            }
        }
    }

    private func start(_ local: LocalReplicate, action: ReplicateAction, session: WorkerSession, busy: BusyTasks,
                       group: inout TaskGroup<Void>) async {
        let computing = local.stage == .assigned
        guard await busy.claim(local.taskId, computing: computing) else { return }
        group.addTask {
            await handle(local, action: action, session: session)
            await busy.release(local.taskId)
        }
    }

    /// Drives one replicate from `action` as far as it can go now.
    private func handle(_ replicate: LocalReplicate, action: ReplicateAction, session: WorkerSession) async {
        var local = replicate
        var next = action
        do {
            if local.stage == .assigned, next != .wait, next != .abort, next != .done {
                // Not computed here (new, or the local store was lost): compute first. A replicate
                // the scheduler says is contributed or revealed resumes at that stage.
                try await compute(&local)
                switch next {
                case .reveal: local.stage = .contributed
                case .upload: local.stage = .revealed
                default: next = .compute
                }
            }
            while !_Concurrency.Task.isCancelled {
                switch next {
                case .compute:
                    guard let digest = local.digest else { return }
                    next = try await scheduler.report(session, taskId: local.taskId, ReplicateReport(
                        progress: .computed, resultHash: PoCoIds.resultHash(taskid: local.taskId, resultDigest: digest)))
                        .action
                case .contribute:
                    guard local.stage == .computed else { return }
                    next = try await contribute(&local, session: session)
                case .contributeAndFinalize:
                    guard local.stage == .computed else { return }
                    next = try await contributeAndFinalize(&local, session: session)
                case .reveal:
                    // `.computed` too: a worker stopped between its contribution being mined and its
                    // saving that stage learns from the scheduler (which read the chain) that it contributed.
                    guard local.stage == .contributed || local.stage == .computed,
                          configuration.misbehaviour != .neverReveal else { return }
                    next = try await reveal(&local, session: session)
                case .upload:
                    guard local.stage == .revealed || local.stage == .contributed else { return }
                    next = try await upload(&local, session: session)
                case .wait, .abort, .done:
                    return
                }
            }
        } catch {
            await activity.note(.error("\(local.taskId.hex): \(error)"))
        }
    }

    // MARK: Steps

    private func compute(_ local: inout LocalReplicate) async throws {
        let (package, _) = try await computation.compute(local.assignment)
        local.digest = computation.contributedDigest(package)
        local.callbackData = package.resultsCallback.map { Hex.encode($0) }
        local.errorReason = package.errorReason?.name
        local.stage = .computed
        try store.save(local)
        await activity.note(.computed(local.taskId, errorReason: local.errorReason))
    }

    private func contribute(_ local: inout LocalReplicate, session: WorkerSession) async throws -> ReplicateAction {
        guard let digest = local.digest else { return .compute }
        try await checkStake(local.assignment)
        let taskId = local.taskId
        let receipt = try await chain.send(.lifecycle(.contribute(
            taskid: taskId, resultHash: PoCoIds.resultHash(taskid: taskId, resultDigest: digest),
            resultSeal: PoCoIds.resultSeal(worker: address, taskid: taskId, resultDigest: digest),
            enclaveChallenge: local.assignment.enclaveChallenge, enclaveSign: [],
            authorizationSign: try Hex.decode(local.assignment.authorizationSign))), signer: key)
        local.stage = .contributed
        try store.save(local)
        await activity.note(.contributed(taskId))
        return try await scheduler.report(session, taskId: taskId, ReplicateReport(
            progress: .contributed, resultHash: PoCoIds.resultHash(taskid: taskId, resultDigest: digest),
            transactionHash: receipt.transactionHash)).action
    }

    private func contributeAndFinalize(_ local: inout LocalReplicate, session: WorkerSession) async throws
        -> ReplicateAction {
        guard let digest = local.digest else { return .compute }
        let location = try await uploadArchive(local)
        let taskId = local.taskId
        let receipt = try await chain.send(.lifecycle(.contributeAndFinalize(
            taskid: taskId, resultDigest: digest, results: ResultLocation(location: location).resultsBytes,
            resultsCallback: try local.callbackData.map { try Hex.decode($0) } ?? [],
            enclaveChallenge: local.assignment.enclaveChallenge, enclaveSign: [],
            authorizationSign: try Hex.decode(local.assignment.authorizationSign))), signer: key)
        local.stage = .uploaded
        local.resultLocation = location
        try store.save(local)
        await activity.note(.contributed(taskId))
        _ = try await scheduler.report(session, taskId: taskId, ReplicateReport(
            progress: .contributed, resultHash: PoCoIds.resultHash(taskid: taskId, resultDigest: digest),
            transactionHash: receipt.transactionHash))
        return try await scheduler.report(session, taskId: taskId, ReplicateReport(
            progress: .resultUploaded, resultLocation: location, callbackData: local.callbackData)).action
    }

    private func reveal(_ local: inout LocalReplicate, session: WorkerSession) async throws -> ReplicateAction {
        guard let digest = local.digest else { return .abort }
        let receipt = try await chain.send(.lifecycle(.reveal(taskid: local.taskId, resultDigest: digest)), signer: key)
        local.stage = .revealed
        try store.save(local)
        await activity.note(.revealed(local.taskId))
        return try await scheduler.report(session, taskId: local.taskId, ReplicateReport(
            progress: .revealed, transactionHash: receipt.transactionHash)).action
    }

    private func upload(_ local: inout LocalReplicate, session: WorkerSession) async throws -> ReplicateAction {
        let location = try await uploadArchive(local)
        local.stage = .uploaded
        local.resultLocation = location
        try store.save(local)
        await activity.note(.uploaded(local.taskId, location: location))
        return try await scheduler.report(session, taskId: local.taskId, ReplicateReport(
            progress: .resultUploaded, resultLocation: location, callbackData: local.callbackData)).action
    }

    /// Uploads the result archive, readable by the requester and the beneficiary only.
    private func uploadArchive(_ local: LocalReplicate) async throws -> String {
        let readers = Array(Set([local.assignment.requester, local.assignment.beneficiary]).subtracting([.zero]))
        return try await storage.upload(file: computation.archive(local.taskId), readers: readers).description
    }

    /// Refuses to contribute with a stake the chain (read now, not a cached view) says is too low.
    private func checkStake(_ assignment: ReplicateAssignment) async throws {
        let account = try await chain.account(address)
        guard account.balance >= assignment.workerStake else {
            throw WorkerError.chain("stake too low: \(account.balance) nRLC free, the deal asks \(assignment.workerStake); deposit more")
        }
    }
}

/// The tasks being handled now (one handler per task) and how many of them hold a slot.
actor BusyTasks {
    private var tasks: [Hash32: Bool] = [:]

    /// Claims `taskId`; false when it is already handled.
    func claim(_ taskId: Hash32, computing: Bool) -> Bool {
        guard tasks[taskId] == nil else { return false }
        tasks[taskId] = computing
        return true
    }

    func release(_ taskId: Hash32) { tasks[taskId] = nil }

    func contains(_ taskId: Hash32) -> Bool { tasks[taskId] != nil }

    /// Handlers computing (holding a slot).
    var computing: Int { tasks.values.count(where: { $0 }) }
}

/// What a worker did, newest last: for tests, logs and the demo's report.
public actor WorkerActivity {
    /// One thing that happened.
    public enum Event: Hashable, Sendable {
        /// A replicate was computed (its error result's reason, if any).
        case computed(Hash32, errorReason: String?)
        /// A contribution was mined.
        case contributed(Hash32)
        /// A reveal was mined.
        case revealed(Hash32)
        /// A result was uploaded.
        case uploaded(Hash32, location: String)
        /// The scheduler forgot the session; the worker logs in again.
        case loggedOut
        /// Something failed (retried at the next round).
        case error(String)
    }

    /// Everything so far.
    public private(set) var events: [Event] = []

    func note(_ event: Event) { events.append(event) }
}
