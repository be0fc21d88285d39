/// The rules a ``Mempool`` admits transactions under.
public struct MempoolConfiguration: Sendable, Hashable {
    /// The chain id every transaction must be signed for (EIP-155 / typed `chainId`).
    public var chainId: UInt64
    /// The largest raw transaction accepted, in bytes.
    public var maxRawSize: Int
    /// How far above the sender's next nonce a nonce may be (so a sender cannot park an unbounded
    /// number of transactions that can never run).
    public var maxNonceAhead: UInt64
    /// The most transactions pending in all.
    public var maxCount: Int
    /// The most transactions pending from one sender.
    public var maxPerSender: Int

    /// Rules for `chainId`; the defaults bound memory while leaving room for bursts.
    public init(
        chainId: UInt64, maxRawSize: Int = 128 * 1024, maxNonceAhead: UInt64 = 64,
        maxCount: Int = 100_000, maxPerSender: Int = 64
    ) {
        (self.chainId, self.maxRawSize, self.maxNonceAhead) = (chainId, maxRawSize, maxNonceAhead)
        (self.maxCount, self.maxPerSender) = (maxCount, maxPerSender)
    }
}
