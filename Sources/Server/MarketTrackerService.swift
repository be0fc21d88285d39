import Market
import ServiceLifecycle

/// The market's status tracker as a service of the node's `ServiceGroup`: it follows the chain
/// until the group shuts down (module `Market` does not depend on ServiceLifecycle).
public struct MarketTrackerService: Service {
    /// The tracker run.
    public let tracker: MarketStatusTracker

    /// A service running `tracker`.
    public init(tracker: MarketStatusTracker) {
        self.tracker = tracker
    }

    /// Runs the tracker; a graceful shutdown cancels it (it stops between passes, each pass being
    /// one atomic write to the book).
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await tracker.run()
        }
    }
}
