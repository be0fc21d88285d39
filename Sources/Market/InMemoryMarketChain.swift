import Ethereum
import PoCo
import Synchronization

/// A chain for tests of the market: a `PoCoEngine` where each `apply` is one block (its
/// timestamp one second after the last), its logs kept and its number announced to `heads()`.
/// The node's adapter over `ChainNode` is the production `MarketChain`.
public final class InMemoryMarketChain: MarketChain {
    private struct World {
        var engine: PoCoEngine
        var blockNumber: UInt64 = 0
        var timestamp: UInt64
        var logs: [MarketLog] = []
        var subscribers: [AsyncStream<UInt64>.Continuation] = []
    }

    public let config: PoCoConfig
    private let world: Mutex<World>

    /// A chain at genesis (iExec's default categories) with block 0 at `genesisTime`.
    public init(config: PoCoConfig, genesisTime: UInt64 = 1_700_000_000) {
        self.config = config
        world = Mutex(World(engine: PoCoEngine.genesis(config: config), timestamp: genesisTime))
    }

    /// Applies `call` from `sender` (with `value` wei for payable calls) as the next block.
    /// A reverted call makes no block and throws the engine's error.
    @discardableResult
    public func apply(_ call: PoCoCall, from sender: Address, value: UInt256 = .zero) throws(PoCoError) -> CallReceipt {
        let result: Result<(CallReceipt, UInt64, [AsyncStream<UInt64>.Continuation]), PoCoError> = world.withLock { world in
            let context = CallContext(sender: sender, value: value, blockTime: world.timestamp + 1)
            do throws(PoCoError) {
                let receipt = try world.engine.apply(call, context)
                world.blockNumber += 1
                world.timestamp += 1
                let number = world.blockNumber
                world.logs += receipt.logs.map { log in
                    MarketLog(blockNumber: number, address: log.address, topics: log.topics, data: log.data)
                }
                return .success((receipt, number, world.subscribers))
            } catch {
                return .failure(error)
            }
        }
        let (receipt, number, subscribers) = try result.get()
        for subscriber in subscribers { subscriber.yield(number) }
        return receipt
    }

    /// Ends every `heads()` stream (the chain stopped).
    public func finish() {
        for subscriber in world.withLock({ $0.subscribers }) { subscriber.finish() }
    }

    public func headNumber() async -> UInt64 {
        world.withLock { $0.blockNumber }
    }

    public func snapshot() async -> ChainSnapshot {
        world.withLock { ChainSnapshot(state: $0.engine.state, blockNumber: $0.blockNumber, timestamp: $0.timestamp) }
    }

    public func logs(blocks range: ClosedRange<UInt64>) async throws(MarketError) -> [MarketLog] {
        world.withLock { $0.logs.filter { range.contains($0.blockNumber) } }
    }

    public func heads() async -> AsyncStream<UInt64> {
        let (stream, continuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .unbounded)
        world.withLock { $0.subscribers.append(continuation) }
        return stream
    }
}
