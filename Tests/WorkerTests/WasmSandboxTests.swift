import Foundation
import Testing
@testable import Worker

/// What a Wasm app cannot do: write its inputs, leave its directories, run or grow without end.
@Suite("Wasm sandbox")
struct WasmSandboxTests {
    let executor = WasmExecutor()
    /// WASI errno values.
    static let erofs: Int32 = 69

    func exitCode(_ wat: String, input: URL? = nil, output: URL? = nil, in workspace: borrowing Workspace) async throws -> Int32 {
        let app = try workspace.wat("probe-\(UUID().uuidString)", wat)
        let outcome = try await executor.execute(ExecutionRequest(
            app: app, inputDirectory: input, outputDirectory: output ?? workspace.output(), limits: testLimits))
        guard case .exited(let code) = outcome.termination else {
            Issue.record("expected an exit, got \(outcome.termination)")
            return -1
        }
        return code
    }

    @Test func inputsAreReadOnly() async throws {
        let workspace = try Workspace()
        let input = try workspace.directory("in", files: ["data.txt": "original", "sub/keep.txt": "k"])
        // Reading works (FD_READ, no flags).
        #expect(try await exitCode(WasiModules.pathOpen(descriptor: 3, path: "data.txt", oflags: 0, rights: 2), input: input, in: workspace) == 0)
        // Opening for writing, creating, truncating: EROFS.
        #expect(try await exitCode(WasiModules.pathOpen(descriptor: 3, path: "data.txt", oflags: 0, rights: 64), input: input, in: workspace) == Self.erofs)
        #expect(try await exitCode(WasiModules.pathOpen(descriptor: 3, path: "new.txt", oflags: 1, rights: 2), input: input, in: workspace) == Self.erofs)
        #expect(try await exitCode(WasiModules.pathOpen(descriptor: 3, path: "data.txt", oflags: 8, rights: 2), input: input, in: workspace) == Self.erofs)
        #expect(try await exitCode(WasiModules.unlinkInput("data.txt"), input: input, in: workspace) == Self.erofs)
        // A directory opened inside the inputs is read-only too.
        #expect(try await exitCode(WasiModules.createThroughSubdirectory(directory: "sub", file: "x.txt"), input: input, in: workspace) == Self.erofs)
        #expect(input.appendingPathComponent("data.txt").text == "original")
        let listing = try FileManager.default.subpathsOfDirectory(atPath: input.path).sorted()
        #expect(listing == ["data.txt", "sub", "sub/keep.txt"])
    }

    @Test func outputsAreWritable() async throws {
        let workspace = try Workspace()
        let output = workspace.output()
        #expect(try await exitCode(WasiModules.pathOpen(descriptor: 4, path: "made.txt", oflags: 1, rights: 64), output: output, in: workspace) == 0)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("made.txt").path))
    }

    @Test func pathsCannotLeaveTheirDirectory() async throws {
        let workspace = try Workspace()
        // The worker's keystore, next to the inputs and by its absolute path.
        let keystore = try workspace.directory("worker-data", files: ["keystore.json": "SECRET"]).appendingPathComponent("keystore.json")
        let input = try workspace.directory("in", files: ["sub/a.txt": "a"])
        let paths = ["../worker-data/keystore.json", "sub/../../worker-data/keystore.json", keystore.path,
                     "../../../../../../etc/shadow", "/etc/shadow"]
        for path in paths {
            for descriptor in [3, 4] {
                let code = try await exitCode(WasiModules.pathOpen(descriptor: descriptor, path: path, oflags: 0, rights: 2), input: input, in: workspace)
                #expect(code != 0, "\(path) opened through fd \(descriptor)")
            }
        }
    }

    @Test func initialMemoryOverTheCapIsTheMemoryLimit() async throws {
        let workspace = try Workspace()
        // 100 pages = 6.25 MiB declared, over a 4 MiB cap.
        let app = try workspace.wat("big", #"(module (memory (export "memory") 100) (func (export "_start")))"#)
        var limits = testLimits
        limits.memoryBytes = 4 << 20
        let outcome = try await executor.execute(ExecutionRequest(app: app, outputDirectory: workspace.output(), limits: limits))
        #expect(outcome.termination == .limitExceeded(.memory))
    }

    @Test func loopForeverRunsOutOfFuel() async throws {
        let workspace = try Workspace()
        let app = try workspace.wat("loop", WasiModules.loopForever)
        var limits = testLimits
        limits.fuel = 3_000_000
        let outcome = try await executor.execute(ExecutionRequest(app: app, outputDirectory: workspace.output(), limits: limits))
        #expect(outcome.termination == .limitExceeded(.fuel))
        try await normalAppStillRuns(in: workspace)
    }

    @Test func growingMemoryStopsAtTheCap() async throws {
        let workspace = try Workspace()
        let app = try workspace.wat("grow", WasiModules.growForever)
        var limits = testLimits
        limits.memoryBytes = 4 << 20
        let outcome = try await executor.execute(ExecutionRequest(app: app, outputDirectory: workspace.output(), limits: limits))
        #expect(outcome.termination == .limitExceeded(.memory))
        try await normalAppStillRuns(in: workspace)
    }

    @Test(arguments: [false, true])
    func writingWithoutEndStopsAtTheOutputCap(throughStdout: Bool) async throws {
        let workspace = try Workspace()
        let app = try workspace.wat("write", WasiModules.writeForever(throughStdout: throughStdout))
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(app: app, outputDirectory: output, limits: testLimits))
        #expect(outcome.termination == .limitExceeded(.output))
        let size = try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent("big.bin").path)[.size] as? Int
        #expect((size ?? .max) <= Int(testLimits.outputBytes))
        try await normalAppStillRuns(in: workspace)
    }

    @Test func capturedOutputIsCapped() async throws {
        let workspace = try Workspace()
        var limits = testLimits
        limits.capturedBytes = 10
        let outcome = try await executor.execute(ExecutionRequest(
            app: Examples.wasm("pi"), arguments: ["100"], outputDirectory: workspace.output(), limits: limits))
        #expect(outcome.stdout.bytes.count == 10)
        #expect(outcome.stdout.text.hasPrefix("pi ~ 3."))
        #expect(outcome.stdout.truncated)
        #expect(!outcome.stderr.truncated)
    }

    /// The executor serves a normal app right after a contained one.
    func normalAppStillRuns(in workspace: borrowing Workspace) async throws {
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(
            app: Examples.wasm("pi"), arguments: ["100", "3"], outputDirectory: output, limits: testLimits))
        #expect(outcome.succeeded)
        #expect(output.appendingPathComponent("result.txt").text.hasPrefix("samples 100\nseed 3\n"))
    }
}
