import Foundation

/// The limit an app ran into.
public enum ExecutionLimitKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Wall-clock time (native).
    case time
    /// Wasm fuel (the deterministic time bound).
    case fuel
    /// CPU seconds (native RLIMIT_CPU).
    case cpu
    /// Memory.
    case memory
    /// Bytes in /iexec_out.
    case output
    /// Processes (native).
    case processes

    /// A text for people.
    public var description: String { rawValue }
}

/// How a run ended.
public enum ExecutionTermination: Hashable, Sendable, CustomStringConvertible {
    /// The app exited with this code (0: success).
    case exited(code: Int32)
    /// The executor stopped the app at a limit.
    case limitExceeded(ExecutionLimitKind)
    /// The app crashed: a Wasm trap, or a native signal.
    case crashed(String)

    /// A text for people.
    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .limitExceeded(let kind): "stopped: \(kind) limit exceeded"
        case .crashed(let reason): "crashed: \(reason)"
        }
    }
}

/// Bytes an app wrote to a stream, kept up to a cap.
public struct CapturedOutput: Hashable, Sendable {
    /// The first bytes written, at most the cap.
    public var bytes: [UInt8]
    /// Whether more was written than kept.
    public var truncated: Bool

    /// Captured bytes.
    public init(bytes: [UInt8] = [], truncated: Bool = false) {
        self.bytes = bytes
        self.truncated = truncated
    }

    /// The bytes as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// What a run produced: how it ended, its captured streams, how long it took.
public struct ExecutionOutcome: Hashable, Sendable {
    /// How the run ended.
    public var termination: ExecutionTermination
    /// Standard output, capped.
    public var stdout: CapturedOutput
    /// Standard error, capped.
    public var stderr: CapturedOutput
    /// Wall-clock seconds of the run.
    public var elapsedSeconds: Double

    /// An outcome.
    public init(termination: ExecutionTermination, stdout: CapturedOutput, stderr: CapturedOutput, elapsedSeconds: Double) {
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
        self.elapsedSeconds = elapsedSeconds
    }

    /// Whether the app exited with code 0.
    public var succeeded: Bool { termination == .exited(code: 0) }
}
