import Ethereum
import Market
import PoCo
import Testing

@Suite("Market: publishing orders")
struct PublishTests {
    @Test("a valid order of each type is published OPEN with its remaining volume, sequence and time")
    func publishesEachType() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let head = await world.chain.snapshot()
        let orders: [AnyPoCoOrder] = [
            .app(world.appOrder()), .dataset(world.datasetOrder()), .workerpool(world.workerpoolOrder()),
            .request(world.requestOrder()),
        ]
        for (index, order) in orders.enumerated() {
            let entry = try await service.publish(order)
            #expect(entry.orderHash == order.hash(in: world.domain))
            #expect(entry.status == .open)
            #expect(entry.remaining == 10)
            #expect(entry.sequence == UInt64(index))
            #expect(entry.publishedAt == head.timestamp)
            #expect(try await service.order(entry.orderHash) == entry)
        }
        #expect(try await service.order(orders[0].hash(in: world.domain)).signer == world.appOwner.address)
        #expect(try await service.order(orders[3].hash(in: world.domain)).signer == world.requester.address)
        #expect(try await service.orders(OrderQuery(kind: .workerpool)).total == 1)
    }

    @Test("publishing the same order twice returns the existing entry unchanged")
    func idempotent() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let first = try await service.publish(.app(world.appOrder()))
        try world.chain.apply(.escrow(.deposit), from: world.appOwner.address, value: PoCoConstants.weiPerNRLC)
        let second = try await service.publish(.app(world.appOrder()))
        #expect(second == first)
        #expect(try await service.orders(OrderQuery(kind: .app)).total == 1)
    }

    @Test("concurrent publications: one entry per order, and the cap holds")
    func concurrent() async throws {
        let world = try MarketWorld()
        let service = world.service(policy: MarketPolicy(maxOpenOrdersPerAddress: 5))
        let order = AnyPoCoOrder.app(world.appOrder())
        let entries = try await withThrowingTaskGroup(of: MarketOrder.self) { group in
            for _ in 0..<8 { group.addTask { try await service.publish(order) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(entries).count == 1)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for salt in 1...10 {
                group.addTask { (try? await service.publish(.app(world.appOrder(salt: salt)))) != nil }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count { $0 } == 4)
        #expect(try await service.orders(OrderQuery(kind: .app)).total == 5)
    }

    @Test("remaining volume is volume minus what the chain consumed; a presigned order needs no sign")
    func partiallyConsumedAndPresigned() async throws {
        let world = try MarketWorld()
        let service = world.service()
        // A deal of volume 4 consumes 4 of the app order's 10.
        let app = world.appOrder(volume: 10)
        let request = world.requestOrder(volume: 4)
        try world.chain.apply(.matching(.matchOrders(app, world.datasetOrder(), world.workerpoolOrder(), request)),
                              from: world.requester.address)
        let entry = try await service.publish(.app(app))
        #expect(entry.remaining == 6)

        var unsigned = world.workerpoolOrder(salt: 7)
        unsigned.sign = []
        await #expect(throws: MarketError.badSignature(
            "the order has no sign and \(world.workerpoolOwner.address.checksummed) has not presigned it on chain")) {
            try await service.publish(.workerpool(unsigned))
        }
        try world.chain.apply(.orders(.manageWorkerpoolOrder(OrderOperation(order: unsigned, operation: .sign))),
                              from: world.workerpoolOwner.address)
        #expect(try await service.publish(.workerpool(unsigned)).status == .open)
    }

    @Test("refuses a malformed or foreign signature")
    func signatures() async throws {
        let world = try MarketWorld()
        let service = world.service()
        var malformed = world.appOrder()
        malformed.sign = [1, 2, 3]
        await #expect(throws: MarketError.badSignature("sign: \(Secp256k1Error.signatureLength(3))")) {
            try await service.publish(.app(malformed))
        }
        let stranger = MarketWorld.key(999)
        await #expect(throws: MarketError.signerNotOwner(kind: .app, signer: stranger.address,
                                                         owner: world.appOwner.address)) {
            try await service.publish(.app(world.appOrder(signer: stranger)))
        }
        // A request signed by someone other than its requester.
        var request = world.requestOrder()
        request = request.signed(with: stranger, in: world.domain)
        await #expect(throws: MarketError.signerNotOwner(kind: .request, signer: stranger.address,
                                                         owner: world.requester.address)) {
            try await service.publish(.request(request))
        }
        #expect(try await service.orders(OrderQuery(kind: .app)).total == 0)
    }

    @Test("refuses an order for an unregistered asset")
    func unregistered() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let ghost = try Address(hex: "0x00000000000000000000000000000000000bad01")
        var order = world.appOrder()
        order.app = ghost
        await #expect(throws: MarketError.unregisteredAsset(kind: .app, address: ghost)) {
            try await service.publish(.app(order.signed(with: world.appOwner, in: world.domain)))
        }
        await #expect(throws: MarketError.unregisteredAsset(kind: .workerpool, address: ghost)) {
            try await service.publish(.workerpool(world.workerpoolOrder(workerpool: ghost)))
        }
        var request = world.requestOrder()
        request.app = ghost
        await #expect(throws: MarketError.unregisteredAsset(kind: .app, address: ghost)) {
            try await service.publish(.request(request.signed(with: world.requester, in: world.domain)))
        }
    }

    @Test("refuses an order with no volume: 0, filled by deals, or cancelled on chain")
    func volume() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let empty = world.appOrder(volume: 0)
        await #expect(throws: MarketError.noVolumeLeft(empty.hash(in: world.domain))) {
            try await service.publish(.app(empty))
        }
        // Filled: a deal consumes the dataset order's whole volume.
        let dataset = world.datasetOrder(volume: 3)
        try world.chain.apply(.matching(.matchOrders(world.appOrder(), dataset, world.workerpoolOrder(),
                                                     world.requestOrder(volume: 3))), from: world.requester.address)
        await #expect(throws: MarketError.noVolumeLeft(dataset.hash(in: world.domain))) {
            try await service.publish(.dataset(dataset))
        }
        // Cancelled: closed by its owner (consumed = volume, told apart by the ClosedAppOrder log).
        let closed = world.appOrder(salt: 5)
        try world.chain.apply(.orders(.manageAppOrder(OrderOperation(order: closed, operation: .close))),
                              from: world.appOwner.address)
        await #expect(throws: MarketError.canceled(closed.hash(in: world.domain))) {
            try await service.publish(.app(closed))
        }
    }

    @Test("refuses a request its requester cannot pay for, and accepts it once funded")
    func requesterFunds() async throws {
        var world = try MarketWorld(funding: 0)
        let service = world.service()
        // (3 + 2 + 10) × 10 = 150 nRLC.
        try world.deposit(world.requester.address, 149)
        let request = world.requestOrder()
        await #expect(throws: MarketError.insufficientFunds(account: world.requester.address, needed: 150,
                                                            available: 149)) {
            try await service.publish(.request(request))
        }
        // Without a dataset its price is not counted: 13 × 10 = 130.
        #expect(try await service.publish(.request(world.requestOrder(datasetmax: 99, withDataset: false))).status == .open)
        try world.deposit(world.requester.address, 1)
        #expect(try await service.publish(.request(request)).remaining == 10)

        let huge = world.requestOrder(appmax: .max, salt: 3)
        await #expect(throws: MarketError.invalidOrder(
            "the remaining volume's cost at the order's maximum prices overflows uint256")) {
            try await service.publish(.request(huge))
        }
        await world.checkConservation()
    }

    @Test("refuses a workerpool order whose owner cannot stake one task")
    func schedulerStake() async throws {
        var world = try MarketWorld(funding: 0)
        let service = world.service()
        // 33 × 30 / 100 = 9 (integer division, as matchOrders).
        try world.deposit(world.workerpoolOwner.address, 8)
        let order = world.workerpoolOrder(price: 33)
        await #expect(throws: MarketError.insufficientStake(account: world.workerpoolOwner.address, needed: 9,
                                                            available: 8)) {
            try await service.publish(.workerpool(order))
        }
        try world.deposit(world.workerpoolOwner.address, 1)
        #expect(try await service.publish(.workerpool(order)).status == .open)
        // App and dataset orders cost their owners nothing.
        #expect(try await service.publish(.app(world.appOrder())).status == .open)
    }

    @Test("refuses more than the open orders an address may have; unpublished ones free a place")
    func cap() async throws {
        let world = try MarketWorld()
        let service = world.service(policy: MarketPolicy(maxOpenOrdersPerAddress: 2))
        _ = try await service.publish(.app(world.appOrder(salt: 1)))
        let second = try await service.publish(.app(world.appOrder(salt: 2)))
        await #expect(throws: MarketError.tooManyOpenOrders(signer: world.appOwner.address, limit: 2)) {
            try await service.publish(.app(world.appOrder(salt: 3)))
        }
        // Another signer is not affected; a FILLED order no longer counts.
        #expect(try await service.publish(.dataset(world.datasetOrder())).status == .open)
        try world.book.apply([OrderUpdate(orderHash: second.orderHash, status: .filled, remaining: 0)], throughBlock: nil)
        #expect(try await service.publish(.app(world.appOrder(salt: 3))).status == .open)
    }

    @Test("the validator is pure: the same snapshot gives the same entry, and its sequence is the one given")
    func validatorDirectly() async throws {
        let world = try MarketWorld()
        let validator = OrderValidator(config: MarketWorld.config, policy: MarketPolicy())
        let snapshot = await world.chain.snapshot()
        let order = AnyPoCoOrder.workerpool(world.workerpoolOrder())
        let first = try validator.validate(order, snapshot: snapshot, sequence: 41) { _ in 0 }
        let again = try validator.validate(order, snapshot: snapshot, sequence: 41) { _ in 0 }
        #expect(first == again)
        #expect(first.sequence == 41)
        #expect(first.signer == world.workerpoolOwner.address)
        #expect(throws: MarketError.tooManyOpenOrders(signer: world.workerpoolOwner.address, limit: 100)) {
            try validator.validate(order, snapshot: snapshot, sequence: 41) { _ in 100 }
        }
    }
}
