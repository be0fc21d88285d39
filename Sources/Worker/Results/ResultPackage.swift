import Ethereum
import Foundation
import PoCo

/// A replicate's result, ready to contribute: the output directory (the app's, or the error result),
/// its digest, and the callback bytes when there are any.
public struct ResultPackage: Hashable, Sendable {
    /// The error result's single file.
    public static let errorFileName = "error.json"

    /// The directory holding the result (what the archive contains).
    public let outputDirectory: URL
    /// The result digest contributed (through ``resultHash(taskId:)`` and ``resultSeal(worker:taskId:)``).
    public let digest: Hash32
    /// The callback bytes (`resultsCallback` of contributeAndFinalize), when computed.json had some.
    public let resultsCallback: [UInt8]?
    /// Why this is the error result, or nil when it is the app's own output.
    public let errorReason: ErrorResultReason?

    /// Packages a finished run: the app's output when it exited 0 with a valid computed.json,
    /// else the deterministic error result (the directory is emptied and holds only error.json).
    public static func make(outputDirectory: URL, outcome: ExecutionOutcome) throws(ResultError) -> ResultPackage {
        if let reason = ErrorResultReason(outcome.termination) {
            return try errorResult(reason, in: outputDirectory)
        }
        do {
            let computed = try ResultDigest.computed(in: outputDirectory)
            return ResultPackage(outputDirectory: outputDirectory, digest: computed.digest, resultsCallback: computed.callback, errorReason: nil)
        } catch {
            return try errorResult(.invalidOutput, in: outputDirectory)
        }
    }

    /// The deterministic error result: `directory` emptied (created when missing), then only
    /// error.json with the reason's canonical JSON; the digest is its SHA-256, as for any single file.
    public static func errorResult(_ reason: ErrorResultReason, in directory: URL) throws(ResultError) -> ResultPackage {
        let files = FileManager.default
        do {
            if files.fileExists(atPath: directory.path) {
                for entry in try files.contentsOfDirectory(atPath: directory.path) {
                    try files.removeItem(at: directory.appendingPathComponent(entry))
                }
            } else {
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            let file = directory.appendingPathComponent(errorFileName)
            try Data(reason.json.utf8).write(to: file)
            let digest = try ResultDigest.digest(of: file)
            return ResultPackage(outputDirectory: directory, digest: digest, resultsCallback: nil, errorReason: reason)
        } catch let invalid as ResultDigest.Invalid {
            throw .io(path: directory.path, reason: invalid.description)
        } catch {
            throw .io(path: directory.path, reason: "cannot write the error result (\(error.localizedDescription))")
        }
    }

    /// Writes the deterministic zip archive of the output directory to `url`.
    public func writeArchive(to url: URL) throws(ResultError) {
        try DeterministicZip.write(directory: outputDirectory, to: url)
    }

    /// keccak256(taskid ‖ digest): what a contribution commits to.
    public func resultHash(taskId: Hash32) -> Hash32 { Self.resultHash(taskId: taskId, digest: digest) }

    /// keccak256(worker ‖ taskid ‖ digest): the worker-bound seal of a contribution.
    public func resultSeal(worker: Address, taskId: Hash32) -> Hash32 {
        Self.resultSeal(worker: worker, taskId: taskId, digest: digest)
    }

    /// keccak256(taskid ‖ digest) (PoCo's resultHash).
    public static func resultHash(taskId: Hash32, digest: Hash32) -> Hash32 {
        PoCoIds.resultHash(taskid: taskId, resultDigest: digest)
    }

    /// keccak256(worker ‖ taskid ‖ digest) (PoCo's resultSeal).
    public static func resultSeal(worker: Address, taskId: Hash32, digest: Hash32) -> Hash32 {
        PoCoIds.resultSeal(worker: worker, taskid: taskId, resultDigest: digest)
    }
}
