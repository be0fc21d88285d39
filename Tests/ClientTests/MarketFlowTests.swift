import Chain
import ChainTestSupport
import Client
import Ethereum
import Foundation
import Market
import PoCo
import Testing

/// The market end to end: a chain node driven by real signed transactions, the market's routes
/// over loopback HTTP, the status tracker reading the node's blocks, and `MarketClient`.
@Suite("Client: the market on a running node, driven by chain transactions", .timeLimit(.minutes(1)))
struct MarketFlowTests {
    typealias F = MarketNodeFixture
    // Dev accounts: 1 app owner, 2 dataset owner, 3 scheduler (workerpool owner), 4 requester,
    // 5 requester without funds, 6 workerpool owner without stake.
    static let participants = [1, 2, 3, 4, 5, 6]
    static let appPrice: UInt256 = 100_000_000, datasetPrice: UInt256 = 100_000_000
    static let workerpoolPrice: UInt256 = 1_000_000_000

    /// The registered assets and funded accounts every test starts from.
    struct Assets: Sendable {
        var app: Address
        var dataset: Address
        var workerpool: Address
        var poorWorkerpool: Address
    }

    static func setUp(_ fixture: F) async throws -> Assets {
        let (app, createApp) = try await fixture.createApp(1, name: "app")
        let (dataset, createDataset) = try await fixture.createDataset(2, name: "data")
        let (workerpool, createPool) = try await fixture.createWorkerpool(3, name: "pool")
        let (poorWorkerpool, createPoorPool) = try await fixture.createWorkerpool(6, name: "poor pool")
        try await fixture.mine([createApp, createDataset, createPool, createPoorPool,
                                await fixture.deposit(3, nRLC: 1_000_000_000), await fixture.deposit(4, nRLC: 3_000_000_000)])
        return Assets(app: app, dataset: dataset, workerpool: workerpool, poorWorkerpool: poorWorkerpool)
    }

    static func appOrder(_ assets: Assets, salt: UInt8 = 1, signer: Int = 1) -> AppOrder {
        AppOrder(app: assets.app, appprice: appPrice, volume: 10, tag: .zero, datasetrestrict: .zero,
                 workerpoolrestrict: .zero, requesterrestrict: .zero, salt: F.salt(salt))
            .signed(with: DevChain.keys[signer], in: F.domain)
    }

    static func datasetOrder(_ assets: Assets) -> DatasetOrder {
        DatasetOrder(dataset: assets.dataset, datasetprice: datasetPrice, volume: 10, tag: .zero, apprestrict: .zero,
                     workerpoolrestrict: .zero, requesterrestrict: .zero, salt: F.salt(2))
            .signed(with: DevChain.keys[2], in: F.domain)
    }

    static func workerpoolOrder(_ workerpool: Address, owner: Int = 3) -> WorkerpoolOrder {
        WorkerpoolOrder(workerpool: workerpool, workerpoolprice: workerpoolPrice, volume: 10, tag: .zero, category: 0,
                        trust: 0, apprestrict: .zero, datasetrestrict: .zero, requesterrestrict: .zero, salt: F.salt(3))
            .signed(with: DevChain.keys[owner], in: F.domain)
    }

    static func requestOrder(_ assets: Assets, requester: Int = 4, volume: UInt256 = 2) -> RequestOrder {
        let address = DevChain.address(requester)
        return RequestOrder(app: assets.app, appmaxprice: appPrice, dataset: assets.dataset, datasetmaxprice: datasetPrice,
                            workerpool: .zero, workerpoolmaxprice: workerpoolPrice, requester: address, volume: volume,
                            tag: .zero, category: 0, trust: 0, beneficiary: address, callback: .zero,
                            params: #"{"iexec_args":"flow"}"#, salt: F.salt(4))
            .signed(with: DevChain.keys[requester], in: F.domain)
    }

    static func status(_ client: MarketClient, _ hash: Hash32) async throws -> (OrderStatus, UInt256) {
        let order = try await client.order(hash)
        return (order.status, order.remaining)
    }

    @Test("publish, match on chain, close, withdraw, deposit, unpublish: statuses follow the chain, RLC is conserved")
    func lifecycle() async throws {
        let fixture = try await F.open()
        let nativeBefore = await fixture.nativeTotal(Self.participants)
        try await fixture.serve { client in
            let assets = try await Self.setUp(fixture)
            let app = Self.appOrder(assets), dataset = Self.datasetOrder(assets)
            let workerpool = Self.workerpoolOrder(assets.workerpool), request = Self.requestOrder(assets)
            let hashes = [AnyPoCoOrder.app(app), .dataset(dataset), .workerpool(workerpool), .request(request)]
                .map { $0.hash(in: F.domain) }
            for (order, hash) in zip([AnyPoCoOrder.app(app), .dataset(dataset), .workerpool(workerpool), .request(request)], hashes) {
                let published = try await client.publish(order)
                #expect(published == PublishedOrder(orderHash: hash, status: .open, remaining: order.order.volume, created: true))
            }
            #expect(try await client.publish(.app(app)).created == false)
            let listed = try await client.order(hashes[2])
            #expect(listed.order == .workerpool(workerpool))
            #expect(listed.signer == DevChain.address(3))

            // The advice is the four orders, ready for matchOrders.
            guard case .matched(let proposal) = try await client.match(request) else {
                Issue.record("no match for a request every order fits")
                return
            }
            #expect(proposal == MatchProposal(app: app, dataset: dataset, workerpool: workerpool, request: request, volume: 2))

            let escrowBefore = await fixture.escrowTotal(Self.participants)
            try await fixture.mine([await fixture.matchOrders(4, proposal.app, proposal.dataset, proposal.workerpool,
                                                              proposal.request)])
            #expect(await fixture.escrowTotal(Self.participants) == escrowBefore)
            #expect(try await Self.status(client, hashes[3]) == (.filled, 0))
            #expect(try await Self.status(client, hashes[0]) == (.open, 8))
            #expect(try await Self.status(client, hashes[1]) == (.open, 8))
            #expect(try await Self.status(client, hashes[2]) == (.open, 8))
            let filled = try await client.orders(OrderQuery(kind: .request, statuses: [.filled]))
            #expect(filled.orders.map(\.orderHash) == [hashes[3]])
            #expect(try await client.orders(OrderQuery(kind: .request)).total == 0)

            // The app's owner closes its order on chain.
            try await fixture.mine([await fixture.closeAppOrder(1, app)])
            #expect(try await Self.status(client, hashes[0]) == (.canceled, 0))

            // The scheduler withdraws what is not locked: it can no longer stake a task.
            let free = await fixture.node.pocoState.account(DevChain.address(3)).balance
            #expect(free > .zero)
            let nativeOfScheduler = await fixture.node.account(DevChain.address(3)).balance
            try await fixture.mine([await fixture.withdraw(3, nRLC: try #require(free.uint64Value))])
            #expect(await fixture.node.account(DevChain.address(3)).balance
                    == nativeOfScheduler + free * UInt256(1_000_000_000))
            #expect(try await Self.status(client, hashes[2]) == (.dead, 8))
            try await fixture.mine([await fixture.deposit(3, nRLC: 1_000_000_000)])
            #expect(try await Self.status(client, hashes[2]) == (.open, 8))

            // The dataset's owner unpublishes its order; someone else cannot.
            await #expect {
                try await client.unpublish(hashes[1], key: DevChain.keys[1])
            } throws: { error in
                guard case ClientError.service(let status, let message) = error else { return false }
                return status == 403 && message.contains(DevChain.address(2).checksummed)
            }
            #expect(try await client.order(hashes[1]).status == .open)
            try await client.unpublish(hashes[1], key: DevChain.keys[2])
            await #expect {
                try await client.order(hashes[1])
            } throws: { error in
                guard case ClientError.service(let status, _) = error else { return false }
                return status == 404
            }
        }
        #expect(await fixture.nativeTotal(Self.participants) == nativeBefore)
    }

    @Test("refusals over HTTP: bad signature, not the owner, unregistered, funds, stake, too many open orders")
    func refusals() async throws {
        let fixture = try await F.open(policy: MarketPolicy(maxOpenOrdersPerAddress: 2))
        try await fixture.serve { client in
            let assets = try await Self.setUp(fixture)
            func refusal(_ order: AnyPoCoOrder) async -> (Int, String)? {
                do {
                    _ = try await client.publish(order)
                    return nil
                } catch {
                    guard case .service(let status, let message) = error else { return nil }
                    return (status, message)
                }
            }
            var unsigned = Self.appOrder(assets)
            unsigned.sign = [UInt8](repeating: 0, count: 65)
            let badSignature = await refusal(.app(unsigned))
            #expect(badSignature?.0 == 400)
            #expect(badSignature?.1.contains("signature") == true)

            let notOwner = await refusal(.app(Self.appOrder(assets, signer: 2)))
            #expect(notOwner?.0 == 403)
            #expect(notOwner?.1.contains(DevChain.address(2).checksummed) == true)

            var stranger = Self.appOrder(assets)
            stranger.app = DevChain.address(9)
            let unregistered = await refusal(.app(stranger.signed(with: DevChain.keys[1], in: F.domain)))
            #expect(unregistered?.0 == 422)
            #expect(unregistered?.1.contains("not registered") == true)

            let poor = await refusal(.request(Self.requestOrder(assets, requester: 5)))
            #expect(poor?.0 == 422)
            #expect(poor?.1.contains("deposit more") == true)

            let unstaked = await refusal(.workerpool(Self.workerpoolOrder(assets.poorWorkerpool, owner: 6)))
            #expect(unstaked?.0 == 422)
            #expect(unstaked?.1.contains("scheduler stake") == true)

            _ = try await client.publish(.app(Self.appOrder(assets, salt: 11)))
            _ = try await client.publish(.app(Self.appOrder(assets, salt: 12)))
            let tooMany = await refusal(.app(Self.appOrder(assets, salt: 13)))
            #expect(tooMany?.0 == 422)
            #expect(tooMany?.1.contains("2 open orders") == true)
            #expect(try await client.orders(OrderQuery(kind: .app, statuses: Set(OrderStatus.allCases))).total == 2)
        }
    }

    @Test("a SQLite book keeps its orders, statuses and cursor across a node restart")
    func restart() async throws {
        let directory = try F.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("market.sqlite").path
        let store = InMemoryChainStore()

        let firstBook = try SQLiteOrderBook(path: path)
        let first = try await F.open(store: store, book: firstBook)
        let assets = try await first.serve { _ in try await Self.setUp(first) }
        let closed = Self.appOrder(assets, salt: 21), kept = Self.appOrder(assets, salt: 22)
        let later = Self.appOrder(assets, salt: 23)
        try await first.serve { client in
            for order in [closed, kept, later] { _ = try await client.publish(.app(order)) }
            try await first.mine([await first.closeAppOrder(1, closed)])
            #expect(try await client.order(closed.hash(in: F.domain)).status == .canceled)
        }
        let cursor = try first.book.lastProcessedBlock()
        #expect(cursor == (await first.node.head.number))
        try firstBook.close()

        // A block the market does not see: the restarted tracker must catch up from its cursor.
        _ = try await first.node.sendRawTransaction(await first.closeAppOrder(1, later).rawBytes)
        _ = try #require(try await first.node.seal())

        let secondBook = try SQLiteOrderBook(path: path)
        defer { try? secondBook.close() }
        let second = try await F.open(store: store, book: secondBook)
        #expect(try second.book.lastProcessedBlock() == cursor)
        try await second.serve { (client: MarketClient) async throws in
            #expect(try await Self.status(client, closed.hash(in: F.domain)) == (.canceled, 0))
            #expect(try await Self.status(client, kept.hash(in: F.domain)) == (.open, 10))
            #expect(try await Self.status(client, later.hash(in: F.domain)) == (.canceled, 0))
            #expect(try await client.publish(.app(kept)).created == false)
        }
    }
}
