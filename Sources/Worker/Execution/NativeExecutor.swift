import Foundation
import Synchronization

/// Runs native Linux apps (ELF or `#!` scripts) under bubblewrap: no network, no capabilities, a
/// read-only system, private /tmp, /iexec_in read-only, /iexec_out writable; rlimits (CPU, file
/// size, address space) through prlimit; processes and memory bounded by a cgroup when one is
/// writable; the wall clock and the output size watched, the whole tree killed at either limit.
public struct NativeExecutor: AppExecutor {
    /// The runtime this executor runs.
    public var runtime: AppRuntime { .native }
    /// How often the output directory's size is measured while the app runs.
    public var outputCheckInterval: Duration

    /// An executor; `outputCheckInterval` bounds how far past the output cap an app gets.
    public init(outputCheckInterval: Duration = .milliseconds(100)) {
        self.outputCheckInterval = outputCheckInterval
    }

    /// Whether bubblewrap can run here and how the limits are enforced; the worker does not
    /// advertise the native runtime when it is not available.
    public static func probe() -> NativeSandboxProbe { NativeSandbox.probe() }

    /// Runs the app in this sandbox (see ``AppExecutor/execute(_:)``).
    public func execute(_ request: ExecutionRequest) async throws(ExecutionError) -> ExecutionOutcome {
        guard let bwrap = NativeSandbox.tool("bwrap"), let prlimit = NativeSandbox.tool("prlimit"),
            let shell = NativeSandbox.tool("sh"), let env = NativeSandbox.tool("env")
        else { throw .sandboxUnavailable("bwrap, prlimit, env or sh is missing") }
        guard FileManager.default.isReadableFile(atPath: request.app.path) else { throw .appNotFound(path: request.app.path) }
        let directories = try request.prepareDirectories()
        let staging = try ExecutableCopy(of: request.app)
        defer {
            staging.remove()
            if let temporary = directories.temporaryInput { try? FileManager.default.removeItem(at: temporary) }
        }
        let group = ControlGroup.create(processes: request.limits.processes, memoryBytes: request.limits.memoryBytes)
        let outcome: Result<ExecutionOutcome, ExecutionError>
        do {
            outcome = .success(try await run(
                request, app: staging.url, input: directories.input, group: group,
                tools: (shell: shell, env: env, prlimit: prlimit, bwrap: bwrap)))
        } catch { outcome = .failure(error) }
        await group?.removeOffPool()
        return try outcome.get()
    }

    /// Starts the sandbox, watches the wall clock and the output, and collects the outcome.
    private func run(
        _ request: ExecutionRequest, app: URL, input: URL, group: ControlGroup?,
        tools: (shell: String, env: String, prlimit: String, bwrap: String)
    ) async throws(ExecutionError) -> ExecutionOutcome {
        let (shell, env, prlimit, bwrap) = tools
        let limits = request.limits
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", NativeSandbox.joinAndExec, "iexec-launcher"] + (group?.procsFiles ?? [])
            // Signals the worker ignores would stay ignored in the app: SIGXCPU and SIGXFSZ must kill it.
            + ["--", env, "--default-signal", prlimit]
            + NativeSandbox.prlimitArguments(limits, addressSpace: group?.limitsMemory != true, nproc: geteuid() != 0)
            + [bwrap] + NativeSandbox.bubblewrapArguments(
                app: app, arguments: request.arguments, input: input,
                output: request.outputDirectory, environment: request.environment)
        process.environment = [:]
        let stdout = try StreamCapture(cap: limits.capturedBytes)
        let stderr: StreamCapture
        do { stderr = try StreamCapture(cap: limits.capturedBytes) } catch {
            stdout.closeWriteEnd()
            throw error
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(fileDescriptor: stdout.writeDescriptor, closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: stderr.writeDescriptor, closeOnDealloc: false)

        let started = ContinuousClock.now
        let stopped = Mutex<ExecutionLimitKind?>(nil)
        let watchQueue = DispatchQueue(label: "iexec-native-watch")
        let watcher = DispatchSource.makeTimerSource(queue: watchQueue)
        // Set on the watch queue once the app is reaped: no kill may target a pid reused since.
        let exited = Mutex(false)
        let status: Int32? = await withCheckedContinuation { continuation in
            process.terminationHandler = { finished in
                watchQueue.sync { exited.withLock { $0 = true } }
                continuation.resume(returning: finished.terminationStatus)
            }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(returning: nil)
                return
            }
            let pid = process.processIdentifier
            let stop: @Sendable (ExecutionLimitKind) -> Void = { kind in
                guard !exited.withLock({ $0 }) else { return }
                let first = stopped.withLock { state -> Bool in
                    guard state == nil else { return false }
                    state = kind
                    return true
                }
                guard first else { return }
                kill(pid, SIGKILL)
                group?.killAll()
            }
            let deadline = started + .milliseconds(Int64(limits.wallClockSeconds * 1000))
            let output = request.outputDirectory
            let interval = outputCheckInterval.components
            watcher.schedule(deadline: .now(), repeating: .nanoseconds(Int(interval.seconds * 1_000_000_000 + interval.attoseconds / 1_000_000_000)))
            watcher.setEventHandler {
                if ContinuousClock.now >= deadline { stop(.time) }
                else if OutputMeasure.totalBytes(under: output) > limits.outputBytes { stop(.output) }
            }
            watcher.resume()
        }
        watcher.cancel()
        stdout.closeWriteEnd()
        stderr.closeWriteEnd()
        guard let status else {
            _ = await stdout.collect()
            _ = await stderr.collect()
            throw .sandboxUnavailable("cannot start \(shell)")
        }
        // The sandbox's pid namespace died with bubblewrap; anything left in the group goes too.
        group?.killAll()
        let out = await stdout.collect(), err = await stderr.collect()
        if status == 125, err.text.hasPrefix(NativeSandbox.joinFailure) {
            throw .sandboxUnavailable("the launcher could not join the run's cgroup (\(group?.procsFiles.joined(separator: ", ") ?? "none"))")
        }
        let elapsed = started.duration(to: .now)
        let termination = Self.termination(
            status: status, stopped: stopped.withLock { $0 }, group: group,
            outputTooBig: OutputMeasure.totalBytes(under: request.outputDirectory) > limits.outputBytes)
        return ExecutionOutcome(
            termination: termination, stdout: out, stderr: err,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// How the run ended. bubblewrap exits with the app's code, or 128 + n when a signal n killed it.
    static func termination(status: Int32, stopped: ExecutionLimitKind?, group: ControlGroup?, outputTooBig: Bool) -> ExecutionTermination {
        let signal = status > 128 && status < 128 + 65 ? status - 128 : nil
        if stopped == .output || outputTooBig || signal == SIGXFSZ { return .limitExceeded(.output) }
        if group?.hitMemoryLimit == true { return .limitExceeded(.memory) }
        if group?.hitProcessLimit == true, status != 0 || stopped != nil { return .limitExceeded(.processes) }
        if let stopped { return .limitExceeded(stopped) }
        if signal == SIGXCPU { return .limitExceeded(.cpu) }
        if let signal { return .crashed("killed by signal \(signal)") }
        return .exited(code: status)
    }
}

/// The app as an executable file the sandbox can run (a downloaded app may lack the x bit): a
/// private copy with mode 0555 when needed, else the file itself.
private struct ExecutableCopy {
    let url: URL
    private let folder: URL?

    init(of app: URL) throws(ExecutionError) {
        if FileManager.default.isExecutableFile(atPath: app.path) {
            url = app.resolvingSymlinksInPath()
            folder = nil
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-app-\(UUID().uuidString)")
        let copy = folder.appendingPathComponent(app.lastPathComponent)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: app, to: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: copy.path)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw .internalFailure("cannot stage the app as an executable: \(error.localizedDescription)")
        }
        url = copy
        self.folder = folder
    }

    func remove() {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }
}
