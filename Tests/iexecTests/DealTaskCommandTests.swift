import Client
import Ethereum
import Foundation
import PoCo
import Storage
import Testing
import Worker

@testable import iexec

/// `iexec deal show|claim` and `iexec task show|claim` on deals made by `iexec app run`; the
/// workerpool's part (initialize, contributeAndFinalize at trust 1) is played by the test.
@Suite("iexec deal and task", .serialized)
struct DealTaskCommandTests {
    /// A deal of `volume` tasks made by account 3 through `app run` on `market`'s orders, at `trust`.
    static func deal(_ world: CLIWorld, _ market: AppRunCommandTests.Market, volume: Int, trust: UInt64 = 0) async throws
        -> (Hash32, [Hash32]) {
        let fields = try await world.run(AppCommand.Run.self, [market.app.checksummed, "--volume", "\(volume)", "--trust", "\(trust)"]
                                             + world.wallet(3))
        let dealid = try Hash32(hex: try #require(fields["dealid"] as? String))
        let tasks = try #require(fields["tasks"] as? [String]).map { try Hash32(hex: $0) }
        return (dealid, tasks)
    }

    @Test func showsUnfinishedTasksThenClaimsThemPastTheDeadline() async throws {
        try await CLIWorld.with { world in
            let market = try await AppRunCommandTests.market(world)
            try await world.deposit(3, nRLC: 100_000)
            let (dealid, tasks) = try await Self.deal(world, market, volume: 2)
            let (single, singleTasks) = try await Self.deal(world, market, volume: 1)
            let requester = world.key(3).address

            let shown = try await world.run(iexec.Deal.Show.self, [dealid.hex] + world.inProject)
            #expect(shown["requester"] as? String == requester.checksummed)
            #expect(shown["botSize"] as? String == "2")
            let listed = try #require(shown["tasks"] as? [[String: Any]])
            #expect(listed.map { $0["taskid"] as? String } == tasks.map(\.hex))
            #expect(listed.map { $0["status"] as? String } == ["UNSET", "UNSET"])
            #expect(listed.map { $0["claimable"] as? Bool } == [false, false])
            let missing = await #expect(throws: CLIError.self) {
                _ = try await world.run(iexec.Deal.Show.self, [Hash32.zero.hex] + world.inProject)
            }
            #expect(missing?.description.contains("no deal") == true)

            let unset = await #expect(throws: CLIError.self) { _ = try await world.run(TaskCommand.Show.self, [tasks[0].hex] + world.inProject) }
            #expect(unset?.description.contains("not initialized") == true)
            // Task 0 initialized (to be claimed with claimArray), task 1 not (initializeAndClaimArray).
            _ = try await world.chain.send(.lifecycle(.initialize(dealid: dealid, index: .zero)), signer: world.key(2))
            _ = try await world.chain.send(.lifecycle(.initialize(dealid: single, index: .zero)), signer: world.key(2))
            let task = try await world.run(TaskCommand.Show.self, [tasks[0].hex] + world.inProject)
            #expect(task["status"] as? String == "ACTIVE")
            #expect(task["dealid"] as? String == dealid.hex)
            #expect((task["contributors"] as? [Any])?.isEmpty == true)
            #expect(task["claimable"] as? Bool == false)
            let early = await #expect(throws: CLIError.self) {
                _ = try await world.run(TaskCommand.Show.self, [tasks[0].hex, "--download", world.project.appendingPathComponent("out").path]
                                            + world.wallet(3))
            }
            #expect(early?.description.contains("is ACTIVE: it has no result to download yet") == true)
            let earlyDeal = await #expect(throws: CLIError.self) { _ = try await world.run(iexec.Deal.Claim.self, [dealid.hex] + world.wallet(5)) }
            #expect(earlyDeal?.description.contains("after their final deadline") == true)
            let earlyTask = await #expect(throws: CLIError.self) {
                _ = try await world.run(TaskCommand.Claim.self, [singleTasks[0].hex] + world.wallet(5))
            }
            #expect(earlyTask?.description.contains("after its final deadline") == true)

            let before = try await world.escrow([2, 3, 5])
            // Category 0 (XS): final deadline = start + 10 × 300 s.
            try await world.chain.increaseTime(seconds: 3_001)
            try await world.chain.mine()
            let due = try await world.run(iexec.Deal.Show.self, [dealid.hex] + world.inProject)
            #expect((due["tasks"] as? [[String: Any]])?.map { $0["claimable"] as? Bool } == [true, true])

            let claimed = try await world.run(iexec.Deal.Claim.self, [dealid.hex] + world.wallet(5))
            #expect(Set(claimed["claimed"] as? [String] ?? []) == Set(tasks.map(\.hex)))
            #expect(claimed["refunded"] as? String == "6000")
            for task in tasks { #expect(try await world.chain.task(task).status == .failed) }
            let one = try await world.run(TaskCommand.Claim.self, [singleTasks[0].hex] + world.wallet(3))
            #expect(one["refunded"] as? String == "3000")

            // The requester gets its 9000 nRLC back; the pool's 1800 stake goes to the kitty; nothing else moves.
            let after = try await world.escrow([2, 3, 5])
            let owner = world.key(2).address
            let kitty = PoCoConstants.kittyAddress
            #expect(after[requester]?.balance == (before[requester]?.balance ?? .zero) + 9_000)
            #expect(after[requester]?.frozen == .zero)
            #expect(after[owner]?.frozen == (before[owner]?.frozen ?? .zero) - 1_800)
            #expect(after[kitty]?.frozen == (before[kitty]?.frozen ?? .zero) + 1_800)
            #expect(after[world.key(5).address] == before[world.key(5).address])
            #expect(AppRunCommandTests.total(after) == AppRunCommandTests.total(before))

            let again = await #expect(throws: CLIError.self) { _ = try await world.run(TaskCommand.Claim.self, [tasks[0].hex] + world.wallet(5)) }
            #expect(again?.description.contains("already FAILED") == true)
            let none = await #expect(throws: CLIError.self) { _ = try await world.run(iexec.Deal.Claim.self, [dealid.hex] + world.wallet(5)) }
            #expect(none?.description.contains("every task") == true)
        }
    }

    /// The result archive of an output directory holding result.txt with `content`.
    static func archive(_ content: String) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-result-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: directory.appendingPathComponent("out/result.txt"))
        try Data(#"{"deterministic-output-path":"/iexec_out/result.txt"}"#.utf8)
            .write(to: directory.appendingPathComponent("out/computed.json"))
        try DeterministicZip.write(directory: directory.appendingPathComponent("out"), to: directory.appendingPathComponent("r.zip"))
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent("r.zip")))
    }

    // SHA-256 of "3.14159\n" (Python's hashlib): the digest of a result whose deterministic output is that file.
    static let piDigest = "0xfb81eaa0ba08ad22867f425d4eb33c0534e2233f2babe3120832fa2de1748ae5"

    @Test func downloadsAVerifiedResultRefusesATamperedOneAndWatches() async throws {
        try await CLIWorld.with { world in
            let market = try await AppRunCommandTests.market(world, trust: 1)
            try await world.deposit(3, nRLC: 100_000)
            let (dealid, tasks) = try await Self.deal(world, market, volume: 2, trust: 1)
            let worker = StorageClient(baseURL: world.nodeURL, key: world.key(4))
            let readers = [world.key(3).address]
            let good = try await worker.upload(bytes: try Self.archive("3.14159\n"), readers: readers)
            let other = try await worker.upload(bytes: try Self.archive("2.71828\n"), readers: readers)
            let digest = try Hash32(hex: Self.piDigest)
            for index in 0..<2 {
                _ = try await world.chain.send(.lifecycle(.initialize(dealid: dealid, index: UInt256(index))), signer: world.key(2))
            }
            // Task 0: the result the digest commits to. Task 1: the same digest, pointing at another result.
            try await world.finalize(tasks[0], digest: digest, location: good.description, worker: 4, scheduler: 2)
            try await world.finalize(tasks[1], digest: digest, location: other.description, worker: 4, scheduler: 2)

            let directory = world.project.appendingPathComponent("result")
            let fields = try await world.run(TaskCommand.Show.self, [tasks[0].hex, "--download", directory.path] + world.wallet(3))
            #expect(fields["status"] as? String == "COMPLETED")
            #expect(fields["resultDigest"] as? String == Self.piDigest)
            #expect((fields["results"] as? [String: String]) == ["storage": "iexec-swift", "location": good.description])
            let contributors = try #require(fields["contributors"] as? [[String: Any]])
            #expect(contributors.map { $0["worker"] as? String } == [world.key(4).address.checksummed])
            let downloaded = try #require(fields["downloaded"] as? [String: Any])
            #expect(downloaded["files"] as? [String] == ["computed.json", "result.txt"])
            #expect(try String(contentsOf: directory.appendingPathComponent("result.txt"), encoding: .utf8) == "3.14159\n")
            let zip = try Data(contentsOf: directory.appendingPathComponent("\(tasks[0].hex).zip"))
            #expect([UInt8](zip) == (try Self.archive("3.14159\n")))

            // The other blob downloads and verifies against its content id, but not against the digest.
            let tampered = world.project.appendingPathComponent("tampered")
            let refused = await #expect(throws: CLIError.self) {
                _ = try await world.run(TaskCommand.Show.self, [tasks[1].hex, "--download", tampered.path] + world.wallet(3))
            }
            #expect(refused?.description.contains("is not the on-chain resultDigest \(Self.piDigest)") == true)
            #expect(!FileManager.default.fileExists(atPath: tampered.path))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: world.project.path).filter { $0.hasPrefix(".iexec-download") }
            #expect(leftovers.isEmpty)

            // Someone who is neither requester nor beneficiary cannot read it.
            let stranger = await #expect(throws: CLIError.self) {
                _ = try await world.run(TaskCommand.Show.self, [tasks[0].hex, "--download", tampered.path] + world.wallet(5))
            }
            #expect(stranger?.description.contains("only the deal's requester and beneficiary") == true)
            // A folder that is not empty is refused before anything is fetched.
            let full = await #expect(throws: CLIError.self) {
                _ = try await world.run(TaskCommand.Show.self, [tasks[0].hex, "--download", directory.path] + world.wallet(3))
            }
            #expect(full?.description.contains("is not empty") == true)

            // --watch on another deal, following the workerpool's transactions as they are mined.
            let (watchedDeal, watchedTasks) = try await Self.deal(world, market, volume: 2, trust: 1)
            let blob = good
            // The watch runs beside the workerpool's transactions; its fields come back as JSON text (Sendable).
            async let watchedJSON: String = JSONText.object(
                try await world.run(iexec.Deal.Show.self, [watchedDeal.hex, "--watch", "--timeout", "30", "--raw"] + world.inProject))
            for (index, task) in watchedTasks.enumerated() {
                _ = try await world.chain.send(.lifecycle(.initialize(dealid: watchedDeal, index: UInt256(index))), signer: world.key(2))
                try await world.finalize(task, digest: try Hash32(hex: Self.piDigest), location: blob.description, worker: 4, scheduler: 2)
            }
            let watched = try #require(try JSONSerialization.jsonObject(with: Data(try await watchedJSON.utf8)) as? [String: Any])
            let watch = try #require(watched["watch"] as? [String: Any])
            #expect(watch["timedOut"] as? Bool == false)
            #expect(watch["completed"] as? Int == 2)
            let states = try #require(watch["tasks"] as? [[String: Any]])
            for state in states {
                #expect(state["status"] as? String == "COMPLETED")
                #expect(state["contributions"] as? Int == 1)
                #expect(state["reveals"] as? Int == 1)
                #expect(state["finalized"] as? Bool == true)
                #expect(state["contributors"] as? [String] == [world.key(4).address.checksummed])
            }
        }
    }

    @Test func unpackRefusesUnsafeOrCorruptArchives() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-unpack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("out"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: target) }
        try Data("3.14159".utf8).write(to: target.appendingPathComponent("out/escape.txt"))
        try DeterministicZip.write(directory: target.appendingPathComponent("out"), to: target.appendingPathComponent("r.zip"))
        let valid = [UInt8](try Data(contentsOf: target.appendingPathComponent("r.zip")))
        #expect(try ResultArchive.unpack(Data(valid), into: target.appendingPathComponent("a")) == ["escape.txt"])
        // "escape.txt" renamed "../ape.txt" in both headers: an entry escaping the folder.
        var escaping = valid
        let name = Array("escape.txt".utf8)
        for start in 0...(escaping.count - name.count) where Array(escaping[start..<start + name.count]) == name {
            escaping.replaceSubrange(start..<start + 3, with: Array("../".utf8))
        }
        #expect(throws: ResultArchive.Failure.unsafeName("../ape.txt")) {
            _ = try ResultArchive.unpack(Data(escaping), into: target.appendingPathComponent("b"))
        }
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("ape.txt").path))
        // One byte of the content changed: its CRC-32 no longer holds.
        var corrupt = valid
        let content = Array("3.14159".utf8)
        let offset = try #require((0...(corrupt.count - content.count)).first { Array(corrupt[$0..<$0 + content.count]) == content })
        corrupt[offset] = UInt8(ascii: "4")
        #expect(throws: ResultArchive.Failure.malformed("escape.txt fails its CRC-32")) {
            _ = try ResultArchive.unpack(Data(corrupt), into: target.appendingPathComponent("c"))
        }
    }
}
