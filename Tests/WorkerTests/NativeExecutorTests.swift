import Foundation
import Testing
@testable import Worker

/// The native executor runs ELF apps and scripts under bubblewrap with iExec's contract.
@Suite("Native executor")
struct NativeExecutorTests {
    let executor = NativeExecutor()

    @Test func probeFindsBubblewrapAndSaysHowProcessesAreBounded() throws {
        let probe = NativeExecutor.probe()
        #expect(probe.available, "\(probe)")
        // These machines run as root with writable v1 cgroups (SWIFT-STACK.md, bubblewrap 0.8).
        #expect(probe.processLimit == .pidsCgroup)
    }

    @Test func piNativeRunsAndWritesItsResult() async throws {
        let workspace = try Workspace()
        let pi = try workspace.gcc("pi", file: Examples.source("pi"))
        let output = workspace.output()
        let outcome = try await executor.execute(ExecutionRequest(
            app: pi, arguments: ["20000", "7"], outputDirectory: output, limits: testLimits))
        #expect(outcome.termination == .exited(code: 0))
        // inside = 15764: a Python port of pi.c's generator (python3), as in the Wasm suite.
        #expect(output.appendingPathComponent("result.txt").text == "samples 20000\nseed 7\ninside 15764\npi 3.152800000\n")
        #expect(outcome.stdout.text == "pi ~ 3.152800000 (20000 samples, seed 7)\n")
    }

    @Test func nativeAndWasmPiGiveTheSameResultDigest() async throws {
        let workspace = try Workspace()
        let pi = try workspace.gcc("pi", file: Examples.source("pi"))
        var digests: [String] = []
        for (app, executor) in [(pi, executor as any AppExecutor), (Examples.wasm("pi"), WasmExecutor())] {
            let output = workspace.output()
            let outcome = try await executor.execute(ExecutionRequest(app: app, arguments: ["3000", "11"], outputDirectory: output, limits: testLimits))
            let package = try ResultPackage.make(outputDirectory: output, outcome: outcome)
            #expect(package.errorReason == nil)
            // The digest of a single result file is its SHA-256 (checked against sha256sum in iexecTests).
            #expect(package.digest == (try ResultDigest.digest(of: output.appendingPathComponent("result.txt"))))
            digests.append(package.digest.hex)
        }
        #expect(digests.count == 2 && digests[0] == digests[1])
    }

    @Test func scriptSeesOnlyIexecEnvironmentArgumentsAndReadOnlyInputs() async throws {
        let workspace = try Workspace()
        let input = try workspace.directory("in", files: ["data.txt": "hello"])
        let app = try workspace.script("probe.sh", """
            env | sort
            echo "args:$*"
            cat /iexec_in/data.txt > /iexec_out/copy.txt
            if echo x > /iexec_in/data.txt 2>/dev/null; then echo "input writable"; exit 9; fi
            echo "cwd:$(pwd)"
            """)
        let output = workspace.output()
        let taskId = try Hash32Fixture.task()
        let outcome = try await executor.execute(ExecutionRequest(
            app: app, arguments: ["a", "b c"], inputDirectory: input, outputDirectory: output, taskId: taskId,
            inputFileNames: ["data.txt"], limits: testLimits))
        #expect(outcome.termination == .exited(code: 0), "\(outcome.stderr.text)")
        let lines = outcome.stdout.text.split(separator: "\n").map(String.init)
        let variables = lines.filter { $0.contains("=") }
        // dash adds PWD itself; nothing else comes from the host.
        #expect(variables == [
            "IEXEC_DATASET_FILENAME=", "IEXEC_IN=/iexec_in", "IEXEC_INPUT_FILES_NUMBER=1", "IEXEC_INPUT_FILE_NAME_1=data.txt",
            "IEXEC_OUT=/iexec_out", "IEXEC_TASK_ID=\(taskId.hex)", "PWD=/iexec_out",
        ])
        #expect(lines.contains("args:a b c"))
        #expect(lines.contains("cwd:/iexec_out"))
        #expect(output.appendingPathComponent("copy.txt").text == "hello")
        #expect(input.appendingPathComponent("data.txt").text == "hello")
    }

    @Test func nonExecutableAppIsStagedAndNonZeroExitIsAnOutcome() async throws {
        let workspace = try Workspace()
        let app = try workspace.script("fail.sh", "echo oops >&2; exit 4")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: app.path)
        let outcome = try await executor.execute(ExecutionRequest(app: app, outputDirectory: workspace.output(), limits: testLimits))
        #expect(outcome.termination == .exited(code: 4))
        #expect(outcome.stderr.text == "oops\n")
    }
}
