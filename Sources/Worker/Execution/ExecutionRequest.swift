import Ethereum
import Foundation

/// One run of an app: the file, its arguments, its directories and its limits.
public struct ExecutionRequest: Hashable, Sendable {
    /// Where the app sees its inputs (read-only).
    public static let inputMountPath = "/iexec_in"
    /// Where the app writes its results.
    public static let outputMountPath = "/iexec_out"

    /// The app: a Wasm module or a native executable.
    public var app: URL
    /// The app's arguments (argv[1…]); argv[0] is the app's file name.
    public var arguments: [String]
    /// Host directory shown as /iexec_in (read-only); `nil` for an empty one.
    public var inputDirectory: URL?
    /// Host directory shown as /iexec_out; created when missing, and must be empty.
    public var outputDirectory: URL
    /// The task run, exposed as IEXEC_TASK_ID.
    public var taskId: Hash32?
    /// The dataset's file name inside /iexec_in, if the deal has one.
    public var datasetFilename: String?
    /// The input files' names inside /iexec_in, in the deal's order.
    public var inputFileNames: [String]
    /// More variables for the app (the iExec ones win on a clash).
    public var extraEnvironment: [String: String]
    /// The bounds of the run.
    public var limits: ExecutionLimits

    /// A request; only the app and the output directory are required.
    public init(
        app: URL, arguments: [String] = [], inputDirectory: URL? = nil, outputDirectory: URL,
        taskId: Hash32? = nil, datasetFilename: String? = nil, inputFileNames: [String] = [],
        extraEnvironment: [String: String] = [:], limits: ExecutionLimits = ExecutionLimits()
    ) {
        self.app = app
        self.arguments = arguments
        self.inputDirectory = inputDirectory
        self.outputDirectory = outputDirectory
        self.taskId = taskId
        self.datasetFilename = datasetFilename
        self.inputFileNames = inputFileNames
        self.extraEnvironment = extraEnvironment
        self.limits = limits
    }

    /// Everything the app's environment holds: iExec's variables over `extraEnvironment`, nothing
    /// from the host.
    public var environment: [String: String] {
        var environment = extraEnvironment
        environment["IEXEC_IN"] = Self.inputMountPath
        environment["IEXEC_OUT"] = Self.outputMountPath
        environment["IEXEC_TASK_ID"] = taskId?.hex ?? ""
        environment["IEXEC_DATASET_FILENAME"] = datasetFilename ?? ""
        environment["IEXEC_INPUT_FILES_NUMBER"] = String(inputFileNames.count)
        for (index, name) in inputFileNames.enumerated() {
            environment["IEXEC_INPUT_FILE_NAME_\(index + 1)"] = name
        }
        return environment
    }

    /// argv: the app's file name, then the arguments.
    var argv: [String] { [app.lastPathComponent] + arguments }

    /// Creates the output directory when missing and checks that it is empty; resolves the input
    /// directory (an empty private one when none was given, which the caller removes).
    func prepareDirectories() throws(ExecutionError) -> (input: URL, temporaryInput: URL?) {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: outputDirectory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .directoryUnusable(path: outputDirectory.path, reason: "exists and is not a directory")
            }
            let entries = (try? files.contentsOfDirectory(atPath: outputDirectory.path)) ?? []
            guard entries.isEmpty else { throw .outputNotEmpty(path: outputDirectory.path) }
        } else {
            do { try files.createDirectory(at: outputDirectory, withIntermediateDirectories: true) } catch {
                throw .directoryUnusable(path: outputDirectory.path, reason: "cannot create it (\(error.localizedDescription))")
            }
        }
        if let inputDirectory {
            guard files.fileExists(atPath: inputDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .directoryUnusable(path: inputDirectory.path, reason: "the input directory does not exist")
            }
            return (inputDirectory, nil)
        }
        let empty = files.temporaryDirectory.appendingPathComponent("iexec-in-\(UUID().uuidString)")
        do { try files.createDirectory(at: empty, withIntermediateDirectories: true) } catch {
            throw .internalFailure("cannot create an empty input directory: \(error.localizedDescription)")
        }
        return (empty, empty)
    }
}
