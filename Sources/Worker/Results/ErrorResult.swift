import Foundation

/// Why a replicate's result is the error result instead of the app's output. Each reason has a
/// fixed name: every honest worker that meets it writes the same `error.json`, so they agree on
/// the digest and reach consensus on the failure (a download that fails, an app that crashes…).
public enum ErrorResultReason: Hashable, Sendable, CustomStringConvertible {
    /// An input (app, dataset or input file) could not be downloaded or verified.
    case downloadFailed
    /// The app could not be started at all (unknown format, invalid module, unsupported runtime).
    case appUnrunnable
    /// The app crashed (Wasm trap, native signal).
    case crashed
    /// The executor stopped the app at a limit.
    case limitExceeded(ExecutionLimitKind)
    /// The app exited with a non-zero code.
    case exited(code: Int32)
    /// The app exited 0 but its computed.json is missing or invalid, or names no usable output.
    case invalidOutput

    /// The fixed name in error.json.
    public var name: String {
        switch self {
        case .downloadFailed: "download-failed"
        case .appUnrunnable: "app-unrunnable"
        case .crashed: "app-crashed"
        case .limitExceeded(let kind): "\(kind.rawValue)-limit"
        case .exited: "app-exit"
        case .invalidOutput: "invalid-output"
        }
    }

    /// A text for people.
    public var description: String { name }

    /// The error result's canonical JSON: keys sorted, no spaces, no newline, nothing from the host.
    public var json: String {
        if case .exited(let code) = self { return #"{"error":"app-exit","exitCode":\#(code)}"# }
        return #"{"error":"\#(name)"}"#
    }

    /// The reason a finished run yields an error result, or nil when it exited 0.
    public init?(_ termination: ExecutionTermination) {
        switch termination {
        case .exited(code: 0): return nil
        case .exited(let code): self = .exited(code: code)
        case .limitExceeded(let kind): self = .limitExceeded(kind)
        case .crashed: self = .crashed
        }
    }
}

/// A failure to package a result: the file system, not the app.
public enum ResultError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The output directory or the archive cannot be read or written.
    case io(path: String, reason: String)
    /// A file too large for a (non-zip64) archive.
    case tooLargeForArchive(path: String)

    /// A text for people.
    public var description: String {
        switch self {
        case .io(let path, let reason): "result \(path): \(reason); check the worker's disk and permissions"
        case .tooLargeForArchive(let path): "result \(path): over 4 GiB, too large for the result archive; lower the output limit"
        }
    }
}
