import Ethereum

/// `eth_getLogs` and the polling filters.
extension RPCHandler {
    func logs(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let criteria = try Self.logCriteria(params.optional(0) ?? .object([:]), name: params.label(0, "filter"), allowBlocks: true)
        let head = await node.head.number
        guard let range = try await resolve(criteria.range, head: head) else { return .array([]) }
        return .array(try await query(criteria, blocks: range).map(RPCJSON.log))
    }

    func newFilter(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let criteria = try Self.logCriteria(params.optional(0) ?? .object([:]), name: params.label(0, "filter"), allowBlocks: true)
        if case .hash = criteria.range {
            throw .invalidParams("eth_newFilter takes fromBlock/toBlock, not blockHash: use eth_getLogs for one block")
        }
        return .string(try filters.install(.logs(criteria), head: await node.head.number))
    }

    func newBlockFilter(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 0)
        return .string(try filters.install(.blocks, head: await node.head.number))
    }

    func filterChanges(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let id = try Self.filterId(params)
        let head = await node.head.number
        guard let polled = filters.poll(id, head: head) else { throw Self.filterNotFound(id, filters.timeout) }
        guard let blocks = polled.blocks else { return .array([]) }
        switch polled.kind {
        case .blocks:
            var hashes: [JSONValue] = []
            for number in blocks {
                if let block = try await storedBlock(number: number) { hashes.append(RPCJSON.hash(block.hash)) }
            }
            return .array(hashes)
        case .logs(let criteria):
            // A tag bound follows the chain: each poll reports every new block (geth's behaviour);
            // only numbered bounds narrow it.
            var from = blocks.lowerBound, to = blocks.upperBound
            if case .blocks(let fromSpec, let toSpec) = criteria.range {
                if case .number(let first) = fromSpec { from = max(from, first) }
                if case .earliest = toSpec { to = 0 }
                if case .number(let last) = toSpec { to = min(to, last) }
            }
            guard from <= to else { return .array([]) }
            return .array(try await query(criteria, blocks: from...to).map(RPCJSON.log))
        }
    }

    func filterLogs(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let id = try Self.filterId(params)
        guard let kind = filters.kind(id) else { throw Self.filterNotFound(id, filters.timeout) }
        guard case .logs(let criteria) = kind else {
            throw .invalidParams("filter \(id) is a block filter: eth_getFilterLogs needs a log filter (eth_newFilter)")
        }
        guard let range = try await resolve(criteria.range, head: await node.head.number) else { return .array([]) }
        return .array(try await query(criteria, blocks: range).map(RPCJSON.log))
    }

    func uninstallFilter(_ params: RPCParams) throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        return .bool(filters.uninstall(try Self.filterId(params)))
    }

    // MARK: - Helpers

    /// The logs matching `criteria` in `blocks`, at most `maxLogResults` of them (more is an error).
    func query(_ criteria: LogCriteria, blocks: ClosedRange<UInt64>) async throws(RPCError) -> [StoredLog] {
        let filter = LogFilter(fromBlock: blocks.lowerBound, toBlock: blocks.upperBound,
                               addresses: criteria.addresses, topics: criteria.topics)
        do throws(ChainStoreError) {
            return try await node.store.logs(filter, limit: node.configuration.maxLogResults)
        } catch {
            throw RPCError(error)
        }
    }

    /// The existing blocks a range names now (tags resolved against `head`); nil when none.
    func resolve(_ range: LogCriteria.Range, head: UInt64) async throws(RPCError) -> ClosedRange<UInt64>? {
        switch range {
        case .hash(let hash):
            guard let block = try await storedBlock(hash: hash) else { throw .server("block \(hash.hex) not found") }
            return block.number...block.number
        case .blocks(let fromSpec, let toSpec):
            let from = Self.number(fromSpec, head: head), to = min(Self.number(toSpec, head: head), head)
            return from <= to ? from...to : nil
        }
    }

    private static func number(_ spec: BlockSpec, head: UInt64) -> UInt64 {
        switch spec {
        case .latest, .pending, .safe, .finalized, .hash: return head
        case .earliest: return 0
        case .number(let number): return number
        }
    }

    private static func filterId(_ params: RPCParams) throws(RPCError) -> String {
        guard case .string(let id) = try params.required(0, "filter id") else {
            throw .invalidParams("\(params.label(0, "filter id")) must be the 0x-hex id eth_newFilter returned")
        }
        return id
    }

    private static func filterNotFound(_ id: String, _ timeout: Duration) -> RPCError {
        .server("filter not found: \(id) was never installed, was uninstalled, or expired after \(timeout.components.seconds) seconds without a poll")
    }

    /// Reads a filter object: `fromBlock`/`toBlock` (default `latest`) or `blockHash`, `address`
    /// (one or a list), `topics` (per position: null for any, a hash, or an OR-list of hashes).
    static func logCriteria(_ value: JSONValue, name: String, allowBlocks: Bool) throws(RPCError) -> LogCriteria {
        guard case .object(let members) = value else {
            throw .invalidParams("\(name) must be an object (fromBlock, toBlock, address, topics), got \(value.kindDescription)")
        }
        let known: Set<String> = allowBlocks ? ["fromBlock", "toBlock", "blockHash", "address", "topics"] : ["address", "topics"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidParams("\(name) has an unknown member \"\(unknown)\"; expected \(known.sorted().joined(separator: ", "))")
        }
        func present(_ key: String) -> JSONValue? { members[key].flatMap { $0 == .null ? nil : $0 } }
        let range: LogCriteria.Range
        if let hash = present("blockHash") {
            guard present("fromBlock") == nil, present("toBlock") == nil else {
                throw .invalidParams("\(name) has blockHash with fromBlock/toBlock: give one or the other")
            }
            range = .hash(try RPCParams.hash(hash, name: "\(name).blockHash"))
        } else {
            let from = try present("fromBlock").map { value throws(RPCError) in try BlockSpec(value, name: "\(name).fromBlock") }
            let to = try present("toBlock").map { value throws(RPCError) in try BlockSpec(value, name: "\(name).toBlock") }
            for (key, spec) in [("fromBlock", from), ("toBlock", to)] {
                if case .hash? = spec { throw .invalidParams("\(name).\(key) must be a block tag or number, not a hash") }
            }
            if case .number(let first)? = from, case .number(let last)? = to, first > last {
                throw .invalidParams("\(name).fromBlock \(first) is after toBlock \(last)")
            }
            range = .blocks(from: from ?? .latest, to: to ?? .latest)
        }
        var addresses: [Address] = []
        switch present("address") {
        case nil: break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                addresses.append(try RPCParams.address(item, name: "\(name).address[\(index)]"))
            }
        case let single?: addresses = [try RPCParams.address(single, name: "\(name).address")]
        }
        var topics: [[Hash32]] = []
        switch present("topics") {
        case nil: break
        case .array(let positions)?:
            guard positions.count <= 4 else {
                throw .invalidParams("\(name).topics has \(positions.count) positions; a log has at most 4 topics")
            }
            for (position, entry) in positions.enumerated() {
                let label = "\(name).topics[\(position)]"
                switch entry {
                case .null: topics.append([])
                case .array(let choices):
                    var accepted: [Hash32] = []
                    var wildcard = false
                    for (index, choice) in choices.enumerated() {
                        if choice == .null { wildcard = true; continue }
                        accepted.append(try RPCParams.hash(choice, name: "\(label)[\(index)]"))
                    }
                    topics.append(wildcard ? [] : accepted)
                default: topics.append([try RPCParams.hash(entry, name: label)])
                }
            }
        case let other?:
            throw .invalidParams("\(name).topics must be an array, got \(other.kindDescription)")
        }
        // Each accepted value is one query parameter in the ledger; SQLite allows 32,766 per statement.
        let values = addresses.count + topics.reduce(0) { $0 + $1.count }
        guard values <= Self.maxFilterValues else {
            throw .invalidParams("\(name) lists \(values) addresses and topics, more than the limit of \(Self.maxFilterValues): split the query")
        }
        return LogCriteria(range: range, addresses: addresses, topics: topics)
    }

    /// The most addresses and topic values one log filter may list in all.
    static let maxFilterValues = 1_000
}
