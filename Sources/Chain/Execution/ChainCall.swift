import Ethereum
import PoCo

/// What a transaction (or an `eth_call`) to `to` with `data` asks the chain to do.
public enum ChainCall: Hashable, Sendable {
    /// A plain coin transfer to an account (no call data, `to` not a system contract).
    case transfer(to: Address)
    /// A PoCo call, decoded from the real PoCo ABI.
    case poco(PoCoCall)

    /// Decodes a call: to a system contract (hub, registries) or with call data, the PoCo ABI;
    /// otherwise a transfer.
    ///
    /// - Throws: the `BindingError` saying why the call data is refused (unknown selector, bad arguments…).
    public init(to: Address, data: [UInt8], config: PoCoConfig) throws(BindingError) {
        let isSystem = to == config.hub || to == config.appRegistry || to == config.datasetRegistry
            || to == config.workerpoolRegistry
        if !isSystem && data.isEmpty {
            self = .transfer(to: to)
        } else {
            self = .poco(try PoCoBinding.decodeCall(to: to, data: data, config: config))
        }
    }

    /// The gas the call uses: 21,000 for a transfer, `PoCoBinding.gasUsed` for a PoCo call.
    public var gasUsed: UInt64 {
        switch self {
        case .transfer: return PoCoBinding.baseGas
        case .poco(let call): return PoCoBinding.gasUsed(for: call)
        }
    }
}
