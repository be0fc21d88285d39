import Ethereum
import Testing

@testable import PoCo

@Suite("manage*Order (presign, close) and broadcast*Order")
struct OrderManagementTests {
    let hub = Testbed.config.hub
    let stranger = Testbed.key(310)

    /// topic0 of Signed*Order / Closed*Order, from poco-abi.md §3.1.
    static let signedTopics: [OrderKind: String] = [
        .app: "0x50933cf5a9c44d5ed66b895deb27212aa33d811b46a7b41093e047e213c0bcab",
        .dataset: "0x79ce85909be2c590a728d1634ce6ec8a7cbf815260bacc05387890a313da8130",
        .workerpool: "0x3a61aabf2ab04790d082ff1e332853b2f66944c2e951a146121f80272812a476",
        .request: "0x3b0ac04165536d6b11d04220f998c840bd6e439d59c5d8721bba8a4e1fb9ebfd",
    ]
    static let closedTopics: [OrderKind: String] = [
        .app: "0x7343f75be43aba524f85326508cd975d016ef7884676377366c69a7c32e30668",
        .dataset: "0xcf52e3228bc482a6656d8ab56c09888b1c5bf6aaadba0185e96a34836f2bb1d4",
        .workerpool: "0x145ad51e4496173bca15e24e7eb46f9ab3a10eea0497e2801a3a6806c06113a3",
        .request: "0x582f43f2a741cbe708aae3b8d38a4efc3d09d7e81919697b3ca693f4c444cc05",
    ]

    /// An order of `kind` from the market, its hash and volume, and the manage call for `operation`,
    /// signed by `signer` when given (for a sender who is not the owner).
    static func manage(_ kind: OrderKind, _ orders: MarketOrders, _ operation: OrderOperationType,
                       signedBy signer: PrivateKey? = nil, domain: PoCoDomain) -> (call: PoCoCall, hash: Hash32, volume: UInt256) {
        func op<Order: PoCoOrder>(_ order: Order) -> OrderOperation<Order> {
            let operation = OrderOperation(order: order, operation: operation)
            return signer.map { operation.signed(with: $0, in: domain) } ?? operation
        }
        switch kind {
        case .app:
            return (.orders(.manageAppOrder(op(orders.app))), orders.app.hash(in: domain), orders.app.volume)
        case .dataset:
            return (.orders(.manageDatasetOrder(op(orders.dataset))), orders.dataset.hash(in: domain), orders.dataset.volume)
        case .workerpool:
            return (.orders(.manageWorkerpoolOrder(op(orders.workerpool))), orders.workerpool.hash(in: domain),
                    orders.workerpool.volume)
        case .request:
            return (.orders(.manageRequestOrder(op(orders.request))), orders.request.hash(in: domain), orders.request.volume)
        }
    }

    @Test(arguments: OrderKind.allCases)
    func theOwnerPresigns(_ kind: OrderKind) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let owner = market.owner(of: kind).address
        let (call, hash, _) = Self.manage(kind, market.unsignedOrders(), .sign, domain: market.domain)
        let receipt = try bed.call(call, from: owner)
        #expect(bed.state.address(.presigned(hash)) == owner)
        #expect(receipt.changes == [StateChange(key: .presigned(hash), value: .address(owner))])
        #expect(receipt.logs == [PoCoLog(address: hub, event: .signedOrder(kind, hash: hash))])
        #expect(receipt.logs[0].topics.map(\.hex) == [Self.signedTopics[kind]])
        #expect(receipt.logs[0].data == hash.bytes)
    }

    /// Anyone may send the operation when it carries the owner's EIP-712 signature of it (65 or 64 bytes).
    @Test(arguments: OrderKind.allCases)
    func aThirdPartyPresignsWithTheOwnersSignedOperation(_ kind: OrderKind) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let owner = market.owner(of: kind)
        let (call, hash, _) = Self.manage(kind, market.unsignedOrders(), .sign, signedBy: owner, domain: market.domain)
        let receipt = try bed.call(call, from: stranger.address)
        #expect(bed.state.address(.presigned(hash)) == owner.address)
        #expect(receipt.logs.map(\.event) == [.signedOrder(kind, hash: hash)])

        // The same with an EIP-2098 compact signature, on another order.
        var other = market.unsignedOrders(MarketTerms(salt: Keccak256.hash("compact")))
        other.app.sign = []
        guard case .orders(.manageAppOrder(var operation)) = Self.manage(.app, other, .sign, signedBy: market.appOwner,
                                                                         domain: market.domain).call else { return }
        operation.sign = try Signature(bytes: operation.sign).compactBytes
        try bed.call(.orders(.manageAppOrder(operation)), from: stranger.address)
        #expect(bed.state.address(.presigned(other.app.hash(in: market.domain))) == market.appOwner.address)
    }

    /// CLOSE sets consumed = volume, by the owner or through its signed operation.
    @Test(arguments: OrderKind.allCases)
    func closeConsumesTheWholeVolume(_ kind: OrderKind) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.orders(MarketTerms(volume: 7))
        let (call, hash, volume) = Self.manage(kind, orders, .close, domain: market.domain)
        #expect(volume == 7)
        let receipt = try bed.call(call, from: market.owner(of: kind).address)
        #expect(bed.state.uint(.consumed(hash)) == 7)
        #expect(receipt.changes == [StateChange(key: .consumed(hash), value: .uint(7))])
        #expect(receipt.logs == [PoCoLog(address: hub, event: .closedOrder(kind, hash: hash))])
        #expect(receipt.logs[0].topics.map(\.hex) == [Self.closedTopics[kind]])
        #expect(receipt.logs[0].data == hash.bytes)

        // A partly consumed order (a deal of 3 out of 7), closed by a third party with the owner's
        // signed operation: consumed becomes the volume.
        var second = market.unsignedOrders(MarketTerms(volume: 7, salt: Keccak256.hash("second")))
        if kind == .request { second.app.volume = 3 } else { second.request.volume = 3 }
        market.sign(&second)
        try market.match(&bed, second)
        let close = Self.manage(kind, second, .close, signedBy: market.owner(of: kind), domain: market.domain)
        #expect(bed.state.uint(.consumed(close.hash)) == 3)
        try bed.call(close.call, from: stranger.address)
        #expect(bed.state.uint(.consumed(close.hash)) == 7)
    }

    /// The call with its operation's `sign` or operation replaced.
    static func altered(_ call: PoCoCall, sign: [UInt8]? = nil, operation: OrderOperationType? = nil) -> PoCoCall {
        func alter<Order: PoCoOrder>(_ op: OrderOperation<Order>) -> OrderOperation<Order> {
            var copy = op
            if let sign { copy.sign = sign }
            if let operation { copy.operation = operation }
            return copy
        }
        switch call {
        case .orders(.manageAppOrder(let op)): return .orders(.manageAppOrder(alter(op)))
        case .orders(.manageDatasetOrder(let op)): return .orders(.manageDatasetOrder(alter(op)))
        case .orders(.manageWorkerpoolOrder(let op)): return .orders(.manageWorkerpoolOrder(alter(op)))
        case .orders(.manageRequestOrder(let op)): return .orders(.manageRequestOrder(alter(op)))
        default: return call
        }
    }

    @Test(arguments: OrderKind.allCases)
    func aStrangerWithoutTheOwnersSignatureIsRefused(_ kind: OrderKind) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let orders = market.unsignedOrders()
        // Signed by someone else.
        let forged = Self.manage(kind, orders, .sign, signedBy: stranger, domain: market.domain)
        bed.expectRevert(.invalidSenderOrSignature, forged.call, from: stranger.address)
        // The owner's signature of the SIGN operation does not allow a CLOSE.
        let signed = Self.manage(kind, orders, .sign, signedBy: market.owner(of: kind), domain: market.domain)
        bed.expectRevert(.invalidSenderOrSignature, Self.altered(signed.call, operation: .close), from: stranger.address)
        // The owner's signature of the order itself is not a signature of the operation.
        let orderSignature = market.orders()
        let orderSign: [UInt8]
        switch kind {
        case .app: orderSign = orderSignature.app.sign
        case .dataset: orderSign = orderSignature.dataset.sign
        case .workerpool: orderSign = orderSignature.workerpool.sign
        case .request: orderSign = orderSignature.request.sign
        }
        bed.expectRevert(.invalidSenderOrSignature, Self.altered(signed.call, sign: orderSign), from: stranger.address)
        // 65 bytes that recover nobody.
        bed.expectRevert(.invalidSenderOrSignature, Self.altered(signed.call, sign: [UInt8](repeating: 0, count: 65)),
                         from: stranger.address)
        // The owner itself needs no signature.
        try bed.call(Self.altered(signed.call, sign: []), from: market.owner(of: kind).address)
    }

    /// Not the owner and a `sign` that is neither 64 nor 65 bytes (empty included).
    @Test(arguments: OrderKind.allCases)
    func aBadSignatureLengthIsAFormatError(_ kind: OrderKind) throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        let (call, _, _) = Self.manage(kind, market.unsignedOrders(), .close, domain: market.domain)
        for length in [0, 1, 63, 66, 130] {
            bed.expectRevert(.invalidSignatureFormat, Self.altered(call, sign: [UInt8](repeating: 7, count: length)),
                             from: stranger.address)
        }
    }

    /// An order for an address that is not a registered asset of its kind cannot be managed; a
    /// request order needs no registration.
    @Test func unregisteredAssetsAreRefused() throws {
        var bed = Testbed()
        let market = try MarketFixture(&bed)
        var orders = market.unsignedOrders()
        let nowhere = Testbed.key(311).address
        orders.app.app = nowhere
        orders.dataset.dataset = market.app  // an app is not a dataset
        orders.workerpool.workerpool = nowhere
        bed.expectRevert(.notRegistered(.app, nowhere),
                         .orders(.manageAppOrder(OrderOperation(order: orders.app, operation: .sign))), from: nowhere)
        bed.expectRevert(.notRegistered(.dataset, market.app),
                         .orders(.manageDatasetOrder(OrderOperation(order: orders.dataset, operation: .close))),
                         from: market.appOwner.address)
        bed.expectRevert(.notRegistered(.workerpool, nowhere),
                         .orders(.manageWorkerpoolOrder(OrderOperation(order: orders.workerpool, operation: .sign))),
                         from: nowhere)
        orders.request.requester = nowhere
        try bed.call(.orders(.manageRequestOrder(OrderOperation(order: orders.request, operation: .sign))), from: nowhere)
        #expect(bed.state.address(.presigned(orders.request.hash(in: market.domain))) == nowhere)
    }

    // MARK: Broadcast

    static func address(_ n: UInt64) -> Address { try! Address(UInt256(n).bigEndianBytes.suffix(20)) }
    static func word(_ n: UInt64) -> Hash32 { try! Hash32(UInt256(n).bigEndianBytes) }

    /// Fixed orders whose broadcast data eth-abi 5 `encode([tuple type], [order])` hashed to the
    /// values below (keccak256 of the data, and its length).
    static let broadcasts: [(call: OrderManagementCall, topic: String, dataLength: Int, dataHash: String)] = {
        let sign65 = (0..<65).map { UInt8($0) }
        let app = AppOrder(app: address(0xa1), appprice: 5, volume: 7, tag: word(1), datasetrestrict: address(0xd1),
                           workerpoolrestrict: address(0xe1), requesterrestrict: address(0xf1), salt: word(0x5a17),
                           sign: sign65)
        let dataset = DatasetOrder(dataset: address(0xa2), datasetprice: 6, volume: 8, tag: word(2),
                                   apprestrict: address(0xd2), workerpoolrestrict: address(0xe2),
                                   requesterrestrict: address(0xf2), salt: word(0x5a18))
        let workerpool = WorkerpoolOrder(workerpool: address(0xa3), workerpoolprice: 9, volume: 10, tag: word(0x101),
                                         category: 3, trust: 11, apprestrict: address(0xd3),
                                         datasetrestrict: address(0xe3), requesterrestrict: address(0xf3),
                                         salt: word(0x5a19), sign: (0..<64).map { UInt8($0) })
        let request = RequestOrder(app: address(0xa4), appmaxprice: 12, dataset: address(0xb4), datasetmaxprice: 13,
                                   workerpool: address(0xc4), workerpoolmaxprice: 14, requester: address(0xd4),
                                   volume: 15, tag: word(0x100), category: 2, trust: 16, beneficiary: address(0xe4),
                                   callback: address(0xf4), params: "{\"iexec_args\":\"x y\"}", salt: word(0x5a1a),
                                   sign: sign65)
        return [
            (.broadcastAppOrder(app), "0x6fd493f856b22df174df46975d6dcf0895c7dfb3c63d20179c0dcd5563e2f565", 448,
             "0x4cf54eef74f254a245dba95311736f8215d5c51889b2752de9ccc27875a05a3e"),
            (.broadcastDatasetOrder(dataset), "0xc56d982ad2fd39ebadca073cc88d9bdaee0f4c8e7b2b6be50227169daefc7b3f", 352,
             "0xaaccee373cc721a5b0f2a7859b9c91f6c59b7a38f3d215f1efe3e4efe84d18e9"),
            (.broadcastWorkerpoolOrder(workerpool), "0xaf81a046e31ebb2be305579e585ac6b2ee3fdc2dc9dba806bb826879bb2c7851",
             480, "0xca87c39057c4f1eea8154d40c65243333de213796e3d1a4245d6755b9e5a4f3f"),
            (.broadcastRequestOrder(request), "0x54bee205d9b03332d6dc82bc907476dfef6ed4fd86058d49a72994baee781175", 736,
             "0x49d84987ba4e32e0b189f677648f4f58c0451c4a3f857728e381b8fbaef5d228"),
        ]
    }()

    /// Broadcast checks nothing, stores nothing, and logs the order as one ABI tuple.
    @Test func broadcastLogsTheOrderAndChangesNothing() throws {
        var bed = Testbed()
        for broadcast in Self.broadcasts {
            let receipt = try bed.call(.orders(broadcast.call), from: stranger.address)
            #expect(receipt.changes.isEmpty && receipt.output == .none)
            let log = try #require(receipt.logs.first)
            #expect(receipt.logs.count == 1 && log.address == hub)
            #expect(log.topics.map(\.hex) == [broadcast.topic])
            #expect(log.data.count == broadcast.dataLength)
            #expect(Keccak256.hash(log.data).hex == broadcast.dataHash)
        }
        #expect(bed.state == Testbed().state)
    }
}
