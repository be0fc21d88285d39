import Chain
import Ethereum
import PoCo
import Synchronization

/// A `PoCoChain` in the process for fast tests of the agents: a `PoCoEngine` whose blocks are the
/// batches sent to it. Time is what the test sets (`setTime`, `advance(seconds:)`); each `send`
/// batch (or `mine()`) is one block, number + 1, stamped with the current time. Reverted calls are
/// in their block like on a real chain but change nothing and come back as `.reverted` with PoCo's
/// reason. Native coin is accounted like the node does it: a payable call debits its sender and
/// credits the hub, the hub's payouts (withdrawals, change) credit their recipients.
///
/// `InMemoryMarketChain` is not reused: it makes one block per call and moves time itself.
public final class InMemoryPoCoChain: DevPoCoChain {
    private struct World {
        var engine: PoCoEngine
        var head: ChainHead
        var time: UInt64
        var logs: [ChainLog] = []
        var nonces: [Address: UInt64] = [:]
        var native: [Address: UInt256]
        var nextSubscriber = 0
        var subscribers: [Int: AsyncStream<ChainHead>.Continuation] = [:]
    }

    /// The chain id, hub and registries.
    public let config: PoCoConfig
    private let world: Mutex<World>

    /// A chain at genesis (iExec's default categories), block 0 at `genesisTime`, the accounts of
    /// `allocations` holding that much native coin (wei), the workers of `scores` with that reputation.
    public init(config: PoCoConfig, genesisTime: UInt64 = 1_700_000_000, allocations: [Address: UInt256] = [:],
                scores: [Address: UInt256] = [:]) {
        self.config = config
        world = Mutex(World(engine: PoCoEngine.genesis(config: config, scores: scores),
                            head: ChainHead(number: 0, timestamp: genesisTime),
                            time: genesisTime, native: allocations))
    }

    // MARK: Time

    /// The time the next block will carry.
    public var time: UInt64 { world.withLock { $0.time } }

    /// Sets the time of the next blocks (seconds since 1970).
    public func setTime(_ time: UInt64) {
        world.withLock { $0.time = time }
    }

    /// Moves the time of the next blocks forward.
    public func advance(seconds: UInt64) {
        world.withLock { $0.time += seconds }
    }

    /// Moves the time of the next blocks forward (`advance(seconds:)`).
    public func increaseTime(seconds: UInt64) async throws(ChainClientError) {
        advance(seconds: seconds)
    }

    /// Seals an empty block at the current time.
    @discardableResult
    public func mine() async throws(ChainClientError) -> ChainHead {
        seal([], signer: nil).head
    }

    // MARK: Native coin

    /// `address`'s native coin, in wei.
    public func nativeBalance(_ address: Address) -> UInt256 {
        world.withLock { $0.native[address] ?? .zero }
    }

    // MARK: PoCoChain

    /// The latest block.
    public func head() async throws(ChainClientError) -> ChainHead {
        world.withLock { $0.head }
    }

    /// Evaluates `view` on the head's state.
    public func view(_ view: PoCoView) async throws(ChainClientError) -> [ABIValue] {
        let result: Result<[ABIValue], PoCoError> = world.withLock { world in
            do throws(PoCoError) { return .success(try world.engine.view(view)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let values): return values
        case .failure(let error): throw .reverted(function: view.function.name, reason: error.reason)
        }
    }

    /// Applies `calls` in order as one new block.
    public func send(_ calls: [PoCoCall], signer: PrivateKey) async throws(ChainClientError)
        -> [Result<PoCoReceipt, ChainClientError>] {
        guard !calls.isEmpty else { return [] }
        return seal(calls.map { ($0, UInt256.zero) }, signer: signer).results
    }

    /// Applies `call` with `value` wei as one new block.
    public func send(_ call: PoCoCall, value: UInt256, signer: PrivateKey) async throws(ChainClientError) -> PoCoReceipt {
        guard let result = seal([(call, value)], signer: signer).results.first else {
            throw .malformedResponse("no result for the one call sent")
        }
        return try result.get()
    }

    /// The logs matching `filter`, in chain order.
    public func logs(_ filter: ChainLogFilter) async throws(ChainClientError) -> [ChainLog] {
        world.withLock { world in world.logs.filter { filter.matches($0, head: world.head.number) } }
    }

    /// Each block sealed from now on.
    public func heads() -> AsyncStream<ChainHead> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChainHead.self, bufferingPolicy: .bufferingNewest(64))
        let id = world.withLock { world in
            let id = world.nextSubscriber
            world.nextSubscriber += 1
            world.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.world.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every `heads()` stream (the chain stopped).
    public func finish() {
        for subscriber in world.withLock({ Array($0.subscribers.values) }) { subscriber.finish() }
    }

    // MARK: Blocks

    /// Seals one block holding `calls` (from `signer`), each applied in order, and announces it.
    private func seal(_ calls: [(PoCoCall, UInt256)], signer: PrivateKey?)
        -> (head: ChainHead, results: [Result<PoCoReceipt, ChainClientError>]) {
        let (head, results, subscribers) = world.withLock { world in
            let head = ChainHead(number: world.head.number + 1, timestamp: world.time)
            var results: [Result<PoCoReceipt, ChainClientError>] = []
            if let signer {
                for (call, value) in calls {
                    results.append(Self.execute(call, value: value, signer: signer, head: head, in: &world, config: config))
                }
            }
            world.head = head
            return (head, results, Array(world.subscribers.values))
        }
        for subscriber in subscribers { subscriber.yield(head) }
        return (head, results)
    }

    /// One transaction of the block `head`: its nonce taken, its value moved, the call applied.
    private static func execute(_ call: PoCoCall, value: UInt256, signer: PrivateKey, head: ChainHead,
                                in world: inout World, config: PoCoConfig) -> Result<PoCoReceipt, ChainClientError> {
        let sender = signer.address
        let (to, data) = PoCoBinding.encodeCall(call, config: config)
        let funds = world.native[sender] ?? .zero
        guard funds >= value else {
            // The node's mempool refuses such a transaction with this message.
            return .failure(.rpc(code: -32000, message: "insufficient funds: \(sender.checksummed) holds \(funds) wei "
                                 + "and sends \(value)"))
        }
        let nonce = world.nonces[sender] ?? 0
        world.nonces[sender] = nonce + 1
        // A real signed transaction, so hashes are those a node would give the same call.
        let transaction = EIP1559Transaction(chainId: config.chainId, nonce: nonce, maxPriorityFeePerGas: .zero,
                                             maxFeePerGas: .zero, gasLimit: 10_000_000, to: to, value: value, data: data)
            .sign(with: signer)
        let receipt: CallReceipt
        do throws(PoCoError) {
            receipt = try world.engine.apply(call, CallContext(sender: sender, value: value, blockTime: head.timestamp))
        } catch {
            return .failure(.reverted(function: PoCoBinding.functionName(of: call), reason: error.reason))
        }
        world.native[sender] = funds - value
        world.native[config.hub, default: .zero] += value
        for payout in receipt.payouts {
            world.native[config.hub, default: .zero] -= payout.wei
            world.native[payout.to, default: .zero] += payout.wei
        }
        let firstIndex = UInt64(world.logs.count(where: { $0.blockNumber == head.number }))
        let logs = receipt.logs.enumerated().map { offset, log in
            ChainLog(blockNumber: head.number, transactionHash: transaction.hash, logIndex: firstIndex + UInt64(offset),
                     address: log.address, topics: log.topics, data: log.data)
        }
        world.logs += logs
        return .success(PoCoReceipt(transactionHash: transaction.hash, blockNumber: head.number,
                                    blockTimestamp: head.timestamp, logs: logs))
    }
}
