import Client
import Crypto
import Ethereum
import Foundation
import PoCo
import Storage
import Scheduler
import Testing
import Worker

/// Node + scheduler + workers over loopback HTTP, the π app run in the Wasm sandbox: deals
/// driven to completion while workers lie, die, stall, or the scheduler itself is killed.
@Suite("End to end: node, scheduler and workers", .serialized, .timeLimit(.minutes(3)))
struct PoolEndToEndTests {
    /// π with few samples: the Wasm sandbox in a debug build is slow.
    static let params = #"{"iexec_args":"20000 7"}"#

    @Test("a deal of 5 tasks at trust 1 completes; the requester reads each result, private to it")
    func trustOneDeal() async throws {
        let cluster = try await Cluster.start()
        do {
            let (_, port) = try await cluster.startScheduler()
            _ = try await cluster.startWorker(4, schedulerPort: port)
            _ = try await cluster.startWorker(7, schedulerPort: port, slots: 3)
            let deal = try await cluster.makeDeal(volume: 5, trust: 1, params: Self.params)
            let tasks = cluster.tasks(of: deal, volume: 5)
            #expect(try await cluster.waitFor(tasks, status: .completed, timeout: 120))
            for taskId in tasks {
                let result = try await ResultCheck.download(taskId, cluster: cluster)
                #expect(result.text.contains("samples 20000"))
                #expect(result.text.contains("seed 7"))
            }
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("trust 100 with three workers, one lying: the liar is slashed and its score cut, the honest paid")
    func liarAmongThree() async throws {
        let cluster = try await Cluster.start()
        do {
            let (_, port) = try await cluster.startScheduler()
            // Two reputable honest workers reach consensus on their own: the liar only loses its
            // stake if it contributes first. So it starts alone, and the honest ones once its lie is
            // on chain (which ranking cannot order: whoever computes first contributes first).
            _ = try await cluster.startWorker(4, schedulerPort: port, misbehaviour: .lie)
            let liar = Cluster.key(4).address
            let before = try await cluster.chain.account(liar)
            let honestBefore = try await cluster.chain.account(Cluster.key(5).address)
            let deal = try await cluster.makeDeal(volume: 1, trust: 100, params: Self.params)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitUntil(timeout: 60) {
                try await cluster.chain.contribution(task: taskId, worker: liar).status == .contributed
            })
            _ = try await cluster.startWorker(5, schedulerPort: port)
            _ = try await cluster.startWorker(6, schedulerPort: port)
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 120))
            let task = try await cluster.chain.task(taskId)
            #expect(Set(task.contributors) == Set([liar, Cluster.key(5).address, Cluster.key(6).address]))
            let stake = try await cluster.chain.deal(deal).workerStake
            let after = try await cluster.chain.account(liar)
            #expect(after.balance + after.frozen + stake == before.balance + before.frozen, "the liar lost its stake")
            #expect(try await cluster.chain.score(liar) == .zero)
            #expect(try await cluster.chain.score(Cluster.key(5).address) == 151)
            let honestAfter = try await cluster.chain.account(Cluster.key(5).address)
            #expect(honestAfter.balance > honestBefore.balance, "an honest worker was paid")
            let result = try await ResultCheck.download(taskId, cluster: cluster)
            #expect(result.text.contains("samples 20000"), "the requester gets the honest result")
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("a worker killed mid-task: its replicate goes to another worker and the task completes")
    func workerKilled() async throws {
        let cluster = try await Cluster.start()
        do {
            let (scheduler, port) = try await cluster.startScheduler()
            let (first, _) = try await cluster.startWorker(4, schedulerPort: port)
            let deal = try await cluster.makeDeal(volume: 1, trust: 1, params: #"{"iexec_args":"400000 3"}"#)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitUntil {
                await scheduler.scheduler?.replicates(of: taskId).contains { $0.worker == Cluster.key(4).address } == true
            })
            await first.kill()
            _ = try await cluster.startWorker(7, schedulerPort: port)
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 120))
            let replicates = await scheduler.scheduler?.replicates(of: taskId) ?? []
            #expect(replicates.first { $0.worker == Cluster.key(4).address }?.phase == .lost)
            #expect(try await cluster.chain.task(taskId).contributors == [Cluster.key(7).address])
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("the scheduler killed mid-deal and restarted on its store: the deal completes")
    func schedulerKilled() async throws {
        let cluster = try await Cluster.start()
        do {
            let (scheduler, port) = try await cluster.startScheduler()
            _ = try await cluster.startWorker(4, schedulerPort: port)
            let deal = try await cluster.makeDeal(volume: 3, trust: 1, params: Self.params)
            let tasks = cluster.tasks(of: deal, volume: 3)
            #expect(try await cluster.waitUntil(timeout: 60) {
                try await cluster.chain.task(tasks[0]).status == .completed
            })
            await scheduler.kill()
            let (_, again) = try await cluster.startScheduler(port: port)
            #expect(again == port)
            #expect(try await cluster.waitFor(tasks, status: .completed, timeout: 120))
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("nobody reveals: the scheduler reopens the task, other workers complete it")
    func nobodyReveals() async throws {
        let cluster = try await Cluster.start()
        do {
            let (scheduler, port) = try await cluster.startScheduler()
            _ = try await cluster.startWorker(7, schedulerPort: port, misbehaviour: .neverReveal)
            _ = try await cluster.startWorker(8, schedulerPort: port, misbehaviour: .neverReveal)
            // Trust 3 with new workers (weight 2 each): two agreeing contributions make consensus.
            let deal = try await cluster.makeDeal(volume: 1, trust: 3, params: Self.params)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitFor([taskId], status: .revealing, timeout: 120))
            // Past the reveal deadline (2 · 300 s after consensus): the scheduler reopens.
            try await cluster.chain.increaseTime(seconds: 601)
            try await cluster.chain.mine()
            #expect(try await cluster.waitFor([taskId], status: .active, timeout: 30))
            #expect(try await cluster.waitUntil {
                await scheduler.scheduler?.status().counters.transactions["reopen"] == 1
            })
            _ = try await cluster.startWorker(4, schedulerPort: port)
            _ = try await cluster.startWorker(9, schedulerPort: port)
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 120))
            for silent in [7, 8] {
                #expect(try await cluster.chain.contribution(task: taskId, worker: Cluster.key(silent).address).status == .rejected)
            }
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("a task past its final deadline is claimed by the scheduler and the requester refunded")
    func claimedAtFinalDeadline() async throws {
        let cluster = try await Cluster.start()
        do {
            _ = try await cluster.startScheduler()
            let requester = Cluster.key(Cluster.requester).address
            let before = try await cluster.chain.account(requester)
            let deal = try await cluster.makeDeal(volume: 1, trust: 1, params: Self.params)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitFor([taskId], status: .active, timeout: 30))
            try await cluster.chain.increaseTime(seconds: 10 * 300)
            try await cluster.chain.mine()
            #expect(try await cluster.waitFor([taskId], status: .failed, timeout: 30))
            let after = try await cluster.chain.account(requester)
            #expect(after.balance == before.balance && after.frozen == before.frozen, "the requester got everything back")
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}

/// Failures that must not stop a task: an app that cannot be downloaded, a worker restarted in
/// the middle of commit–reveal.
@Suite("End to end: failures the workers get through", .serialized, .timeLimit(.minutes(3)))
struct WorkerFailureEndToEndTests {
    @Test("an app that cannot be downloaded gives the deterministic error result, contributed; the task completes")
    func downloadFailure() async throws {
        let cluster = try await Cluster.start()
        do {
            let (_, port) = try await cluster.startScheduler()
            _ = try await cluster.startWorker(4, schedulerPort: port)
            // A content id nobody uploaded.
            let missing = ContentID.of(Array("an app that was never uploaded".utf8))
            let broken = try await cluster.registerApp(name: "missing", multiaddr: missing.description,
                                                       checksum: Keccak256.hash("whatever"))
            let deal = try await cluster.makeDeal(volume: 1, trust: 1, params: PoolEndToEndTests.params, app: broken)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 60))
            let entries = try await ResultCheck.entries(taskId, cluster: cluster)
            #expect(entries.keys.sorted() == ["error.json"])
            let error = entries["error.json"].map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(error == #"{"error":"download-failed"}"#)
            #expect(Hash32(unchecked: Array(SHA256.hash(data: entries["error.json"] ?? []))) ==
                    (try await cluster.chain.task(taskId)).resultDigest)
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test("a worker restarted after contributing reveals from its local store; the task completes")
    func workerRestartResumes() async throws {
        let cluster = try await Cluster.start()
        do {
            let (_, port) = try await cluster.startScheduler()
            let (first, _) = try await cluster.startWorker(7, schedulerPort: port)
            // Trust 3 with new workers: two contributions make consensus, and finalize waits for
            // both winners' reveals (the reveal deadline is far).
            let deal = try await cluster.makeDeal(volume: 1, trust: 3, params: PoolEndToEndTests.params)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            let restarted = Cluster.key(7).address
            #expect(try await cluster.waitUntil(timeout: 60) {
                try await cluster.chain.contribution(task: taskId, worker: restarted).status == .contributed
            })
            await first.kill()
            _ = try await cluster.startWorker(8, schedulerPort: port)
            #expect(try await cluster.waitUntil(timeout: 60) {
                try await cluster.chain.contribution(task: taskId, worker: Cluster.key(8).address).status == .proved
            })
            #expect(try await cluster.chain.task(taskId).status == .revealing, "waiting for the stopped winner")
            _ = try await cluster.startWorker(7, schedulerPort: port)
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 60))
            #expect(try await cluster.chain.contribution(task: taskId, worker: restarted).status == .proved)
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}

/// A finalized task's result as its requester gets it: `results` names the blob, the blob is the
/// zip of the result folder (private: read with the requester's key), and the file it holds has
/// the digest on chain.
struct ResultCheck {
    let text: String

    static func download(_ taskId: Hash32, cluster: Cluster) async throws -> ResultCheck {
        let entries = try await entries(taskId, cluster: cluster)
        guard let result = entries["result.txt"] else { throw ClusterError("no result.txt in \(entries.keys.sorted())") }
        #expect(entries["computed.json"] != nil)
        #expect(Hash32(unchecked: Array(SHA256.hash(data: result))) == (try await cluster.chain.task(taskId)).resultDigest,
                "the on-chain digest is the SHA-256 of the deterministic output")
        return ResultCheck(text: String(decoding: result, as: UTF8.self))
    }

    /// The files of the result archive, downloaded with the requester's key (a stranger is refused).
    static func entries(_ taskId: Hash32, cluster: Cluster) async throws -> [String: [UInt8]] {
        let task = try await cluster.chain.task(taskId)
        guard let location = ResultLocation(resultsBytes: task.results), let id = ContentID(location.location) else {
            throw ClusterError("task \(taskId.hex) has no result location: \(String(decoding: task.results, as: UTF8.self))")
        }
        let file = cluster.directory.appendingPathComponent("result-\(taskId.hex).zip")
        let stranger = StorageClient(baseURL: cluster.nodeURL, key: Cluster.key(9), httpClient: cluster.http)
        await #expect(throws: ClientError.self, "the result is private to the requester and the beneficiary") {
            _ = try await stranger.download(id, to: cluster.directory.appendingPathComponent("stolen.zip"))
        }
        _ = try await StorageClient(baseURL: cluster.nodeURL, key: Cluster.key(Cluster.requester), httpClient: cluster.http).download(id, to: file)
        return try StoredZip.entries(of: [UInt8](Data(contentsOf: file)))
    }
}

/// Reads the entries of a zip whose entries are stored (not compressed), as results are.
enum StoredZip {
    static func entries(of bytes: [UInt8]) throws -> [String: [UInt8]] {
        func uint(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var entries: [String: [UInt8]] = [:]
        var offset = 0
        while offset + 30 <= bytes.count, uint(offset, 4) == 0x0403_4b50 {
            guard uint(offset + 8, 2) == 0 else { throw ClusterError("entry at \(offset) is compressed") }
            let size = uint(offset + 18, 4)
            let nameLength = uint(offset + 26, 2)
            let extraLength = uint(offset + 28, 2)
            let start = offset + 30 + nameLength + extraLength
            guard start + size <= bytes.count else { throw ClusterError("truncated zip") }
            entries[String(decoding: bytes[(offset + 30)..<(offset + 30 + nameLength)], as: UTF8.self)] =
                Array(bytes[start..<start + size])
            offset = start + size
        }
        return entries
    }
}

extension Hash32 {
    /// 32 bytes known to be 32 bytes (a SHA-256 output).
    init(unchecked bytes: [UInt8]) {
        // SHA-256 outputs 32 bytes.
        self = try! Hash32(bytes)
    }
}
