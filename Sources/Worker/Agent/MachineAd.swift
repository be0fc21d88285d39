import Foundation

/// The ClassAd a worker advertises: what the machine is (cores, memory, free disk, GPUs found,
/// the runtimes its sandbox can run) and the attributes of its configuration, which may add
/// `Price`, `Speed`, `EnergyClass` or its own `Requirements` on tasks (default: any task).
enum MachineAd {
    static func describe(runtimes: [AppRuntime], dataDirectory: URL, attributes: [String: String]) -> String {
        var fields: [(String, String)] = [
            ("Cpus", String(ProcessInfo.processInfo.activeProcessorCount)),
            ("MemoryMB", String(ProcessInfo.processInfo.physicalMemory >> 20)),
            ("DiskMB", String(freeDiskMB(at: dataDirectory))),
            ("Gpus", String(gpuCount())),
            ("Runtimes", "{" + runtimes.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "}"),
            ("OpSys", "\"\(operatingSystem)\""),
        ]
        var names = Set(fields.map { $0.0.lowercased() })
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            if names.contains(name.lowercased()) {
                fields.removeAll { $0.0.lowercased() == name.lowercased() }
            }
            fields.append((name, value))
            names.insert(name.lowercased())
        }
        if !names.contains("requirements") { fields.append(("Requirements", "true")) }
        return "[ " + fields.map { "\($0.0) = \($0.1)" }.joined(separator: "; ") + " ]"
    }

    static var operatingSystem: String {
        #if os(Linux)
        return "LINUX"
        #else
        return "OTHER"
        #endif
    }

    /// NVIDIA devices the kernel exposes (`/dev/nvidia0`, `/dev/nvidia1`, …).
    static func gpuCount() -> Int {
        let devices = (try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []
        return devices.count { name in
            name.hasPrefix("nvidia") && name.dropFirst("nvidia".count).allSatisfy(\.isNumber) && name.count > "nvidia".count
        }
    }

    static func freeDiskMB(at directory: URL) -> UInt64 {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: directory.path)
        let free = (attributes?[.systemFreeSize] as? NSNumber)?.uint64Value ?? 0
        return free >> 20
    }
}
