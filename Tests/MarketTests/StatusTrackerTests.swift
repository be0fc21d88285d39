import Ethereum
import Foundation
import PoCo
import Testing

@testable import Market

/// What the tracker keeps of an order.
struct Standing: Hashable, CustomStringConvertible {
    var status: OrderStatus
    var remaining: UInt256

    init(_ status: OrderStatus, _ remaining: UInt256) { (self.status, self.remaining) = (status, remaining) }

    var description: String { "\(status.rawValue) \(remaining)" }
}

/// `book`'s status and remaining volume of `hash`.
func standing(_ book: any OrderBook, _ hash: Hash32) throws -> Standing? {
    try book.order(hash).map { Standing($0.status, $0.remaining) }
}

/// A book that announces each `apply`'s cursor, so a test can wait for the tracker's passes.
final class AnnouncingBook: OrderBook {
    let inner = InMemoryOrderBook()
    let applied: AsyncStream<UInt64?>
    private let continuation: AsyncStream<UInt64?>.Continuation

    init() { (applied, continuation) = AsyncStream.makeStream(of: UInt64?.self) }

    func insert(_ order: MarketOrder) throws(MarketError) { try inner.insert(order) }
    func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder? { try inner.order(orderHash) }
    func query(_ query: OrderQuery) throws(MarketError) -> OrderPage { try inner.query(query) }
    func orders(withStatus statuses: Set<OrderStatus>) throws(MarketError) -> [MarketOrder] {
        try inner.orders(withStatus: statuses)
    }
    func activeOrderCount(signer: Address) throws(MarketError) -> Int { try inner.activeOrderCount(signer: signer) }
    func remove(_ orderHash: Hash32) throws(MarketError) -> Bool { try inner.remove(orderHash) }
    func apply(_ updates: [OrderUpdate], throughBlock block: UInt64?) throws(MarketError) {
        try inner.apply(updates, throughBlock: block)
        continuation.yield(block)
    }
    func lastProcessedBlock() throws(MarketError) -> UInt64? { try inner.lastProcessedBlock() }
    func nextSequence() throws(MarketError) -> UInt64 { try inner.nextSequence() }
}

@Suite("Market status tracker")
struct StatusTrackerTests {
    /// The world these tests run in: 1 000 nRLC for the workerpool owner and the requester only
    /// (app and dataset orders never need funds).
    static func world() throws -> MarketWorld {
        try MarketWorld(funding: 1_000, funded: [.workerpoolOwner, .requester])
    }

    @Test("a partial match lowers the remaining volume and keeps the order OPEN; a full match fills it")
    func matches() async throws {
        let world = try Self.world()
        let (book, tracker) = (world.book, world.tracker())
        let first = (app: world.appOrder(), dataset: world.datasetOrder(), workerpool: world.workerpoolOrder(volume: 2),
                     request: world.requestOrder(volume: 5))
        let app = try world.insertOpen(.app(first.app), into: book)
        let dataset = try world.insertOpen(.dataset(first.dataset), into: book)
        let pool = try world.insertOpen(.workerpool(first.workerpool), into: book)
        let request = try world.insertOpen(.request(first.request), into: book)
        try await tracker.catchUp()
        #expect(try book.lastProcessedBlock() == (await world.chain.snapshot().blockNumber))
        #expect(try standing(book, request) == Standing(.open, 5))

        try world.match(first.app, first.dataset, first.workerpool, first.request)
        try await tracker.catchUp()
        #expect(try standing(book, app) == Standing(.open, 8))
        #expect(try standing(book, dataset) == Standing(.open, 8))
        #expect(try standing(book, pool) == Standing(.filled, 0))
        #expect(try standing(book, request) == Standing(.open, 3))

        let secondPool = world.workerpoolOrder(volume: 5, salt: 1)
        let pool2 = try world.insertOpen(.workerpool(secondPool), into: book)
        try world.match(first.app, first.dataset, secondPool, first.request)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.filled, 0))
        #expect(try standing(book, pool2) == Standing(.open, 2))
        #expect(try standing(book, app) == Standing(.open, 5))
        #expect(try book.lastProcessedBlock() == (await world.chain.snapshot().blockNumber))
        await world.checkConservation()
    }

    @Test("CLOSE on chain cancels an order for good; a look-alike log from another contract does not")
    func close() async throws {
        var world = try Self.world()
        let (book, tracker) = (world.book, world.tracker())
        let (appOrder, requestOrder) = (world.appOrder(), world.requestOrder())
        let app = try world.insertOpen(.app(appOrder), into: book)
        let request = try world.insertOpen(.request(requestOrder), into: book)
        try await tracker.catchUp()
        try world.chain.apply(.orders(.manageRequestOrder(OrderOperation(order: requestOrder, operation: .close))),
                              from: world.requester.address)
        try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: appOrder, operation: .close))),
                              from: world.appOwner.address)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.canceled, 0))
        #expect(try standing(book, app) == Standing(.canceled, 0))
        // Later passes keep it CANCELED, though the state alone would say FILLED.
        try world.deposit(world.requester.address, 1)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.canceled, 0))
        var entry = try #require(try book.order(request))
        let state = await world.chain.snapshot().state
        #expect(MarketStatusTracker.derive(entry, closed: false, state: state).status == .canceled)
        entry.status = .open
        #expect(MarketStatusTracker.derive(entry, closed: false, state: state).status == .filled)

        let closedTopic = Keccak256.hash(PoCoEvent.closedOrder(.request, hash: .zero).signature)
        let forged = MarketLog(blockNumber: 1, address: Entries.address(9), topics: [closedTopic], data: request.bytes)
        #expect(OrderLogDigest(logs: [forged], hub: MarketWorld.config.hub).closed.isEmpty)
        let genuine = MarketLog(blockNumber: 1, address: MarketWorld.config.hub, topics: [closedTopic], data: request.bytes)
        #expect(OrderLogDigest(logs: [genuine], hub: MarketWorld.config.hub).closed == [request])
        await world.checkConservation()
    }

    @Test("an owner who cannot pay makes the order DEAD, and OPEN again once they can; app orders never die")
    func funding() async throws {
        var world = try Self.world()
        let (book, tracker) = (world.book, world.tracker())
        let app = try world.insertOpen(.app(world.appOrder()), into: book)
        let pool = try world.insertOpen(.workerpool(world.workerpoolOrder()), into: book)
        let request = try world.insertOpen(.request(world.requestOrder()), into: book)
        try await tracker.catchUp()

        // 10 tasks at 3 + 2 + 10 nRLC cost 150: 149 is not enough, 150 is.
        try world.withdraw(world.requester.address, 851)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.dead, 10))
        #expect(try book.activeOrderCount(signer: world.requester.address) == 1)
        try world.deposit(world.requester.address, 1)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.open, 10))

        // One task's scheduler stake is 10 · 30 / 100 = 3 nRLC.
        try world.withdraw(world.workerpoolOwner.address, 998)
        try await tracker.catchUp()
        #expect(try standing(book, pool) == Standing(.dead, 10))
        try world.deposit(world.workerpoolOwner.address, 1)
        try await tracker.catchUp()
        #expect(try standing(book, pool) == Standing(.open, 10))
        #expect(try standing(book, app) == Standing(.open, 10))
        #expect(await world.chain.snapshot().state.account(world.appOwner.address).balance == 0)
        await world.checkConservation()
    }

    @Test("after a restart the tracker catches up from the book's cursor without counting twice")
    func restart() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("market.sqlite")
        let world = try Self.world()
        let (appOrder, datasetOrder, requestOrder) = (world.appOrder(), world.datasetOrder(), world.requestOrder(volume: 5))
        let (app, request): (Hash32, Hash32)
        let cursor: UInt64
        do {
            let book = try SQLiteOrderBook(path: path)
            let tracker = world.tracker(of: book)
            app = try world.insertOpen(.app(appOrder), into: book)
            request = try world.insertOpen(.request(requestOrder), into: book)
            try await tracker.catchUp()
            let partial = world.workerpoolOrder(volume: 2, salt: 1)
            try world.match(appOrder, datasetOrder, partial, requestOrder)
            try await tracker.catchUp()
            #expect(try standing(book, request) == Standing(.open, 3))
            cursor = try #require(try book.lastProcessedBlock())
            try book.close()
        }
        let more = world.workerpoolOrder(volume: 1, salt: 2)
        try world.match(appOrder, datasetOrder, more, requestOrder)
        try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: appOrder, operation: .close))),
                              from: world.appOwner.address)
        let head = await world.chain.snapshot().blockNumber
        #expect(head > cursor)

        let book = try SQLiteOrderBook(path: path)
        let tracker = world.tracker(of: book)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.open, 2))
        #expect(try standing(book, app) == Standing(.canceled, 0))
        #expect(try book.lastProcessedBlock() == head)
        // Replaying the same blocks (a crash before the cursor moved) changes nothing.
        try book.apply([], throughBlock: cursor)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.open, 2))
        #expect(try standing(book, app) == Standing(.canceled, 0))
        #expect(try book.lastProcessedBlock() == head)
        await world.checkConservation()
    }

    @Test("a block sealed between the head read and the snapshot has its logs read too: CANCELED, not FILLED")
    func blockDuringPass() async throws {
        var world = try Self.world()
        let appOrder = world.appOrder()
        let app = try world.insertOpen(.app(appOrder), into: world.book)
        try await world.tracker().catchUp()
        try world.deposit(world.requester.address, 1)  // a block for the pass to read
        // The chain closes the order as the tracker takes its snapshot, after it read the head.
        let chain = MovingChain(world.chain) {
            try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: appOrder, operation: .close))),
                                  from: world.appOwner.address)
        }
        try await MarketStatusTracker(book: world.book, chain: chain, policy: MarketPolicy()).catchUp()
        #expect(try standing(world.book, app) == Standing(.canceled, 0))
        #expect(try world.book.lastProcessedBlock() == (await world.chain.headNumber()))
        await world.checkConservation()
    }

    @Test("run() passes at start and at each new head, and ends on cancellation or when the chain stops")
    func run() async throws {
        var world = try Self.world()
        let book = AnnouncingBook()
        let tracker = world.tracker(of: book)
        let requestOrder = world.requestOrder()
        let request = try world.insertOpen(.request(requestOrder), into: book)
        var passes = book.applied.makeAsyncIterator()

        let running = _Concurrency.Task { try await tracker.run() }
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        try world.chain.apply(.orders(.manageRequestOrder(OrderOperation(order: requestOrder, operation: .close))),
                              from: world.requester.address)
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        #expect(try standing(book, request) == Standing(.canceled, 0))
        running.cancel()
        try await running.value

        // A new block makes the next run's first pass write, which shows it has subscribed to heads.
        try world.deposit(world.requester.address, 1)
        let stopping = _Concurrency.Task { try await tracker.run() }
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        world.chain.finish()
        try await stopping.value
        await world.checkConservation()
    }
}

/// A chain that seals one more block (`move`) the first time a snapshot is asked for.
private final class MovingChain: MarketChain, @unchecked Sendable {
    private let base: InMemoryMarketChain
    private var move: (() throws -> Void)?

    init(_ base: InMemoryMarketChain, move: @escaping () throws -> Void) {
        self.base = base
        self.move = move
    }

    var config: PoCoConfig { base.config }
    func headNumber() async -> UInt64 { await base.headNumber() }
    func snapshot() async -> ChainSnapshot {
        if let move { self.move = nil; try? move() }
        return await base.snapshot()
    }
    func logs(blocks range: ClosedRange<UInt64>) async throws(MarketError) -> [MarketLog] { try await base.logs(blocks: range) }
    func heads() async -> AsyncStream<UInt64> { await base.heads() }
}
