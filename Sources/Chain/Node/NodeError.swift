import Ethereum
import PoCo

/// Why the node refused a request; each case says what to do.
public enum NodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The mempool refused the transaction (encoding, signature, chain id, nonce, capacity…).
    case rejected(MempoolError)
    /// The call data is not a PoCo call the target contract has.
    case invalidCall(BindingError)
    /// The transaction's gas limit is below what its call uses.
    case gasTooLow(needed: UInt64, limit: UInt64)
    /// The transaction's gas limit is above the block gas limit: no block could include it.
    case gasAboveBlockLimit(limit: UInt64, blockLimit: UInt64)
    /// The sender holds less than the value sent.
    case insufficientFunds(sender: Address, balance: UInt256, value: UInt256)
    /// An `eth_call` or `eth_estimateGas` that reverts; `data` is the `Error(string)` revert data.
    case reverted(reason: String, data: [UInt8])
    /// Only the latest state is kept: calls at an earlier block cannot run.
    case historicalStateUnavailable(requested: UInt64, head: UInt64)
    /// A development method on a node started without `--dev`.
    case devOnly(method: String)
    /// A development request that makes no sense (e.g. setting the hub's balance).
    case invalidDevRequest(String)
    /// The data directory holds a chain of another genesis.
    case genesisMismatch(stored: Hash32, requested: Hash32)
    /// The data directory holds no chain and no genesis was given.
    case noChain
    /// The genesis does not build.
    case genesis(GenesisError)
    /// The ledger failed.
    case ledger(ChainStoreError)
    /// Executing a block failed (a bug: the builder only picks executable transactions).
    case execution(BlockExecutionError)
    /// A block could not be written: the node stopped sealing; restart it to resume from the ledger.
    case halted(reason: String)

    /// One line saying what is wrong and what to do.
    public var description: String {
        switch self {
        case .rejected(let error): return error.description
        case .invalidCall(let error): return error.description
        case .gasTooLow(let needed, let limit):
            return "intrinsic gas too low: the call uses \(needed) gas, the transaction allows \(limit); set gas to at least \(needed) (eth_estimateGas gives it)"
        case .gasAboveBlockLimit(let limit, let blockLimit):
            return "exceeds block gas limit: the transaction allows \(limit) gas, a block holds \(blockLimit); lower its gas limit"
        case .insufficientFunds(let sender, let balance, let value):
            return "insufficient funds: \(sender.checksummed) holds \(balance) wei and sends \(value)"
        case .reverted(let reason, _): return "execution reverted: \(reason)"
        case .historicalStateUnavailable(let requested, let head):
            return "state at block \(requested) is not available (only the latest, block \(head), is kept): use \"latest\""
        case .devOnly(let method):
            return "\(method) is a development method: start the node with --dev to use it"
        case .invalidDevRequest(let reason): return reason
        case .genesisMismatch(let stored, let requested):
            return "the data directory holds the chain of genesis \(stored.hex), not \(requested.hex): use another data directory or the stored genesis"
        case .noChain: return "the data directory holds no chain: give a genesis (--genesis FILE or --dev)"
        case .genesis(let error): return "invalid genesis: \(error)"
        case .ledger(let error): return error.description
        case .execution(let error): return "block execution failed: \(error)"
        case .halted(let reason): return "the node stopped sealing blocks (\(reason)): restart it to resume from its ledger"
        }
    }
}
