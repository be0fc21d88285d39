import Foundation

/// How a native app's process count is bounded, found at run time.
public enum ProcessLimitEnforcement: String, Hashable, Sendable, CustomStringConvertible {
    /// A pids cgroup (v1 `pids.max` or v2 `pids.max`) holds the whole sandbox.
    case pidsCgroup = "pids cgroup"
    /// RLIMIT_NPROC: binds because the worker does not run as root.
    case rlimitNproc = "RLIMIT_NPROC"
    /// Nothing binds: root without a writable pids cgroup. Only the wall clock stops a fork bomb.
    case none = "none"

    /// A text for people.
    public var description: String { rawValue }
}

/// A cgroup per run for the sandbox: pids (and memory when writable), v1 or v2, detected at run time.
/// The launcher writes its own pid to ``procsFiles`` before exec'ing bubblewrap, so every process of
/// the app is inside from its start.
final class ControlGroup: Sendable {
    /// `cgroup.procs` files to join (one per v1 hierarchy, one for v2).
    let procsFiles: [String]
    /// Whether the process count is bounded by this group.
    let limitsProcesses: Bool
    /// Whether memory is bounded by this group.
    let limitsMemory: Bool
    private let directories: [String]
    private let pidsEvents: String?
    private let memoryEvents: String?

    private init(directories: [String], pids: String?, memory: String?, v2: Bool) {
        self.directories = directories
        procsFiles = Array(Set(directories)).sorted().map { $0 + "/cgroup.procs" }
        limitsProcesses = pids != nil
        limitsMemory = memory != nil
        pidsEvents = pids.map { $0 + "/pids.events" }
        memoryEvents = memory.map { $0 + (v2 ? "/memory.events" : "/memory.oom_control") }
    }

    /// A fresh group limiting processes and memory, or nil when no cgroup is writable here.
    static func create(processes: Int, memoryBytes: UInt64) -> ControlGroup? {
        let name = "iexec-app-\(UUID().uuidString)"
        let root = "/sys/fs/cgroup"
        if FileManager.default.fileExists(atPath: root + "/cgroup.controllers") {
            let path = root + ownPath(controller: nil) + "/" + name
            guard mkdir(path, 0o755) == 0 else { return nil }
            let pids = write("\(processes)", to: path + "/pids.max") ? path : nil
            let memory = write("\(memoryBytes)", to: path + "/memory.max") ? path : nil
            _ = write("0", to: path + "/memory.swap.max")
            return ControlGroup(directories: [path], pids: pids, memory: memory, v2: true)
        }
        var directories: [String] = []
        var pids: String?, memory: String?
        let pidsPath = root + "/pids" + ownPath(controller: "pids") + "/" + name
        if mkdir(pidsPath, 0o755) == 0 {
            directories.append(pidsPath)
            if write("\(processes)", to: pidsPath + "/pids.max") { pids = pidsPath }
        }
        let memoryPath = root + "/memory" + ownPath(controller: "memory") + "/" + name
        if mkdir(memoryPath, 0o755) == 0 {
            directories.append(memoryPath)
            if write("\(memoryBytes)", to: memoryPath + "/memory.limit_in_bytes") {
                memory = memoryPath
                _ = write("\(memoryBytes)", to: memoryPath + "/memory.memsw.limit_in_bytes")
            }
        }
        return directories.isEmpty ? nil : ControlGroup(directories: directories, pids: pids, memory: memory, v2: false)
    }

    /// Whether a fork was refused at the process limit.
    var hitProcessLimit: Bool { counter("max", in: pidsEvents) > 0 }

    /// Whether the kernel killed a process of the group for memory.
    var hitMemoryLimit: Bool { counter("oom_kill", in: memoryEvents) > 0 }

    /// Kills every process in the group.
    func killAll() {
        for file in procsFiles {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") { if let pid = Int32(line) { kill(pid, SIGKILL) } }
        }
    }

    /// ``remove()`` on a dispatch queue: it may wait, and must not hold a cooperative thread.
    func removeOffPool() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                self.remove()
                continuation.resume()
            }
        }
    }

    /// Kills what is left and removes the group (a group empties asynchronously after SIGKILL).
    func remove() {
        for _ in 0..<200 {
            killAll()
            let removed = directories.allSatisfy { rmdir($0) == 0 || errno == ENOENT }
            if removed { return }
            usleep(10_000)
        }
    }

    private func counter(_ key: String, in file: String?) -> Int {
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == key { return Int(fields[1]) ?? 0 }
        }
        return 0
    }

    /// This process's cgroup path under a v1 controller (or the v2 path when `controller` is nil).
    private static func ownPath(controller: String?) -> String {
        let text = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let matches = controller.map { fields[1].split(separator: ",").contains(Substring($0)) } ?? (fields[0] == "0")
            if matches { return fields[2] == "/" ? "" : String(fields[2]) }
        }
        return ""
    }

    private static func write(_ text: String, to path: String) -> Bool {
        (try? text.write(toFile: path, atomically: false, encoding: .utf8)) != nil
    }
}
