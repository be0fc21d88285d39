import Client
import Ethereum
import PoCo
import Scheduler
import Testing

/// Who gets a replicate: the consensus prediction, ClassAd requirements both ways, slots,
/// ranking, and logins.
@Suite("Scheduler: assignment")
struct AssignmentTests {
    @Test("only as many replicates as the prediction needs: trust 1 → one, trust 3 with new workers → two")
    func predictionLimitsReplicates() async throws {
        let world = try await PoolWorld(workerCount: 3)
        let workers = try await (0..<3).asyncMap { try await SimulatedWorker.login(world.workers[$0], world: world) }
        for worker in workers { _ = try await world.scheduler.askForReplicate(token: worker.token) }
        let one = try await world.makeDeal(volume: 1, trust: 1, salt: 1)
        let three = try await world.makeDeal(volume: 1, trust: 3, salt: 2)
        try await world.sync()
        var handed: [Hash32: Int] = [:]
        for worker in workers {
            for _ in 0..<2 {
                if let assignment = try await world.scheduler.askForReplicate(token: worker.token) {
                    handed[assignment.taskId, default: 0] += 1
                }
            }
        }
        #expect(handed[PoCoIds.taskId(dealid: one, index: .zero)] == 1)
        #expect(handed[PoCoIds.taskId(dealid: three, index: .zero)] == 2)
    }

    @Test("a GPU task goes only to a worker with a GPU; the request's requirements are honoured")
    func classAdRequirements() async throws {
        let world = try await PoolWorld(workerCount: 3)
        let plain = try await SimulatedWorker.login(world.workers[0], world: world)
        let gpu = try await SimulatedWorker.login(world.workers[1], world: world, ad: """
            [ Cpus = 8; MemoryMB = 16384; Gpus = 1; Runtimes = {"wasm"}; Requirements = true ]
            """)
        let picky = try await SimulatedWorker.login(world.workers[2], world: world, ad: """
            [ Cpus = 8; MemoryMB = 65536; Gpus = 1; Runtimes = {"wasm"}; Requirements = TARGET.Trust >= 10 ]
            """)
        var tag = [UInt8](repeating: 0, count: 32)
        tag[30] = 0x01  // bit 8: gpu
        let gpuDeal = try await world.makeDeal(volume: 1, trust: 1, params: #"{"iexec_requirements":"TARGET.MemoryMB >= 8192"}"#,
                                               tag: try Hash32(tag), salt: 1)
        try await world.sync()
        #expect(try await world.scheduler.askForReplicate(token: plain.token) == nil, "no GPU")
        #expect(try await world.scheduler.askForReplicate(token: picky.token) == nil, "its own Requirements refuse trust 1")
        #expect(try await world.scheduler.askForReplicate(token: gpu.token)?.taskId == PoCoIds.taskId(dealid: gpuDeal, index: .zero))
    }

    @Test("a worker gets no more replicates than its slots")
    func slotsBound() async throws {
        let world = try await PoolWorld(workerCount: 1)
        let worker = try await SimulatedWorker.login(world.workers[0], world: world, slots: 2)
        try await world.makeDeal(volume: 3, trust: 1)
        try await world.sync()
        #expect(try await world.scheduler.askForReplicate(token: worker.token) != nil)
        #expect(try await world.scheduler.askForReplicate(token: worker.token) != nil)
        #expect(try await world.scheduler.askForReplicate(token: worker.token) == nil)
    }

    @Test("ranking: the request's weights decide which idle worker goes first")
    func rankingOrdersIdleWorkers() async throws {
        let world = try await PoolWorld(workerCount: 2)
        let cheap = try await SimulatedWorker.login(world.workers[0], world: world, ad: """
            [ Price = 1; Speed = 1; Runtimes = {"wasm"}; Requirements = true ]
            """)
        let fast = try await SimulatedWorker.login(world.workers[1], world: world, ad: """
            [ Price = 9; Speed = 9; Runtimes = {"wasm"}; Requirements = true ]
            """)
        for worker in [cheap, fast] { _ = try await world.scheduler.askForReplicate(token: worker.token) }
        try await world.makeDeal(volume: 1, trust: 1, params: #"{"iexec_rank_weights":{"price":5,"speed":1,"reliability":0}}"#,
                                 salt: 1)
        try await world.sync()
        #expect(try await world.scheduler.askForReplicate(token: fast.token) == nil, "the cheap worker ranks first")
        #expect(try await world.scheduler.askForReplicate(token: cheap.token) != nil)
    }

    @Test("logins: a forged signature and an unreadable ClassAd are refused; an unknown token is 401")
    func loginRefusals() async throws {
        let world = try await PoolWorld(workerCount: 2)
        let challenge = await world.scheduler.challenge(for: world.workers[0].address)
        let forged = challenge.authorization(signedWith: world.workers[1])
        await #expect(throws: SchedulerError.self) {
            _ = try await world.scheduler.login(WorkerLogin(authorization: forged, worker: WorkerDescription(
                name: "x", classAd: SimulatedWorker.defaultAd, slots: 1)))
        }
        let fresh = await world.scheduler.challenge(for: world.workers[0].address)
        do {
            _ = try await world.scheduler.login(WorkerLogin(authorization: fresh.authorization(signedWith: world.workers[0]),
                                                            worker: WorkerDescription(name: "x", classAd: "[ Cpus = ", slots: 1)))
            Issue.record("an unreadable ClassAd was accepted")
        } catch {
            #expect(error.httpStatus == 400)
        }
        do {
            _ = try await world.scheduler.heartbeat(token: "not-a-token")
            Issue.record("an unknown token was accepted")
        } catch {
            #expect(error.httpStatus == 401)
        }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for value in self { results.append(try await transform(value)) }
        return results
    }
}
