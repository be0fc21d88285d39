// `Store.resourceLimiter` is `@_spi(Fuzzing)` in WasmKit 0.4.2 and is the only way to cap a
// module's memory below its declared maximum; nothing else of the SPI is used.
@_spi(Fuzzing) import WasmKit
import Foundation
import Synchronization
import WasmKitWASI

/// Runs wasm32-wasi modules in WasmKit: fuel-metered (the deterministic time bound), linear memory
/// capped, /iexec_in read-only and /iexec_out bounded (``WasiGuard``), stdout and stderr captured
/// with a cap. Guest code runs on a thread of its own, never on the cooperative pool.
public final class WasmExecutor: AppExecutor {
    /// The runtime this executor runs.
    public var runtime: AppRuntime { .wasm }

    /// Parsed modules by file path, size and modification date: a module is parsed once per file.
    private let modules = Mutex<[ModuleKey: Module]>([:])

    private struct ModuleKey: Hashable {
        var path: String
        var size: UInt64
        var modified: Double
    }

    /// An executor with an empty module cache.
    public init() {}

    /// Runs the app in this sandbox (see ``AppExecutor/execute(_:)``).
    public func execute(_ request: ExecutionRequest) async throws(ExecutionError) -> ExecutionOutcome {
        let module = try module(at: request.app)
        let directories = try request.prepareDirectories()
        defer { if let temporary = directories.temporaryInput { try? FileManager.default.removeItem(at: temporary) } }
        let stdout = try StreamCapture(cap: request.limits.capturedBytes)
        let stderr: StreamCapture
        do { stderr = try StreamCapture(cap: request.limits.capturedBytes) } catch {
            stdout.closeWriteEnd()
            throw error
        }
        let input = directories.input
        let started = ContinuousClock.now
        let result: Result<ExecutionTermination, ExecutionError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                let termination = Result { () throws(ExecutionError) -> ExecutionTermination in
                    try Self.run(module, request, input: input, stdout: stdout.writeDescriptor, stderr: stderr.writeDescriptor)
                }
                continuation.resume(returning: termination)
            }
            thread.name = "iexec-wasm"
            // The interpreter's own stack is separate; this is for host frames and WASI calls.
            thread.stackSize = 8 << 20
            thread.start()
        }
        stdout.closeWriteEnd()
        stderr.closeWriteEnd()
        let out = await stdout.collect(), err = await stderr.collect()
        var termination = try result.get()
        if case .exited = termination, OutputMeasure.totalBytes(under: request.outputDirectory) > request.limits.outputBytes {
            termination = .limitExceeded(.output)
        }
        let elapsed = started.duration(to: .now)
        return ExecutionOutcome(
            termination: termination, stdout: out, stderr: err,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The parsed module of a file, from the cache when the file has not changed.
    func module(at file: URL) throws(ExecutionError) -> Module {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: file.path) } catch {
            throw .appNotFound(path: file.path)
        }
        let key = ModuleKey(
            path: file.standardizedFileURL.path, size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        if let cached = modules.withLock({ $0[key] }) { return cached }
        guard let data = FileManager.default.contents(atPath: file.path) else { throw .appNotFound(path: file.path) }
        let module: Module
        do { module = try parseWasm(bytes: [UInt8](data)) } catch {
            throw .invalidModule(path: file.path, reason: String(describing: error))
        }
        modules.withLock { $0[key] = module }
        return module
    }

    /// One run, on the calling (dedicated) thread: a fresh store with fuel and the memory cap.
    private static func run(
        _ module: Module, _ request: ExecutionRequest, input: URL, stdout: Int32, stderr: Int32
    ) throws(ExecutionError) -> ExecutionTermination {
        let engine = Engine(configuration: EngineConfiguration(fuelMetering: true))
        let store = Store(engine: engine)
        let memoryCap = MemoryCap(bytes: request.limits.memoryBytes)
        store.resourceLimiter = memoryCap
        store.fuel = Fuel(remaining: request.limits.fuel)
        let bridge: WASIBridgeToHost
        do {
            // Preopen order fixes the descriptors: 3 is /iexec_in, 4 is /iexec_out.
            bridge = try WASIBridgeToHost(
                args: request.argv, environment: request.environment,
                preopens: [
                    .init(guestPath: ExecutionRequest.inputMountPath, hostPath: input.path),
                    .init(guestPath: ExecutionRequest.outputMountPath, hostPath: request.outputDirectory.path),
                ],
                stdin: -1, stdout: stdout, stderr: stderr)
        } catch {
            throw .directoryUnusable(path: request.outputDirectory.path, reason: "cannot open it for the module (\(error))")
        }
        let wasiGuard = WasiGuard(readOnlyDescriptor: 3, outputCap: request.limits.outputBytes)
        do {
            return try bridge.runAndClose { bridge in
                var imports = Imports()
                wasiGuard.link(bridge, to: &imports, store: store)
                do {
                    let instance = try module.instantiate(store: store, imports: imports)
                    return .exited(code: Int32(bitPattern: try bridge.start(instance)))
                } catch {
                    return classify(error, guard: wasiGuard, memory: memoryCap)
                }
            }
        } catch {
            throw .internalFailure("closing the module's files: \(error)")
        }
    }

    /// What a guest's failure means: a limit the executor enforced, or a crash (trap).
    private static func classify(_ error: any Error, guard wasiGuard: WasiGuard, memory: MemoryCap) -> ExecutionTermination {
        if let kind = wasiGuard.exceeded { return .limitExceeded(kind) }
        let text = String(describing: error)
        if text.contains("out of fuel") { return .limitExceeded(.fuel) }
        if memory.denied { return .limitExceeded(.memory) }
        return .crashed(text)
    }
}

/// Refuses linear-memory growth past the cap, and remembers that it did.
private final class MemoryCap: ResourceLimiter {
    let bytes: UInt64
    private let refused = Atomic<Bool>(false)

    init(bytes: UInt64) { self.bytes = bytes }

    var denied: Bool { refused.load(ordering: .relaxed) }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard UInt64(max(0, desired)) <= bytes else {
            refused.store(true, ordering: .relaxed)
            return false
        }
        return true
    }

    func limitTableGrowth(to desired: Int) throws -> Bool { desired <= 1 << 20 }
}
