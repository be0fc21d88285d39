import Ethereum
import Testing

@testable import PoCo

/// The read-only functions: what each returns after real calls (or for a stored value), and each
/// view's revert.
@Suite("Views")
struct ViewTests {
    let owner = Testbed.key(20).address
    let other = Testbed.key(21).address

    /// Creates an app, a dataset and a workerpool owned by `owner`.
    static func assets(_ bed: inout Testbed, owner: Address) throws -> (app: Address, dataset: Address, pool: Address) {
        func address(_ call: PoCoCall) throws -> Address {
            guard case .address(let address) = try bed.call(call, from: owner).output else {
                Issue.record("no address")
                return .zero
            }
            return address
        }
        return (try address(RegistryTests.createApp(owner)),
                try address(.registry(.createDataset(owner: owner, name: "d", multiaddr: [1, 2], checksum: Keccak256.hash("d")))),
                try address(.registry(.createWorkerpool(owner: owner, description: "pool"))))
    }

    @Test func srlcViewsFollowDepositsAndApprovals() throws {
        var bed = Testbed()
        try bed.fund(owner, 1_000)
        try bed.fund(other, 300)
        try bed.call(.token(.approve(spender: other, value: 120)), from: owner)
        try bed.call(.token(.transfer(to: other, value: 100)), from: owner)
        let engine = bed.engine
        #expect(engine.balanceOf(owner) == 900 && engine.balanceOf(other) == 400)
        #expect(engine.totalSupply == 1_300)
        #expect(engine.allowance(owner: owner, spender: other) == 120 && engine.allowance(owner: other, spender: owner) == 0)
        #expect(try engine.view(.balanceOf(other)) == [.uint(400)])
        #expect(try engine.view(.totalSupply) == [.uint(1_300)])
        #expect(try engine.view(.allowance(owner: owner, spender: other)) == [.uint(120)])
        #expect(try engine.view(.viewAccount(owner)) == [.tuple([.uint(900), .uint(0)])])
        #expect(try engine.view(.viewAccountABILegacy(owner)) == [.uint(900), .uint(0)])

        // Frozen value (as a lock leaves it) shows in frozenOf and as viewAccount's `locked`.
        let locked = PoCoEngine(config: Testbed.config, state: PoCoState(storage: [
            .account(owner): .account(Account(balance: 7, frozen: 5)),
            .account(PoCoConstants.kittyAddress): .account(Account(frozen: 40)),
        ]))
        #expect(locked.frozenOf(owner) == 5 && locked.balanceOf(owner) == 7)
        #expect(locked.viewAccount(owner) == Account(balance: 7, frozen: 5))
        #expect(try locked.view(.frozenOf(PoCoConstants.kittyAddress)) == [.uint(40)])
        #expect(try locked.view(.viewAccount(owner)) == [.tuple([.uint(7), .uint(5)])])
        #expect(locked.viewAccount(other) == Account())

        #expect(try engine.view(.name) == [.string("Staked RLC")])
        #expect(try engine.view(.symbol) == [.string("SRLC")])
        #expect(try engine.view(.decimals) == [.uint(9)])
        #expect(try engine.view(.token) == [.address(.zero)])
    }

    @Test func categoriesAndUnknownCategory() throws {
        var bed = Testbed()
        #expect(bed.engine.countCategory() == 5)
        #expect(try bed.engine.viewCategory(4) == PoCo.Category(name: "XL", description: "{}", workClockTimeRef: 36000))
        #expect(try bed.engine.view(.viewCategory(1)) == [.tuple([.string("S"), .string("{}"), .uint(1200)])])
        #expect(try bed.engine.view(.viewCategoryABILegacy(1)) == [.string("S"), .string("{}"), .uint(1200)])
        for index: UInt256 in [5, 6, .max] {
            #expect(throws: PoCoError.unknownCategory) { try bed.engine.viewCategory(index) }
            #expect(throws: PoCoError.unknownCategory) { try bed.engine.view(.viewCategory(index)) }
            #expect(throws: PoCoError.unknownCategory) { try bed.engine.viewReturnData(.viewCategoryABILegacy(index)) }
        }
        try bed.call(.governance(.createCategory(name: "fast", description: "tests", workClockTimeRef: 5)),
                     from: Testbed.governanceKey.address)
        #expect(try bed.engine.view(.countCategory) == [.uint(6)])
        #expect(try bed.engine.viewCategory(5) == PoCo.Category(name: "fast", description: "tests", workClockTimeRef: 5))
        #expect(PoCoError.unknownCategory.reason == "unknown category")
    }

    @Test func registryViews() throws {
        var bed = Testbed()
        let (app, dataset, pool) = try Self.assets(&bed, owner: owner)
        let engine = bed.engine
        let appToken = try UInt256(bigEndian: app.bytes)
        #expect(engine.isRegistered(.app, app) && !engine.isRegistered(.dataset, app) && !engine.isRegistered(.app, owner))
        #expect(try engine.view(.registry(.dataset, .isRegistered(dataset))) == [.bool(true)])
        #expect(try engine.view(.registry(.workerpool, .isRegistered(dataset))) == [.bool(false)])
        #expect(try engine.registryOwnerOf(.app, tokenId: appToken) == owner)
        #expect(try engine.view(.registry(.workerpool, .ownerOf(tokenId: try UInt256(bigEndian: pool.bytes))))
            == [.address(owner)])
        // Another registry's entry, a plain account, and an id above 160 bits (whose low bits are the app).
        let tooWide = appToken | (UInt256.one << 160)
        for (kind, id) in [(AssetKind.dataset, appToken), (.app, try UInt256(bigEndian: owner.bytes)), (.app, tooWide)] {
            #expect(throws: PoCoError.nonexistentToken) { try engine.view(.registry(kind, .ownerOf(tokenId: id))) }
        }
        #expect(PoCoError.nonexistentToken.reason == "ERC721: owner query for nonexistent token")
        #expect(try engine.registryBalanceOf(.app, owner: owner) == 1 && engine.registryBalanceOf(.app, owner: other) == 0)
        #expect(throws: PoCoError.balanceQueryForZeroAddress) { try engine.view(.registry(.app, .balanceOf(.zero))) }
        #expect(PoCoError.balanceQueryForZeroAddress.reason == "ERC721: balance query for the zero address")
        #expect(try engine.view(.registry(.workerpool, .totalSupply)) == [.uint(1)])
        let names = AssetKind.allCases.map { kind in
            ((try? engine.view(.registry(kind, .name))) ?? [], (try? engine.view(.registry(kind, .symbol))) ?? [])
        }
        #expect(names.map(\.0) == [[.string("iExec Application Registry (V5)")], [.string("iExec Dataset Registry (V5)")],
                                   [.string("iExec Workerpool Registry (V5)")]])
        #expect(names.map(\.1) == [[.string("iExecAppsV5")], [.string("iExecDatasetsV5")], [.string("iExecWorkerpoolV5")]])

        // A transfer moves ownerOf, balanceOf and the entry's owner().
        try bed.call(.registry(.transferAsset(kind: .app, from: owner, to: other, asset: app)), from: owner)
        #expect(try bed.engine.registryOwnerOf(.app, tokenId: appToken) == other)
        #expect(try bed.engine.view(.registry(.app, .balanceOf(owner))) == [.uint(0)])
        #expect(try bed.engine.view(.registry(.app, .balanceOf(other))) == [.uint(1)])
        #expect(try bed.engine.view(.appEntry(app, .owner)) == [.address(other)])
        #expect(try bed.engine.viewApp(app).owner == other)
    }

    @Test func assetInfosAndEntryViews() throws {
        var bed = Testbed()
        let (app, dataset, pool) = try Self.assets(&bed, owner: owner)
        try bed.call(.registry(.changePolicy(workerpool: pool, workerStakeRatio: 40, schedulerRewardRatio: 7)), from: owner)
        let engine = bed.engine
        #expect(try engine.viewApp(app) == App(owner: owner, name: "pi", type: "WASM", multiaddr: Array("/storage/pi.wasm".utf8),
                                               checksum: Keccak256.hash("code"), mrenclave: []))
        #expect(try engine.view(.viewDataset(dataset))
            == [.tuple([.address(owner), .string("d"), .bytes([1, 2]), .bytes32(Keccak256.hash("d"))])])
        #expect(try engine.view(.viewWorkerpool(pool)) == [.tuple([.address(owner), .string("pool"), .uint(40), .uint(7)])])
        // An address of another kind, or of no asset, is not an app / dataset / workerpool.
        #expect(throws: PoCoError.notRegistered(.app, dataset)) { try engine.view(.viewApp(dataset)) }
        #expect(throws: PoCoError.notRegistered(.dataset, pool)) { try engine.view(.viewDataset(pool)) }
        #expect(throws: PoCoError.notRegistered(.workerpool, owner)) { try engine.view(.viewWorkerpool(owner)) }
        #expect(throws: PoCoError.notRegistered(.workerpool, app)) { try engine.view(.workerpoolEntry(app, .owner)) }

        let appViews = AppEntryView.allCases.map { (try? engine.view(.appEntry(app, $0))) ?? [] }
        #expect(appViews == [[.address(owner)], [.address(Testbed.config.appRegistry)], [.string("pi")], [.string("WASM")],
                             [.bytes(Array("/storage/pi.wasm".utf8))], [.bytes32(Keccak256.hash("code"))], [.bytes([])]])
        let datasetViews = DatasetEntryView.allCases.map { (try? engine.view(.datasetEntry(dataset, $0))) ?? [] }
        #expect(datasetViews == [[.address(owner)], [.address(Testbed.config.datasetRegistry)], [.string("d")],
                                 [.bytes([1, 2])], [.bytes32(Keccak256.hash("d"))]])
        let poolViews = WorkerpoolEntryView.allCases.map { (try? engine.view(.workerpoolEntry(pool, $0))) ?? [] }
        #expect(poolViews == [[.address(owner)], [.address(Testbed.config.workerpoolRegistry)], [.string("pool")],
                              [.uint(40)], [.uint(7)]])
        #expect(engine.entryKind(app) == .app && engine.entryKind(dataset) == .dataset && engine.entryKind(pool) == .workerpool)
        #expect(engine.entryKind(owner) == nil)
    }

    @Test func presignAndCloseShowInOrderViews() throws {
        var bed = Testbed()
        let (app, _, _) = try Self.assets(&bed, owner: owner)
        let order = AppOrder(app: app, appprice: 3, volume: 10, tag: .zero, datasetrestrict: .zero, workerpoolrestrict: .zero,
                             requesterrestrict: .zero, salt: Keccak256.hash("salt"))
        let hash = order.hash(in: bed.domain)
        #expect(bed.engine.viewPresigned(hash) == .zero && !bed.engine.verifyPresignature(identity: owner, hash: hash))
        #expect(throws: PoCoError.invalidSignatureFormat) {
            try bed.engine.verifyPresignatureOrSignature(identity: owner, hash: hash, signature: [])
        }
        try bed.call(.orders(.manageAppOrder(OrderOperation(order: order, operation: .sign))), from: owner)
        #expect(try bed.engine.view(.viewPresigned(hash)) == [.address(owner)])
        #expect(try bed.engine.view(.verifyPresignature(identity: owner, hash: hash)) == [.bool(true)])
        #expect(!bed.engine.verifyPresignature(identity: other, hash: hash))
        #expect(!bed.engine.verifyPresignature(identity: .zero, hash: Keccak256.hash("never presigned")))
        #expect(try bed.engine.view(.verifyPresignatureOrSignature(identity: owner, hash: hash, signature: [])) == [.bool(true)])
        // Not presigned by `other`: its (empty) signature is checked, and refused for its length.
        #expect(throws: PoCoError.invalidSignatureFormat) {
            try bed.engine.view(.verifyPresignatureOrSignature(identity: other, hash: hash, signature: []))
        }

        #expect(bed.engine.viewConsumed(hash) == 0)
        try bed.call(.orders(.manageAppOrder(OrderOperation(order: order, operation: .close))), from: owner)
        #expect(try bed.engine.view(.viewConsumed(hash)) == [.uint(10)])
    }

    @Test func verifySignature() throws {
        let engine = Testbed().engine
        let signer = Testbed.key(50)
        let hash = Keccak256.hash("a message")
        let signature = signer.sign(digest: hash)
        #expect(try engine.verifySignature(identity: signer.address, hash: hash, signature: signature.bytes))
        #expect(try engine.view(.verifySignature(identity: signer.address, hash: hash, signature: signature.compactBytes))
            == [.bool(true)])
        #expect(try !engine.verifySignature(identity: other, hash: hash, signature: signature.bytes))
        #expect(try !engine.verifySignature(identity: signer.address, hash: Keccak256.hash("another"), signature: signature.bytes))
        for length in [0, 63, 66] {
            #expect(throws: PoCoError.invalidSignatureFormat) {
                try engine.view(.verifySignature(identity: signer.address, hash: hash, signature: Array(repeating: 1, count: length)))
            }
        }
        // A 65-byte signature that recovers nothing counts as the zero address's (OpenZeppelin's tryRecover).
        let unrecoverable = [UInt8](repeating: 0, count: 64) + [27]
        #expect(try engine.verifySignature(identity: .zero, hash: hash, signature: unrecoverable))
        #expect(try !engine.verifySignature(identity: signer.address, hash: hash, signature: unrecoverable))
        // verifyPresignatureOrSignature falls back to the signature when nothing is presigned.
        #expect(try engine.verifyPresignatureOrSignature(identity: signer.address, hash: hash, signature: signature.bytes))
    }

    @Test func dealVolumeIsTheLeastRemainingVolume() throws {
        let domain = Testbed.config.domain
        let app = AppOrder(app: Testbed.key(60).address, appprice: 1, volume: 10, tag: .zero, datasetrestrict: .zero,
                           workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("a"))
        var dataset = DatasetOrder(dataset: Testbed.key(61).address, datasetprice: 1, volume: 8, tag: .zero,
                                   apprestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero, salt: Keccak256.hash("d"))
        let pool = WorkerpoolOrder(workerpool: Testbed.key(62).address, workerpoolprice: 1, volume: 20, tag: .zero,
                                   category: 0, trust: 0, apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero,
                                   salt: Keccak256.hash("w"))
        let request = RequestOrder(app: app.app, appmaxprice: 1, dataset: dataset.dataset, datasetmaxprice: 1,
                                   workerpool: .zero, workerpoolmaxprice: 1, requester: owner, volume: 9, tag: .zero,
                                   category: 0, trust: 0, beneficiary: owner, callback: .zero, params: "",
                                   salt: Keccak256.hash("r"))
        func engine(consumed: [Hash32: UInt256]) -> PoCoEngine {
            var storage: [StateKey: StateValue] = [:]
            for (hash, value) in consumed { storage[.consumed(hash)] = .uint(value) }
            return PoCoEngine(config: Testbed.config, state: PoCoState(storage: storage))
        }
        let (appHash, poolHash, requestHash) = (app.hash(in: domain), pool.hash(in: domain), request.hash(in: domain))
        let datasetHash = dataset.hash(in: domain)
        // Nothing consumed: min(10, 8, 20, 9).
        #expect(try engine(consumed: [:]).dealVolume(app: app, dataset: dataset, workerpool: pool, request: request) == 8)
        // Remaining: app 10−4 = 6, dataset 8−1 = 7, workerpool 20−15 = 5, request 9−2 = 7.
        let partly = engine(consumed: [appHash: 4, datasetHash: 1, poolHash: 15, requestHash: 2])
        #expect(try partly.dealVolume(app: app, dataset: dataset, workerpool: pool, request: request) == 5)
        #expect(try partly.view(.computeDealVolume(app, dataset, pool, request)) == [.uint(5)])
        // A fully consumed (or CLOSEd) order leaves no volume.
        #expect(try engine(consumed: [requestHash: 9]).dealVolume(app: app, dataset: dataset, workerpool: pool, request: request) == 0)
        // Without a dataset its order is left out, even fully consumed.
        dataset.dataset = .zero
        let noDataset = engine(consumed: [dataset.hash(in: domain): 8])
        #expect(try noDataset.dealVolume(app: app, dataset: dataset, workerpool: pool, request: request) == 9)
        // More consumed than the volume underflows, as Solidity's checked subtraction does.
        #expect(throws: PoCoError.arithmeticOverflow) {
            try engine(consumed: [appHash: 11]).view(.computeDealVolume(app, dataset, pool, request))
        }
    }

    @Test func viewsOfARealMatch() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.orders(MarketTerms(volume: 4))
        orders.app.volume = 6
        market.sign(&orders)
        let volumeView = PoCoView.computeDealVolume(orders.app, orders.dataset, orders.workerpool, orders.request)
        #expect(try bed.engine.view(volumeView) == [.uint(4)])
        let (dealid, _) = try market.match(&bed, orders)
        let engine = bed.engine
        // The app order has 2 left, the others none: no further volume.
        #expect(try engine.view(volumeView) == [.uint(0)])
        #expect(engine.viewConsumed(orders.app.hash(in: bed.domain)) == 4)
        #expect(engine.viewConsumed(orders.request.hash(in: bed.domain)) == 4)
        let deal = engine.viewDeal(dealid)
        #expect(deal.botSize == 4 && deal.requester == market.requester.address && deal.sponsor == market.requester.address)
        #expect(try engine.view(.viewDeal(dealid)) == [deal.abiValue])
        #expect(try engine.view(.viewDealABILegacyPt1(dealid))
            == [.address(market.app), .address(market.appOwner.address), .uint(3),
                .address(market.dataset), .address(market.datasetOwner.address), .uint(2),
                .address(market.workerpool), .address(market.workerpoolOwner.address), .uint(10)])
        #expect(try engine.view(.viewConfigABILegacy(dealid))
            == [.uint(0), .uint(UInt256(bed.time)), .uint(0), .uint(4), .uint(deal.workerStake), .uint(deal.schedulerRewardRatio)])
        // The requester locked (3 + 2 + 10) · 4; the scheduler (10 · 30 / 100) · 4.
        #expect(try engine.view(.viewAccount(market.requester.address)) == [.tuple([.uint(1_000_000 - 60), .uint(60)])])
        #expect(engine.frozenOf(market.workerpoolOwner.address) == 12)
    }

    @Test func resultForOnlyWhenCompleted() throws {
        let taskid = Keccak256.hash("task")
        func engine(_ task: PoCo.Task?) -> PoCoEngine {
            PoCoEngine(config: Testbed.config, state: PoCoState(storage: task.map { [.task(taskid): .task($0)] } ?? [:]))
        }
        #expect(throws: PoCoError.taskPending) { try engine(nil).resultFor(taskid) }
        for status: TaskStatus in [.active, .revealing, .failed] {
            #expect(throws: PoCoError.taskPending) {
                try engine(PoCo.Task(status: status, resultsCallback: [1])).view(.resultFor(taskid))
            }
        }
        #expect(PoCoError.taskPending.reason == "task-pending")
        #expect(try engine(PoCo.Task(status: .completed, results: [9], resultsCallback: [1, 2])).resultFor(taskid) == [1, 2])
        #expect(try engine(PoCo.Task(status: .completed)).view(.resultFor(taskid)) == [.bytes([])])
    }

    @Test func storedDealsTasksContributionsAndScores() throws {
        let deal = try ViewEncodingTests.exampleDeal()
        let task = try ViewEncodingTests.exampleTask()
        let contribution = try ViewEncodingTests.exampleContribution()
        let dealid = Keccak256.hash("deal"), taskid = Keccak256.hash("task")
        let engine = PoCoEngine(config: Testbed.config, state: PoCoState(storage: [
            .deal(dealid): .deal(deal), .task(taskid): .task(task), .score(owner): .uint(12),
            .contribution(task: taskid, worker: owner): .contribution(contribution),
        ]))
        #expect(engine.viewDeal(dealid) == deal && engine.viewTask(taskid) == task)
        #expect(engine.viewContribution(task: taskid, worker: owner) == contribution)
        #expect(engine.viewContribution(task: taskid, worker: other) == Contribution())
        #expect(engine.viewScore(owner) == 12 && engine.viewScore(other) == 0)
        #expect(try engine.view(.viewScore(owner)) == [.uint(12)])
        #expect(try engine.view(.viewDealABILegacyPt2(dealid))
            == [.uint(3), .bytes32(deal.tag), .address(deal.requester), .address(deal.beneficiary), .address(deal.callback),
                .string(#"{"iexec_args":"hello"}"#)])
        #expect(try engine.view(.viewConfigABILegacy(dealid)) == [.uint(2), .uint(1_700_000_000), .uint(0), .uint(10), .uint(3), .uint(1)])
        #expect(try engine.view(.viewContributionABILegacy(task: taskid, worker: owner))
            == [.uint(1), .bytes32(contribution.resultHash), .bytes32(contribution.resultSeal), .address(.zero)])
    }

    @Test func configurationAndConstants() throws {
        let engine = Testbed().engine
        let config = Testbed.config
        #expect(try engine.view(.domain) == [.tuple([.string("iExecODB"), .string("5.0.0"), .uint(134), .address(config.hub)])])
        #expect(engine.eip712DomainSeparator.hex == "0xf2cbd98a556869939d25b73c3fa68ba45f19932f8c9a06f744c98290ed9ef860")
        let constants: [(PoCoView, ABIValue)] = [
            (.contributionDeadlineRatio, .uint(7)), (.revealDeadlineRatio, .uint(2)), (.finalDeadlineRatio, .uint(10)),
            (.workerpoolStakeRatio, .uint(30)), (.kittyRatio, .uint(10)), (.kittyMin, .uint(1_000_000_000)),
            (.kittyAddress, .address(try Address(hex: "0x99c2268479b93fDe36232351229815DF80837e23"))),
            (.groupmemberPurpose, .uint(4)), (.callbackgas, .uint(200_000)),
            (.appregistry, .address(config.appRegistry)), (.datasetregistry, .address(config.datasetRegistry)),
            (.workerpoolregistry, .address(config.workerpoolRegistry)), (.owner, .address(config.governance)),
        ]
        for (view, value) in constants {
            #expect(try engine.view(view) == [value], "\(view.function.name)")
        }
    }

    @Test func callsGoToTheRightContract() throws {
        let config = Testbed.config
        let entry = Testbed.key(70).address
        #expect(PoCoView.viewDeal(.zero).target(in: config) == config.hub)
        #expect(PoCoView.owner.target(in: config) == config.hub)
        #expect(PoCoView.registry(.dataset, .totalSupply).target(in: config) == config.datasetRegistry)
        #expect(PoCoView.registry(.workerpool, .name).target(in: config) == config.workerpoolRegistry)
        #expect(PoCoView.appEntry(entry, .owner).target(in: config) == entry)
        #expect(PoCoView.workerpoolEntry(entry, .description).target(in: config) == entry)
        // viewDeal(bytes32) call data: the selector, then the id.
        let id = Keccak256.hash("id")
        #expect(PoCoView.viewDeal(id).callData == (try [UInt8](hex: "0xb74861b2")) + id.bytes)
    }

    /// Every view, evaluated on a state that has something for it: it reverts with a PoCo error or
    /// returns data that decodes (with the function's return types) back to its values.
    @Test func everyViewEncodesWhatItReturns() throws {
        var bed = Testbed()
        let (app, dataset, pool) = try Self.assets(&bed, owner: owner)
        var storage = bed.state.storage
        storage[.deal(ViewCatalog.dealid)] = .deal(try ViewEncodingTests.exampleDeal())
        storage[.task(ViewCatalog.taskid)] = .task(try ViewEncodingTests.exampleTask())
        let engine = PoCoEngine(config: Testbed.config, state: PoCoState(storage: storage))
        let views = ViewCatalog.all(owner: owner, app: app, dataset: dataset, workerpool: pool)
        #expect(Set(views.map(\.function.name)) == Set(ViewEncodingTests.abi.keys), "a view function lacks a catalog entry")
        var reverts: [PoCoError] = []
        for view in views {
            do throws(PoCoError) {
                let values = try engine.view(view)
                let data = try engine.viewReturnData(view)
                #expect((try? view.function.decodeReturn(data)) == values, "\(view.function.name)")
            } catch {
                reverts.append(error)
            }
        }
        // resultFor on the REVEALING example task; verifySignature of an empty signature.
        #expect(reverts == [.taskPending, .invalidSignatureFormat])
    }
}

/// At least one instance of every view (every registry kind, every entry view).
enum ViewCatalog {
    static let dealid = Keccak256.hash("catalog deal")
    static let taskid = Keccak256.hash("catalog task")

    static func all(owner: Address, app: Address = .zero, dataset: Address = .zero, workerpool: Address = .zero) -> [PoCoView] {
        let app = app == .zero ? Testbed.key(80).address : app
        let dataset = dataset == .zero ? Testbed.key(81).address : dataset
        let workerpool = workerpool == .zero ? Testbed.key(82).address : workerpool
        let hash = Keccak256.hash("order")
        let orders = (AppOrder(app: app, appprice: 0, volume: 1, tag: .zero, datasetrestrict: .zero, workerpoolrestrict: .zero,
                               requesterrestrict: .zero, salt: .zero),
                      DatasetOrder(dataset: .zero, datasetprice: 0, volume: 0, tag: .zero, apprestrict: .zero,
                                   workerpoolrestrict: .zero, requesterrestrict: .zero, salt: .zero),
                      WorkerpoolOrder(workerpool: workerpool, workerpoolprice: 0, volume: 1, tag: .zero, category: 0, trust: 0,
                                      apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero, salt: .zero),
                      RequestOrder(app: app, appmaxprice: 0, dataset: .zero, datasetmaxprice: 0, workerpool: .zero,
                                   workerpoolmaxprice: 0, requester: owner, volume: 1, tag: .zero, category: 0, trust: 0,
                                   beneficiary: owner, callback: .zero, params: "p", salt: .zero))
        var views: [PoCoView] = [
            .viewDeal(dealid), .viewDeal(hash), .viewTask(taskid), .viewTask(hash), .viewContribution(task: taskid, worker: owner),
            .viewScore(owner), .viewConsumed(hash), .viewPresigned(hash), .viewCategory(0), .countCategory, .resultFor(taskid),
            .computeDealVolume(orders.0, orders.1, orders.2, orders.3), .viewAccount(owner), .balanceOf(owner), .frozenOf(owner),
            .totalSupply, .allowance(owner: owner, spender: app), .name, .symbol, .decimals, .token, .viewApp(app),
            .viewDataset(dataset), .viewWorkerpool(workerpool),
            .verifySignature(identity: owner, hash: hash, signature: []),
            .verifyPresignature(identity: owner, hash: hash),
            .verifyPresignatureOrSignature(identity: .zero, hash: hash, signature: [UInt8](repeating: 0, count: 65)),
            .domain, .eip712DomainSeparator, .contributionDeadlineRatio, .revealDeadlineRatio, .finalDeadlineRatio,
            .workerpoolStakeRatio, .kittyRatio, .kittyMin, .kittyAddress, .groupmemberPurpose, .callbackgas, .appregistry,
            .datasetregistry, .workerpoolregistry, .owner, .viewAccountABILegacy(owner), .viewDealABILegacyPt1(dealid),
            .viewDealABILegacyPt2(dealid), .viewConfigABILegacy(dealid), .viewTaskABILegacy(taskid),
            .viewContributionABILegacy(task: taskid, worker: owner), .viewCategoryABILegacy(2),
        ]
        for kind in AssetKind.allCases {
            views += [.registry(kind, .isRegistered(app)), .registry(kind, .balanceOf(owner)), .registry(kind, .totalSupply),
                      .registry(kind, .name), .registry(kind, .symbol)]
        }
        views += [.registry(.app, .ownerOf(tokenId: (try? UInt256(bigEndian: app.bytes)) ?? .zero))]
        views += AppEntryView.allCases.map { .appEntry(app, $0) }
        views += DatasetEntryView.allCases.map { .datasetEntry(dataset, $0) }
        views += WorkerpoolEntryView.allCases.map { .workerpoolEntry(workerpool, $0) }
        return views
    }
}
