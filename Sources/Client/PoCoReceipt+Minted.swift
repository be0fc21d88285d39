import Ethereum
import PoCo

extension PoCoReceipt {
    /// The asset a registration minted (`createApp`, `createDataset`, `createWorkerpool`): the token
    /// id of the ERC-721 `Transfer` from the zero address its registry emitted, as an address; nil
    /// when the receipt has none (or none from `registry`, when given).
    public func mintedAsset(registry: Address? = nil) -> Address? {
        let transfer = PoCoLog(address: .zero, event: .assetTransfer(from: .zero, to: .zero, tokenId: .zero)).topics[0]
        guard let log = logs.first(where: { log in
            log.topics.count == 4 && log.topics[0] == transfer && log.topics[1] == Hash32.zero
                && (registry == nil || log.address == registry)
        }) else { return nil }
        return try? Address(Array(log.topics[3].bytes.suffix(20)))
    }
}
