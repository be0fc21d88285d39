import Foundation

/// The bounds an app runs within. Every limit is enforced by the executor (see docs/executors.md);
/// exceeding one ends the run with ``ExecutionTermination/limitExceeded(_:)``.
public struct ExecutionLimits: Hashable, Sendable {
    /// Wall-clock seconds before the whole process tree is killed (native); Wasm is bounded by ``fuel``.
    public var wallClockSeconds: Double
    /// Memory: Wasm linear memory, native address space / memory cgroup.
    public var memoryBytes: UInt64
    /// Total bytes the app may leave in (or write to) /iexec_out.
    public var outputBytes: UInt64
    /// Bytes of stdout and of stderr kept, each; the rest is counted and dropped.
    public var capturedBytes: Int
    /// Processes (threads included) a native app may have at once.
    public var processes: Int
    /// CPU seconds of a native app (RLIMIT_CPU).
    public var cpuSeconds: Int
    /// Fuel of a Wasm run: about one unit per executed instruction. Running out is a
    /// deterministic end: every worker stops the app at the same instruction.
    public var fuel: UInt64

    /// Wasm instructions per second assumed by ``fuel(forSeconds:)``. WasmKit 0.4.2 in release ran a
    /// fuel-metered loop at about 1.1 × 10⁹ operators/s on the project's machines (SWIFT-STACK.md:
    /// 100 M iterations ≈ 0.44 s); half of it leaves room for slower hosts and heavier operators.
    public static let defaultFuelPerSecond: UInt64 = 500_000_000

    /// Fuel for about `seconds` of Wasm execution at `rate` instructions per second.
    public static func fuel(forSeconds seconds: Double, rate: UInt64 = defaultFuelPerSecond) -> UInt64 {
        guard seconds > 0 else { return 0 }
        let fuel = seconds * Double(rate)
        return fuel >= Double(UInt64.max) ? UInt64.max : UInt64(fuel)
    }

    /// Limits with explicit values; the defaults suit a small task (60 s, 512 MiB, 100 MiB output).
    public init(
        wallClockSeconds: Double = 60, memoryBytes: UInt64 = 512 << 20, outputBytes: UInt64 = 100 << 20,
        capturedBytes: Int = 64 << 10, processes: Int = 64, cpuSeconds: Int? = nil, fuel: UInt64? = nil
    ) {
        self.wallClockSeconds = wallClockSeconds
        self.memoryBytes = memoryBytes
        self.outputBytes = outputBytes
        self.capturedBytes = capturedBytes
        self.processes = processes
        self.cpuSeconds = cpuSeconds ?? max(1, Int(wallClockSeconds.rounded(.up)))
        self.fuel = fuel ?? Self.fuel(forSeconds: wallClockSeconds)
    }

    /// Limits for a task of a PoCo category: its `workClockTimeRef` seconds bound the wall clock,
    /// the CPU time and (through the default rate) the fuel; the other limits keep their defaults.
    public init(categoryMaxTime seconds: UInt64) {
        self.init(wallClockSeconds: Double(seconds))
    }
}
