import Ethereum
import Foundation
import PoCo

/// The market's facade, what the HTTP routes call: publishes validated orders into the book,
/// answers queries, unpublishes with a signed challenge, and advises matches. One actor, so
/// that a publication's cap check and insertion, and a challenge's use, are atomic.
public actor MarketService {
    /// The chain's config: orders are hashed and signed in `config.domain`.
    public nonisolated let config: PoCoConfig
    private let book: any OrderBook
    private let chain: any MarketChain
    private let policy: MarketPolicy
    private let clock: @Sendable () -> UInt64
    private let cancellationLookback: UInt64
    private var challenges: ChallengeLedger

    /// The most outstanding unpublish challenges kept by default (the oldest are dropped past it).
    public static let defaultChallengeCapacity = 10_000
    /// How many blocks of logs are read, at most, to find an order's `ClosedXOrder`.
    public static let defaultCancellationLookback: UInt64 = 100_000
    /// Blocks of logs read per request to the chain while looking back.
    static let logWindow: UInt64 = 2_048

    /// A market over `book`, serving `chain`, under `policy`, with `clock` (unix seconds) timing
    /// unpublish challenges, at most `challengeCapacity` of them outstanding. A publication
    /// refused for lack of volume is reported as cancelled when the order's `ClosedXOrder` log
    /// lies in the last `cancellationLookback` blocks.
    public init(book: any OrderBook, chain: any MarketChain, policy: MarketPolicy = MarketPolicy(),
                clock: @escaping @Sendable () -> UInt64 = MarketService.unixSeconds,
                challengeCapacity: Int = MarketService.defaultChallengeCapacity,
                cancellationLookback: UInt64 = MarketService.defaultCancellationLookback) {
        self.config = chain.config
        self.book = book
        self.chain = chain
        self.policy = policy
        self.clock = clock
        self.cancellationLookback = cancellationLookback
        challenges = ChallengeLedger(capacity: challengeCapacity, lifetime: policy.challengeLifetime)
    }

    /// The system clock, in unix seconds.
    @Sendable public static func unixSeconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970))
    }

    // MARK: Publishing and reading

    /// Validates `order` against the chain's head and adds it to the book, OPEN. Publishing an
    /// order already in the book returns its entry unchanged (a retry is not an error).
    ///
    /// - Throws: the `MarketError` of the first rule the order breaks (see `OrderValidator`);
    ///   `canceled` for an order closed on chain.
    public func publish(_ order: AnyPoCoOrder) async throws(MarketError) -> MarketOrder {
        try await publication(of: order).entry
    }

    /// `publish`, also saying whether this call added the order (false: it was already in the
    /// book), decided inside the actor so that two concurrent publications cannot both claim it.
    public func publication(of order: AnyPoCoOrder) async throws(MarketError) -> (entry: MarketOrder, isNew: Bool) {
        let orderHash = order.hash(in: config.domain)
        if let existing = try book.order(orderHash) { return (existing, false) }
        let snapshot = await chain.snapshot()
        // No suspension from here to the insertion: the cap counted is the cap enforced.
        if let existing = try book.order(orderHash) { return (existing, false) }
        let validator = OrderValidator(config: config, policy: policy)
        let entry: MarketOrder
        do throws(MarketError) {
            entry = try validator.validate(order, snapshot: snapshot, sequence: try book.nextSequence(),
                                           activeOrderCount: { (signer) throws(MarketError) in
                                               try book.activeOrderCount(signer: signer)
                                           })
        } catch .noVolumeLeft(let hash) where order.order.volume > .zero {
            let closed = try await closedOnChain(order.kind, orderHash: hash, before: snapshot.blockNumber)
            throw closed ? MarketError.canceled(hash) : MarketError.noVolumeLeft(hash)
        }
        try book.insert(entry)
        return (entry, true)
    }

    /// The book's entry for `orderHash`.
    ///
    /// - Throws: `notFound` when no such order is in the book.
    public func order(_ orderHash: Hash32) throws(MarketError) -> MarketOrder {
        guard let entry = try book.order(orderHash) else { throw .notFound(orderHash) }
        return entry
    }

    /// One page of the orders `query` selects, best first.
    public func orders(_ query: OrderQuery) throws(MarketError) -> OrderPage {
        try book.query(query)
    }

    /// Whether the chain logged `Closed<Kind>Order(orderHash)` in the blocks up to `head` (at
    /// most `cancellationLookback` of them), read newest first.
    private func closedOnChain(_ kind: OrderKind, orderHash: Hash32, before head: UInt64) async throws(MarketError)
        -> Bool {
        let topics = PoCoLog(address: config.hub, event: .closedOrder(kind, hash: orderHash)).topics
        let oldest = head > cancellationLookback ? head - cancellationLookback : 0
        var upper = head
        while true {
            let lower = max(oldest, upper >= Self.logWindow ? upper - Self.logWindow + 1 : 0)
            let logs = try await chain.logs(blocks: lower...upper)
            if logs.contains(where: { $0.address == config.hub && $0.topics == topics }) { return true }
            if lower <= oldest { return false }
            upper = lower - 1
        }
    }

    // MARK: Unpublishing

    /// A fresh challenge for `address` to sign, valid `policy.challengeLifetime` seconds, good
    /// for one `unpublish`.
    public func challenge(for address: Address) -> SignedChallenge {
        challenges.issue(for: address, chainId: config.chainId, now: clock())
    }

    /// Removes `orderHash` from the book, for its signer, who proves it with `authorization`
    /// (`SignedChallenge.authorization(signedWith:)`: `"<hash>_<signature>_<address>"`).
    /// A challenge is used up once the signature is verified.
    ///
    /// - Throws: `unauthorized` for a malformed authorization, an unknown, expired or used
    ///   challenge, a challenge given to another address, a signature that is not that
    ///   address's, or an order signed by someone else; `notFound` when the order is not in the book.
    public func unpublish(_ orderHash: Hash32, authorization: String) async throws(MarketError) {
        let caller = try challenges.redeem(authorization, now: clock())
        guard let entry = try book.order(orderHash) else { throw .notFound(orderHash) }
        guard entry.signer == caller else {
            throw .notOrderOwner(orderHash, caller: caller, owner: entry.signer)
        }
        try book.remove(orderHash)
    }

    // MARK: Matching

    /// The best compatible orders for `request` in the book, checked against the chain's head,
    /// or every candidate with the checks it failed.
    public func match(_ request: RequestOrder) async throws(MarketError) -> MatchAdvice {
        let snapshot = await chain.snapshot()
        return try MatchAdvisor(config: config).advise(request, book: book, snapshot: snapshot)
    }
}
