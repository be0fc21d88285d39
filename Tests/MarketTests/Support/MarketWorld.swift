import Ethereum
import Market
import PoCo
import Testing

/// A market's world on an `InMemoryMarketChain`: an app, a dataset and a workerpool registered to
/// their own owners, the chosen actors funded, and builders of orders signed by the right keys.
/// Orders agree by default (a request at the offered prices, in category 0, trust 1, no tag), so a
/// test changes only what it is about. Deposits and withdrawals are counted to check that nRLC is
/// conserved.
struct MarketWorld {
    /// The actors an asset or a request belongs to.
    enum Role: CaseIterable {
        case appOwner, datasetOwner, workerpoolOwner, requester
    }

    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: key(1).address)

    let chain: InMemoryMarketChain
    let book = InMemoryOrderBook()
    let appOwner = key(300)
    let datasetOwner = key(301)
    let workerpoolOwner = key(302)
    let requester = key(303)
    let app: Address
    let dataset: Address
    let workerpool: Address
    /// Every account `deposit` funded, for the conservation checks.
    private(set) var funded: Set<Address> = []
    /// nRLC deposited in all.
    private(set) var deposited: UInt256 = .zero
    /// nRLC withdrawn in all.
    private(set) var withdrawn: UInt256 = .zero

    var domain: PoCoDomain { Self.config.domain }

    /// A deterministic key for actor `n`.
    static func key(_ n: Int) -> PrivateKey {
        try! PrivateKey(Keccak256.hash("iexec-swift market actor \(n)").bytes)
    }

    /// Registers the three assets and deposits `funding` nRLC for each of `funded` (by default every
    /// owner and the requester).
    init(funding: UInt64 = 1_000_000, funded roles: [Role] = Role.allCases) throws {
        chain = InMemoryMarketChain(config: Self.config)
        app = try Self.created(chain.apply(.registry(.createApp(
            owner: appOwner.address, name: "app", type: "WASM", multiaddr: Array("/wasm/app".utf8),
            checksum: Keccak256.hash("app"), mrenclave: [])), from: appOwner.address))
        dataset = try Self.created(chain.apply(.registry(.createDataset(
            owner: datasetOwner.address, name: "dataset", multiaddr: Array("/data/set".utf8),
            checksum: Keccak256.hash("dataset"))), from: datasetOwner.address))
        workerpool = try Self.createWorkerpool(on: chain, owner: workerpoolOwner, description: "pool")
        for role in roles where funding > 0 {
            try deposit(signer(of: role).address, funding)
        }
    }

    /// The key of `role`'s actor.
    func signer(of role: Role) -> PrivateKey {
        switch role {
        case .appOwner: appOwner
        case .datasetOwner: datasetOwner
        case .workerpoolOwner: workerpoolOwner
        case .requester: requester
        }
    }

    private static func created(_ receipt: CallReceipt) throws -> Address {
        guard case .address(let address) = receipt.output else { throw WorldError.notCreated("\(receipt.output)") }
        return address
    }

    /// Funds `deposit` nRLC for the actor `key(n)` and registers a workerpool of theirs.
    mutating func fundedWorkerpool(ownerKey n: Int, deposit nRLC: UInt64 = 1_000) throws
        -> (owner: PrivateKey, workerpool: Address) {
        let owner = Self.key(n)
        try deposit(owner.address, nRLC)
        return (owner, try createWorkerpool(owner: owner, description: "other"))
    }

    /// Registers another workerpool.
    func createWorkerpool(owner: PrivateKey, description: String) throws -> Address {
        try Self.createWorkerpool(on: chain, owner: owner, description: description)
    }

    private static func createWorkerpool(on chain: InMemoryMarketChain, owner: PrivateKey,
                                         description: String) throws -> Address {
        try created(chain.apply(.registry(.createWorkerpool(owner: owner.address, description: description)),
                                from: owner.address))
    }

    /// Deposits `nRLC` for `account`, sent by the account itself.
    mutating func deposit(_ account: Address, _ nRLC: UInt64) throws {
        try chain.apply(.escrow(.deposit), from: account, value: UInt256(nRLC) * PoCoConstants.weiPerNRLC)
        funded.insert(account)
        deposited += UInt256(nRLC)
    }

    /// Withdraws `nRLC` from `account`'s balance, sent by the account itself.
    mutating func withdraw(_ account: Address, _ nRLC: UInt64) throws {
        try chain.apply(.escrow(.withdraw(amount: UInt256(nRLC))), from: account)
        withdrawn += UInt256(nRLC)
    }

    /// Matches the four orders on chain, sent by the requester.
    func match(_ app: AppOrder, _ dataset: DatasetOrder, _ workerpool: WorkerpoolOrder, _ request: RequestOrder) throws {
        try chain.apply(.matching(.matchOrders(app, dataset, workerpool, request)), from: requester.address)
    }

    /// Inserts `order` into `book` as an OPEN entry with its whole volume, as publication would but
    /// without the service's checks, so a test starts from a book it knows. Returns the order hash.
    @discardableResult
    func insertOpen(_ order: AnyPoCoOrder, into book: any OrderBook) throws -> Hash32 {
        let hash = order.hash(in: domain)
        try book.insert(MarketOrder(order: order, orderHash: hash, signer: try order.signer(in: domain), status: .open,
                                    remaining: order.order.volume, sequence: try book.nextSequence(), publishedAt: 0))
        return hash
    }

    /// The state at the chain's head.
    func state() async -> PoCoState { await chain.snapshot().state }

    /// Σ balance + frozen over the funded accounts, over every account, and the total supply all
    /// equal what was deposited less what was withdrawn.
    func checkConservation(sourceLocation: SourceLocation = #_sourceLocation) async {
        let state = await state()
        let net = deposited - withdrawn
        let held = funded.reduce(UInt256.zero) { $0 + state.account($1).balance + state.account($1).frozen }
        #expect(held == net, "nRLC held by the funded ≠ nRLC deposited − withdrawn", sourceLocation: sourceLocation)
        #expect(state.totalHeld == net, "nRLC held in all ≠ nRLC deposited − withdrawn", sourceLocation: sourceLocation)
        #expect(state.uint(.totalSupply) == net, "total supply ≠ nRLC deposited − withdrawn",
                sourceLocation: sourceLocation)
    }

    /// A service over this world's book and chain.
    func service(policy: MarketPolicy = MarketPolicy(), clock: @escaping @Sendable () -> UInt64 = { 1_700_000_100 },
                 challengeCapacity: Int = MarketService.defaultChallengeCapacity) -> MarketService {
        MarketService(book: book, chain: chain, policy: policy, clock: clock, challengeCapacity: challengeCapacity)
    }

    /// A status tracker of `book` (this world's own by default) over this world's chain.
    func tracker(of book: (any OrderBook)? = nil, policy: MarketPolicy = MarketPolicy()) -> MarketStatusTracker {
        MarketStatusTracker(book: book ?? self.book, chain: chain, policy: policy)
    }

    // MARK: Orders (signed by their owner unless `signer` says otherwise)

    static func tag(_ lastByte: UInt8) -> Hash32 { try! Hash32([UInt8](repeating: 0, count: 31) + [lastByte]) }
    static func salt(_ n: Int) -> Hash32 { Keccak256.hash("salt \(n)") }

    func appOrder(price: UInt256 = 3, volume: UInt256 = 10, tag: Hash32 = .zero, workerpoolrestrict: Address = .zero,
                  requesterrestrict: Address = .zero, salt: Int = 0, signer: PrivateKey? = nil) -> AppOrder {
        AppOrder(app: app, appprice: price, volume: volume, tag: tag, datasetrestrict: .zero,
                 workerpoolrestrict: workerpoolrestrict, requesterrestrict: requesterrestrict, salt: Self.salt(salt))
            .signed(with: signer ?? appOwner, in: domain)
    }

    func datasetOrder(price: UInt256 = 2, volume: UInt256 = 10, apprestrict: Address = .zero, salt: Int = 0,
                      signer: PrivateKey? = nil) -> DatasetOrder {
        DatasetOrder(dataset: dataset, datasetprice: price, volume: volume, tag: .zero, apprestrict: apprestrict,
                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Self.salt(salt))
            .signed(with: signer ?? datasetOwner, in: domain)
    }

    func workerpoolOrder(price: UInt256 = 10, volume: UInt256 = 10, tag: Hash32 = .zero, category: UInt256 = 0,
                         trust: UInt256 = 1, workerpool: Address? = nil, apprestrict: Address = .zero, salt: Int = 0,
                         signer: PrivateKey? = nil) -> WorkerpoolOrder {
        WorkerpoolOrder(workerpool: workerpool ?? self.workerpool, workerpoolprice: price, volume: volume, tag: tag,
                        category: category, trust: trust, apprestrict: apprestrict, datasetrestrict: .zero,
                        requesterrestrict: .zero, salt: Self.salt(salt))
            .signed(with: signer ?? workerpoolOwner, in: domain)
    }

    func requestOrder(appmax: UInt256 = 3, datasetmax: UInt256 = 2, workerpoolmax: UInt256 = 10, volume: UInt256 = 10,
                      withDataset: Bool = true, workerpool: Address = .zero, tag: Hash32 = .zero,
                      category: UInt256 = 0, trust: UInt256 = 1, salt: Int = 0, signer: PrivateKey? = nil) -> RequestOrder {
        let requester = signer ?? self.requester
        return RequestOrder(app: app, appmaxprice: appmax, dataset: withDataset ? dataset : .zero,
                            datasetmaxprice: withDataset ? datasetmax : .zero, workerpool: workerpool,
                            workerpoolmaxprice: workerpoolmax, requester: requester.address, volume: volume, tag: tag,
                            category: category, trust: trust, beneficiary: requester.address, callback: .zero,
                            params: "{\"iexec_args\":\"1\"}", salt: Self.salt(salt))
            .signed(with: requester, in: domain)
    }
}

enum WorldError: Error {
    case notCreated(String)
}
