import Ethereum
import PoCo

/// Keeps every order's status and remaining volume true from the chain.
///
/// Each pass (`catchUp()`, run at start and at every new head by `run()`) reads the hub's logs of
/// the blocks after the book's cursor (`OrderBook.lastProcessedBlock()`) through the chain's head,
/// then re-derives, from the head's state, every order those logs name and every OPEN or DEAD order:
///
/// - remaining = volume − consumed (`PoCoState.uint(.consumed(hash))`, at least 0);
/// - CANCELED once a `Closed…Order` log named it (it stays CANCELED);
/// - else FILLED when nothing remains;
/// - else DEAD when its payer cannot cover it (`OrderValidator.fundingShortfall`, the publication
///   rule): a requester whose balance is below its maximum prices · remaining, a workerpool owner
///   whose balance is below one task's scheduler stake; app and dataset orders are never DEAD;
/// - else OPEN (a DEAD order whose payer can pay again returns to OPEN).
///
/// The pass writes its changes and the new cursor in one `OrderBook.apply`: a crash between passes
/// replays the same blocks, which changes nothing twice (everything is derived from state, and
/// CANCELED is sticky). Before its first pass the book has no cursor: the tracker starts at the
/// head, since orders published before were validated against current state.
///
/// Not a `Service` itself (module `Market` does not depend on ServiceLifecycle): the node wraps
/// `run()` in one.
public struct MarketStatusTracker: Sendable {
    /// The book whose statuses it keeps.
    public let book: any OrderBook
    /// The chain it reads.
    public let chain: any MarketChain
    /// The market's limits.
    public let policy: MarketPolicy

    /// A tracker of `book` against `chain`.
    public init(book: any OrderBook, chain: any MarketChain, policy: MarketPolicy) {
        self.book = book
        self.chain = chain
        self.policy = policy
    }

    /// Catches up once, then once per new head, until the chain's head stream ends or the task
    /// is cancelled (then it returns). Throws the first pass's error (storage or chain): the
    /// cursor is untouched then, so a restarted tracker redoes that pass.
    public func run() async throws {
        // Subscribe before the first pass: a head committed during it is not missed.
        let heads = await chain.heads()
        try await catchUp()
        for await _ in heads {
            // `PoCo.Task` is a PoCo task; this is the concurrency one.
            if _Concurrency.Task.isCancelled { return }
            try await catchUp()
        }
    }

    /// One pass: the logs of the blocks after the cursor through the current head, and every
    /// order they name or that is OPEN or DEAD, re-derived from the head's state; the updates and
    /// the new cursor are written together. Nothing to do when the cursor is at the head.
    ///
    /// The state snapshot is taken last and dropped as soon as the updates are written: while a
    /// snapshot is alive, the node's next block copies the whole state (copy on write), so it is
    /// never held across a read of the ledger.
    public func catchUp() async throws(MarketError) {
        let cursor = try book.lastProcessedBlock()
        var readThrough = await chain.headNumber()
        if let cursor, cursor >= readThrough { return }
        var logs: [MarketLog] = []
        if let cursor { logs = try await chain.logs(blocks: (cursor + 1)...readThrough) }
        while true {
            let snapshot = await chain.snapshot()
            guard snapshot.blockNumber <= readThrough else {
                // Blocks came in meanwhile: read their logs too, without the snapshot.
                let head = snapshot.blockNumber
                if cursor != nil { logs += try await chain.logs(blocks: (readThrough + 1)...head) }
                readThrough = head
                continue
            }
            try apply(OrderLogDigest(logs: logs, hub: chain.config.hub), state: snapshot.state, throughBlock: readThrough)
            return
        }
    }

    /// Re-derives the orders `digest` names and every OPEN or DEAD one from `state`, and writes
    /// the changes with the cursor `block`.
    private func apply(_ digest: OrderLogDigest, state: PoCoState, throughBlock block: UInt64) throws(MarketError) {
        var candidates: [Hash32: MarketOrder] = [:]
        for entry in try book.orders(withStatus: [.open, .dead]) { candidates[entry.orderHash] = entry }
        for hash in digest.touched where candidates[hash] == nil {
            if let entry = try book.order(hash) { candidates[hash] = entry }
        }
        let updates = candidates.values.sorted { $0.sequence < $1.sequence }.compactMap { entry in
            let update = Self.derive(entry, closed: digest.closed.contains(entry.orderHash), state: state)
            return update.status == entry.status && update.remaining == entry.remaining ? nil : update
        }
        try book.apply(updates, throughBlock: block)
    }

    /// The status and remaining volume `state` gives `entry`; `closed`: a `Closed…Order` log named it.
    static func derive(_ entry: MarketOrder, closed: Bool, state: PoCoState) -> OrderUpdate {
        let volume = entry.order.order.volume
        let consumed = state.uint(.consumed(entry.orderHash))
        let remaining = consumed >= volume ? UInt256.zero : volume - consumed
        let status: OrderStatus
        if closed || entry.status == .canceled {
            status = .canceled
        } else if remaining == .zero {
            status = .filled
        } else if cannotPay(entry.order, remaining: remaining, state: state) {
            status = .dead
        } else {
            status = .open
        }
        return OrderUpdate(orderHash: entry.orderHash, status: status, remaining: remaining)
    }

    /// The publication rule (`OrderValidator.fundingShortfall`), so an order is never published
    /// OPEN and tracked DEAD in the same state. A cost past 2²⁵⁶ or an unregistered workerpool
    /// throws there: nobody can pay then.
    private static func cannotPay(_ order: AnyPoCoOrder, remaining: UInt256, state: PoCoState) -> Bool {
        do { return try OrderValidator.fundingShortfall(of: order, remaining: remaining, state: state) != nil } catch {
            return true
        }
    }
}
