import Client
import Ethereum
import Foundation
import Logging
import Server
import Storage

/// `iexec-bench storage [--size-mib N]`: upload and verified-download throughput of
/// `StorageClient` against a storage server on loopback (real `FileBlobStore` in a temporary
/// directory), next to `curl` moving the same file in the same run (issue #6: goal ≥ 0.8× curl).
///
/// Both sides do the same server work: each upload stores the blob from scratch (the previous
/// copy is removed from the store between runs), each download writes a new file. The client's
/// download checks every chunk; it is measured twice: not flushed (against plain curl) and
/// flushed with fsync (against curl followed by `sync FILE`, the same durability).
struct StorageSuite {
    var sizeMiB = 1024

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let option = rest.popFirst() {
            switch option {
            case "--size-mib":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { throw BenchError("--size-mib takes a positive number") }
                sizeMiB = value
            default:
                throw BenchError("storage: unknown option \(option) (options: --size-mib N, default 1024)")
            }
        }
    }

    func run() async throws -> [BenchResult] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-bench-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let size = UInt64(sizeMiB) << 20
        let source = directory.appendingPathComponent("source.bin")
        try writeSource(source, size: size)
        let storeRoot = directory.appendingPathComponent("store")
        let store = try FileBlobStore(root: storeRoot, sizeLimit: size + (1 << 20))
        let serverKey = PrivateKey.random()
        let clientKey = PrivateKey.random()

        return try await withStorageServer(store: store, key: serverKey) { baseURL in
            let client = StorageClient(baseURL: baseURL, key: clientKey)
            let megabytes = Double(size) / 1e6
            let clock = ContinuousClock()
            // Every timed phase starts with nothing dirty in the page cache, so that none pays for
            // the write-back of the one before it.
            let settle = { () throws in _ = try measureProcess("sync", clock) { [] } }

            // Uploads: curl first, then the client, each into a store without the blob.
            _ = try await client.upload(bytes: [])  // opens a pooled connection before the clock starts
            let blobID = try contentID(of: source)
            let headers = StorageAuthorization(signing: "PUT", cid: blobID, timestamp: UInt64(Date().timeIntervalSince1970), with: clientKey).headers
            try settle()
            let curlUpload = try measureProcess("curl", clock) {
                ["-s", "-f", "-o", "/dev/null", "-H", "Expect:"] + headers.flatMap { ["-H", "\($0.name): \($0.value)"] }
                    + ["-T", source.path(percentEncoded: false), "\(baseURL)/storage/blobs/\(blobID)"]
            }
            try removeBlob(blobID, from: storeRoot)
            try settle()
            let (uploaded, clientUpload) = try await measure(clock) { try await client.upload(file: source) }
            guard uploaded == blobID else { throw BenchError("the client uploaded \(uploaded), expected \(blobID)") }

            // Downloads of the stored blob to new files.
            let curlFile = directory.appendingPathComponent("curl.bin")
            try settle()
            let curlDownload = try measureProcess("curl", clock) {
                ["-s", "-f", "-o", curlFile.path(percentEncoded: false), "\(baseURL)/storage/blobs/\(blobID)"]
            }
            // The client flushes its file to the disk (fsync) before renaming it; curl does not.
            // `sync FILE` gives curl's copy the same durability, timed apart.
            let curlSync = try measureProcess("sync", clock) { [curlFile.path(percentEncoded: false)] }
            try checkSize(curlFile, size)
            try FileManager.default.removeItem(at: curlFile)
            let clientFile = directory.appendingPathComponent("client.bin")
            try settle()
            let (result, clientDownload) = try await measure(clock) { try await client.download(blobID, to: clientFile) }
            guard result.bytes == size, result.resumedFrom == 0 else { throw BenchError("download returned \(result)") }
            try checkSize(clientFile, size)
            try FileManager.default.removeItem(at: clientFile)
            try settle()
            let (plain, clientPlainDownload) = try await measure(clock) {
                try await client.download(blobID, to: clientFile, durable: false)
            }
            guard plain.bytes == size, plain.resumedFrom == 0 else { throw BenchError("download returned \(plain)") }
            try checkSize(clientFile, size)

            let extra: [String: any Sendable] = ["bytes": Int(size), "transport": "HTTP/1.1 on loopback"]
            func row(_ name: String, _ ours: Duration, _ curl: Duration, _ note: String) -> BenchResult {
                let rate = megabytes / ours.inSeconds, reference = megabytes / curl.inSeconds
                return BenchResult(suite: "storage", name: name, value: rate, unit: "MB/s",
                                   extra: extra.merging(["reference": reference, "ratio": rate / reference,
                                                         "referenceTool": note]) { $1 })
            }
            return [
                row("upload \(sizeMiB) MiB (StorageClient vs curl -T)", clientUpload, curlUpload, "curl -T, signed headers"),
                row("verified download \(sizeMiB) MiB, not flushed (vs curl -o)", clientPlainDownload, curlDownload,
                    "curl -o (neither flushes), no verification"),
                row("verified download \(sizeMiB) MiB, flushed (vs curl -o; sync)", clientDownload, curlDownload + curlSync,
                    "curl -o then sync FILE (same durability), no verification"),
            ]
        }
    }

    /// Writes `size` bytes of pseudo-random data (each MiB differs), so no chunk repeats.
    private func writeSource(_ url: URL, size: UInt64) throws {
        guard FileManager.default.createFile(atPath: url.path(percentEncoded: false), contents: nil) else {
            throw BenchError("cannot create \(url.path(percentEncoded: false))")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var piece = (0..<(1 << 17)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        for index in 0..<(size >> 20) {
            withUnsafeBytes(of: index.bigEndian) { piece.replaceSubrange(0..<8, with: $0) }
            try handle.write(contentsOf: piece)
        }
    }

    private func contentID(of url: URL) throws -> ContentID {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = ContentHasher()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { hasher.update(data) }
        return hasher.finalize()
    }

    /// Removes a stored blob by the store's documented layout (docs/storage.md), so the next
    /// upload does the full work again.
    private func removeBlob(_ id: ContentID, from root: URL) throws {
        let blobs = root.appendingPathComponent("blobs")
        for suffix in ["", ".meta", ".leaves"] {
            try? FileManager.default.removeItem(at: blobs.appendingPathComponent("\(id)\(suffix)"))
        }
    }

    private func checkSize(_ url: URL, _ size: UInt64) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path(percentEncoded: false))
        guard (attributes[.size] as? NSNumber)?.uint64Value == size else { throw BenchError("\(url.lastPathComponent) is not \(size) bytes") }
    }

    private func measure<T>(_ clock: ContinuousClock, _ body: () async throws -> T) async throws -> (T, Duration) {
        let start = clock.now
        let value = try await body()
        return (value, clock.now - start)
    }

    /// Runs `tool` (found on the PATH) with `arguments` and times it; a failure (its exit status)
    /// is an error.
    private func measureProcess(_ tool: String, _ clock: ContinuousClock, _ arguments: () -> [String]) throws -> Duration {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [tool] + arguments()
        let start = clock.now
        do { try process.run() } catch { throw BenchError("cannot run \(tool): \(error)") }
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else { throw BenchError("\(tool) exited with status \(process.terminationStatus)") }
        return elapsed
    }

    /// Serves `store` on a free loopback port while `body` runs with the root URL.
    private func withStorageServer<T: Sendable>(store: FileBlobStore, key: PrivateKey,
                                                _ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
        var logger = Logger(label: "iexec-bench.storage")
        logger.logLevel = .error
        return try await StorageServer(routes: StorageRoutes(store: store, serverKey: key), port: 0)
            .serving(logger: logger, body)
    }
}
