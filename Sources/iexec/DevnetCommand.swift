import ArgumentParser
import Devnet
import Foundation
import Logging
import ServiceLifecycle
import Worker

/// `iexec devnet`: the whole system in one process, for development and the demo.
struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract: "Run a local iExec network in one process: chain node, market, storage, scheduler and workers.",
        discussion: """
            The first start funds the workers' and the workerpool's stakes, registers a workerpool whose \
            orders stay published and the sample apps (Examples/apps/wasm) with published app orders; \
            later starts on the same --data-dir resume. Accounts are those of the development mnemonic: \
            account 0 is yours (10,000 RLC), 1 owns the apps, 2 the workerpool, 3… are the workers. \
            Stop with Ctrl-C: workers, scheduler and node finish what they are doing, then exit.
            """)

    @Option(help: "Workers to run (1 slot each unless --slots).")
    var workers: Int = 4
    @Option(help: "Replicates each worker runs at once.")
    var slots: Int = 1
    @Option(help: "Folder of the devnet's files (ledger, market, storage, scheduler, workers); created if needed.")
    var dataDir: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".iexec-swift/devnet").path
    @Option(help: "The node's port (JSON-RPC over HTTP and WebSocket, /market, /storage); 0 picks a free one.")
    var port: Int = 8545
    @Option(help: "The scheduler's port (the workers' API); 0 picks a free one.")
    var schedulerPort: Int = 7000
    @Option(help: "Interface to listen on.")
    var host: String = "127.0.0.1"
    @Option(help: "Folder of apps to register (every .wasm file in it; default: Examples/apps/wasm of this repository).")
    var apps: String?
    @Option(parsing: .singleValue, help: "INDEX=lie or INDEX=never-reveal: make worker INDEX (0-based) misbehave, to watch PoCo catch it (repeatable).")
    var misbehave: [String] = []
    @Option(help: "Reputation the first seven workers start with (150: trust 100 is reached by two agreeing workers; 0: new workers).")
    var workerScore: UInt64 = 150
    @Option(help: "Price of a task of each sample app, nRLC.")
    var appPrice: UInt64 = 1_000_000
    @Option(help: "Price of a task of the workerpool, nRLC.")
    var workerpoolPrice: UInt64 = 10_000_000
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1…64") }
        guard (1...64).contains(slots) else { throw ValidationError("--slots must be 1…64") }
        _ = try misbehaviours()
    }

    /// `--misbehave` read into worker index → behaviour.
    func misbehaviours() throws -> [Int: Misbehaviour] {
        var chosen: [Int: Misbehaviour] = [:]
        for entry in misbehave {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let index = Int(parts[0]), let behaviour = Misbehaviour(rawValue: parts[1]), behaviour != .none else {
                throw ValidationError("--misbehave \(entry): expected INDEX=lie or INDEX=never-reveal, e.g. 0=lie")
            }
            guard (0..<workers).contains(index) else {
                throw ValidationError("--misbehave \(entry): there are workers 0…\(workers - 1)")
            }
            chosen[index] = behaviour
        }
        return chosen
    }

    /// The app files to register: the .wasm files of `--apps`, or of the repository's examples.
    func appFiles() throws -> [URL] {
        let folder: URL
        if let apps {
            folder = URL(fileURLWithPath: apps)
        } else if let found = Self.examplesFolder() {
            folder = found
        } else {
            return []
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw CLIError("--apps \(folder.path) is not a readable folder")
        }
        return names.filter { $0.hasSuffix(".wasm") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Examples/apps/wasm in the working directory, or in the repository the binary was built in
    /// (`.build/<config>/iexec`).
    static func examplesFolder() -> URL? {
        let relative = "Examples/apps/wasm"
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative)]
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = binary.deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent(relative))
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    func run() async throws {
        try await Node.reportingFailure(raw: output.raw) { try await serve() }
    }

    func serve() async throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let lock = try DataDirectoryLock(directory: dataDir)
        defer { withExtendedLifetime(lock) {} }
        let files = try appFiles()
        let configuration = DevnetConfiguration(
            dataDirectory: URL(fileURLWithPath: dataDir), host: host, port: port, schedulerPort: schedulerPort, workers: workers,
            slotsPerWorker: slots, misbehaviours: try misbehaviours(), workerScore: workerScore, apps: files,
            appPrice: appPrice, workerpoolPrice: workerpoolPrice)
        let raw = output.raw
        let devnet = Devnet(configuration: configuration) { info in
            Node.emit(raw ? JSONText.object(info.fields.merging(["ok": true]) { $1 }) : info.text)
            if !raw, files.isEmpty {
                Node.emit("(no sample apps registered: pass --apps FOLDER, or deploy your own with `iexec app deploy`)")
            }
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: devnet)], gracefulShutdownSignals: [.sigint, .sigterm], logger: Devnet.quietLogger))
        try await group.run()
        if !raw { FileHandle.standardError.write(Data("iexec devnet: stopped\n".utf8)) }
    }
}
