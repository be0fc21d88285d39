import ServiceLifecycle

/// Seals the node's blocks: every `blockTime`, or — when it is zero — as soon as transactions
/// wait, draining them block after block (transactions arriving during a commit share the next).
///
/// Stops on cancellation or graceful shutdown, after the block being committed.
public struct BlockProducer: Service {
    /// The node it seals for.
    public let node: ChainNode

    /// A producer for `node`, on `node.configuration.blockTime`.
    public init(node: ChainNode) {
        self.node = node
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            let interval = node.configuration.blockTime
            if interval > .zero {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    try await node.seal(force: true)
                }
            } else {
                for await _ in node.workWaiting {
                    while try await node.seal() != nil, !Task.isCancelled {}
                }
            }
        }
    }
}
