import Foundation
import Testing

@testable import iexec

/// One `CLIWorld` for a whole suite: starting one encrypts ten keystores and boots a node, which
/// costs seconds in a debug build, so the suites of the account, asset and category commands share
/// one. Each test then works in a project folder of its own (`world.newProject()`) and with dev
/// accounts no other test of its suite signs with.
struct SharedCLIWorld: SuiteTrait, TestScoping {
    @TaskLocal static var current: CLIWorld?

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await CLIWorld.with { world in
            try await Self.$current.withValue(world) { try await function() }
        }
    }
}

extension Trait where Self == SharedCLIWorld {
    /// Runs the suite's tests against one shared `CLIWorld` (`CLIWorld.shared()`).
    static var sharedCLIWorld: Self { Self() }
}

extension CLIWorld {
    /// The world of the running suite (marked `.sharedCLIWorld`).
    static func shared() throws -> CLIWorld {
        guard let world = SharedCLIWorld.current else {
            throw CLIError("no shared CLIWorld: mark the suite .sharedCLIWorld")
        }
        return world
    }

    /// A new project folder whose chain.json names the node, for one test.
    func newProject() throws -> URL {
        let folder = project.appendingPathComponent("test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try ProjectFiles(directory: folder.path).write("chain.json", ["default": "local", "chains": ["local": ["host": nodeURL]]])
        return folder
    }

    /// `--project folder` and the wallet options that make dev account `index` sign.
    func wallet(_ index: Int, in folder: URL) -> [String] {
        ["--project", folder.path] + wallet(index).dropFirst(2)
    }
}
