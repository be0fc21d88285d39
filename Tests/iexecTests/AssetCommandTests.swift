import Client
import Ethereum
import Foundation
import PoCo
import Storage
import Testing

@testable import iexec

/// `iexec app|dataset|workerpool init|deploy|show|count` against a dev node on loopback. File
/// checksums are compared with coreutils' `sha256sum`, run on the same file, not with the CLI's code.
/// One node serves the suite; each test has its project folder and dev accounts of its own.
@Suite("iexec app|dataset|workerpool init|deploy|show|count", .sharedCLIWorld)
struct AssetCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let piWasm = repository.appendingPathComponent("Examples/apps/wasm/pi.wasm").path

    /// `0x` and the SHA-256 of `path` as coreutils' `sha256sum` prints it.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "0x" + String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    @Test func appDeployFileUploadsRegistersAndIsShownAndCounted() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let files = ProjectFiles(directory: project.path)
        let owner = CLIWorld.keys[1].address
        let initialized = try await world.run(AppCommand.Init.self, world.wallet(1, in: project))
        #expect((initialized["app"] as? [String: Any])?["owner"] as? String == owner.checksummed)
        #expect(Set(((initialized["app"] as? [String: Any]) ?? [:]).keys) == ["owner", "name", "type", "multiaddr", "checksum", "mrenclave"])

        let deployed = try await world.run(AppCommand.Deploy.self, ["--file", Self.piWasm] + world.wallet(1, in: project))
        let address = try Address(hex: try #require(deployed["address"] as? String))
        let checksum = try Self.sha256sum(Self.piWasm)
        #expect(deployed["checksum"] as? String == checksum)
        #expect(deployed["type"] as? String == "WASM")
        #expect(try files.deployed("app", chainId: 31337) == address)
        let section = try files.section("app", writtenBy: "test")
        #expect(section["checksum"] as? String == checksum)
        #expect(section["type"] as? String == "WASM")
        let multiaddr = try #require(section["multiaddr"] as? String)
        #expect(deployed["multiaddr"] as? String == multiaddr)

        // The chain has what iexec.json says, and the storage serves the very bytes at the multiaddr.
        let app = try await world.chain.app(address)
        #expect(app.owner == owner && app.name == "my-app" && app.type == "WASM")
        #expect(app.checksum.hex == checksum && app.multiaddr == Array(multiaddr.utf8))
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("pi-\(UUID()).wasm")
        defer { try? FileManager.default.removeItem(at: copy) }
        _ = try await StorageClient(baseURL: world.nodeURL, key: nil).download(try ContentID(parsing: multiaddr), to: copy)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: URL(fileURLWithPath: Self.piWasm)))

        // show: the deployed one by default, by address, by index among the owner's.
        let shown = try await world.run(AppCommand.Show.self, world.wallet(1, in: project))
        #expect((shown["app"] as? [String: Any])?["checksum"] as? String == checksum)
        #expect((shown["app"] as? [String: Any])?["address"] as? String == address.checksummed)
        let byIndex = try await world.run(AppCommand.Show.self, ["0"] + world.wallet(1, in: project))
        #expect((byIndex["app"] as? [String: Any])?["address"] as? String == address.checksummed)
        let byAddress = try await world.run(AppCommand.Show.self, [address.checksummed] + ["--project", project.path])
        #expect((byAddress["app"] as? [String: Any])?["owner"] as? String == owner.checksummed)
        let missing = await #expect(throws: CLIError.self) {
            try await world.run(AppCommand.Show.self, ["1"] + world.wallet(1, in: project))
        }
        #expect(missing?.description.contains("has 1 app(s)") == true)
        let nowhere = await #expect(throws: CLIError.self) {
            try await world.run(AppCommand.Show.self, [CLIWorld.keys[9].address.checksummed] + ["--project", project.path])
        }
        #expect(nowhere?.description.contains("no app at") == true)

        // count: the registry's, for the owner and for someone else.
        #expect(try await world.run(AppCommand.Count.self, world.wallet(1, in: project))["count"] as? String == "1")
        #expect(try await world.run(AppCommand.Count.self, ["--user", CLIWorld.keys[2].address.checksummed] + ["--project", project.path])["count"] as? String == "0")

        // Deploying the same section again is refused, naming the address; nothing changes.
        let again = await #expect(throws: CLIError.self) {
            try await world.run(AppCommand.Deploy.self, ["--file", Self.piWasm] + world.wallet(1, in: project))
        }
        #expect(again?.description.contains("already deployed") == true)
        #expect(again?.description.contains(address.checksummed) == true)
        #expect(try await world.run(AppCommand.Count.self, world.wallet(1, in: project))["count"] as? String == "1")
    }

    @Test func datasetFlowChecksumsTheFileAndCountsPerOwner() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let file = project.appendingPathComponent("data.txt")
        try Data("the dataset's bytes\n".utf8).write(to: file)
        _ = try await world.run(AssetInit<DatasetAsset>.self, world.wallet(2, in: project))
        let deployed = try await world.run(AssetDeploy<DatasetAsset>.self, ["--file", file.path] + world.wallet(2, in: project))
        let address = try Address(hex: try #require(deployed["address"] as? String))
        #expect(deployed["checksum"] as? String == (try Self.sha256sum(file.path)))
        #expect(deployed["type"] == nil)
        let shown = try await world.run(AssetShow<DatasetAsset>.self, world.wallet(2, in: project))
        let fields = try #require(shown["dataset"] as? [String: Any])
        #expect(fields["name"] as? String == "my-dataset")
        #expect(fields["owner"] as? String == CLIWorld.keys[2].address.checksummed)
        #expect(try await world.chain.dataset(address).checksum.hex == (try Self.sha256sum(file.path)))
        #expect(try await world.run(AssetCount<DatasetAsset>.self, world.wallet(2, in: project))["count"] as? String == "1")
        #expect(try await world.run(AssetCount<AppAsset>.self, world.wallet(2, in: project))["count"] as? String == "0")
    }

    @Test func workerpoolFlowWithoutAWalletAtInitIsOwnedByTheSigner() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let files = ProjectFiles(directory: project.path)
        let empty = project.appendingPathComponent("no-keystore").path
        let initialized = try await world.run(AssetInit<WorkerpoolAsset>.self, ["--project", project.path] + ["--keystoredir", empty])
        #expect((initialized["workerpool"] as? [String: Any])?["owner"] as? String == Address.zero.checksummed)
        #expect((initialized["note"] as? String)?.contains("zero address") == true)
        let again = await #expect(throws: CLIError.self) {
            try await world.run(AssetInit<WorkerpoolAsset>.self, world.wallet(3, in: project))
        }
        #expect(again?.description.contains("already has a workerpool section") == true)
        #expect(throws: (any Error).self) { try AssetDeploy<WorkerpoolAsset>.parse(["--file", "x"]) }

        let deployed = try await world.run(AssetDeploy<WorkerpoolAsset>.self, world.wallet(3, in: project))
        let address = try Address(hex: try #require(deployed["address"] as? String))
        let pool = try await world.chain.workerpool(address)
        #expect(pool.owner == CLIWorld.keys[3].address && pool.description == "my-workerpool")
        #expect(try files.section("workerpool", writtenBy: "test")["owner"] as? String == CLIWorld.keys[3].address.checksummed)
        let shown = try await world.run(AssetShow<WorkerpoolAsset>.self, world.wallet(3, in: project))
        #expect((shown["workerpool"] as? [String: Any])?["description"] as? String == "my-workerpool")

        // Without its deployed.json entry, the identical workerpool is found on chain and not registered twice.
        try files.write("deployed.json", [:])
        let twin = await #expect(throws: CLIError.self) {
            try await world.run(AssetDeploy<WorkerpoolAsset>.self, world.wallet(3, in: project))
        }
        #expect(twin?.description.contains("identical workerpool is already registered at \(address.checksummed)") == true)
        #expect(try await world.run(AssetCount<WorkerpoolAsset>.self, world.wallet(3, in: project))["count"] as? String == "1")
    }

    @Test func aSectionWithoutAFileIsRefusedBeforeAnythingIsSent() async throws {
        let world = try CLIWorld.shared()
        let project = try world.newProject()
        let files = ProjectFiles(directory: project.path)
        _ = try await world.run(AppCommand.Init.self, world.wallet(5, in: project))
        let error = await #expect(throws: CLIError.self) {
            try await world.run(AppCommand.Deploy.self, world.wallet(5, in: project))
        }
        #expect(error?.description.contains("no multiaddr") == true, "\(String(describing: error))")
        let notAnApp = project.appendingPathComponent("notes.txt")
        try Data("plain text".utf8).write(to: notAnApp)
        let unknown = await #expect(throws: CLIError.self) {
            try await world.run(AppCommand.Deploy.self, ["--file", notAnApp.path] + world.wallet(5, in: project))
        }
        #expect(unknown?.description.contains("unknown format") == true)
        #expect(try files.deployed("app", chainId: 31337) == nil)
        #expect(try files.section("app", writtenBy: "test")["multiaddr"] as? String == "")
        #expect(try await world.run(AppCommand.Count.self, world.wallet(5, in: project))["count"] as? String == "0")
    }
}
