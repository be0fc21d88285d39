import Ethereum

extension ChainLogFilter {
    /// Whether `log` passes the filter as `eth_getLogs` decides it (geth's rules): its block in
    /// range (`head` closes an open range), its address equal when one is given, and for each
    /// topic position either no constraint (nil) or the log's topic among the listed ones. A log
    /// with fewer topics than the filter has positions never matches.
    public func matches(_ log: ChainLog, head: UInt64) -> Bool {
        guard log.blockNumber >= fromBlock, log.blockNumber <= (toBlock ?? head) else { return false }
        if let address, log.address != address { return false }
        guard topics.count <= log.topics.count else { return false }
        for (position, allowed) in topics.enumerated() {
            if let allowed, !allowed.isEmpty, !allowed.contains(log.topics[position]) { return false }
        }
        return true
    }
}
