import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// `iexec category create|show|count` and `iexec info` against a dev node on loopback, whose
/// governance is dev account 0.
@Suite("iexec category and info", .sharedCLIWorld, .serialized)
struct CategoryInfoCommandTests {
    @Test func governanceCreatesCategoriesAndOthersAreRefused() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let before = try await world.chain.countCategory()
        #expect(try await world.run(CategoryCommand.Count.self, ["--project", project.path])["count"] as? String == before.decimalString)
        #expect(before == UInt256(UInt64(PoCo.Category.defaults.count)))

        let arguments = ["--name", "XXL", "--description", "{\"cpu\":64}", "--work-clock-time-ref", "72000"]
        let created = try await world.run(CategoryCommand.Create.self, arguments + world.wallet(0, in: project))
        #expect(created["id"] as? String == before.decimalString)
        #expect(try await world.chain.category(before)
            == PoCo.Category(name: "XXL", description: "{\"cpu\":64}", workClockTimeRef: UInt256(72000 as UInt64)))
        let shown = try await world.run(CategoryCommand.Show.self, [before.decimalString] + ["--project", project.path])
        #expect(shown["name"] as? String == "XXL")
        #expect(shown["workClockTimeRef"] as? String == "72000")

        let refused = await #expect(throws: CLIError.self) {
            try await world.run(CategoryCommand.Create.self, arguments + world.wallet(1, in: project))
        }
        #expect(refused?.description.contains("only the chain's governance account \(CLIWorld.keys[0].address.checksummed)") == true)
        let after = try await world.chain.countCategory()
        #expect(after == before + UInt256(1 as UInt64))
        #expect(try await world.run(CategoryCommand.Count.self, ["--project", project.path])["count"] as? String == after.decimalString)

        let unknown = await #expect(throws: CLIError.self) {
            try await world.run(CategoryCommand.Show.self, [after.decimalString] + ["--project", project.path])
        }
        #expect(unknown?.description.contains("no category \(after.decimalString)") == true)
        #expect(throws: (any Error).self) {
            try CategoryCommand.Create.parse(["--name", "x", "--description", "", "--work-clock-time-ref", "0"])
        }
    }

    @Test func infoShowsTheChainItsContractsAndTheNode() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let config = world.chain.config
        let info = try await world.run(InfoCommand.self, ["--project", project.path])
        #expect(info["chainId"] as? String == "31337")
        #expect(info["chain"] as? String == "local")
        #expect(info["hub"] as? String == config.hub.checksummed)
        #expect(info["appRegistry"] as? String == config.appRegistry.checksummed)
        #expect(info["datasetRegistry"] as? String == config.datasetRegistry.checksummed)
        #expect(info["workerpoolRegistry"] as? String == config.workerpoolRegistry.checksummed)
        #expect(info["governance"] as? String == CLIWorld.keys[0].address.checksummed)
        #expect(info["market"] as? String == world.nodeURL && info["storage"] as? String == world.nodeURL)
        let head = try await world.chain.head()
        #expect(info["blockNumber"] as? String == String(head.number))
        let node = try #require(info["node"] as? [String: Any])
        #expect("\(node["chainId"] ?? "")" == "31337")
        #expect((node["hub"] as? String).flatMap { try? Address(hex: $0) } == config.hub)
    }
}
