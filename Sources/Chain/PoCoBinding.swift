import Ethereum
import PoCo

/// The ABI binding of PoCo: a transaction's `to` and calldata (the real PoCo ABI of `poco-abi.md`)
/// to the engine's `PoCoCall`, its output back to ABI return data, an `eth_call` to a `PoCoView`,
/// a revert to `Error(string)` data, and each call's deterministic gas figure. Transport-free.
public enum PoCoBinding {
    /// The engine call a transaction to `to` with calldata `data` stands for.
    ///
    /// `to` is the hub, one of the three registries (creation, ERC-721 transfers), or any other
    /// address taken as a registry entry (only `changePolicy(uint256,uint256)` is accepted there;
    /// the engine reverts if no workerpool lives at it).
    ///
    /// - Throws: `BindingError.missingSelector` (data under 4 bytes), `.unknownSelector` (no PoCo
    ///   function of that contract has it), `.undecodableArguments` (naming the function),
    ///   `.invalidOrder`, `.invalidArgument`.
    public static func decodeCall(to: Address, data: [UInt8], config: PoCoConfig) throws(BindingError) -> PoCoCall {
        let target = BindingTarget(to, config: config)
        let selector = try selector(of: data)
        guard let entry = CallTable.table(for: target)[selector] else {
            throw .unknownSelector(selector: Hex.encode(selector), contract: target.name)
        }
        return try entry.build(try arguments(of: entry.function, data: data), target)
    }

    /// The ABI return data of a call's output: `bytes32` for matchOrders and initialize, `address`
    /// for create*, `uint256` for createCategory, `bool` for the bool-returning functions, nothing
    /// for the others.
    public static func encodeOutput(_ output: CallOutput, for call: PoCoCall) -> [UInt8] {
        switch output {
        case .none: return []
        case .bool(let value): return [UInt8](repeating: 0, count: 31) + [value ? 1 : 0]
        case .hash(let hash): return hash.bytes
        case .address(let address): return [UInt8](repeating: 0, count: 12) + address.bytes
        case .uint(let value): return value.bigEndianBytes
        }
    }

    /// The revert data of a failed call: Solidity's `Error(string)`, i.e. the selector 0x08c379a0
    /// followed by the ABI encoding of the reason string.
    public static func revertData(_ error: PoCoError) -> [UInt8] {
        revertData(reason: error.reason)
    }

    /// `Error(string)` revert data for any reason text.
    public static func revertData(reason: String) -> [UInt8] {
        // A string always encodes as `string`.
        errorFunction.selector + ((try? ABI.encode([.string(reason)], as: [.string])) ?? [])
    }

    /// `Error(string)`, whose selector is 0x08c379a0.
    static let errorFunction = try! ABIFunction("Error(string)")

    /// The first 4 bytes of call data.
    static func selector(of data: [UInt8]) throws(BindingError) -> [UInt8] {
        guard data.count >= 4 else { throw .missingSelector(length: data.count) }
        return Array(data.prefix(4))
    }

    /// The arguments of call data whose selector is `function`'s.
    static func arguments(of function: ABIFunction, data: [UInt8]) throws(BindingError) -> DecodedArguments {
        do throws(ABIError) {
            return DecodedArguments(values: try function.decodeCall(data), function: function.name,
                                    selector: Hex.encode(function.selector))
        } catch {
            throw .undecodableArguments(function: function.name, reason: error.description)
        }
    }
}
