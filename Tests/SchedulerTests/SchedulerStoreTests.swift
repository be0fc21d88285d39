import Client
import Ethereum
import Foundation
import PoCo
import Scheduler
import Testing

/// The scheduler's SQLite store: what it keeps, what it loads back, and a scheduler resumed
/// from it after a restart.
@Suite("Scheduler: the SQLite store")
struct SchedulerStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-\(UUID().uuidString).sqlite").path
    }

    @Test("a batch is kept; only open tasks, their deals and replicates load back")
    func roundTrip() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteSchedulerStore(path: path)
        let deal = DealRecord(id: Keccak256.hash("deal"), app: AssetLocation(address: .zero, multiaddr: "bafk", checksum: .zero),
                              appType: "WASM", dataset: nil, category: 0, timeref: 300, trust: 1, tag: .zero, params: "",
                              requester: .zero, beneficiary: .zero, callback: .zero, startTime: 10, botFirst: 0, botSize: 2,
                              workerStake: 3)
        var open = TaskRecord(id: Keccak256.hash("t0"), dealId: deal.id, index: 0)
        open.phase = .running
        var closed = TaskRecord(id: Keccak256.hash("t1"), dealId: deal.id, index: 1)
        closed.phase = .completed
        let replicate = ReplicateRecord(taskId: open.id, worker: try Address(hex: "0x00000000000000000000000000000000000000aa"),
                                        phase: .contributed, weight: 2, resultHash: Keccak256.hash("r"),
                                        authorizationSign: "0x01", assignedAt: 1, updatedAt: 2)
        var changes = SchedulerChanges()
        changes.cursor = 42
        changes.deals[deal.id] = deal
        changes.tasks[open.id] = open
        changes.tasks[closed.id] = closed
        changes.replicates[ReplicateKey(taskId: open.id, worker: replicate.worker)] = replicate
        try store.save(changes)
        let reopened = try SQLiteSchedulerStore(path: path).load()
        #expect(reopened.cursor == 42)
        #expect(reopened.deals == [deal])
        #expect(reopened.tasks == [open])
        #expect(reopened.replicates == [replicate])
    }

    @Test("a file that is not a scheduler store is refused with a clear error")
    func refusesForeignFile() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not sqlite at all, just text".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SchedulerError.self) { _ = try SQLiteSchedulerStore(path: path) }
    }

    @Test("a scheduler restarted on its store resumes mid-deal and completes it")
    func resumesAfterRestart() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let world = try await PoolWorld(workerCount: 4, store: try SQLiteSchedulerStore(path: path))
        let dealId = try await world.makeDeal(volume: 1, trust: 3)
        try await world.sync()
        let taskId = PoCoIds.taskId(dealid: dealId, index: .zero)
        let first = try await SimulatedWorker.login(world.workers[0], world: world)
        _ = try await world.scheduler.askForReplicate(token: first.token)
        let cursor = await world.scheduler.status().cursor
        // A new scheduler on the same file: the deal, the task and the replicate are back.
        let restarted = try WorkerpoolScheduler(configuration: world.scheduler.configuration, chain: world.chain,
                                                key: world.poolOwner, store: try SQLiteSchedulerStore(path: path),
                                                clock: { 1_000 })
        #expect(await restarted.status().cursor == cursor)
        #expect(await restarted.task(taskId)?.phase == .running)
        #expect(await restarted.replicates(of: taskId).map(\.worker) == [first.address])
        try await restarted.sync(to: try await world.chain.head())
        #expect(await restarted.status().counters.transactions["initializeArray"] == nil, "not initialized twice")
    }
}
