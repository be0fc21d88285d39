import Foundation
import Testing
@testable import Worker

/// The runtime of an app from its first bytes, and the sandbox picking the executor by it.
@Suite("App runtime detection")
struct AppRuntimeTests {
    @Test func magicBytesPickTheRuntime() throws {
        let workspace = try Workspace()
        #expect(try AppRuntime.detect(file: Examples.wasm("pi")) == .wasm)
        #expect(try AppRuntime.detect(file: try workspace.script("s.sh", "true")) == .native)
        #expect(try AppRuntime.detect(file: URL(fileURLWithPath: "/usr/bin/true")) == .native)
        let text = workspace.root.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        #expect(throws: ExecutionError.unknownFormat(path: text.path, magic: "68656c6c")) { try AppRuntime.detect(file: text) }
        let missing = workspace.root.appendingPathComponent("missing")
        #expect(throws: ExecutionError.appNotFound(path: missing.path)) { try AppRuntime.detect(file: missing) }
    }

    @Test func sandboxRunsEachRuntimeAndRefusesOnesItLacks() async throws {
        let workspace = try Workspace()
        let sandbox = AppSandbox.standard()
        #expect(sandbox.runtimes == [.wasm, .native])
        let native = try await sandbox.execute(ExecutionRequest(
            app: try workspace.script("ok.sh", "echo hi"), outputDirectory: workspace.output(), limits: testLimits))
        #expect(native.stdout.text == "hi\n")
        let wasmOnly = AppSandbox(executors: [WasmExecutor()])
        await #expect(throws: ExecutionError.runtimeUnsupported(.native)) {
            try await wasmOnly.execute(ExecutionRequest(app: try workspace.script("ok2.sh", "echo hi"), outputDirectory: workspace.output()))
        }
    }
}
