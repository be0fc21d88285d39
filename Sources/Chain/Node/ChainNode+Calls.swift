import Ethereum
import PoCo

/// An `eth_call` / `eth_estimateGas` request.
public struct CallRequest: Hashable, Sendable {
    /// The caller (`msg.sender`); the zero address when absent.
    public var from: Address?
    /// The contract or account called; nil (a creation) is refused.
    public var to: Address?
    /// The call data.
    public var data: [UInt8]
    /// The value sent, in wei.
    public var value: UInt256

    /// A call request from its parts.
    public init(from: Address? = nil, to: Address?, data: [UInt8] = [], value: UInt256 = .zero) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
    }
}

extension ChainNode {
    /// Runs a call against the latest state without changing it and returns its ABI return data:
    /// a PoCo view, or a state-changing function simulated (its would-be output).
    ///
    /// - Throws: `.reverted` (reason and `Error(string)` data), `.invalidCall` (unknown selector or
    ///   bad arguments), `.rejected(.contractCreation)` without `to`.
    public func call(_ request: CallRequest) throws(NodeError) -> [UInt8] {
        guard let to = request.to else { throw .rejected(.contractCreation) }
        let sender = request.from ?? .zero
        // A view selector never collides with a function of the same contract.
        if let view = try? PoCoBinding.decodeView(to: to, data: request.data, config: pocoConfig, engine: world.engine) {
            do throws(PoCoError) { return try world.engine.viewReturnData(view) } catch {
                throw .reverted(reason: error.reason, data: PoCoBinding.revertData(error))
            }
        }
        let (call, receipt) = try simulate(request, to: to, sender: sender)
        guard case .poco(let pocoCall) = call, let receipt else { return [] }
        return PoCoBinding.encodeOutput(receipt.output, for: pocoCall)
    }

    /// The gas a transaction with this call would use (deterministic per function); fails as the
    /// transaction would, with its revert reason.
    public func estimateGas(_ request: CallRequest) throws(NodeError) -> UInt64 {
        guard let to = request.to else { throw .rejected(.contractCreation) }
        return try simulate(request, to: to, sender: request.from ?? .zero).call.gasUsed
    }

    /// Decodes and simulates a call on the latest state; the state is left unchanged.
    private func simulate(
        _ request: CallRequest, to: Address, sender: Address
    ) throws(NodeError) -> (call: ChainCall, receipt: CallReceipt?) {
        let call: ChainCall
        do throws(BindingError) { call = try ChainCall(to: to, data: request.data, config: pocoConfig) } catch {
            throw .invalidCall(error)
        }
        let balance = world.account(sender).balance
        guard balance >= request.value else {
            throw .insufficientFunds(sender: sender, balance: balance, value: request.value)
        }
        guard case .poco(let pocoCall) = call else { return (call, nil) }
        let blockTime = nextBlockTimestamp
        do throws(PoCoError) {
            let receipt = try world.engine.simulate(pocoCall, CallContext(sender: sender, value: request.value, blockTime: blockTime))
            return (call, receipt)
        } catch {
            throw .reverted(reason: error.reason, data: PoCoBinding.revertData(error))
        }
    }
}

// MARK: - Development methods

extension ChainNode {
    /// `evm_increaseTime`: moves the clock of later blocks forward by `seconds`; returns the total offset.
    public func increaseTime(seconds: UInt64) throws(NodeError) -> UInt64 {
        guard configuration.dev else { throw .devOnly(method: "evm_increaseTime") }
        let (sum, overflow) = timeOffset.addingReportingOverflow(seconds)
        guard !overflow else { throw .invalidDevRequest("evm_increaseTime: offset overflows: \(timeOffset) + \(seconds) seconds") }
        timeOffset = sum
        return timeOffset
    }

    /// `evm_mine`: seals a block now, even empty; with `timestamp`, the clock first jumps so the
    /// block has that timestamp (it must not be before the head's).
    public func mine(timestamp: UInt64? = nil) async throws(NodeError) -> StoredBlock {
        guard configuration.dev else { throw .devOnly(method: "evm_mine") }
        if let timestamp {
            guard timestamp >= head.header.timestamp else {
                throw .invalidDevRequest("evm_mine: timestamp \(timestamp) is before the head's \(head.header.timestamp)")
            }
            let now = clock()
            timeOffset = timestamp >= now ? timestamp - now : 0
        }
        guard let block = try await seal(force: true) else { throw .halted(reason: "no block sealed") }
        return block
    }

    /// `anvil_setBalance`: sets `address`'s native balance, recorded in (and applied by) a block sealed at once.
    public func setBalance(_ address: Address, wei: UInt256) async throws(NodeError) -> StoredBlock {
        guard configuration.dev else { throw .devOnly(method: "anvil_setBalance") }
        let config = pocoConfig
        // The hub's coin backs the escrow: changing it would break conservation.
        guard ![config.hub, config.appRegistry, config.datasetRegistry, config.workerpoolRegistry].contains(address) else {
            throw .invalidDevRequest("anvil_setBalance: \(address.checksummed) is a system contract; its balance backs the escrow")
        }
        pendingOverrides.append(BalanceOverride(address: address, balance: wei))
        guard let block = try await seal(force: true) else { throw .halted(reason: "no block sealed") }
        return block
    }
}
