import Ethereum
import Foundation
import Testing

@testable import iexec

/// `iexec init`, chain.json, the project's files, RLC amounts, and the connection to a node.
@Suite("iexec project files")
struct ProjectFilesTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("iexec-project-\(UUID())").path
    }

    @Test func initWritesBothFilesAndKeepsExistingOnes() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try InitCommand.parse(["--project", directory, "--host", "http://10.0.0.1:8545/"]).execute().fields
        #expect(first["created"] as? [String] == ["iexec.json", "chain.json"])
        let files = ProjectFiles(directory: directory)
        let entry = try files.chain(named: nil)
        #expect(entry.name == "dev")
        #expect(entry.host == "http://10.0.0.1:8545")
        #expect(entry.market == "http://10.0.0.1:8545")
        try files.update("iexec.json") { $0["app"] = ["name": "pi"] }
        let second = try InitCommand.parse(["--project", directory]).execute().fields
        #expect(second["created"] as? [String] == [])
        #expect((try files.read("iexec.json")?["app"] as? [String: Any])?["name"] as? String == "pi")
    }

    @Test func chainJSONErrorsNameTheProblem() throws {
        let directory = Self.folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = ProjectFiles(directory: directory)
        #expect(try files.chain(named: nil).host == "http://127.0.0.1:8545")
        #expect(throws: CLIError.self) { try files.chain(named: "bellecour") }
        try files.write("chain.json", ["default": "a", "chains": ["a": ["host": "http://h:1", "iexecGateway": "http://m:2", "id": "134"]]])
        let entry = try files.chain(named: nil)
        #expect(entry.market == "http://m:2" && entry.storage == "http://h:1" && entry.id == 134)
        let missing = #expect(throws: CLIError.self) { try files.chain(named: "b") }
        #expect(missing?.description.contains("has no chain \"b\"") == true)
        try Data("[1]".utf8).write(to: files.url("chain.json"))
        #expect(throws: CLIError.self) { try files.chain(named: nil) }
    }

    @Test func deployedAndSignedOrdersAreKeptPerChain() throws {
        let directory = Self.folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = ProjectFiles(directory: directory)
        let address = try Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f")
        try files.setDeployed("app", chainId: 31337, address: address)
        #expect(try files.deployed("app", chainId: 31337) == address)
        #expect(try files.deployed("app", chainId: 134) == nil)
        try files.setSignedOrder("apporder", chainId: 31337, order: ["app": address.checksummed])
        #expect(try files.signedOrder("apporder", chainId: 31337)?["app"] as? String == address.checksummed)
        #expect(try files.signedOrder("apporder", chainId: 1) == nil)
    }

    @Test func amountsAreNRLCUnlessSaidOtherwise() throws {
        #expect(try Amount.parse("100") == UInt256(100))
        #expect(try Amount.parse("100 nRLC") == UInt256(100))
        #expect(try Amount.parse("1.5 RLC") == UInt256(1_500_000_000))
        #expect(try Amount.parse("2RLC") == UInt256(2_000_000_000))
        #expect(try Amount.parse(".000000001 RLC") == UInt256(1))
        for bad in ["", "-1", "1.5", "1.0000000001 RLC", "abc", "1e9", "RLC"] {
            #expect(throws: CLIError.self, "\(bad)") { try Amount.parse(bad) }
        }
        #expect(Amount.rlc(UInt256(1_500_000_000)) == "1.5 RLC")
        #expect(Amount.rlc(UInt256(7)) == "0.000000007 RLC")
        #expect(Amount.describe(UInt256(3_000_000_000)) == "3 RLC (3000000000 nRLC)")
    }

    @Test func sessionReachesTheNodeChainJSONNames() async throws {
        try await CLIWorld.with { world in
            let session = try await ChainOptions.parse(world.inProject).connect()
            #expect(session.chainId == 31337)
            #expect(session.entry.name == "local")
            try world.files.write("chain.json", ["default": "local", "chains": ["local": ["host": world.nodeURL, "id": 134]]])
            let wrong = await #expect(throws: CLIError.self) { try await ChainOptions.parse(world.inProject).connect() }
            #expect(wrong?.description.contains("runs chain 31337, not 134") == true)
            let key = try WalletOptions.parse(Array(world.wallet(3).dropFirst(2))).key()
            #expect(key.address == CLIWorld.keys[3].address)
        }
    }
}
