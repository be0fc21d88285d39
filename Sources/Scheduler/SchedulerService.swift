import Client
import ServiceLifecycle

/// Runs a scheduler: follows new heads (the chain's subscription, which falls back to polling),
/// and every `tick` counts silent workers lost and catches up with the head even if no head
/// was announced; with a keeper, tops the pool's orders up on the market every `ordersEvery`
/// ticks. Ends on cancellation or graceful shutdown.
public struct SchedulerService: Service {
    /// The scheduler driven.
    public let scheduler: WorkerpoolScheduler
    let chain: any PoCoChain
    let tick: Duration
    let keeper: OrderKeeper?
    let ordersEvery: Int

    /// A service driving `scheduler` from `chain`'s heads, with a liveness sweep every `tick`.
    public init(scheduler: WorkerpoolScheduler, chain: any PoCoChain, tick: Duration = .seconds(1),
                keeper: OrderKeeper? = nil, ordersEvery: Int = 5) {
        self.scheduler = scheduler
        self.chain = chain
        self.tick = tick
        self.keeper = keeper
        self.ordersEvery = max(1, ordersEvery)
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await head in chain.heads() {
                        await sync(to: head)
                    }
                }
                group.addTask {
                    var ticks = 0
                    while !Task.isCancelled {
                        await scheduler.sweep()
                        if let head = try? await chain.head() { await sync(to: head) }
                        if let keeper, ticks % ordersEvery == 0 {
                            do { try await keeper.replenish() } catch { await scheduler.noteOrderError() }
                        }
                        ticks += 1
                        do { try await Task.sleep(for: tick) } catch { return }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func sync(to head: ChainHead) async {
        do {
            try await scheduler.sync(to: head)
        } catch {
            await scheduler.noteSyncError()
        }
    }
}

extension WorkerpoolScheduler {
    /// Counts a failed catch-up (the next head retries from the same cursor).
    func noteSyncError() {
        counters.syncErrors += 1
    }

    /// Counts a failed top-up of the pool's orders (retried later).
    func noteOrderError() {
        counters.orderErrors += 1
    }
}
