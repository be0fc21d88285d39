import Ethereum

/// A development chain whose clock and blocks a test drives: deadlines are reached by moving the
/// chain's time, not by waiting. `InMemoryPoCoChain` moves its own clock; `RPCPoCoChain` asks a
/// dev node (`evm_increaseTime`, `evm_mine`).
public protocol DevPoCoChain: PoCoChain {
    /// Moves the time of the next blocks forward by `seconds`.
    func increaseTime(seconds: UInt64) async throws(ChainClientError)

    /// Seals a block now (empty if nothing is pending) and returns it as the new head.
    @discardableResult
    func mine() async throws(ChainClientError) -> ChainHead
}
