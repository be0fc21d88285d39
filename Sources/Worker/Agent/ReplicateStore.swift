import Client
import Ethereum
import Foundation
import Synchronization

/// A replicate as the worker keeps it on disk, so that a restarted worker resumes it: the
/// assignment, how far it got, and its result once computed.
public struct LocalReplicate: Codable, Hashable, Sendable {
    /// How far the worker got.
    public enum Stage: String, Codable, Hashable, Sendable {
        /// Assigned; not computed yet (a restart computes it again).
        case assigned
        /// Computed: digest and archive ready.
        case computed
        /// Contribution mined.
        case contributed
        /// Reveal mined.
        case revealed
        /// Result uploaded.
        case uploaded
    }

    /// The assignment.
    public var assignment: ReplicateAssignment
    /// How far it got.
    public var stage: Stage
    /// The result digest (secret until reveal).
    public var digest: Hash32?
    /// The callback bytes, hex, when the result has some.
    public var callbackData: String?
    /// Why the result is the error result, if it is.
    public var errorReason: String?
    /// Where the uploaded result is.
    public var resultLocation: String?

    /// A new replicate.
    public init(assignment: ReplicateAssignment) {
        self.assignment = assignment
        self.stage = .assigned
    }

    /// The task.
    public var taskId: Hash32 { assignment.taskId }
}

/// The worker's replicates on disk: one JSON file each under `replicates/`, replaced atomically
/// (written to a temporary file, flushed, renamed), removed when the replicate is over. The files
/// are read once, when the store opens; afterwards an in-memory copy answers `all()`, so the
/// agent's loop does not read and decode every file at each poll.
public final class ReplicateStore: Sendable {
    /// The folder of the files.
    public let directory: URL
    private let cache: Mutex<(replicates: [Hash32: LocalReplicate], unreadable: [String])>

    /// A store in `directory` (created if needed), its files read.
    ///
    /// - Throws: `WorkerError.store` when the folder cannot be created.
    public init(directory: URL) throws(WorkerError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .store("cannot create \(directory.path): \(error.localizedDescription)")
        }
        cache = Mutex(Self.read(directory))
    }

    /// Every replicate kept, in task id order (unreadable files are skipped and reported).
    public func all() -> (replicates: [LocalReplicate], unreadable: [String]) {
        cache.withLock { cached in
            (cached.replicates.values.sorted { $0.taskId.hex < $1.taskId.hex }, cached.unreadable)
        }
    }

    private static func read(_ directory: URL) -> (replicates: [Hash32: LocalReplicate], unreadable: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var replicates: [Hash32: LocalReplicate] = [:]
        var unreadable: [String] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url),
                  let replicate = try? JSONDecoder().decode(LocalReplicate.self, from: data) else {
                unreadable.append(name)
                continue
            }
            replicates[replicate.taskId] = replicate
        }
        return (replicates, unreadable)
    }

    /// Writes `replicate`, replacing its previous state in one rename.
    public func save(_ replicate: LocalReplicate) throws(WorkerError) {
        let url = file(replicate.taskId)
        let temporary = directory.appendingPathComponent(".\(replicate.taskId.hex).tmp")
        do {
            let data = try JSONEncoder().encode(replicate)
            FileManager.default.createFile(atPath: temporary.path, contents: nil)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .store("cannot save replicate \(replicate.taskId.hex): \(error.localizedDescription)")
        }
        cache.withLock { $0.replicates[replicate.taskId] = replicate }
    }

    /// Forgets a replicate.
    public func remove(_ taskId: Hash32) {
        try? FileManager.default.removeItem(at: file(taskId))
        _ = cache.withLock { $0.replicates.removeValue(forKey: taskId) }
    }

    private func file(_ taskId: Hash32) -> URL { directory.appendingPathComponent("\(taskId.hex).json") }
}

/// Why the worker could not do something.
public enum WorkerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Its local store failed.
    case store(String)
    /// An asset could not be fetched or is not what the chain says.
    case download(String)
    /// The chain refused or could not be reached.
    case chain(String)
    /// The scheduler refused or could not be reached.
    case scheduler(String)

    public var description: String {
        switch self {
        case .store(let detail): return "worker store: \(detail)"
        case .download(let detail): return "download: \(detail)"
        case .chain(let detail): return "chain: \(detail)"
        case .scheduler(let detail): return "scheduler: \(detail)"
        }
    }
}
