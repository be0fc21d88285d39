import Ethereum
import Synchronization

/// What an `eth_getLogs` query or an `eth_newFilter` filter asks for: a block range (tags resolved
/// when queried) or one block by hash, emitters, and topics.
struct LogCriteria: Hashable, Sendable {
    enum Range: Hashable, Sendable {
        case blocks(from: BlockSpec, to: BlockSpec)
        case hash(Hash32)
    }

    var range: Range
    var addresses: [Address]
    var topics: [[Hash32]]

    /// Whether a log passes the address and topic conditions.
    func matches(_ log: ReceiptLog) -> Bool {
        LogFilter(fromBlock: 0, toBlock: 0, addresses: addresses, topics: topics).matches(log)
    }
}

/// The filters installed with `eth_newFilter` and `eth_newBlockFilter`, each remembering the last
/// block it reported. A filter not polled for `timeout` is removed, as geth does.
final class FilterRegistry: Sendable {
    enum Kind: Hashable, Sendable {
        case logs(LogCriteria)
        case blocks
    }

    private struct Filter {
        var kind: Kind
        /// The head when the filter was created or last polled: changes start after it.
        var lastBlock: UInt64
        var lastPoll: ContinuousClock.Instant
    }

    private let filters = Mutex<[String: Filter]>([:])
    let timeout: Duration
    let capacity: Int
    let now: @Sendable () -> ContinuousClock.Instant

    init(timeout: Duration, capacity: Int, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.timeout = timeout
        self.capacity = capacity
        self.now = now
    }

    /// Installs a filter whose changes start after block `head`; returns its id.
    func install(_ kind: Kind, head: UInt64) throws(RPCError) -> String {
        let time = now()
        return try filters.withLock { filters throws(RPCError) in
            Self.purge(&filters, now: time, timeout: timeout)
            guard filters.count < capacity else {
                throw .limitExceeded("the node holds \(capacity) filters: uninstall some (eth_uninstallFilter) or let them expire")
            }
            var id = RPCIdentifier.make()
            while filters[id] != nil { id = RPCIdentifier.make() }
            filters[id] = Filter(kind: kind, lastBlock: head, lastPoll: time)
            return id
        }
    }

    /// Polls filter `id`: its kind and the blocks after the last poll up to `head` (empty when
    /// nothing new), which count as reported from now on. Nil for an unknown or expired id.
    func poll(_ id: String, head: UInt64) -> (kind: Kind, blocks: ClosedRange<UInt64>?)? {
        let time = now()
        return filters.withLock { filters in
            Self.purge(&filters, now: time, timeout: timeout)
            guard var filter = filters[id] else { return nil }
            let blocks = filter.lastBlock < head ? (filter.lastBlock + 1)...head : nil
            filter.lastBlock = max(filter.lastBlock, head)
            filter.lastPoll = time
            filters[id] = filter
            return (filter.kind, blocks)
        }
    }

    /// Filter `id`'s kind (counts as a poll for expiry, reports nothing); nil for an unknown or expired id.
    func kind(_ id: String) -> Kind? {
        let time = now()
        return filters.withLock { filters in
            Self.purge(&filters, now: time, timeout: timeout)
            filters[id]?.lastPoll = time
            return filters[id]?.kind
        }
    }

    /// Removes filter `id`; false when there was none.
    func uninstall(_ id: String) -> Bool {
        filters.withLock { $0.removeValue(forKey: id) != nil }
    }

    /// The number of live filters.
    var count: Int {
        let time = now()
        return filters.withLock { filters in
            Self.purge(&filters, now: time, timeout: timeout)
            return filters.count
        }
    }

    private static func purge(_ filters: inout [String: Filter], now: ContinuousClock.Instant, timeout: Duration) {
        filters = filters.filter { now - $0.value.lastPoll < timeout }
    }
}

/// Random ids for filters and subscriptions: 16 random bytes in `0x`-hex, as geth makes them.
enum RPCIdentifier {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Hex.encode(bytes)
    }
}
