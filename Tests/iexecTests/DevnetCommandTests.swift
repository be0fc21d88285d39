import Foundation
import Testing
import Worker

@testable import iexec

/// `iexec devnet`'s options: misbehaving workers, the apps folder.
@Suite("iexec devnet options")
struct DevnetCommandTests {
    @Test func misbehavingWorkersAreReadByIndex() throws {
        let command = try DevnetCommand.parse(["--workers", "4", "--misbehave", "0=lie", "--misbehave", "3=never-reveal"])
        #expect(try command.misbehaviours() == [0: .lie, 3: .neverReveal])
    }

    @Test(arguments: [["--misbehave", "4=lie"], ["--misbehave", "0=cheat"], ["--misbehave", "lie"], ["--misbehave", "0=none"],
                      ["--workers", "0"], ["--slots", "65"]])
    func badOptionsAreRefusedBeforeAnythingStarts(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try DevnetCommand.parse(["--workers", "4"] + arguments) }
    }

    @Test func appsAreTheWasmFilesOfTheFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("devnet-apps-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["b.wasm", "a.wasm", "notes.txt"] { try Data([0]).write(to: folder.appendingPathComponent(name)) }
        let files = try DevnetCommand.parse(["--apps", folder.path]).appFiles()
        #expect(files.map(\.lastPathComponent) == ["a.wasm", "b.wasm"])
        #expect(throws: CLIError.self) { try DevnetCommand.parse(["--apps", folder.appendingPathComponent("none").path]).appFiles() }
    }
}
