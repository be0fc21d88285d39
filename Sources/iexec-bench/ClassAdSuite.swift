import ClassAd
import Foundation
import PoCo

/// `iexec-bench classad`: a typical job ad matched (symmetric Requirements, then Rank on the
/// matching machines) against 10,000 machine ads, here and — when the interop venv has it —
/// through HTCondor's own library (`classad2`) on the same ads, with the ratio.
struct ClassAdSuite {
    static let machineCount = 10_000

    /// The job: the requirements a Wasm task with a dataset typically states, and a rank by speed.
    static let job = """
        [ Requirements = TARGET.Memory >= 2048 && TARGET.Disk >= 10000 && member("wasm", TARGET.Runtimes) \
        && TARGET.Cores >= 2 && (TARGET.Arch == "X86_64" || TARGET.Arch == "aarch64") && TARGET.Reliability > 0.5;
          Rank = TARGET.Cores * 10 + TARGET.Memory / 1024 - TARGET.Price;
          Memory = 2048; Owner = "requester" ]
        """

    /// Machine ads with spread-out attributes (a deterministic generator), each with its own
    /// Requirements on the job.
    static func machines() -> String {
        var random = SplitMix64(seed: 2026)
        let arches = ["X86_64", "aarch64", "ppc64le"]
        let runtimes = [#"{"wasm", "native"}"#, #"{"wasm"}"#, #"{"native"}"#]
        return (0..<machineCount).map { index in
            let memory = 512 << Int(random.next() % 6)
            let cores = 1 + Int(random.next() % 16)
            let disk = Int(random.next() % 100_000)
            let arch = arches[Int(random.next() % 3)]
            let runtime = runtimes[Int(random.next() % 3)]
            let reliability = Double(random.next() % 1000) / 1000
            return "[ Name = \"worker-\(index)\"; Memory = \(memory); Cores = \(cores); Disk = \(disk); Arch = \"\(arch)\"; "
                + "Runtimes = \(runtime); Reliability = \(reliability); Price = \(random.next() % 5); "
                + "Requirements = TARGET.Memory <= MY.Memory && TARGET.Owner =!= \"banned\" ]"
        }.joined(separator: "\n")
    }

    func run() throws -> [BenchResult] {
        let machineText = Self.machines()
        let job = try ClassAd(parsing: Self.job)
        // One ad per line; the whole pool is above the parser's 1 MiB bound for one text.
        let machines = try machineText.split(separator: "\n").map { try ClassAd(parsing: String($0)) }
        var matching = 0
        let rate = measureRate(batch: machines.count) {
            let results = Matchmaker.matches(job: job, machines: machines)
            matching = results.count { $0.matches }
            blackHole(results)
        }
        var extra: [String: any Sendable] = ["machines": machines.count, "matching": matching]
        if let reference = try referenceRate(job: Self.job, machines: machineText) {
            extra["reference"] = reference.rate
            extra["ratio"] = rate / reference.rate
            extra["reference_is"] = "HTCondor classad2 (htcondor 25.14.1) from Python"
            guard reference.matching == matching else {
                throw BenchError("classad2 finds \(reference.matching) matching machines, ours \(matching)")
            }
        }
        return [BenchResult(suite: "classad", name: "job × 10,000 machines (match + rank)", value: rate,
                            unit: "matches/s", extra: extra)]
    }

    /// classad2's rate on the same ads, or nil without the interop venv.
    private func referenceRate(job: String, machines: String) throws -> (rate: Double, matching: Int)? {
        let python = ProcessInfo.processInfo.environment["IEXEC_BENCH_PYTHON"] ?? "Tests/Interop/.venv/bin/python"
        let script = "Tests/Interop/classad_bench.py"
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script)
        else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-bench-classad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobFile = directory.appendingPathComponent("job.ad"), machineFile = directory.appendingPathComponent("machines.ad")
        try job.write(to: jobFile, atomically: true, encoding: .utf8)
        try machines.write(to: machineFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--job", jobFile.path, "--machines", machineFile.path, "--seconds", "2"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rate = object["matches_per_second"] as? Double, let matching = object["matching"] as? Int
        else { throw BenchError("classad_bench.py failed (is htcondor in Tests/Interop/.venv? run Tests/Interop/setup-venv.sh)") }
        return (rate, matching)
    }
}
