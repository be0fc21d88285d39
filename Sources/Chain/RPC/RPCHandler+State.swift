import Ethereum

/// Methods on the state: balances, nonces, code, calls, fees, and the development methods.
extension RPCHandler {
    /// Code reported at the hub and the registries: one INVALID opcode (0xfe), so tools see a
    /// contract there while any EVM that ran it would stop at once.
    public static let systemContractCode: [UInt8] = [0xfe]

    func balance(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let address = try params.address(0, "address")
        try await requireLatestState(params.block(1))
        return RPCJSON.quantity(await node.account(address).balance)
    }

    func transactionCount(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let address = try params.address(0, "address")
        let block = try params.block(1)
        try await requireLatestState(block)
        return RPCJSON.quantity(await node.nextNonce(address, includingPending: block == .pending))
    }

    func code(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let address = try params.address(0, "address")
        // The system contracts exist from genesis and never change: any existing block answers alike.
        _ = try await existingBlockNumber(params.block(1))
        let config = node.pocoConfig
        let isSystem = [config.hub, config.appRegistry, config.datasetRegistry, config.workerpoolRegistry].contains(address)
        return RPCJSON.data(isSystem ? Self.systemContractCode : [])
    }

    func ethCall(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 3)
        let request = try Self.callRequest(params.required(0, "call object"), name: params.label(0, "call object"))
        try await requireLatestState(params.block(1))
        do throws(NodeError) { return RPCJSON.data(try await node.call(request)) } catch {
            throw RPCError(error)
        }
    }

    func estimateGas(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 3)
        let request = try Self.callRequest(params.required(0, "call object"), name: params.label(0, "call object"))
        try await requireLatestState(params.block(1))
        do throws(NodeError) { return RPCJSON.quantity(try await node.estimateGas(request)) } catch {
            throw RPCError(error)
        }
    }

    /// `eth_feeHistory`: gas is free, so every base fee and reward is zero; `gasUsedRatio` is each
    /// block's real ratio. Shaped as geth's answer (`baseFeePerGas` has one entry more, for the next block).
    func feeHistory(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 3)
        let requested = try RPCParams.uint64(params.required(0, "block count"), name: params.label(0, "block count"))
        let newest = try await existingBlockNumber(params.block(1, "newest block"))
        var percentiles: [JSONValue]?
        if let value = params.optional(2) {
            guard case .array(let items) = value else {
                throw .invalidParams("\(params.label(2, "reward percentiles")) must be an array of numbers, got \(value.kindDescription)")
            }
            var previous = -1.0
            for (index, item) in items.enumerated() {
                guard case .number(let literal) = item, let percentile = Double(literal), percentile >= 0, percentile <= 100,
                      percentile >= previous else {
                    throw .invalidParams("\(params.label(2, "reward percentiles"))[\(index)] must be a number in 0...100, not below the previous one")
                }
                previous = percentile
            }
            percentiles = items
        }
        let count = min(requested, 1_024, newest + 1)
        let oldest = newest + 1 - count
        var ratios: [JSONValue] = []
        for number in stride(from: oldest, through: newest, by: 1) {
            let block = try await storedBlock(number: number)
            let header = block?.header
            let ratio = header.map { $0.gasLimit == 0 ? 0 : Double($0.gasUsed) / Double($0.gasLimit) } ?? 0
            ratios.append(.number(ratio == 0 ? "0" : String(ratio)))
        }
        var result: [String: JSONValue] = [
            "oldestBlock": RPCJSON.quantity(count == 0 ? 0 : oldest),
            "baseFeePerGas": .array(Array(repeating: RPCJSON.quantity(0 as UInt64), count: count == 0 ? 0 : Int(count) + 1)),
            "gasUsedRatio": .array(ratios),
        ]
        if let percentiles {
            let zeros = JSONValue.array(Array(repeating: RPCJSON.quantity(0 as UInt64), count: percentiles.count))
            result["reward"] = .array(Array(repeating: zeros, count: Int(count)))
        }
        return .object(result)
    }

    // MARK: - Development methods

    func increaseTime(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        let seconds = try RPCParams.uint64(params.required(0, "seconds"), name: params.label(0, "seconds"))
        do throws(NodeError) {
            return .number(String(try await node.increaseTime(seconds: seconds)))
        } catch {
            throw RPCError(error)
        }
    }

    func mine(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 1)
        var timestamp: UInt64?
        if let value = params.optional(0) {
            // Anvil also takes `{"timestamp": …}`.
            let field = value["timestamp"] ?? value
            timestamp = try RPCParams.uint64(field, name: params.label(0, "timestamp"))
        }
        do throws(NodeError) { _ = try await node.mine(timestamp: timestamp) } catch { throw RPCError(error) }
        return .string("0x0")
    }

    func setBalance(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        try params.expect(atMost: 2)
        let address = try params.address(0, "address")
        let balance = try params.quantity(1, "balance")
        do throws(NodeError) { _ = try await node.setBalance(address, wei: balance) } catch { throw RPCError(error) }
        return .null
    }

    // MARK: - Helpers

    /// Only the head's state is kept: a block other than the head is refused, naming it.
    func requireLatestState(_ block: BlockSpec) async throws(RPCError) {
        let head = await node.head
        let number: UInt64
        switch block {
        case .latest, .pending, .safe, .finalized: return
        case .earliest: number = 0
        case .number(let requested): number = requested
        case .hash(let hash):
            if hash == head.hash { return }
            guard let found = try await storedBlock(hash: hash) else { throw .server("block \(hash.hex) not found") }
            number = found.number
        }
        guard number != head.number else { return }
        guard number < head.number else { throw .server("block \(number) not found: the head is block \(head.number)") }
        throw RPCError(NodeError.historicalStateUnavailable(requested: number, head: head.number))
    }

    /// The number of an existing block; tags resolve against the head.
    func existingBlockNumber(_ block: BlockSpec) async throws(RPCError) -> UInt64 {
        let head = await node.head.number
        switch block {
        case .latest, .pending, .safe, .finalized: return head
        case .earliest: return 0
        case .number(let number):
            guard number <= head else { throw .server("block \(number) not found: the head is block \(head)") }
            return number
        case .hash(let hash):
            guard let found = try await storedBlock(hash: hash) else { throw .server("block \(hash.hex) not found") }
            return found.number
        }
    }

    /// A call object: `from`, `to`, `data` (or `input`), `value`; gas fields are accepted and ignored.
    static func callRequest(_ value: JSONValue, name: String) throws(RPCError) -> CallRequest {
        guard case .object(let members) = value else {
            throw .invalidParams("\(name) must be an object with to, data…, got \(value.kindDescription)")
        }
        let from = try members["from"].flatMap { $0 == .null ? nil : $0 }.map { value throws(RPCError) in
            try RPCParams.address(value, name: "\(name).from")
        }
        let to = try members["to"].flatMap { $0 == .null ? nil : $0 }.map { value throws(RPCError) in
            try RPCParams.address(value, name: "\(name).to")
        }
        let input = try members["input"].flatMap { $0 == .null ? nil : $0 }.map { value throws(RPCError) in
            try RPCParams.data(value, name: "\(name).input")
        }
        let data = try members["data"].flatMap { $0 == .null ? nil : $0 }.map { value throws(RPCError) in
            try RPCParams.data(value, name: "\(name).data")
        }
        if let input, let data, input != data {
            throw .invalidParams("\(name) has both data and input, and they differ: give one")
        }
        let amount = try members["value"].flatMap { $0 == .null ? nil : $0 }.map { value throws(RPCError) in
            try RPCParams.quantity(value, name: "\(name).value")
        }
        return CallRequest(from: from, to: to, data: input ?? data ?? [], value: amount ?? .zero)
    }

    func storedBlock(number: UInt64) async throws(RPCError) -> StoredBlock? {
        do throws(ChainStoreError) { return try await node.store.block(number: number) } catch { throw RPCError(error) }
    }

    func storedBlock(hash: Hash32) async throws(RPCError) -> StoredBlock? {
        do throws(ChainStoreError) { return try await node.store.block(hash: hash) } catch { throw RPCError(error) }
    }
}
