import Foundation

/// How a worker agent runs.
public struct WorkerConfiguration: Hashable, Sendable {
    /// A name for the scheduler's operator (the host name by default).
    public var name: String
    /// Replicates run at the same time.
    public var slots: Int
    /// Where the worker keeps its replicates (`replicates/`), downloads (`cache/`) and work
    /// folders (`work/`).
    public var dataDirectory: URL
    /// Extra ClassAd attributes (name → expression text), e.g. `Price = 2`, `EnergyClass = 1`, or a
    /// `Requirements` of the worker's own on tasks.
    public var attributes: [String: String]
    /// Seconds between two asks for work while a slot is free and the last ask got nothing.
    public var pollInterval: Double
    /// How the worker misbehaves, for demonstrations and tests of PoCo (never in production).
    public var misbehaviour: Misbehaviour

    /// A configuration; by default 1 slot, asking every second.
    public init(name: String = ProcessInfo.processInfo.hostName, slots: Int = 1, dataDirectory: URL,
                attributes: [String: String] = [:], pollInterval: Double = 1, misbehaviour: Misbehaviour = .none) {
        self.name = name
        self.slots = max(1, slots)
        self.dataDirectory = dataDirectory
        self.attributes = attributes
        self.pollInterval = pollInterval
        self.misbehaviour = misbehaviour
    }
}

/// A worker configured to misbehave: PoCo must catch it (a liar loses its stake and reputation;
/// a winner that never reveals is rejected by `reopen`).
public enum Misbehaviour: String, Hashable, Sendable, CaseIterable {
    /// Honest.
    case none
    /// Contributes a wrong result (its digest altered).
    case lie
    /// Contributes honestly but never reveals.
    case neverReveal = "never-reveal"
}
