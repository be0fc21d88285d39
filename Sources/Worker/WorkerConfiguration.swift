import Foundation

/// How a worker agent runs: how many replicates at once, where it keeps its work.
public struct WorkerConfiguration: Hashable, Sendable {
    /// Replicates run at the same time.
    public var slots: Int
    /// Where the worker keeps its store, downloads and outputs.
    public var dataDirectory: URL

    /// A configuration.
    public init(slots: Int = 1, dataDirectory: URL) {
        self.slots = slots
        self.dataDirectory = dataDirectory
    }
}
