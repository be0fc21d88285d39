import Chain
import Ethereum
import Testing

/// Signed transactions for the mempool tests, from the usual development keys.
enum MempoolFixtures {
    static let chainId: UInt64 = 31337
    /// Accounts 0 and 1 of the development mnemonic and one more key.
    static let keys: [PrivateKey] = [
        try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
        try! PrivateKey(hex: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fbf9c69a60cbc87"),
    ]
    /// The keys' addresses, as eth-account's `Account.from_key(k).address` gives them.
    static let senders: [Address] = [
        try! Address(hex: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        try! Address(hex: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        try! Address(hex: "0x78e09AAAB0Cd2872Dd2bCAe0d10eA057a9D05ec0"),
    ]
    static let bob = try! Address(hex: "0x0000000000000000000000000000000000000B0b")

    static func legacy(
        _ key: Int, nonce: UInt64, chainId: UInt64? = chainId, to: Address? = bob,
        value: UInt256 = .zero, data: [UInt8] = []
    ) -> SignedTransaction {
        LegacyTransaction(
            nonce: nonce, gasPrice: .zero, gasLimit: 100_000, to: to, value: value, data: data,
            chainId: chainId
        ).sign(with: keys[key])
    }

    static func eip2930(_ key: Int, nonce: UInt64, chainId: UInt64 = chainId, to: Address? = bob) -> SignedTransaction {
        EIP2930Transaction(
            chainId: chainId, nonce: nonce, gasPrice: UInt256(7), gasLimit: 100_000, to: to
        ).sign(with: keys[key])
    }

    static func eip1559(_ key: Int, nonce: UInt64, chainId: UInt64 = chainId, to: Address? = bob) -> SignedTransaction {
        EIP1559Transaction(
            chainId: chainId, nonce: nonce, maxPriorityFeePerGas: UInt256(2), maxFeePerGas: UInt256(9),
            gasLimit: 100_000, to: to
        ).sign(with: keys[key])
    }

    /// Next nonces from a table; accounts not in it start at 0.
    static func nonces(_ table: [Address: UInt64] = [:]) -> (Address) -> UInt64 {
        { table[$0] ?? 0 }
    }

    static func pool(
        maxRawSize: Int = 128 * 1024, maxNonceAhead: UInt64 = 64, maxCount: Int = 100_000,
        maxPerSender: Int = 64
    ) -> Mempool {
        Mempool(configuration: MempoolConfiguration(
            chainId: chainId, maxRawSize: maxRawSize, maxNonceAhead: maxNonceAhead,
            maxCount: maxCount, maxPerSender: maxPerSender))
    }
}

@Suite("Mempool admission")
struct MempoolAdmissionTests {
    typealias F = MempoolFixtures

    /// Admits `tx` and expects exactly `expected`, leaving the pool unchanged.
    func expectRefusal(
        _ pool: inout Mempool, _ raw: [UInt8], _ expected: MempoolError,
        nonces: @escaping (Address) -> UInt64 = F.nonces(), sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let before = pool.allRaw
        #expect(throws: expected, sourceLocation: sourceLocation) {
            try pool.admit(raw: raw, accountNonce: nonces)
        }
        #expect(pool.allRaw == before, sourceLocation: sourceLocation)
    }

    @Test("accepts the three kinds, returns eth-account's hash and recovers the sender")
    func acceptsAllKinds() throws {
        var pool = F.pool()
        let legacy = F.legacy(0, nonce: 0, value: UInt256(1))
        let hash = try pool.admit(raw: legacy.rawBytes, accountNonce: F.nonces())
        // eth-account: sign_transaction({nonce 0, gasPrice 0, gas 100000, to 0x…0B0b, value 1, chainId 31337}, key 0).hash
        #expect(try hash == Hash32(hex: "0x91bea9ff2a57519cea4f34db35667bfbaab6027c25f6728b908e8b9885c0694c"))
        let eip1559 = EIP1559Transaction(
            chainId: F.chainId, nonce: 1, maxPriorityFeePerGas: .zero, maxFeePerGas: .zero,
            gasLimit: 100_000, to: F.bob
        ).sign(with: F.keys[0])
        // eth-account: the same with type 2, nonce 1, zero fees, value 0.
        let eip1559Hash = try pool.admit(raw: eip1559.rawBytes, accountNonce: F.nonces())
        #expect(try eip1559Hash == Hash32(hex: "0x1bf7782b23b0a8103972e04eb95ebe2da34b7cd033a889738bc5d2bf1a0f3065"))
        // Non-zero fees are accepted as well: gas is free here, fee fields are not checked.
        try pool.admit(raw: F.eip2930(0, nonce: 2).rawBytes, accountNonce: F.nonces())
        try pool.admit(raw: F.eip1559(1, nonce: 0).rawBytes, accountNonce: F.nonces())
        #expect(pool.count == 4)
        #expect(pool.pending(hash)?.sender == F.senders[0])
        #expect(pool.pending(hash)?.transaction == legacy)
        #expect(pool.pending(F.eip1559(1, nonce: 0).hash)?.sender == F.senders[1])
        #expect(pool.pendingCount(of: F.senders[0]) == 3)
    }

    @Test("refuses an oversized transaction, accepts one at the limit")
    func oversized() throws {
        let atLimit = F.legacy(0, nonce: 0, data: [UInt8](repeating: 0xab, count: 300)).rawBytes
        var pool = F.pool(maxRawSize: atLimit.count)
        let over = F.legacy(0, nonce: 1, data: [UInt8](repeating: 0xab, count: 301)).rawBytes
        expectRefusal(&pool, over, .oversized(size: over.count, limit: atLimit.count))
        try pool.admit(raw: atLimit, accountNonce: F.nonces())
        #expect(pool.count == 1)
    }

    @Test("refuses undecodable bytes and bad signatures with the decoder's error")
    func invalid() {
        var pool = F.pool()
        expectRefusal(&pool, [], .invalidTransaction(.emptyInput))
        expectRefusal(&pool, [0x05, 0xc0], .invalidTransaction(.unknownType(0x05)))
        var truncated = F.eip1559(0, nonce: 0).rawBytes
        truncated.removeLast()
        do throws(MempoolError) {
            _ = try pool.admit(raw: truncated, accountNonce: F.nonces())
            Issue.record("a truncated transaction was admitted")
        } catch {
            guard case .invalidTransaction(.malformedRLP(.eip1559, _)) = error else {
                Issue.record("expected malformed RLP, got \(error)")
                return
            }
        }
        // r = 0 is not a valid signature.
        let unsigned = UnsignedTransaction.legacy(LegacyTransaction(
            nonce: 0, gasPrice: .zero, gasLimit: 21_000, to: F.bob, chainId: F.chainId))
        let zeroR = SignedTransaction(
            transaction: unsigned,
            signature: Signature(r: [UInt8](repeating: 0, count: 32), s: [UInt8](repeating: 0, count: 31) + [1], yParity: 0))
        do throws(MempoolError) {
            _ = try pool.admit(raw: zeroR.rawBytes, accountNonce: F.nonces())
            Issue.record("a zero r was admitted")
        } catch {
            guard case .invalidTransaction(.invalidSignature(_)) = error else {
                Issue.record("expected an invalid signature, got \(error)")
                return
            }
        }
        #expect(pool.count == 0)
    }

    @Test("refuses another chain's id and legacy transactions without one")
    func chainId() {
        var pool = F.pool()
        expectRefusal(&pool, F.legacy(0, nonce: 0, chainId: 1).rawBytes, .wrongChainId(expected: 31337, actual: 1))
        expectRefusal(&pool, F.eip2930(0, nonce: 0, chainId: 5).rawBytes, .wrongChainId(expected: 31337, actual: 5))
        expectRefusal(&pool, F.eip1559(0, nonce: 0, chainId: 31338).rawBytes, .wrongChainId(expected: 31337, actual: 31338))
        expectRefusal(&pool, F.legacy(0, nonce: 0, chainId: nil).rawBytes, .missingChainId)
        #expect(MempoolError.missingChainId.description.contains("EIP-155"))
    }

    @Test("refuses contract creation in every kind")
    func contractCreation() {
        var pool = F.pool()
        expectRefusal(&pool, F.legacy(0, nonce: 0, to: nil).rawBytes, .contractCreation)
        expectRefusal(&pool, F.eip2930(0, nonce: 0, to: nil).rawBytes, .contractCreation)
        expectRefusal(&pool, F.eip1559(0, nonce: 0, to: nil).rawBytes, .contractCreation)
        #expect(MempoolError.contractCreation.description.contains("contract creation is not supported on this chain"))
    }

    @Test("refuses a nonce below the next one or more than the window above it")
    func nonceWindow() throws {
        var pool = F.pool(maxNonceAhead: 64)
        let nonces = F.nonces([F.senders[0]: 5])
        expectRefusal(&pool, F.legacy(0, nonce: 4).rawBytes,
                      .nonceTooLow(sender: F.senders[0], nonce: 4, next: 5), nonces: nonces)
        expectRefusal(&pool, F.eip1559(0, nonce: 70).rawBytes,
                      .nonceTooFarAhead(sender: F.senders[0], nonce: 70, next: 5, maxAhead: 64), nonces: nonces)
        expectRefusal(&pool, F.eip1559(0, nonce: .max).rawBytes,
                      .nonceTooFarAhead(sender: F.senders[0], nonce: .max, next: 5, maxAhead: 64), nonces: nonces)
        try pool.admit(raw: F.legacy(0, nonce: 5).rawBytes, accountNonce: nonces)
        try pool.admit(raw: F.legacy(0, nonce: 69).rawBytes, accountNonce: nonces)
        #expect(pool.count == 2)
    }

    @Test("refuses a known hash and a second transaction for a pending sender and nonce")
    func duplicates() throws {
        var pool = F.pool()
        let first = F.legacy(0, nonce: 3)
        try pool.admit(raw: first.rawBytes, accountNonce: F.nonces())
        expectRefusal(&pool, first.rawBytes, .alreadyKnown(first.hash))
        let replacement = F.legacy(0, nonce: 3, value: UInt256(1))
        expectRefusal(&pool, replacement.rawBytes,
                      .replacementNotSupported(sender: F.senders[0], nonce: 3, pending: first.hash))
        expectRefusal(&pool, F.eip1559(0, nonce: 3).rawBytes,
                      .replacementNotSupported(sender: F.senders[0], nonce: 3, pending: first.hash))
        #expect(MempoolError.replacementNotSupported(sender: F.senders[0], nonce: 3, pending: first.hash)
            .description.contains("not supported"))
        // The slot frees once the pending one leaves.
        pool.remove(hashes: [first.hash])
        try pool.admit(raw: replacement.rawBytes, accountNonce: F.nonces())
    }

    @Test("refuses beyond the per-sender limit and the total limit")
    func limits() throws {
        var pool = F.pool(maxCount: 3, maxPerSender: 2)
        try pool.admit(raw: F.legacy(0, nonce: 0).rawBytes, accountNonce: F.nonces())
        try pool.admit(raw: F.legacy(0, nonce: 1).rawBytes, accountNonce: F.nonces())
        expectRefusal(&pool, F.legacy(0, nonce: 2).rawBytes, .senderLimitReached(sender: F.senders[0], limit: 2))
        try pool.admit(raw: F.legacy(1, nonce: 0).rawBytes, accountNonce: F.nonces())
        expectRefusal(&pool, F.legacy(2, nonce: 0).rawBytes, .full(limit: 3))
        pool.remove(hashes: [F.legacy(1, nonce: 0).hash])
        try pool.admit(raw: F.legacy(2, nonce: 0).rawBytes, accountNonce: F.nonces())
        #expect(pool.count == 3)
    }

    @Test("every refusal has its own one-line description")
    func descriptions() {
        let errors: [MempoolError] = [
            .oversized(size: 2, limit: 1), .invalidTransaction(.emptyInput), .missingChainId,
            .wrongChainId(expected: 1, actual: 2), .contractCreation, .alreadyKnown(.zero),
            .nonceTooLow(sender: .zero, nonce: 1, next: 2),
            .nonceTooFarAhead(sender: .zero, nonce: 99, next: 2, maxAhead: 64),
            .replacementNotSupported(sender: .zero, nonce: 1, pending: .zero),
            .senderLimitReached(sender: .zero, limit: 1), .full(limit: 1),
        ]
        let lines = errors.map(\.description)
        #expect(Set(lines).count == errors.count)
        #expect(lines.allSatisfy { !$0.contains("\n") && !$0.isEmpty })
        #expect(lines[6].hasPrefix("nonce too low"))
        #expect(lines[7].hasPrefix("nonce too far ahead"))
        #expect(lines[10].hasPrefix("mempool is full"))
    }
}
