import Foundation
import Testing

/// The built `iexec` binary, run as a user would: `--raw` prints exactly one JSON object, also on
/// failure, and failures exit non-zero.
@Suite("iexec --raw output and exit status")
struct RawOutputTests {
    /// The test runner sits in the same build folder as the `iexec` executable.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("iexec")
    }

    static func run(_ arguments: [String], stdin: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func failureIsOneJSONObjectAndNonZeroExit() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build iexec first")
        let result = try Self.run(
            ["order", "hash", "--type", "app", "--chain-id", "1", "--hub", "0x" + String(repeating: "0", count: 40), "--raw"],
            stdin: #"{"app": "nope"}"#)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        #expect((object["error"] as? String)?.hasPrefix("app:") == true)
    }

    @Test func humanFailureGoesToStandardErrorOnOneLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build iexec first")
        let result = try Self.run(["wallet", "show", "--keystore", "/nonexistent/file", "--password", "x"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("iexec: error: keystore: cannot read /nonexistent/file"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsAreJSONTooWithRaw() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build iexec first")
        let result = try Self.run(["order", "hash", "--type", "nonsense", "--raw"])
        #expect(result.status == 64)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        #expect((object["error"] as? String)?.contains("'nonsense' is invalid for '--type") == true)
    }
}
