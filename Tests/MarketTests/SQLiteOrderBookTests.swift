import Ethereum
import Foundation
import GRDB
import Market
import PoCo
import Testing

/// A scratch directory removed when the value is released.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("iexec-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The two implementations of `OrderBook`, so one contract suite runs against both.
enum BookImplementation: String, CaseIterable, CustomTestStringConvertible {
    case inMemory, sqlite

    var testDescription: String { rawValue }

    /// A fresh, empty book (the scratch directory must outlive it).
    func make(in scratch: ScratchDirectory) throws -> any OrderBook {
        switch self {
        case .inMemory: return InMemoryOrderBook()
        case .sqlite: return try SQLiteOrderBook(path: scratch.path("book.sqlite"))
        }
    }
}

/// Book entries of the four kinds with chosen fields; hashes come from the sequence number.
enum Entries {
    static func address(_ n: UInt8) -> Address { try! Address([UInt8](repeating: 0, count: 19) + [n]) }
    static func tag(_ lastByte: UInt8, firstByte: UInt8 = 0) -> Hash32 {
        try! Hash32([firstByte] + [UInt8](repeating: 0, count: 30) + [lastByte])
    }

    static func entry(_ order: AnyPoCoOrder, signer: Address, sequence: UInt64, status: OrderStatus = .open,
                      remaining: UInt256 = 10) -> MarketOrder {
        MarketOrder(order: order, orderHash: Keccak256.hash("order \(sequence)"), signer: signer, status: status,
                    remaining: remaining, sequence: sequence, publishedAt: 1_700_000_000 + sequence)
    }

    static func app(_ app: Address, price: UInt256, tag: Hash32 = .zero) -> AnyPoCoOrder {
        .app(AppOrder(app: app, appprice: price, volume: 10, tag: tag, datasetrestrict: .zero,
                      workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero))
    }

    static func dataset(_ dataset: Address, price: UInt256, tag: Hash32 = .zero) -> AnyPoCoOrder {
        .dataset(DatasetOrder(dataset: dataset, datasetprice: price, volume: 10, tag: tag, apprestrict: .zero,
                              workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero))
    }

    static func workerpool(_ pool: Address, price: UInt256, tag: Hash32 = .zero, category: UInt256 = 0,
                           trust: UInt256 = 1) -> AnyPoCoOrder {
        .workerpool(WorkerpoolOrder(workerpool: pool, workerpoolprice: price, volume: 10, tag: tag,
                                    category: category, trust: trust, apprestrict: .zero, datasetrestrict: .zero,
                                    requesterrestrict: .zero, salt: .zero))
    }

    static func request(app: Address, dataset: Address, pool: Address, requester: Address, price: UInt256,
                        tag: Hash32 = .zero, category: UInt256 = 0, trust: UInt256 = 1) -> AnyPoCoOrder {
        .request(RequestOrder(app: app, appmaxprice: 1, dataset: dataset, datasetmaxprice: 1, workerpool: pool,
                              workerpoolmaxprice: price, requester: requester, volume: 10, tag: tag,
                              category: category, trust: trust, beneficiary: requester, callback: .zero,
                              params: "{}", salt: .zero))
    }
}

@Suite("Order book contract (in memory and SQLite)")
struct OrderBookContractTests {
    static let pool = Entries.address(0xa1)
    static let owner = Entries.address(0xb1)

    @Test("best price first, then oldest; filters on tag bits, trust, signer, volume and status; pages",
          arguments: BookImplementation.allCases)
    func rankingAndFilters(_ implementation: BookImplementation) throws {
        let scratch = try ScratchDirectory()
        let book = try implementation.make(in: scratch)
        let big = UInt256(1) << 100
        let entries = [
            Entries.entry(Entries.workerpool(Self.pool, price: 5, tag: Entries.tag(0b1)), signer: Self.owner, sequence: 0),
            Entries.entry(Entries.workerpool(Self.pool, price: 3), signer: Self.owner, sequence: 1, remaining: 2),
            Entries.entry(Entries.workerpool(Self.pool, price: 3, trust: 5), signer: Self.pool, sequence: 2),
            Entries.entry(Entries.workerpool(Self.pool, price: 1), signer: Self.owner, sequence: 3, status: .filled),
            Entries.entry(Entries.workerpool(Self.pool, price: big), signer: Self.owner, sequence: 4),
        ]
        for entry in entries { try book.insert(entry) }
        #expect(try book.nextSequence() == 5)

        let all = try book.query(OrderQuery(kind: .workerpool))
        #expect(all.orders == [entries[1], entries[2], entries[0], entries[4]])
        #expect(all.total == 4)
        #expect(try book.query(OrderQuery(kind: .workerpool, minTag: Entries.tag(1))).orders.map(\.sequence) == [0])
        #expect(try book.query(OrderQuery(kind: .workerpool, maxTag: .zero)).orders.map(\.sequence) == [1, 2, 4])
        #expect(try book.query(OrderQuery(kind: .workerpool, minTrust: 2)).orders.map(\.sequence) == [2])
        #expect(try book.query(OrderQuery(kind: .workerpool, signer: Self.pool)).orders.map(\.sequence) == [2])
        #expect(try book.query(OrderQuery(kind: .workerpool, minVolume: 3)).orders.map(\.sequence) == [2, 0, 4])
        #expect(try book.query(OrderQuery(kind: .workerpool, statuses: [.filled])).orders.map(\.sequence) == [3])
        #expect(try book.query(OrderQuery(kind: .workerpool, statuses: [.filled, .open])).total == 5)
        #expect(try book.query(OrderQuery(kind: .app)).total == 0)

        let second = try book.query(OrderQuery(kind: .workerpool, page: 1, pageSize: 3))
        #expect(second.orders.map(\.sequence) == [4])
        #expect(second.total == 4)
        #expect(try book.query(OrderQuery(kind: .workerpool, page: 9, pageSize: 3)).orders.isEmpty)
        #expect(throws: MarketError.invalidQuery("pageSize must be 1…1000, got 0")) {
            try book.query(OrderQuery(kind: .workerpool, pageSize: 0))
        }
        #expect(throws: MarketError.invalidQuery("status must name at least one status")) {
            try book.query(OrderQuery(kind: .workerpool, statuses: []))
        }
    }

    @Test("requests rank highest workerpool price first; fields a kind lacks never exclude it",
          arguments: BookImplementation.allCases)
    func requestsAndMissingFields(_ implementation: BookImplementation) throws {
        let scratch = try ScratchDirectory()
        let book = try implementation.make(in: scratch)
        let (app, dataset, requester) = (Entries.address(1), Entries.address(2), Entries.address(3))
        let requests = [
            Entries.entry(Entries.request(app: app, dataset: dataset, pool: .zero, requester: requester, price: 4),
                          signer: requester, sequence: 0),
            Entries.entry(Entries.request(app: app, dataset: .zero, pool: Self.pool, requester: requester, price: 9,
                                          category: 2), signer: requester, sequence: 1),
        ]
        let datasetEntry = Entries.entry(Entries.dataset(dataset, price: 7), signer: Self.owner, sequence: 2)
        for entry in requests + [datasetEntry] { try book.insert(entry) }
        #expect(try book.query(OrderQuery(kind: .request)).orders == [requests[1], requests[0]])
        #expect(try book.query(OrderQuery(kind: .request, dataset: dataset)).orders == [requests[0]])
        #expect(try book.query(OrderQuery(kind: .request, workerpool: Self.pool, category: 2)).orders == [requests[1]])
        #expect(try book.query(OrderQuery(kind: .request, requester: Self.owner)).total == 0)
        // A dataset order has no app, workerpool, requester, category or trust: those filters pass it.
        let datasetQuery = OrderQuery(kind: .dataset, app: app, dataset: dataset, workerpool: Self.pool,
                                      requester: requester, category: 5, minTrust: 100)
        #expect(try book.query(datasetQuery).orders == [datasetEntry])
        #expect(datasetQuery.selects(datasetEntry))
    }

    @Test("a duplicate insert changes nothing; the sequence survives removal", arguments: BookImplementation.allCases)
    func duplicatesAndSequence(_ implementation: BookImplementation) throws {
        let scratch = try ScratchDirectory()
        let book = try implementation.make(in: scratch)
        let entry = Entries.entry(Entries.app(Entries.address(1), price: 2), signer: Self.owner, sequence: 6)
        try book.insert(entry)
        var twin = entry
        twin.status = .dead
        twin.sequence = 40
        #expect(throws: MarketError.alreadyPublished(entry.orderHash)) { try book.insert(twin) }
        #expect(try book.order(entry.orderHash) == entry)
        #expect(try book.nextSequence() == 7)
        #expect(try book.remove(entry.orderHash))
        #expect(try !book.remove(entry.orderHash))
        #expect(try book.order(entry.orderHash) == nil)
        #expect(try book.nextSequence() == 7)
        try book.insert(Entries.entry(Entries.app(Entries.address(1), price: 2), signer: Self.owner, sequence: 3))
        #expect(try book.nextSequence() == 7)
    }

    @Test("updates and the block cursor apply together; by-status lists; the per-signer count",
          arguments: BookImplementation.allCases)
    func updates(_ implementation: BookImplementation) throws {
        let scratch = try ScratchDirectory()
        let book = try implementation.make(in: scratch)
        let entries = (0..<4).map { n in
            Entries.entry(Entries.workerpool(Self.pool, price: UInt256(UInt64(n))), signer: Self.owner,
                          sequence: UInt64(10 - n))
        }
        for entry in entries { try book.insert(entry) }
        #expect(try book.activeOrderCount(signer: Self.owner) == 4)
        #expect(try book.activeOrderCount(signer: Self.pool) == 0)
        #expect(try book.lastProcessedBlock() == nil)
        try book.apply([
            OrderUpdate(orderHash: entries[0].orderHash, status: .filled, remaining: 0),
            OrderUpdate(orderHash: entries[1].orderHash, status: .dead, remaining: 4),
            OrderUpdate(orderHash: Keccak256.hash("not in the book"), status: .canceled, remaining: 0),
        ], throughBlock: 12)
        #expect(try book.order(entries[0].orderHash)?.status == .filled)
        #expect(try book.order(entries[1].orderHash)?.remaining == 4)
        #expect(try book.lastProcessedBlock() == 12)
        #expect(try book.activeOrderCount(signer: Self.owner) == 3)
        #expect(try book.orders(withStatus: [.open, .dead]).map(\.sequence) == [7, 8, 9])
        #expect(try book.orders(withStatus: [.canceled]).isEmpty)
        try book.apply([], throughBlock: nil)
        #expect(try book.lastProcessedBlock() == 12)
    }
}

@Suite("SQLite order book")
struct SQLiteOrderBookTests {
    /// Random entries of the four kinds over few addresses, prices (some past 2⁶⁴, many equal),
    /// tags, categories, trusts and statuses, so that filters and ties are exercised.
    static func randomEntry(_ sequence: UInt64, _ random: inout SplitMix64) -> MarketOrder {
        func pick<T>(_ values: [T]) -> T { values[random.index(below: values.count)] }
        let addresses = (1...3).map { Entries.address(UInt8($0)) }
        let prices: [UInt256] = [0, 1, 2, 5, 5, 1 << 64, (1 << 64) + 1, .max]
        let tags = [Hash32.zero, Entries.tag(1), Entries.tag(3), Entries.tag(0x10), Entries.tag(1, firstByte: 0x80)]
        let numbers: [UInt256] = [0, 1, 2, 1 << 70]
        let order: AnyPoCoOrder
        switch random.index(below: 4) {
        case 0: order = Entries.app(pick(addresses), price: pick(prices), tag: pick(tags))
        case 1: order = Entries.dataset(pick(addresses), price: pick(prices), tag: pick(tags))
        case 2: order = Entries.workerpool(pick(addresses), price: pick(prices), tag: pick(tags), category: pick(numbers),
                                           trust: pick(numbers))
        default:
            order = Entries.request(app: pick(addresses), dataset: pick(addresses + [.zero]), pool: pick(addresses + [.zero]),
                                    requester: pick(addresses), price: pick(prices), tag: pick(tags),
                                    category: pick(numbers), trust: pick(numbers))
        }
        return Entries.entry(order, signer: pick(addresses), sequence: sequence, status: pick(OrderStatus.allCases),
                             remaining: pick(numbers))
    }

    static func randomQuery(_ random: inout SplitMix64) -> OrderQuery {
        func maybe<T>(_ values: [T]) -> T? { random.chance(0.3) ? values[random.index(below: values.count)] : nil }
        let addresses = (1...4).map { Entries.address(UInt8($0)) }
        let tags = [Hash32.zero, Entries.tag(1), Entries.tag(3), Entries.tag(0x11), Entries.tag(1, firstByte: 0x80)]
        let numbers: [UInt256] = [0, 1, 2, 3, 1 << 70]
        var statuses = Set(OrderStatus.allCases.filter { _ in random.chance(0.5) })
        if statuses.isEmpty { statuses = [.open] }
        return OrderQuery(kind: OrderKind.allCases[random.index(below: 4)], app: maybe(addresses), dataset: maybe(addresses),
                          workerpool: maybe(addresses), requester: maybe(addresses), signer: maybe(addresses),
                          category: maybe(numbers), minTag: maybe(tags), maxTag: maybe(tags), minTrust: maybe(numbers),
                          minVolume: maybe(numbers), statuses: statuses, page: random.index(below: 4),
                          pageSize: [1, 3, 7, 50][random.index(below: 4)])
    }

    @Test("300 random orders: 200 random queries page exactly as the in-memory book, before and after updates")
    func differential() throws {
        let scratch = try ScratchDirectory()
        let sqlite = try SQLiteOrderBook(path: scratch.path("book.sqlite"))
        let memory = InMemoryOrderBook()
        var random = SplitMix64(seed: 6)
        let entries = (0..<300).map { Self.randomEntry(UInt64($0), &random) }
        for entry in entries {
            try sqlite.insert(entry)
            try memory.insert(entry)
        }
        var nonEmpty = 0
        for round in 0..<2 {
            for _ in 0..<100 {
                let query = Self.randomQuery(&random)
                let expected = try memory.query(query)
                #expect(try sqlite.query(query) == expected, "\(query)")
                if !expected.orders.isEmpty { nonEmpty += 1 }
            }
            if round == 0 {
                let updates = entries.filter { _ in random.chance(0.3) }.map { entry in
                    OrderUpdate(orderHash: entry.orderHash, status: OrderStatus.allCases[random.index(below: 4)],
                                remaining: UInt256(random.next(below: 4)))
                }
                try sqlite.apply(updates, throughBlock: 5)
                try memory.apply(updates, throughBlock: 5)
            }
        }
        // The queries are not all trivially empty.
        #expect(nonEmpty > 50)
        for status in OrderStatus.allCases {
            #expect(try sqlite.orders(withStatus: [status]) == memory.orders(withStatus: [status]))
        }
        for signer in (1...3).map({ Entries.address(UInt8($0)) }) {
            #expect(try sqlite.activeOrderCount(signer: signer) == memory.activeOrderCount(signer: signer))
        }
    }

    @Test("orders, statuses, the cursor and the sequence survive closing and reopening the file")
    func restart() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("book.sqlite")
        var random = SplitMix64(seed: 7)
        let entries = (0..<20).map { Self.randomEntry(UInt64($0) * 3, &random) }
        do {
            let book = try SQLiteOrderBook(path: path)
            for entry in entries { try book.insert(entry) }
            try book.apply([OrderUpdate(orderHash: entries[0].orderHash, status: .filled, remaining: 0)], throughBlock: 42)
            try book.remove(entries[19].orderHash)
            try book.close()
        }
        let book = try SQLiteOrderBook(path: path)
        #expect(try book.lastProcessedBlock() == 42)
        #expect(try book.nextSequence() == 58)
        var expected = entries.dropLast()
        expected[0].status = .filled
        expected[0].remaining = 0
        #expect(try book.orders(withStatus: Set(OrderStatus.allCases)) == Array(expected))
        #expect(try book.order(entries[19].orderHash) == nil)
    }

    /// A SQLite book at `book.sqlite` in `scratch` holding one OPEN app order entry.
    static func bookWithOneEntry(in scratch: ScratchDirectory) throws
        -> (path: String, book: SQLiteOrderBook, entry: MarketOrder) {
        let path = scratch.path("book.sqlite")
        let book = try SQLiteOrderBook(path: path)
        let entry = Entries.entry(Entries.app(Entries.address(1), price: 2), signer: Entries.address(1), sequence: 0)
        try book.insert(entry)
        return (path, book, entry)
    }

    @Test("an apply whose cursor write fails leaves every order and the cursor as they were")
    func atomicApply() throws {
        let scratch = try ScratchDirectory()
        let (path, book, entry) = try Self.bookWithOneEntry(in: scratch)
        try book.apply([], throughBlock: 3)
        // Another connection makes the cursor write at block 666 fail, after the status updates ran.
        let saboteur = try DatabaseQueue(path: path)
        try saboteur.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_cursor BEFORE UPDATE OF last_block ON book WHEN NEW.last_block = 666
                BEGIN SELECT RAISE(ABORT, 'cursor write refused'); END
                """)
        }
        #expect(throws: MarketError.storage("apply 1 status updates: cursor write refused")) {
            try book.apply([OrderUpdate(orderHash: entry.orderHash, status: .filled, remaining: 0)], throughBlock: 666)
        }
        #expect(try book.order(entry.orderHash) == entry)
        #expect(try book.lastProcessedBlock() == 3)
        try book.apply([OrderUpdate(orderHash: entry.orderHash, status: .filled, remaining: 0)], throughBlock: 4)
        #expect(try book.order(entry.orderHash)?.status == .filled)
    }

    @Test("a row that does not decode and a file that is not a database are storage errors, not crashes")
    func corruption() throws {
        let scratch = try ScratchDirectory()
        let (path, book, entry) = try Self.bookWithOneEntry(in: scratch)
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "UPDATE orders SET json = '{\"app\": 1}'") }
        #expect(throws: MarketError.storage("order row \(entry.orderHash.hex): the stored order JSON does not parse")) {
            try book.order(entry.orderHash)
        }
        let notDatabase = scratch.path("notes.txt")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: notDatabase))
        do {
            _ = try SQLiteOrderBook(path: notDatabase)
            Issue.record("a text file opened as an order book")
        } catch {
            guard case .storage(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("not a database"))
        }
    }
}
