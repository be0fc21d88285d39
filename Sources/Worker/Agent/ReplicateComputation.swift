import Client
import Ethereum
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PoCo
import Storage

/// One replicate's computation: fetch the app, the dataset and the input files (verified
/// transfers, checksums checked against the chain read fresh), run the app in the sandbox, and
/// package the result. Whatever fails — a download, a checksum, the app — the outcome is a
/// result: the deterministic error result that honest workers compute alike, so they still agree
/// and the task completes.
struct ReplicateComputation: Sendable {
    let chain: any PoCoChain
    let storage: StorageClient
    let sandbox: AppSandbox
    let dataDirectory: URL
    let misbehaviour: Misbehaviour

    /// The computed result of `assignment`: its package and the archive written beside it.
    func compute(_ assignment: ReplicateAssignment) async throws(WorkerError) -> (package: ResultPackage, archive: URL) {
        let work = workDirectory(assignment.taskId)
        let input = work.appendingPathComponent("in")
        let output = work.appendingPathComponent("out")
        do {
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        } catch {
            throw .store("cannot prepare \(work.path): \(error.localizedDescription)")
        }
        let package: ResultPackage
        do {
            package = try await run(assignment, input: input, output: output)
        } catch {
            throw .store("cannot package the result of \(assignment.taskId.hex): \(error)")
        }
        let archive = work.appendingPathComponent("result.zip")
        do {
            try package.writeArchive(to: archive)
        } catch {
            throw .store("cannot archive the result of \(assignment.taskId.hex): \(error)")
        }
        return (package, archive)
    }

    /// The digest this worker contributes: the result's, unless it is configured to lie.
    func contributedDigest(_ package: ResultPackage) -> Hash32 {
        misbehaviour == .lie ? Keccak256.hash(package.digest.bytes + Array("a lie".utf8)) : package.digest
    }

    /// Where a task's files live while the worker holds it.
    func workDirectory(_ taskId: Hash32) -> URL {
        dataDirectory.appendingPathComponent("work").appendingPathComponent(taskId.hex)
    }

    /// The archive of a computed result.
    func archive(_ taskId: Hash32) -> URL { workDirectory(taskId).appendingPathComponent("result.zip") }

    private func run(_ assignment: ReplicateAssignment, input: URL, output: URL) async throws(ResultError) -> ResultPackage {
        let params: DealParams
        do {
            params = try DealParams(parsing: assignment.params)
        } catch {
            return try ResultPackage.errorResult(.appUnrunnable, in: output)
        }
        let app: URL
        var datasetFilename: String?
        var inputNames: [String] = []
        do {
            app = try await fetch(assignment.app, kind: .app)
            if let dataset = assignment.dataset {
                let file = try await fetch(dataset, kind: .dataset)
                let name = dataset.address.checksummed
                try FileManager.default.copyItem(at: file, to: input.appendingPathComponent(name))
                datasetFilename = name
            }
            for (index, reference) in params.inputFiles.enumerated() {
                let name = "input-\(index + 1)-" + Self.safeName(reference)
                try await fetchInput(reference, to: input.appendingPathComponent(name))
                inputNames.append(name)
            }
        } catch {
            return try ResultPackage.errorResult(.downloadFailed, in: output)
        }
        let request = ExecutionRequest(app: app, arguments: params.args, inputDirectory: input, outputDirectory: output,
                                       taskId: assignment.taskId, datasetFilename: datasetFilename,
                                       inputFileNames: inputNames,
                                       limits: ExecutionLimits(categoryMaxTime: max(1, assignment.timeref)))
        do {
            let outcome = try await sandbox.execute(request)
            return try ResultPackage.make(outputDirectory: output, outcome: outcome)
        } catch let error as ResultError {
            throw error
        } catch {
            return try ResultPackage.errorResult(.appUnrunnable, in: output)
        }
    }

    enum AssetKind { case app, dataset }

    /// The asset's file in the cache (by checksum), downloaded and verified when missing: its
    /// content id checked during the transfer, its SHA-256 against the checksum on chain now.
    private func fetch(_ asset: AssetLocation, kind: AssetKind) async throws -> URL {
        let checksum: Hash32
        switch kind {
        case .app: checksum = try await chain.app(asset.address).checksum
        case .dataset: checksum = try await chain.dataset(asset.address).checksum
        }
        let cache = dataDirectory.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let file = cache.appendingPathComponent(checksum.hex)
        if FileManager.default.fileExists(atPath: file.path), try ResultDigest.sha256(of: file) == checksum { return file }
        let id = try ContentID(parsing: asset.multiaddr)
        // Slots may fetch the same asset at once: each downloads to a file of its own, then
        // renames it into the cache (atomic; the last rename wins with the same bytes).
        let download = cache.appendingPathComponent("\(checksum.hex).\(UUID().uuidString).download")
        defer { try? FileManager.default.removeItem(at: download) }
        _ = try await storage.download(id, to: download)
        guard try ResultDigest.sha256(of: download) == checksum else {
            throw WorkerError.download("\(asset.address.checksummed): the bytes at \(asset.multiaddr) do not have the checksum on chain")
        }
        guard rename(download.path, file.path) == 0 else {
            throw WorkerError.download("cannot move the download into \(file.path) (errno \(errno))")
        }
        return file
    }

    /// An input file: a storage content id, or an http(s) URL.
    private func fetchInput(_ reference: String, to file: URL) async throws {
        if let id = try? ContentID(parsing: reference) {
            _ = try await storage.download(id, to: file)
            return
        }
        guard let url = URL(string: reference), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw WorkerError.download("input file \(reference) is neither a content id nor an http(s) URL")
        }
        let (data, response) = try await URLSession.shared.data(from: url)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw WorkerError.download("input file \(reference) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        try data.write(to: file)
    }

    /// A file name from a reference: its last path component, only safe characters.
    static func safeName(_ reference: String) -> String {
        let last = reference.split(separator: "/").last.map(String.init) ?? "file"
        let safe = String(last.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        return String(safe.prefix(100))
    }
}
