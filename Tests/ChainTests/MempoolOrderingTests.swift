import Chain
import Ethereum
import Testing

@Suite("Mempool ordering")
struct MempoolOrderingTests {
    typealias F = MempoolFixtures

    func admit(_ pool: inout Mempool, _ txs: [SignedTransaction], nonces: (Address) -> UInt64 = F.nonces()) throws {
        for tx in txs { try pool.admit(raw: tx.rawBytes, accountNonce: nonces) }
    }

    @Test("one sender's transactions come in nonce order whatever their arrival order")
    func nonceOrder() throws {
        var pool = F.pool()
        try admit(&pool, [F.legacy(0, nonce: 2), F.eip1559(0, nonce: 0), F.eip2930(0, nonce: 1)])
        #expect(pool.nextBatch(maxCount: 10, accountNonce: F.nonces()).map(\.hash)
            == [F.eip1559(0, nonce: 0).hash, F.eip2930(0, nonce: 1).hash, F.legacy(0, nonce: 2).hash])
    }

    @Test("a missing nonce holds back every later one until it arrives")
    func gap() throws {
        var pool = F.pool()
        try admit(&pool, [F.legacy(0, nonce: 0), F.legacy(0, nonce: 2), F.legacy(0, nonce: 3)])
        #expect(pool.nextBatch(maxCount: 10, accountNonce: F.nonces()) == [F.legacy(0, nonce: 0)])
        // A sender whose next nonce is missing contributes nothing.
        try admit(&pool, [F.legacy(1, nonce: 1)])
        #expect(pool.nextBatch(maxCount: 10, accountNonce: F.nonces()) == [F.legacy(0, nonce: 0)])
        try admit(&pool, [F.legacy(0, nonce: 1)])
        #expect(pool.nextBatch(maxCount: 10, accountNonce: F.nonces()).map(\.transaction.nonce) == [0, 1, 2, 3])
    }

    @Test("readiness starts at the account's next nonce")
    func startsAtAccountNonce() throws {
        var pool = F.pool()
        let nonces = F.nonces([F.senders[0]: 7])
        try admit(&pool, [F.legacy(0, nonce: 8), F.legacy(0, nonce: 7)], nonces: nonces)
        #expect(pool.nextBatch(maxCount: 10, accountNonce: nonces).map(\.transaction.nonce) == [7, 8])
        #expect(pool.nextBatch(maxCount: 10, accountNonce: F.nonces()).isEmpty)
    }

    /// Sender 0 sends nonces 0–2 first, sender 1 nonces 0–1, sender 2 sends nonce 1 before sender 1
    /// and nonce 0 last: its first ready transaction is its nonce 0, so it comes third.
    func threeSenders() throws -> Mempool {
        var pool = F.pool()
        try admit(&pool, [
            F.legacy(0, nonce: 0), F.legacy(2, nonce: 1), F.legacy(0, nonce: 1), F.eip1559(1, nonce: 0),
            F.legacy(0, nonce: 2), F.eip1559(1, nonce: 1), F.eip2930(2, nonce: 0),
        ])
        return pool
    }

    @Test("senders take turns in the arrival order of their first ready transaction")
    func interleaving() throws {
        let pool = try threeSenders()
        let expected = [
            F.legacy(0, nonce: 0), F.eip1559(1, nonce: 0), F.eip2930(2, nonce: 0),
            F.legacy(0, nonce: 1), F.eip1559(1, nonce: 1), F.legacy(2, nonce: 1),
            F.legacy(0, nonce: 2),
        ]
        #expect(pool.nextBatch(maxCount: 100, accountNonce: F.nonces()) == expected)
        #expect(pool.nextBatch(maxCount: 4, accountNonce: F.nonces()) == Array(expected.prefix(4)))
        #expect(pool.nextBatch(maxCount: 0, accountNonce: F.nonces()).isEmpty)
        // The same admissions give the same batch.
        #expect(try threeSenders().nextBatch(maxCount: 100, accountNonce: F.nonces()) == expected)
    }

    @Test("after a block, removing its transactions and advancing nonces yields the rest")
    func removeAfterBlock() throws {
        var pool = try threeSenders()
        let block = pool.nextBatch(maxCount: 4, accountNonce: F.nonces())
        pool.remove(hashes: block.map(\.hash))
        #expect(pool.count == 3)
        for tx in block { #expect(pool.pending(tx.hash) == nil) }
        let mined = F.nonces([F.senders[0]: 2, F.senders[1]: 1, F.senders[2]: 1])
        // Now the first ready ones are sender 2's nonce 1 (arrived 2nd), sender 0's nonce 2 (5th),
        // sender 1's nonce 1 (6th).
        #expect(pool.nextBatch(maxCount: 100, accountNonce: mined)
            == [F.legacy(2, nonce: 1), F.legacy(0, nonce: 2), F.eip1559(1, nonce: 1)])
        pool.remove(hashes: [F.legacy(0, nonce: 2).hash, F.legacy(0, nonce: 2).hash, Hash32.zero])
        #expect(pool.count == 2)
        #expect(pool.pendingCount(of: F.senders[0]) == 0)
    }
}
