import Foundation

/// Runs an app of one runtime in its sandbox.
public protocol AppExecutor: Sendable {
    /// The runtime this executor runs.
    var runtime: AppRuntime { get }
    /// Runs the app to its end. Throws only when the executor itself could not run it (bad module,
    /// sandbox unavailable, unusable directories); a misbehaving app is an outcome.
    func execute(_ request: ExecutionRequest) async throws(ExecutionError) -> ExecutionOutcome
}

/// The executors of a worker, picked by the app file's format: what a worker and `iexec app exec`
/// share, so an app tried locally runs in exactly the sandbox it will get.
public struct AppSandbox: Sendable {
    /// The executors by runtime.
    public let executors: [AppRuntime: any AppExecutor]

    /// A sandbox with these executors.
    public init(executors: [any AppExecutor]) {
        var byRuntime: [AppRuntime: any AppExecutor] = [:]
        for executor in executors { byRuntime[executor.runtime] = executor }
        self.executors = byRuntime
    }

    /// The standard sandbox: Wasm always, native when bubblewrap works here.
    public static func standard() -> AppSandbox {
        var executors: [any AppExecutor] = [WasmExecutor()]
        if NativeExecutor.probe().available { executors.append(NativeExecutor()) }
        return AppSandbox(executors: executors)
    }

    /// The runtimes this sandbox can run (what a worker advertises).
    public var runtimes: [AppRuntime] { AppRuntime.allCases.filter { executors[$0] != nil } }

    /// Detects the app's runtime and runs it with the matching executor.
    public func execute(_ request: ExecutionRequest) async throws(ExecutionError) -> ExecutionOutcome {
        let runtime = try AppRuntime.detect(file: request.app)
        guard let executor = executors[runtime] else { throw .runtimeUnsupported(runtime) }
        return try await executor.execute(request)
    }
}
