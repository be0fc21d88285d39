import Foundation
import Testing
import WAT
import Worker

/// Temporary folders, the committed example modules, and apps built in the test: WAT text
/// assembled with `wat2wasm`, C compiled with gcc, shell scripts.
struct Workspace: ~Copyable {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("worker-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A fresh (missing) output directory path.
    func output(_ name: String = "out") -> URL { root.appendingPathComponent("\(name)-\(UUID().uuidString)") }

    /// A directory holding `files`.
    func directory(_ name: String, files: [String: String]) throws -> URL {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (path, text) in files {
            let file = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return directory
    }

    /// A Wasm module from WAT text.
    func wat(_ name: String, _ text: String) throws -> URL {
        let file = root.appendingPathComponent("\(name).wasm")
        try Data(try wat2wasm(text)).write(to: file)
        return file
    }

    /// An executable shell script.
    func script(_ name: String, _ body: String) throws -> URL {
        let file = root.appendingPathComponent(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return file
    }

    /// A native executable compiled with gcc from C source text or a source file.
    func gcc(_ name: String, source: String? = nil, file: URL? = nil) throws -> URL {
        let executable = root.appendingPathComponent(name)
        var input = file
        if let source {
            input = root.appendingPathComponent("\(name).c")
            try Data(source.utf8).write(to: input!)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        process.arguments = ["-O1", "-ffp-contract=off", "-o", executable.path, input?.path ?? ""]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "gcc failed on \(name)")
        return executable
    }
}

/// The repository's example apps.
enum Examples {
    static let apps = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/apps")
    static func wasm(_ name: String) -> URL { apps.appendingPathComponent("wasm/\(name).wasm") }
    static func source(_ name: String) -> URL { apps.appendingPathComponent("src/\(name).c") }
}

/// Runs a native executable directly (outside any sandbox) with `IEXEC_OUT` set: the reference run.
func runDirectly(_ executable: URL, arguments: [String], output: URL) throws -> Int32 {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ["IEXEC_OUT": output.path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Small limits: every contained misbehaviour ends within a few seconds.
let testLimits = ExecutionLimits(
    wallClockSeconds: 2, memoryBytes: 64 << 20, outputBytes: 1 << 20, capturedBytes: 4096, processes: 32,
    cpuSeconds: 5, fuel: 50_000_000)

extension URL {
    /// The file's text ("" when unreadable).
    var text: String { (try? String(contentsOf: self, encoding: .utf8)) ?? "" }
}
