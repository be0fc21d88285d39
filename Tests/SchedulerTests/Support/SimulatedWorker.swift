import Client
import Ethereum
import PoCo
import Scheduler

/// A worker as the scheduler sees it, driven by the test through the scheduler's own API and
/// real PoCo transactions: it logs in with a signed challenge, asks for work, "computes" a
/// digest at once (honest: the same for every honest worker; a liar: its own), contributes,
/// reveals and uploads when told. A worker that `refusesToReveal` stops after contributing.
struct SimulatedWorker {
    enum Behaviour: Sendable { case honest, liar, refusesToReveal }

    let key: PrivateKey
    let world: PoolWorld
    let behaviour: Behaviour
    let token: String

    var address: Address { key.address }

    /// The ad every simulated worker sends unless told otherwise.
    static let defaultAd = #"[ Cpus = 2; MemoryMB = 4096; Gpus = 0; Runtimes = {"wasm"}; Requirements = true ]"#

    /// Logs `key` in (challenge signed with EIP-712) with `ad` and `slots`.
    static func login(_ key: PrivateKey, world: PoolWorld, behaviour: Behaviour = .honest, ad: String = defaultAd,
                      slots: Int = 1) async throws -> SimulatedWorker {
        let challenge = await world.scheduler.challenge(for: key.address)
        let session = try await world.scheduler.login(WorkerLogin(authorization: challenge.authorization(signedWith: key),
                                                                  worker: WorkerDescription(name: "sim", classAd: ad, slots: slots)))
        return SimulatedWorker(key: key, world: world, behaviour: behaviour, token: session.token)
    }

    /// The digest this worker computes for `taskId`.
    func digest(_ taskId: Hash32) -> Hash32 {
        behaviour == .liar ? Keccak256.hash("a lie about " + taskId.hex) : Keccak256.hash("the result of " + taskId.hex)
    }

    /// Asks for a replicate; when it gets one, computes and reports it. Returns the task, if any.
    @discardableResult
    func ask() async throws -> Hash32? {
        guard let assignment = try await world.scheduler.askForReplicate(token: token) else { return nil }
        let instruction = try await world.scheduler.report(
            token: token, taskId: assignment.taskId,
            ReplicateReport(progress: .computed, resultHash: PoCoIds.resultHash(taskid: assignment.taskId,
                                                                                resultDigest: digest(assignment.taskId))))
        try await perform(instruction.action, on: assignment)
        return assignment.taskId
    }

    /// A heartbeat, then the action of each held replicate. Returns the actions performed.
    @discardableResult
    func step() async throws -> [ReplicateAction] {
        var performed: [ReplicateAction] = []
        for held in try await world.scheduler.heartbeat(token: token) {
            try await perform(held.action, on: held.assignment)
            performed.append(held.action)
        }
        return performed
    }

    func perform(_ action: ReplicateAction, on assignment: ReplicateAssignment) async throws {
        let taskId = assignment.taskId
        let digest = digest(taskId)
        let authorization = try Hex.decode(assignment.authorizationSign)
        switch action {
        case .contribute:
            let receipt = try await world.chain.send(.lifecycle(.contribute(
                taskid: taskId, resultHash: PoCoIds.resultHash(taskid: taskId, resultDigest: digest),
                resultSeal: PoCoIds.resultSeal(worker: address, taskid: taskId, resultDigest: digest),
                enclaveChallenge: .zero, enclaveSign: [], authorizationSign: authorization)), signer: key)
            _ = try await world.scheduler.report(token: token, taskId: taskId,
                                                 ReplicateReport(progress: .contributed, transactionHash: receipt.transactionHash))
        case .contributeAndFinalize:
            let results = ResultLocation(location: "bafk-result-\(taskId.hex.suffix(8))").resultsBytes
            let receipt = try await world.chain.send(.lifecycle(.contributeAndFinalize(
                taskid: taskId, resultDigest: digest, results: results, resultsCallback: [], enclaveChallenge: .zero,
                enclaveSign: [], authorizationSign: authorization)), signer: key)
            _ = try await world.scheduler.report(token: token, taskId: taskId,
                                                 ReplicateReport(progress: .contributed, transactionHash: receipt.transactionHash))
        case .reveal:
            guard behaviour != .refusesToReveal else { return }
            _ = try await world.chain.send(.lifecycle(.reveal(taskid: taskId, resultDigest: digest)), signer: key)
            _ = try await world.scheduler.report(token: token, taskId: taskId, ReplicateReport(progress: .revealed))
        case .upload:
            _ = try await world.scheduler.report(token: token, taskId: taskId, ReplicateReport(
                progress: .resultUploaded, resultLocation: "bafk-result-\(taskId.hex.suffix(8))"))
        case .compute, .wait, .abort, .done:
            break
        }
    }
}
