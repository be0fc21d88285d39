import ArgumentParser
import Ethereum
import Foundation
import Logging
import Server
import Storage
import Synchronization

/// `iexec storage`: the storage service alone (content-addressed blobs, docs/storage.md).
struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Serve content-addressed blobs (signed uploads, verified downloads, receipts) until SIGINT or SIGTERM.")

    @Option(help: "Folder of the blobs (<data-dir>/blobs, <data-dir>/tmp) and of the server key; created if needed.")
    var dataDir: String
    @Option(help: "TCP port; 0 picks a free one.")
    var port: Int = 8546
    @Option(help: "Interface to listen on (0.0.0.0 exposes the service to the network).")
    var host: String = "127.0.0.1"
    @Option(help: "Largest blob accepted, in bytes.")
    var sizeLimit: UInt64 = 4 << 30
    @Option(help: "File holding the server's private key (hex) that signs receipts; default <data-dir>/server.key, generated on first run.")
    var keyFile: String?
    @OptionGroup var output: OutputOptions

    /// The key generated in the data directory when no `--key-file` is given.
    static func defaultKeyPath(in dataDir: String) -> String {
        URL(fileURLWithPath: dataDir).appendingPathComponent("server.key").path
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        guard !dataDir.isEmpty else { throw ValidationError("--data-dir must not be empty") }
        guard sizeLimit > 0 else { throw ValidationError("--size-limit must be positive") }
    }

    func run() async throws {
        try await Node.reportingFailure(raw: output.raw) { try await serve() }
    }

    /// Opens the store and the key, serves until a signal.
    func serve() async throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        // The store's commit lock is per process: a second process on the folder must not start.
        let lock = try DataDirectoryLock(directory: dataDir)
        defer { withExtendedLifetime(lock) {} }
        let key = try keyFile.map(Self.readKey(path:)) ?? Self.loadOrCreateKey(path: Self.defaultKeyPath(in: dataDir))
        let store = try FileBlobStore(root: URL(fileURLWithPath: dataDir), sizeLimit: sizeLimit)
        let server = StorageServer(routes: StorageRoutes(store: store, serverKey: key), host: host, port: port)
        var logger = Logger(label: "iexec.storage")
        logger.logLevel = .warning
        let listening = Mutex(false)
        do {
            try await server.run(logger: logger) { boundPort in
                listening.withLock { $0 = true }
                let banner = self.banner(port: boundPort, address: key.address)
                Node.emit(self.output.raw ? JSONText.object(banner.fields.merging(["ok": true]) { $1 }) : banner.text)
            }
        } catch where !listening.withLock({ $0 }) {
            throw CLIError("cannot listen on \(host):\(port): \(error)")
        }
        if !output.raw { FileHandle.standardError.write(Data("iexec storage: stopped\n".utf8)) }
    }

    /// What the command prints once it listens.
    func banner(port: Int, address: Address) -> CommandOutput {
        let url = "http://\(host):\(port)/storage"
        let fields: [String: Any] = ["url": url, "address": address.checksummed, "sizeLimit": sizeLimit, "dataDir": dataDir]
        let text = [
            "iexec storage: blobs in \(dataDir), at most \(sizeLimit) bytes each",
            "storage API     \(url)  (info: \(url)/info)",
            "server address  \(address.checksummed)  (signs receipts)",
            "Stop with Ctrl-C (SIGINT) or SIGTERM.",
        ].joined(separator: "\n")
        return CommandOutput(fields: fields, text: text)
    }

    /// Reads a hex private key from `path`.
    static func readKey(path: String) throws -> PrivateKey {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("cannot read the server key \(path): \(error.localizedDescription)")
        }
        do { return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
            throw CLIError("\(path) does not hold a private key (64 hex digits): \(error)")
        }
    }

    /// The key kept at `path`, generated there (readable by the owner only) on first use.
    static func loadOrCreateKey(path: String) throws -> PrivateKey {
        if FileManager.default.fileExists(atPath: path) { return try readKey(path: path) }
        let key = PrivateKey.random()
        // O_EXCL: two first runs racing cannot both write a key.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot create the server key \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let text = Array((Hex.encode(key.bytes, prefix: true) + "\n").utf8)
        let written = text.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else {
            throw CLIError("cannot write the server key \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }
}
