import Chain
import ChainTestSupport
import Ethereum
import Synchronization
import Testing

/// A monotonic clock the tests move by hand (filter expiry).
final class ManualClock: Sendable {
    private let base = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { base + offset.withLock { $0 } }

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// A dev node on an in-memory ledger with an RPC handler over it, and helpers to call it.
struct RPCFixture {
    let node: ChainNode
    let store: InMemoryChainStore
    let handler: RPCHandler
    let clock: ManualClock

    static let hub = Genesis.defaultHub

    static func make(dev: Bool = true) async throws -> RPCFixture {
        let fixture = try await NodeFixture.make(dev: dev)
        let clock = ManualClock()
        let handler = RPCHandler(node: fixture.node, now: { clock.now })
        return RPCFixture(node: fixture.node, store: fixture.store, handler: handler, clock: clock)
    }

    /// The result of a call that must succeed.
    func result(_ method: String, _ params: JSONValue = []) async throws -> JSONValue {
        let outcome = await handler.call(method: method, params: params)
        switch outcome {
        case .success(let value): return value
        case .failure(let error):
            Issue.record("\(method) failed: \(error)")
            throw error
        }
    }

    /// The error of a call that must fail.
    func error(_ method: String, _ params: JSONValue = []) async throws -> RPCError {
        let outcome = await handler.call(method: method, params: params)
        guard case .failure(let error) = outcome else {
            Issue.record("\(method) succeeded, expected an error")
            throw RPCError(code: 0, message: "unexpected success")
        }
        return error
    }

    /// The parsed response body to a raw request body (nil when the handler answers nothing).
    func post(_ body: String) async throws -> JSONValue? {
        guard let response = await handler.handle(Array(body.utf8)) else { return nil }
        return try JSONValue(parsing: response)
    }

    /// Sends signed transactions through eth_sendRawTransaction and seals one block.
    @discardableResult
    func mine(_ transactions: [SignedTransaction]) async throws -> StoredBlock {
        for transaction in transactions {
            let hash = try await result("eth_sendRawTransaction", [.string(Hex.encode(transaction.rawBytes))])
            #expect(hash == .string(transaction.hash.hex))
        }
        return try #require(try await node.seal(force: true))
    }

    /// A deposit of `rlc` RLC from dev account `key` (emits Transfer(0x0, sender, rlc·1e9)).
    static func deposit(from key: Int, nonce: UInt64, rlc: UInt64 = 1) -> SignedTransaction {
        DevChain.transaction(from: key, nonce: nonce, to: hub, value: DevChain.oneRLC * UInt256(rlc),
                                data: DevChain.calldata("deposit()"))
    }
}

extension JSONValue {
    /// The string of a `.string`, else nil.
    var text: String? { if case .string(let value) = self { value } else { nil } }
    /// The items of an `.array`, else empty.
    var items: [JSONValue] { if case .array(let values) = self { values } else { [] } }
    /// The members' keys of an `.object`, else empty.
    var keys: Set<String> { if case .object(let members) = self { Set(members.keys) } else { [] } }
}

/// keccak256 of an event signature as a topic.
func topic(_ signature: String) -> Hash32 { Keccak256.hash(signature) }

/// A 32-byte topic holding an address (an indexed address argument).
func topic(_ address: Address) -> Hash32 { try! Hash32([UInt8](repeating: 0, count: 12) + address.bytes) }
