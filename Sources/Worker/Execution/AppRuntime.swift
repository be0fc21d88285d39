import Foundation

/// How an app runs on a worker: a WebAssembly (WASI) module in WasmKit, or a native Linux
/// executable in a bubblewrap sandbox.
public enum AppRuntime: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A wasm32-wasi module, run by WasmKit with fuel metering (deterministic).
    case wasm
    /// An ELF executable or a `#!` script, run under bubblewrap.
    case native

    /// A text for people.
    public var description: String { rawValue }

    /// The app type registered on chain for this runtime (`createApp`'s `type`): `WASM` or `NATIVE`.
    public var appType: String { rawValue.uppercased() }

    /// The runtime of an app file, from its first bytes: `\0asm` is Wasm, an ELF header or `#!` is native.
    public static func detect(file: URL) throws(ExecutionError) -> AppRuntime {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch {
            throw .appNotFound(path: file.path)
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        return try detect(magic: head, path: file.path)
    }

    /// The runtime for a file starting with `magic` (its first four bytes or fewer).
    public static func detect(magic: [UInt8], path: String) throws(ExecutionError) -> AppRuntime {
        if magic.starts(with: [0x00, 0x61, 0x73, 0x6D]) { return .wasm }
        if magic.starts(with: [0x7F, 0x45, 0x4C, 0x46]) || magic.starts(with: [0x23, 0x21]) { return .native }
        throw .unknownFormat(path: path, magic: magic.map { String(format: "%02x", $0) }.joined())
    }
}

/// Why an executor could not run an app at all (a misbehaving app is an ``ExecutionOutcome``, not this).
public enum ExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The app file does not exist or cannot be read.
    case appNotFound(path: String)
    /// The app file is neither a Wasm module nor a native executable.
    case unknownFormat(path: String, magic: String)
    /// The Wasm module does not parse or validate.
    case invalidModule(path: String, reason: String)
    /// The output directory exists and is not empty.
    case outputNotEmpty(path: String)
    /// The input or output directory cannot be used.
    case directoryUnusable(path: String, reason: String)
    /// The sandbox cannot run here (bubblewrap missing or failing).
    case sandboxUnavailable(String)
    /// The executor for this runtime is not configured in this sandbox.
    case runtimeUnsupported(AppRuntime)
    /// The executor failed for a reason of its own (resources of the host).
    case internalFailure(String)

    /// A text for people.
    public var description: String {
        switch self {
        case .appNotFound(let path):
            "app \(path): no such readable file; give the path of a .wasm module or a native executable"
        case .unknownFormat(let path, let magic):
            "app \(path): unknown format (first bytes \(magic.isEmpty ? "none" : magic)); expected a Wasm module (\\0asm), an ELF executable or a #! script"
        case .invalidModule(let path, let reason):
            "app \(path): not a valid WebAssembly module (\(reason)); rebuild it for wasm32-wasi"
        case .outputNotEmpty(let path):
            "output directory \(path) is not empty; give an empty or missing directory"
        case .directoryUnusable(let path, let reason):
            "directory \(path): \(reason)"
        case .sandboxUnavailable(let reason):
            "the native sandbox cannot run here: \(reason); install bubblewrap (scripts/install-deps.sh) or run Wasm apps only"
        case .runtimeUnsupported(let runtime):
            "the \(runtime) runtime is not available on this worker"
        case .internalFailure(let reason):
            "the executor failed: \(reason)"
        }
    }
}
