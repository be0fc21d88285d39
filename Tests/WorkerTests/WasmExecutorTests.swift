import Foundation
import Testing
@testable import Worker

/// The Wasm executor runs the committed example modules and shows the app iExec's contract.
@Suite("Wasm executor")
struct WasmExecutorTests {
    let executor = WasmExecutor()

    @Test func piMatchesNativeBuildAndIndependentCount() async throws {
        let workspace = try Workspace()
        let output = workspace.output()
        let outcome = try await executor.execute(
            ExecutionRequest(app: Examples.wasm("pi"), arguments: ["20000", "7"], outputDirectory: output, limits: testLimits))
        #expect(outcome.termination == .exited(code: 0))
        let result = output.appendingPathComponent("result.txt").text
        // inside = 15764 computed independently: a Python port of pi.c's xorshift64* (python3, this repo's README).
        #expect(result == "samples 20000\nseed 7\ninside 15764\npi 3.152800000\n")
        let native = try workspace.gcc("pi", file: Examples.source("pi"))
        let nativeOutput = workspace.output("native")
        #expect(try runDirectly(native, arguments: ["20000", "7"], output: nativeOutput) == 0)
        #expect(nativeOutput.appendingPathComponent("result.txt").text == result)
        #expect(output.appendingPathComponent("computed.json").text == #"{"deterministic-output-path":"/iexec_out/result.txt"}"# + "\n")
        #expect(outcome.stdout.text == "pi ~ 3.152800000 (20000 samples, seed 7)\n")
    }

    @Test func wordfreqCountsTheDataset() async throws {
        let workspace = try Workspace()
        let input = try workspace.directory("in", files: ["text.txt": "The cat and the hat.\nThe end, the END!\n"])
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(
            app: Examples.wasm("wordfreq"), arguments: ["3"], inputDirectory: input, outputDirectory: output,
            datasetFilename: "text.txt", limits: testLimits))
        #expect(outcome.termination == .exited(code: 0))
        // Counted by hand: 39 bytes, 9 words, the ×4, end ×2, then and/cat/hat ×1 (alphabetical).
        #expect(output.appendingPathComponent("result.txt").text == "bytes 39\nwords 9\ndistinct 5\n4 the\n2 end\n1 and\n")
    }

    @Test func mandelbrotMatchesNativeBuild() async throws {
        let workspace = try Workspace()
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(
            app: Examples.wasm("mandelbrot"), arguments: ["16", "12", "30"], outputDirectory: output, limits: testLimits))
        #expect(outcome.termination == .exited(code: 0))
        let image = try Data(contentsOf: output.appendingPathComponent("mandelbrot.ppm"))
        #expect(image.count == 13 + 16 * 12 * 3)
        let native = try workspace.gcc("mandelbrot", file: Examples.source("mandelbrot"))
        let nativeOutput = workspace.output("native")
        #expect(try runDirectly(native, arguments: ["16", "12", "30"], output: nativeOutput) == 0)
        #expect(try Data(contentsOf: nativeOutput.appendingPathComponent("mandelbrot.ppm")) == image)
    }

    @Test func appSeesOnlyIexecEnvironmentAndItsArguments() async throws {
        let workspace = try Workspace()
        let app = try workspace.wat("env", WasiModules.environmentAndArguments)
        let taskId = try Hash32Fixture.task()
        let outcome = try await executor.execute(ExecutionRequest(
            app: app, arguments: ["alpha", "two words"], outputDirectory: workspace.output(), taskId: taskId,
            datasetFilename: "data.bin", inputFileNames: ["a.txt", "b.csv"], limits: testLimits))
        #expect(outcome.termination == .exited(code: 0))
        let environment = Set(outcome.stdout.text.split(separator: "\0").map(String.init))
        #expect(environment == [
            "IEXEC_IN=/iexec_in", "IEXEC_OUT=/iexec_out", "IEXEC_TASK_ID=\(taskId.hex)",
            "IEXEC_DATASET_FILENAME=data.bin", "IEXEC_INPUT_FILES_NUMBER=2",
            "IEXEC_INPUT_FILE_NAME_1=a.txt", "IEXEC_INPUT_FILE_NAME_2=b.csv",
        ])
        #expect(outcome.stderr.text.split(separator: "\0").map(String.init) == ["env.wasm", "alpha", "two words"])
    }

    @Test func outputDirectoryMustBeEmptyAndIsCreated() async throws {
        let workspace = try Workspace()
        let full = try workspace.directory("full", files: ["old.txt": "x"])
        await #expect(throws: ExecutionError.outputNotEmpty(path: full.path)) {
            try await executor.execute(ExecutionRequest(app: Examples.wasm("pi"), arguments: ["10"], outputDirectory: full))
        }
        let nested = workspace.output().appendingPathComponent("a/b")
        let outcome = try await executor.execute(ExecutionRequest(
            app: Examples.wasm("pi"), arguments: ["10"], outputDirectory: nested, limits: testLimits))
        #expect(outcome.succeeded)
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent("result.txt").path))
    }

    @Test func invalidModuleIsAnExecutorError() async throws {
        let workspace = try Workspace()
        let file = workspace.root.appendingPathComponent("broken.wasm")
        try Data([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0xFF]).write(to: file)
        await #expect {
            try await executor.execute(ExecutionRequest(app: file, outputDirectory: workspace.output()))
        } throws: { error in
            guard case ExecutionError.invalidModule(let path, _) = error else { return false }
            return path == file.path
        }
    }
}
