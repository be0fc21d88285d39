import Ethereum
import Market
import PoCo
import Testing

@Suite("In-memory order book")
struct InMemoryOrderBookTests {
    static let pool = try! Address(hex: "0x00000000000000000000000000000000000000a1")

    static func tag(_ lastByte: UInt8) -> Hash32 {
        try! Hash32([UInt8](repeating: 0, count: 31) + [lastByte])
    }

    static func workerpoolEntry(price: UInt64, sequence: UInt64, tag: UInt8 = 0, trust: UInt64 = 1,
                                status: OrderStatus = .open) -> MarketOrder {
        let order = WorkerpoolOrder(workerpool: pool, workerpoolprice: UInt256(price), volume: 10, tag: Self.tag(tag),
                                    category: 0, trust: UInt256(trust), apprestrict: .zero, datasetrestrict: .zero,
                                    requesterrestrict: .zero, salt: Self.tag(UInt8(sequence)))
        return MarketOrder(order: .workerpool(order), orderHash: Keccak256.hash("order \(sequence)"), signer: pool,
                           status: status, remaining: 10, sequence: sequence, publishedAt: 0)
    }

    @Test("best price first, then oldest; filters on tag bits, trust and status; pages")
    func rankingAndFilters() throws {
        let book = InMemoryOrderBook()
        let entries = [
            Self.workerpoolEntry(price: 5, sequence: 0, tag: 0b1),
            Self.workerpoolEntry(price: 3, sequence: 1),
            Self.workerpoolEntry(price: 3, sequence: 2, trust: 5),
            Self.workerpoolEntry(price: 1, sequence: 3, status: .filled),
        ]
        for entry in entries { try book.insert(entry) }
        #expect(throws: MarketError.alreadyPublished(entries[0].orderHash)) { try book.insert(entries[0]) }
        #expect(try book.nextSequence() == 4)

        let all = try book.query(OrderQuery(kind: .workerpool))
        #expect(all.orders.map(\.sequence) == [1, 2, 0])
        #expect(all.total == 3)
        #expect(try book.query(OrderQuery(kind: .workerpool, minTag: Self.tag(1))).orders.map(\.sequence) == [0])
        #expect(try book.query(OrderQuery(kind: .workerpool, maxTag: Self.tag(0))).orders.map(\.sequence) == [1, 2])
        #expect(try book.query(OrderQuery(kind: .workerpool, minTrust: 2)).orders.map(\.sequence) == [2])
        #expect(try book.query(OrderQuery(kind: .workerpool, statuses: [.filled])).orders.map(\.sequence) == [3])
        #expect(try book.query(OrderQuery(kind: .app)).total == 0)

        let second = try book.query(OrderQuery(kind: .workerpool, page: 1, pageSize: 2))
        #expect(second.orders.map(\.sequence) == [0])
        #expect(second.total == 3)
        #expect(throws: MarketError.invalidQuery("pageSize must be 1…1000, got 0")) {
            try book.query(OrderQuery(kind: .workerpool, pageSize: 0))
        }
    }

    @Test("updates and the block cursor apply together; removal; the per-signer count")
    func updates() throws {
        let book = InMemoryOrderBook()
        let entry = Self.workerpoolEntry(price: 1, sequence: 7)
        try book.insert(entry)
        #expect(try book.activeOrderCount(signer: Self.pool) == 1)
        #expect(try book.lastProcessedBlock() == nil)
        try book.apply([OrderUpdate(orderHash: entry.orderHash, status: .filled, remaining: 0)], throughBlock: 12)
        #expect(try book.order(entry.orderHash)?.status == .filled)
        #expect(try book.lastProcessedBlock() == 12)
        #expect(try book.activeOrderCount(signer: Self.pool) == 0)
        #expect(try book.remove(entry.orderHash))
        #expect(try !book.remove(entry.orderHash))
        #expect(try book.order(entry.orderHash) == nil)
    }
}
