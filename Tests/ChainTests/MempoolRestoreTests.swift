import Chain
import Ethereum
import Testing

@Suite("Mempool persistence")
struct MempoolRestoreTests {
    typealias F = MempoolFixtures

    static let configuration = MempoolConfiguration(chainId: F.chainId)

    @Test("allRaw lists the admitted transactions in arrival order, without refused or removed ones")
    func allRawInArrivalOrder() throws {
        var pool = Mempool(configuration: Self.configuration)
        let txs = [F.legacy(1, nonce: 1), F.eip1559(0, nonce: 0), F.eip2930(1, nonce: 0), F.legacy(2, nonce: 0)]
        for tx in txs { try pool.admit(raw: tx.rawBytes, accountNonce: F.nonces()) }
        #expect(throws: MempoolError.self) { try pool.admit(raw: F.legacy(0, nonce: 0, chainId: 1).rawBytes, accountNonce: F.nonces()) }
        pool.remove(hashes: [txs[3].hash])
        #expect(pool.allRaw == txs.prefix(3).map(\.rawBytes))
    }

    @Test("restoring allRaw gives the same pending set, order and batches")
    func roundTrip() throws {
        var pool = Mempool(configuration: Self.configuration)
        let txs = [
            F.legacy(2, nonce: 1), F.eip1559(0, nonce: 0), F.eip2930(2, nonce: 0), F.legacy(1, nonce: 0),
            F.legacy(0, nonce: 1), F.eip1559(1, nonce: 2),
        ]
        for tx in txs { try pool.admit(raw: tx.rawBytes, accountNonce: F.nonces()) }
        var refusals: [Int] = []
        let restored = Mempool(
            restoring: pool.allRaw, configuration: Self.configuration, accountNonce: F.nonces(),
            onRefusal: { index, _ in refusals.append(index) })
        #expect(refusals.isEmpty)
        #expect(restored.count == pool.count)
        #expect(restored.allRaw == pool.allRaw)
        #expect(restored.nextBatch(maxCount: 100, accountNonce: F.nonces())
            == pool.nextBatch(maxCount: 100, accountNonce: F.nonces()))
        for tx in txs { #expect(restored.pending(tx.hash)?.sender == pool.pending(tx.hash)?.sender) }
    }

    @Test("restoring drops transactions mined meanwhile and reports them with their index")
    func restoreAfterBlocks() throws {
        let raws: [[UInt8]] = [
            F.legacy(0, nonce: 0).rawBytes, F.legacy(1, nonce: 0).rawBytes, F.legacy(0, nonce: 1).rawBytes,
            [0x05, 0xc0],
        ]
        let mined = F.nonces([F.senders[0]: 1])
        var refusals: [(Int, MempoolError)] = []
        let restored = Mempool(
            restoring: raws, configuration: Self.configuration, accountNonce: mined,
            onRefusal: { refusals.append(($0, $1)) })
        #expect(refusals.map(\.0) == [0, 3])
        #expect(refusals.map(\.1) == [
            .nonceTooLow(sender: F.senders[0], nonce: 0, next: 1), .invalidTransaction(.unknownType(0x05)),
        ])
        #expect(restored.allRaw == [raws[1], raws[2]])
        #expect(restored.nextBatch(maxCount: 10, accountNonce: mined).map(\.hash)
            == [F.legacy(1, nonce: 0).hash, F.legacy(0, nonce: 1).hash])
    }
}
