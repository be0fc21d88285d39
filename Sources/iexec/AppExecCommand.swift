import ArgumentParser
import Foundation
import Worker

/// `iexec app`: apps (iexec-sdk's `iexec app` verbs), and running one locally in the sandbox.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "Describe, deploy and run apps; try one locally in the sandbox a worker runs it in.",
        subcommands: [Init.self, Deploy.self, Show.self, Count.self, Run.self, Exec.self]
    )

    /// `iexec app exec FILE`: one run in exactly a worker's sandbox, with the digest it would contribute.
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a Wasm module or a native app as a worker would; print the outcome and the result digest.",
            discussion: """
                The app sees IEXEC_IN=/iexec_in (--input, read-only) and IEXEC_OUT=/iexec_out (--output, \
                writable) and must write /iexec_out/computed.json. When it fails or meets a limit, the output \
                directory is replaced by the deterministic error result (error.json), as on a worker. \
                See docs/executors.md.
                """)

        @Argument(help: "The app: a .wasm module (wasm32-wasi), an ELF executable or a #! script.")
        var file: String
        @Option(help: "The app's arguments, separated by spaces (as a deal's params.iexec_args).")
        var args: String = ""
        @Option(help: "Folder shown to the app as /iexec_in (read-only).")
        var input: String?
        @Option(help: "Folder shown to the app as /iexec_out: created when missing, must be empty.")
        var output: String = "iexec_out"
        @Option(help: "Wall-clock seconds (native); Wasm gets the fuel of this many seconds.")
        var timeout: Double = 60
        @Option(help: "Memory limit in MiB.")
        var memory: UInt64 = 512
        @OptionGroup var outputOptions: OutputOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be positive, not \(timeout)") }
            guard memory > 0 else { throw ValidationError("--memory must be positive, not \(memory)") }
        }

        func run() async throws {
            let outputDirectory = URL(fileURLWithPath: output)
            var limits = ExecutionLimits(wallClockSeconds: timeout)
            limits.memoryBytes = memory << 20
            let request = ExecutionRequest(
                app: URL(fileURLWithPath: file), arguments: args.split(separator: " ").map(String.init),
                inputDirectory: input.map { URL(fileURLWithPath: $0) }, outputDirectory: outputDirectory, limits: limits)
            let outcome: ExecutionOutcome
            let package: ResultPackage
            do {
                outcome = try await AppSandbox.standard().execute(request)
                package = try ResultPackage.make(outputDirectory: outputDirectory, outcome: outcome)
            } catch {
                fail(String(describing: error))
            }
            let exitCode: Int32? = if case .exited(let code) = outcome.termination { code } else { nil }
            if outputOptions.raw {
                print(JSONText.object([
                    "ok": true,
                    "exitCode": exitCode.map { Int($0) as Any } ?? NSNull(),
                    "digest": package.digest.hex,
                    "outputDir": outputDirectory.standardizedFileURL.path,
                    "error": package.errorReason.map { $0.name as Any } ?? NSNull(),
                ]))
            } else {
                print(summary(outcome, package, directory: outputDirectory))
            }
            if package.errorReason != nil { throw ExitCode.failure }
        }

        /// Prints the error (one JSON object with --raw) and exits 1.
        func fail(_ message: String) -> Never {
            if outputOptions.raw {
                print(JSONText.object(["ok": false, "error": message]))
            } else {
                FileHandle.standardError.write(Data("iexec: error: \(message)\n".utf8))
            }
            Foundation.exit(1)
        }

        func summary(_ outcome: ExecutionOutcome, _ package: ResultPackage, directory: URL) -> String {
            var lines = [
                "app \(URL(fileURLWithPath: file).lastPathComponent): \(outcome.termination) after \(String(format: "%.2f", outcome.elapsedSeconds)) s"
            ]
            if let reason = package.errorReason {
                lines.append("result: the error result (\(reason.name)): \(directory.path)/\(ResultPackage.errorFileName)")
            } else {
                lines.append("result: \(directory.path)")
            }
            lines.append("digest: \(package.digest.hex)")
            for (name, stream) in [("stdout", outcome.stdout), ("stderr", outcome.stderr)] where !stream.bytes.isEmpty {
                lines.append("\(name)\(stream.truncated ? " (truncated)" : ""):")
                lines.append(stream.text.trimmingCharacters(in: .newlines))
            }
            return lines.joined(separator: "\n")
        }
    }
}
