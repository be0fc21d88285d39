import Foundation

/// Whether the native runtime can run here, and how its limits are enforced.
public struct NativeSandboxProbe: Hashable, Sendable, CustomStringConvertible {
    /// Whether bubblewrap ran a trial command.
    public var available: Bool
    /// Why not, when it is not available.
    public var reason: String?
    /// How the process count is bounded.
    public var processLimit: ProcessLimitEnforcement
    /// Whether memory is bounded by a memory cgroup (else by RLIMIT_AS).
    public var memoryCgroup: Bool

    /// A text for people.
    public var description: String {
        guard available else { return "native runtime unavailable: \(reason ?? "unknown")" }
        return "native runtime: bubblewrap; processes bounded by \(processLimit); memory by \(memoryCgroup ? "a memory cgroup" : "RLIMIT_AS")"
    }
}

/// The command line that runs an app under prlimit and bubblewrap.
enum NativeSandbox {
    /// Where the app file appears inside the sandbox.
    static let appDirectory = "/iexec_app"
    /// Size of the private /tmp.
    static let temporaryBytes: UInt64 = 64 << 20

    /// The first executable of `name` in the usual system folders.
    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The system folders, read-only: a merged-/usr link stays a link.
    static func systemMounts() -> [String] {
        var arguments = ["--ro-bind", "/usr", "/usr"]
        for path in ["/lib", "/lib64", "/lib32", "/bin", "/sbin"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                arguments += ["--symlink", target, path]
            } else if FileManager.default.fileExists(atPath: path) {
                arguments += ["--ro-bind", path, path]
            }
        }
        // The dynamic linker's cache only; nothing else of /etc.
        arguments += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        return arguments
    }

    /// bubblewrap's arguments: no network or other namespaces shared, no capabilities, a private
    /// /proc, /dev and /tmp, the inputs read-only, the outputs writable, and only `environment`.
    static func bubblewrapArguments(
        app: URL, arguments: [String], input: URL, output: URL, environment: [String: String]
    ) -> [String] {
        var result = ["--unshare-all", "--unshare-pid", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        result += systemMounts()
        result += ["--proc", "/proc", "--dev", "/dev", "--size", "\(temporaryBytes)", "--tmpfs", "/tmp"]
        result += ["--ro-bind", input.path, ExecutionRequest.inputMountPath]
        result += ["--bind", output.path, ExecutionRequest.outputMountPath]
        let inside = appDirectory + "/" + app.lastPathComponent
        result += ["--ro-bind", app.path, inside, "--chdir", ExecutionRequest.outputMountPath, "--clearenv"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { result += ["--setenv", name, value] }
        return result + ["--", inside] + arguments
    }

    /// prlimit's arguments for the limits (before the command).
    static func prlimitArguments(_ limits: ExecutionLimits, addressSpace: Bool, nproc: Bool) -> [String] {
        // CPU: SIGXCPU at the soft limit (reported as the CPU limit), SIGKILL a second later.
        // File size: one byte over the output cap, so that a file stopped by it is over the cap.
        var result = ["--cpu=\(limits.cpuSeconds):\(limits.cpuSeconds + 1)", "--fsize=\(limits.outputBytes + 1)", "--core=0"]
        if addressSpace { result.append("--as=\(limits.memoryBytes)") }
        if nproc { result.append("--nproc=\(limits.processes)") }
        return result + ["--"]
    }

    /// The launcher: joins the cgroups given as arguments up to `--`, then exec's the rest, so that
    /// nothing of the app ever runs outside them.
    /// On failure it exits 125 with ``joinFailure`` on stderr (an app may exit 125 too: both are checked).
    static let joinAndExec = #"while [ "$1" != "--" ]; do echo $$ 2>/dev/null > "$1" || { echo "\#(joinFailure)" >&2; exit 125; }; shift; done; shift; exec "$@""#
    /// What the launcher says when it cannot join a cgroup.
    static let joinFailure = "iexec-launcher: cannot join the run's cgroup"

    /// Runs a trivial command in the sandbox to see whether bubblewrap works here.
    static func probe() -> NativeSandboxProbe {
        let isRoot = geteuid() == 0
        var probe = NativeSandboxProbe(available: false, reason: nil, processLimit: isRoot ? .none : .rlimitNproc, memoryCgroup: false)
        guard let bwrap = tool("bwrap") else {
            probe.reason = "bubblewrap (bwrap) is not installed"
            return probe
        }
        guard tool("prlimit") != nil else {
            probe.reason = "prlimit (util-linux) is not installed"
            return probe
        }
        guard let shell = tool("true") else {
            probe.reason = "no /usr/bin/true to try the sandbox with"
            return probe
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bwrap)
        process.arguments = ["--unshare-all", "--die-with-parent", "--cap-drop", "ALL"] + systemMounts()
            + ["--proc", "/proc", "--dev", "/dev", "--", shell]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            probe.reason = "bwrap does not start: \(error.localizedDescription)"
            return probe
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            probe.reason = "bwrap failed (\(message.trimmingCharacters(in: .whitespacesAndNewlines)))"
            return probe
        }
        probe.available = true
        if let group = ControlGroup.create(processes: 1, memoryBytes: 1 << 20) {
            if group.limitsProcesses { probe.processLimit = .pidsCgroup }
            probe.memoryCgroup = group.limitsMemory
            group.remove()
        }
        return probe
    }
}
