import Client
import Crypto
import Ethereum
import Foundation
import PoCo
import Storage
import Testing
import Worker

/// Hostile native apps run by a real worker: each is contained and ends as an error result that
/// is contributed (the task completes), and the worker goes on serving the next task.
@Suite("End to end: hostile apps and a worker that goes on", .serialized, .timeLimit(.minutes(3)))
struct EscapeEndToEndTests {
    @Test("an endless loop and a fork bomb are stopped, contributed as error results; then π runs on the same worker")
    func hostileAppsThenPi() async throws {
        let probe = NativeExecutor.probe()
        try #require(probe.available, "the native sandbox must work here: \(probe)")
        let cluster = try await Cluster.start()
        do {
            // A category whose tasks get 2 seconds: the native sandbox's wall clock and CPU limits.
            _ = try await cluster.chain.send(.governance(.createCategory(name: "T", description: "{}", workClockTimeRef: 2)),
                                             signer: Cluster.key(0))
            let category = try await cluster.chain.countCategory().clampedToUInt64 - 1
            let (_, port) = try await cluster.startScheduler()
            let worker = Cluster.key(4).address
            _ = try await cluster.startWorker(4, schedulerPort: port, sandbox: .standard())
            // Each with the error results it may end as: the loop runs into the wall clock or the
            // CPU limit; the bomb's forks are refused past the process limit, so it either runs
            // out of time or gives up and exits without a result.
            let hostile: [(String, String, [String])] = [
                ("loop", "#!/bin/sh\nwhile :; do :; done\n", ["time-limit", "cpu-limit"]),
                ("forkbomb", "#!/bin/sh\nbomb() { bomb | bomb & }\nbomb\nwait\n",
                 ["time-limit", "cpu-limit", "processes-limit", "invalid-output"]),
            ]
            for (salt, (name, script, outcomes)) in hostile.enumerated() {
                let bytes = Array(script.utf8)
                let id = try await StorageClient(baseURL: cluster.nodeURL, key: Cluster.key(Cluster.appOwner),
                                                 httpClient: cluster.http).upload(bytes: bytes)
                let app = try await cluster.registerApp(name: name, multiaddr: id.description,
                                                        checksum: Hash32(unchecked: Array(SHA256.hash(data: bytes))),
                                                        type: "NATIVE")
                let deal = try await cluster.makeDeal(volume: 1, trust: 1, params: "", app: app, category: category,
                                                      salt: 10 + salt)
                let taskId = cluster.tasks(of: deal, volume: 1)[0]
                #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 60), "\(name) completes")
                let entries = try await ResultCheck.entries(taskId, cluster: cluster)
                let error = entries["error.json"].map { String(decoding: $0, as: UTF8.self) } ?? "none"
                #expect(outcomes.contains { error == #"{"error":"\#($0)"}"# }, "\(name) ended as \(error)")
                #expect(try await cluster.chain.task(taskId).contributors == [worker])
            }
            let deal = try await cluster.makeDeal(volume: 1, trust: 1, params: PoolEndToEndTests.params, salt: 20)
            let taskId = cluster.tasks(of: deal, volume: 1)[0]
            #expect(try await cluster.waitFor([taskId], status: .completed, timeout: 60))
            #expect(try await ResultCheck.download(taskId, cluster: cluster).text.contains("samples 20000"))
            try await cluster.checkConservation()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}
