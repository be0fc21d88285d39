import Foundation
import Testing

/// `iexec app exec`, run as a user would: the pi module in a worker's sandbox, `--raw` output.
@Suite("iexec app exec")
struct AppExecCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/apps/wasm")

    static func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("app-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func object(_ text: String) throws -> [String: Any] {
        let lines = text.split(separator: "\n")
        try #require(lines.count == 1, "expected one JSON line, got \(text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    }

    @Test func piModuleRawOutput() throws {
        try #require(FileManager.default.isExecutableFile(atPath: RawOutputTests.executable.path), "build iexec first")
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try RawOutputTests.run([
            "app", "exec", Self.examples.appendingPathComponent("pi.wasm").path, "--args", "2000 5", "--output", output.path, "--raw",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.object(result.stdout)
        #expect(object["exitCode"] as? Int == 0)
        #expect(object["error"] is NSNull)
        #expect(object["outputDir"] as? String == output.path)
        // The digest is the SHA-256 of the result file (one file named by computed.json).
        let text = try String(contentsOf: output.appendingPathComponent("result.txt"), encoding: .utf8)
        #expect(text.hasPrefix("samples 2000\nseed 5\n"))
        let sha = Process()
        sha.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sha.arguments = [output.appendingPathComponent("result.txt").path]
        let pipe = Pipe()
        sha.standardOutput = pipe
        try sha.run()
        let line = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sha.waitUntilExit()
        #expect(object["digest"] as? String == "0x" + (line.split(separator: " ").first.map(String.init) ?? "?"))
    }

    @Test func limitGivesErrorResultAndNullExitCode() throws {
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try RawOutputTests.run([
            "app", "exec", Self.examples.appendingPathComponent("pi.wasm").path, "--args", "10000000",
            "--timeout", "0.001", "--output", output.path, "--raw",
        ])
        #expect(result.status == 1)
        let object = try Self.object(result.stdout)
        #expect(object["exitCode"] is NSNull)
        #expect(object["error"] as? String == "fuel-limit")
        #expect(try String(contentsOf: output.appendingPathComponent("error.json"), encoding: .utf8) == #"{"error":"fuel-limit"}"#)
    }

    @Test(arguments: ["missing", "text", "nonEmptyOutput"])
    func clearErrors(kind: String) throws {
        let root = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        var app = Self.examples.appendingPathComponent("pi.wasm").path
        let output = root.appendingPathComponent("out")
        var expected = ""
        switch kind {
        case "missing":
            app = root.appendingPathComponent("nope.wasm").path
            expected = "app \(app): no such readable file"
        case "text":
            app = root.appendingPathComponent("notes.txt").path
            try Data("hello".utf8).write(to: URL(fileURLWithPath: app))
            expected = "app \(app): unknown format"
        default:
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: output.appendingPathComponent("old.txt"))
            expected = "output directory \(output.path) is not empty"
        }
        let result = try RawOutputTests.run(["app", "exec", app, "--output", output.path, "--raw"])
        #expect(result.status == 1)
        let object = try Self.object(result.stdout)
        #expect(object["ok"] as? Bool == false)
        #expect((object["error"] as? String)?.hasPrefix(expected) == true, "\(object)")
    }
}
