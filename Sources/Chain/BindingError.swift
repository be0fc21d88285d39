import Ethereum

/// Why a transaction's or an `eth_call`'s `to` and data do not make a PoCo call or view.
public enum BindingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data is shorter than a 4-byte selector.
    case missingSelector(length: Int)
    /// No PoCo function of the contract at `to` has this selector (hex, `0x`-prefixed).
    case unknownSelector(selector: String, contract: String)
    /// `to` is neither the hub, a registry, nor (where the engine is asked) a registry entry.
    case notAPoCoContract(Address)
    /// The arguments after the selector do not decode as the function's parameters.
    case undecodableArguments(function: String, reason: String)
    /// An order tuple decoded but does not convert to the order (or an operation code is unknown).
    case invalidOrder(function: String, reason: String)
    /// An argument decoded but is out of the range the engine accepts (e.g. a token id above 160 bits).
    case invalidArgument(function: String, reason: String)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .missingSelector(let length):
            return "call data of \(length) byte(s) has no 4-byte function selector"
        case .unknownSelector(let selector, let contract):
            return "unknown function selector \(selector): not a PoCo function (of \(contract))"
        case .notAPoCoContract(let address):
            return "\(address.checksummed) is not the PoCo hub, a registry or a registry entry"
        case .undecodableArguments(let function, let reason):
            return "cannot decode the arguments of \(function): \(reason)"
        case .invalidOrder(let function, let reason):
            return "invalid order in \(function): \(reason)"
        case .invalidArgument(let function, let reason):
            return "invalid argument of \(function): \(reason)"
        }
    }
}
