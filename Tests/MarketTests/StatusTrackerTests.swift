import Ethereum
import Foundation
import PoCo
import Testing

@testable import Market

/// A chain with an app, a dataset and a workerpool registered to funded owners and a funded
/// requester; it counts deposits and withdrawals to check that nRLC is conserved.
struct TrackerWorld {
    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: key(1).address)

    static func key(_ n: Int) -> PrivateKey { try! PrivateKey(Keccak256.hash("iexec-swift market actor \(n)").bytes) }

    let chain = InMemoryMarketChain(config: Self.config)
    let appOwner = key(10), datasetOwner = key(11), workerpoolOwner = key(12), requester = key(13)
    let app: Address, dataset: Address, workerpool: Address
    private(set) var deposited: UInt256 = 0
    private(set) var withdrawn: UInt256 = 0
    private var sequence: UInt64 = 0

    var domain: PoCoDomain { Self.config.domain }

    /// The assets registered; the workerpool owner and the requester deposit `funding` nRLC (app
    /// and dataset owners hold nothing: their orders never need funds).
    init(funding: UInt64 = 1_000) throws {
        app = try Self.created(chain.apply(.registry(.createApp(
            owner: appOwner.address, name: "app", type: "WASM", multiaddr: Array("/wasm/app".utf8),
            checksum: Keccak256.hash("app"), mrenclave: [])), from: appOwner.address))
        dataset = try Self.created(chain.apply(.registry(.createDataset(
            owner: datasetOwner.address, name: "dataset", multiaddr: Array("/data/set".utf8),
            checksum: Keccak256.hash("dataset"))), from: datasetOwner.address))
        workerpool = try Self.created(chain.apply(.registry(.createWorkerpool(
            owner: workerpoolOwner.address, description: "pool")), from: workerpoolOwner.address))
        try deposit(funding, for: workerpoolOwner.address)
        try deposit(funding, for: requester.address)
    }

    private static func created(_ receipt: CallReceipt) throws -> Address {
        guard case .address(let address) = receipt.output else { throw MarketError.invalidOrder("\(receipt.output)") }
        return address
    }

    mutating func deposit(_ nRLC: UInt64, for account: Address) throws {
        try chain.apply(.escrow(.deposit), from: account, value: UInt256(nRLC) * PoCoConstants.weiPerNRLC)
        deposited += UInt256(nRLC)
    }

    mutating func withdraw(_ nRLC: UInt64, from account: Address) throws {
        try chain.apply(.escrow(.withdraw(amount: UInt256(nRLC))), from: account)
        withdrawn += UInt256(nRLC)
    }

    /// Σ balance + frozen = total supply = deposits − withdrawals.
    func checkConservation(sourceLocation: SourceLocation = #_sourceLocation) async {
        let state = await chain.snapshot().state
        #expect(state.totalHeld == deposited - withdrawn, sourceLocation: sourceLocation)
        #expect(state.uint(.totalSupply) == deposited - withdrawn, sourceLocation: sourceLocation)
    }

    // MARK: Orders

    /// Signed orders: app 3, dataset 2, workerpool 10 nRLC (one task's stake: 3); `salt` tells
    /// otherwise equal orders apart.
    func orders(appVolume: UInt256 = 10, workerpoolVolume: UInt256 = 10, requestVolume: UInt256 = 10,
                salt: String = "") -> (app: AppOrder, dataset: DatasetOrder, workerpool: WorkerpoolOrder, request: RequestOrder) {
        let salt = Keccak256.hash("salt \(salt)")
        return (
            AppOrder(app: app, appprice: 3, volume: appVolume, tag: .zero, datasetrestrict: .zero,
                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt).signed(with: appOwner, in: domain),
            DatasetOrder(dataset: dataset, datasetprice: 2, volume: appVolume, tag: .zero, apprestrict: .zero,
                         workerpoolrestrict: .zero, requesterrestrict: .zero, salt: salt)
                .signed(with: datasetOwner, in: domain),
            WorkerpoolOrder(workerpool: workerpool, workerpoolprice: 10, volume: workerpoolVolume, tag: .zero,
                            category: 0, trust: 1, apprestrict: .zero, datasetrestrict: .zero,
                            requesterrestrict: .zero, salt: salt).signed(with: workerpoolOwner, in: domain),
            RequestOrder(app: app, appmaxprice: 3, dataset: dataset, datasetmaxprice: 2, workerpool: .zero,
                         workerpoolmaxprice: 10, requester: requester.address, volume: requestVolume, tag: .zero,
                         category: 0, trust: 1, beneficiary: requester.address, callback: .zero, params: "{}",
                         salt: salt).signed(with: requester, in: domain))
    }

    /// Publishes `order` as an OPEN entry with its whole volume (as publication would).
    mutating func publish(_ order: AnyPoCoOrder, in book: any OrderBook) throws -> Hash32 {
        let signer = try order.signer(in: domain)
        let hash = order.hash(in: domain)
        try book.insert(MarketOrder(order: order, orderHash: hash, signer: signer, status: .open,
                                    remaining: order.order.volume, sequence: sequence, publishedAt: 0))
        sequence += 1
        return hash
    }

    func match(_ app: AppOrder, _ dataset: DatasetOrder, _ workerpool: WorkerpoolOrder, _ request: RequestOrder) throws {
        try chain.apply(.matching(.matchOrders(app, dataset, workerpool, request)), from: requester.address)
    }
}

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
    @Test("a partial match lowers the remaining volume and keeps the order OPEN; a full match fills it")
    func matches() async throws {
        var world = try TrackerWorld()
        let book = InMemoryOrderBook()
        let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
        let first = world.orders(workerpoolVolume: 2, requestVolume: 5)
        let app = try world.publish(.app(first.app), in: book)
        let dataset = try world.publish(.dataset(first.dataset), in: book)
        let pool = try world.publish(.workerpool(first.workerpool), in: book)
        let request = try world.publish(.request(first.request), in: book)
        try await tracker.catchUp()
        #expect(try book.lastProcessedBlock() == (await world.chain.snapshot().blockNumber))
        #expect(try standing(book, request) == Standing(.open, 5))

        try world.match(first.app, first.dataset, first.workerpool, first.request)
        try await tracker.catchUp()
        #expect(try standing(book, app) == Standing(.open, 8))
        #expect(try standing(book, dataset) == Standing(.open, 8))
        #expect(try standing(book, pool) == Standing(.filled, 0))
        #expect(try standing(book, request) == Standing(.open, 3))

        let second = world.orders(workerpoolVolume: 5, salt: "second")
        let pool2 = try world.publish(.workerpool(second.workerpool), in: book)
        try world.match(first.app, first.dataset, second.workerpool, first.request)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.filled, 0))
        #expect(try standing(book, pool2) == Standing(.open, 2))
        #expect(try standing(book, app) == Standing(.open, 5))
        #expect(try book.lastProcessedBlock() == (await world.chain.snapshot().blockNumber))
        await world.checkConservation()
    }

    @Test("CLOSE on chain cancels an order for good; a look-alike log from another contract does not")
    func close() async throws {
        var world = try TrackerWorld()
        let book = InMemoryOrderBook()
        let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
        let orders = world.orders()
        let app = try world.publish(.app(orders.app), in: book)
        let request = try world.publish(.request(orders.request), in: book)
        try await tracker.catchUp()
        try world.chain.apply(.orders(.manageRequestOrder(OrderOperation(order: orders.request, operation: .close))),
                              from: world.requester.address)
        try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: orders.app, operation: .close))),
                              from: world.appOwner.address)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.canceled, 0))
        #expect(try standing(book, app) == Standing(.canceled, 0))
        // Later passes keep it CANCELED, though the state alone would say FILLED.
        try world.deposit(1, for: world.requester.address)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.canceled, 0))
        var entry = try #require(try book.order(request))
        let state = await world.chain.snapshot().state
        #expect(MarketStatusTracker.derive(entry, closed: false, state: state).status == .canceled)
        entry.status = .open
        #expect(MarketStatusTracker.derive(entry, closed: false, state: state).status == .filled)

        let closedTopic = Keccak256.hash(PoCoEvent.closedOrder(.request, hash: .zero).signature)
        let forged = MarketLog(blockNumber: 1, address: Entries.address(9), topics: [closedTopic], data: request.bytes)
        #expect(OrderLogDigest(logs: [forged], hub: TrackerWorld.config.hub).closed.isEmpty)
        let genuine = MarketLog(blockNumber: 1, address: TrackerWorld.config.hub, topics: [closedTopic], data: request.bytes)
        #expect(OrderLogDigest(logs: [genuine], hub: TrackerWorld.config.hub).closed == [request])
        await world.checkConservation()
    }

    @Test("an owner who cannot pay makes the order DEAD, and OPEN again once they can; app orders never die")
    func funding() async throws {
        var world = try TrackerWorld(funding: 1_000)
        let book = InMemoryOrderBook()
        let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
        let orders = world.orders()
        let app = try world.publish(.app(orders.app), in: book)
        let pool = try world.publish(.workerpool(orders.workerpool), in: book)
        let request = try world.publish(.request(orders.request), in: book)
        try await tracker.catchUp()

        // 10 tasks at 3 + 2 + 10 nRLC cost 150: 149 is not enough, 150 is.
        try world.withdraw(851, from: world.requester.address)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.dead, 10))
        #expect(try book.activeOrderCount(signer: world.requester.address) == 1)
        try world.deposit(1, for: world.requester.address)
        try await tracker.catchUp()
        #expect(try standing(book, request) == Standing(.open, 10))

        // One task's scheduler stake is 10 · 30 / 100 = 3 nRLC.
        try world.withdraw(998, from: world.workerpoolOwner.address)
        try await tracker.catchUp()
        #expect(try standing(book, pool) == Standing(.dead, 10))
        try world.deposit(1, for: world.workerpoolOwner.address)
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
        var world = try TrackerWorld()
        let orders = world.orders(requestVolume: 5)
        let (app, request): (Hash32, Hash32)
        let cursor: UInt64
        do {
            let book = try SQLiteOrderBook(path: path)
            let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
            app = try world.publish(.app(orders.app), in: book)
            request = try world.publish(.request(orders.request), in: book)
            try await tracker.catchUp()
            let partial = world.orders(workerpoolVolume: 2, salt: "partial")
            try world.match(orders.app, orders.dataset, partial.workerpool, orders.request)
            try await tracker.catchUp()
            #expect(try standing(book, request) == Standing(.open, 3))
            cursor = try #require(try book.lastProcessedBlock())
            try book.close()
        }
        let more = world.orders(workerpoolVolume: 1, salt: "more")
        try world.match(orders.app, orders.dataset, more.workerpool, orders.request)
        try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: orders.app, operation: .close))),
                              from: world.appOwner.address)
        let head = await world.chain.snapshot().blockNumber
        #expect(head > cursor)

        let book = try SQLiteOrderBook(path: path)
        let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
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

    @Test("run() passes at start and at each new head, and ends on cancellation or when the chain stops")
    func run() async throws {
        var world = try TrackerWorld()
        let book = AnnouncingBook()
        let tracker = MarketStatusTracker(book: book, chain: world.chain, policy: MarketPolicy())
        let orders = world.orders()
        let request = try world.publish(.request(orders.request), in: book)
        var passes = book.applied.makeAsyncIterator()

        let running = _Concurrency.Task { try await tracker.run() }
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        try world.chain.apply(.orders(.manageRequestOrder(OrderOperation(order: orders.request, operation: .close))),
                              from: world.requester.address)
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        #expect(try standing(book, request) == Standing(.canceled, 0))
        running.cancel()
        try await running.value

        // A new block makes the next run's first pass write, which shows it has subscribed to heads.
        try world.deposit(1, for: world.requester.address)
        let stopping = _Concurrency.Task { try await tracker.run() }
        #expect(await passes.next() == .some(await world.chain.snapshot().blockNumber))
        world.chain.finish()
        try await stopping.value
        await world.checkConservation()
    }
}
