import Chain
import Client
import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// `iexec order init|sign|publish|unpublish|cancel|show` on a real node and market (CLIWorld).
@Suite("iexec order init|sign|publish|unpublish|cancel|show")
struct OrderProjectCommandTests {
    static func message(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "accepted"
        } catch {
            return String(describing: error)
        }
    }

    @Test func signPublishListUnpublish() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            let app = try await assets.app(owner: 1)
            _ = try await world.run(Order.Init.self, world.wallet(1) + ["--app", "--raw"])
            try assets.editTemplate("apporder") { $0["appprice"] = "0.5 RLC"; $0["volume"] = 3 }
            let signed = try await world.run(Order.Sign.self, world.wallet(1) + ["--app", "--raw"])
            let printed = try #require((signed["orders"] as? [String: Any])?["apporder"] as? [String: Any])
            let hash = try #require(printed["orderHash"] as? String)

            let stored = try #require(try world.files.signedOrder("apporder", chainId: assets.chainId))
            #expect(stored["appprice"] as? String == "500000000" && stored["volume"] as? String == "3")
            #expect(stored["app"] as? String == app.checksummed)
            #expect(try assets.commandHash(.app, stored) == hash)
            let order = try #require(try world.files.storedOrder(.app, chainId: assets.chainId))
            #expect(try order.signer(in: assets.domain) == CLIWorld.keys[1].address)

            let published = try await world.run(Order.Publish.self, world.inProject + ["--raw"])
            let entry = try #require((published["published"] as? [String: Any])?["apporder"] as? [String: Any])
            #expect(entry["orderHash"] as? String == hash && entry["status"] as? String == "OPEN")
            #expect(entry["remaining"] as? String == "3" && entry["created"] as? Bool == true)
            let again = try await world.run(Order.Publish.self, world.inProject + ["--app", "--raw"])
            #expect(((again["published"] as? [String: Any])?["apporder"] as? [String: Any])?["created"] as? Bool == false)

            let book = try await world.run(Orderbook.App.self, [app.checksummed] + world.inProject + ["--raw"])
            #expect((book["orders"] as? [[String: Any]])?.map { $0["orderHash"] as? String } == [hash])

            // Someone else cannot unpublish it; its owner can.
            let refusal = await Self.message { _ = try await world.run(Order.Unpublish.self, world.wallet(2) + ["--app", hash]) }
            #expect(refusal.contains("belongs to \(CLIWorld.keys[1].address.checksummed)"), "\(refusal)")
            let removed = try await world.run(Order.Unpublish.self, world.wallet(1) + ["--app", "--raw"])
            #expect(removed["orderHash"] as? String == hash && removed["unpublished"] as? Bool == true)
            let empty = try await world.run(Orderbook.App.self, [app.checksummed] + world.inProject + ["--raw"])
            #expect(empty["total"] as? Int == 0)
            let shown = try await world.run(Order.Show.self, world.inProject + ["--app", "--raw"])
            #expect(shown["published"] as? Bool == false && shown["consumed"] as? String == "0")
        }
    }

    @Test func cancelClosesTheOrderOnChainAndTheMarketDropsIt() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            let pool = try await assets.workerpool(owner: 2)
            _ = try await world.run(Order.Init.self, world.wallet(2) + ["--workerpool", "--raw"])
            try assets.editTemplate("workerpoolorder") { $0["volume"] = "5"; $0["category"] = 2 }
            _ = try await world.run(Order.Sign.self, world.wallet(2) + ["--workerpool", "--raw"])
            _ = try await world.run(Order.Publish.self, world.inProject + ["--workerpool", "--raw"])
            let before = try await world.run(Order.Show.self, world.inProject + ["--workerpool", "--raw"])
            #expect(before["status"] as? String == "OPEN" && before["remaining"] as? String == "5")
            let hash = try #require(before["orderHash"] as? String)

            let notOwner = await Self.message { _ = try await world.run(Order.Cancel.self, world.wallet(3) + ["--workerpool"]) }
            #expect(notOwner.contains("belongs to \(CLIWorld.keys[2].address.checksummed)"), "\(notOwner)")
            let cancelled = try await world.run(Order.Cancel.self, world.wallet(2) + ["--workerpool", hash, "--raw"])
            #expect(cancelled["orderHash"] as? String == hash)
            #expect(try await world.chain.view(.viewConsumed(Hash32(hex: hash))).first?.uintValue == UInt256(5 as UInt64))

            let listed = try await assets.marketOrder(try Hash32(hex: hash)) { $0.status != .open }
            #expect(listed.status == .canceled && listed.remaining == .zero)
            let after = try await world.run(Order.Show.self, world.inProject + ["--workerpool", "--raw"])
            #expect(after["consumed"] as? String == "5" && after["volume"] as? String == "5")
            #expect(after["status"] as? String == "CANCELED")
            let book = try await world.run(Orderbook.Workerpool.self, [pool.checksummed] + world.inProject + ["--raw"])
            #expect(book["total"] as? Int == 0)

            let twice = await Self.message { _ = try await world.run(Order.Cancel.self, world.wallet(2) + ["--workerpool"]) }
            #expect(twice.contains("already cancelled or wholly consumed"), "\(twice)")
            // The market says why it will not take it back.
            _ = try await world.run(Order.Unpublish.self, world.wallet(2) + ["--workerpool", "--raw"])
            let republish = await Self.message { _ = try await world.run(Order.Publish.self, world.inProject + ["--workerpool"]) }
            #expect(republish.contains("the market refused the workerpool order \(hash)"), "\(republish)")
            #expect(republish.contains("cancelled on chain"), "\(republish)")
        }
    }

    @Test func ordersAWalletMayNotSignAreRefusedBeforeAnythingIsWritten() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            try await assets.app(owner: 1)
            try await assets.workerpool(owner: 2)
            _ = try await world.run(Order.Init.self, world.wallet(4) + ["--raw"])
            let owner = CLIWorld.keys[2].address.checksummed
            let intruder = CLIWorld.keys[3].address.checksummed

            let pool = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(3) + ["--workerpool"]) }
            #expect(pool.contains("belongs to \(owner), not to the wallet \(intruder)"), "\(pool)")
            #expect(pool.contains("--wallet-address \(owner)"), "\(pool)")
            let request = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(3) + ["--request"]) }
            #expect(request.contains("requester is \(CLIWorld.keys[4].address.checksummed), not the wallet \(intruder)"), "\(request)")
            let dataset = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(3) + ["--dataset"]) }
            #expect(dataset.contains("order.datasetorder.dataset is not set"), "\(dataset)")
            // All four at once: the first refusal stops everything, even the app order its owner could sign.
            let all = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(1)) }
            #expect(all.contains("dataset is not set"), "\(all)")

            try assets.editTemplate("workerpoolorder") { $0["category"] = "99" }
            let category = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(2) + ["--workerpool"]) }
            #expect(category.contains("category 99 does not exist"), "\(category)")
            try assets.editTemplate("apporder") { $0["appprice"] = "1.5 XRP" }
            let price = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(1) + ["--app"]) }
            #expect(price.contains("iexec.json order.apporder.appprice"), "\(price)")
            try assets.editTemplate("apporder") { $0["appprice"] = "0"; $0["volume"] = "0" }
            let volume = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(1) + ["--app"]) }
            #expect(volume.contains("volume is 0"), "\(volume)")
            try assets.editTemplate("requestorder") { $0["params"] = ["iexec_args": 3] }
            let params = await Self.message { _ = try await world.run(Order.Sign.self, world.wallet(4) + ["--request"]) }
            #expect(params.contains("order.requestorder.params"), "\(params)")

            #expect(try world.files.read("orders.json") == nil)
            let published = await Self.message { _ = try await world.run(Order.Publish.self, world.inProject) }
            #expect(published.contains("run `iexec order sign` first"), "\(published)")
            let book = try await world.run(Orderbook.Workerpool.self, world.inProject + ["--raw"])
            #expect(book["total"] as? Int == 0)
        }
    }

    @Test func initWritesTemplatesThatEachOwnerSignsAsOrderHashComputes() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            let app = try await assets.app(owner: 1)
            let pool = try await assets.workerpool(owner: 2)
            let dataset = try await assets.dataset(owner: 3)
            let me = CLIWorld.keys[4].address.checksummed
            let fields = try await world.run(Order.Init.self, world.wallet(4) + ["--raw"])
            let written = try #require(fields["order"] as? [String: Any])
            #expect(Set(written.keys) == ["apporder", "datasetorder", "workerpoolorder", "requestorder"])
            let section = try world.files.section("order", writtenBy: "test")
            let appOrder = try #require(section["apporder"] as? [String: Any])
            #expect(appOrder["app"] as? String == app.checksummed)
            #expect(appOrder["volume"] as? String == "1" && appOrder["appprice"] as? String == "0")
            #expect(Set(appOrder.keys) == ["app", "appprice", "volume", "tag", "datasetrestrict", "workerpoolrestrict",
                                           "requesterrestrict"])
            #expect((section["datasetorder"] as? [String: Any])?["dataset"] as? String == dataset.checksummed)
            let poolOrder = try #require(section["workerpoolorder"] as? [String: Any])
            #expect(poolOrder["workerpool"] as? String == pool.checksummed)
            #expect(poolOrder["trust"] as? String == "0" && poolOrder["category"] as? String == "0")
            let request = try #require(section["requestorder"] as? [String: Any])
            #expect(request["app"] as? String == app.checksummed && request["dataset"] as? String == dataset.checksummed)
            #expect(request["workerpool"] as? String == pool.checksummed)
            #expect(request["requester"] as? String == me && request["beneficiary"] as? String == me)
            #expect(request["params"] as? [String: String] == ["iexec_args": ""])
            #expect(request["tag"] as? String == Hash32.zero.hex)

            // Only the chosen template is rewritten; the others stay as edited.
            try assets.editTemplate("requestorder") { $0["params"] = ["iexec_args": "8 3"]; $0["trust"] = 100 }
            try assets.editTemplate("apporder") { $0["volume"] = "7" }
            _ = try await world.run(Order.Init.self, world.wallet(4) + ["--app", "--raw"])
            let again = try world.files.section("order", writtenBy: "test")
            #expect((again["apporder"] as? [String: Any])?["volume"] as? String == "1")
            #expect((again["requestorder"] as? [String: Any])?["trust"] as? Int == 100)

            let signers: [(OrderKind, Int)] = [(.app, 1), (.workerpool, 2), (.dataset, 3), (.request, 4)]
            var salts: Set<String> = []
            for (kind, signer) in signers {
                let signed = try await world.run(Order.Sign.self, world.wallet(signer) + [kind.flag, "--raw"])
                let hash = try #require(((signed["orders"] as? [String: Any])?[kind.fileKey] as? [String: Any])?["orderHash"] as? String)
                let stored = try #require(try world.files.signedOrder(kind.fileKey, chainId: assets.chainId))
                #expect(try assets.commandHash(kind, stored) == hash)
                let order = try #require(try world.files.storedOrder(kind, chainId: assets.chainId))
                #expect(try order.signer(in: assets.domain) == CLIWorld.keys[signer].address)
                salts.insert(try #require(stored["salt"] as? String))
            }
            #expect(salts.count == 4)
            let signedRequest = try #require(try world.files.signedOrder("requestorder", chainId: assets.chainId))
            #expect(signedRequest["params"] as? String == #"{"iexec_args":"8 3"}"#)
            #expect(signedRequest["trust"] as? String == "100")
            let published = try await world.run(Order.Publish.self, world.inProject + ["--raw"])
            #expect(Set((published["published"] as? [String: Any] ?? [:]).keys)
                == ["apporder", "datasetorder", "workerpoolorder", "requestorder"])

            // A request its requester cannot pay for is signed, but the market says why it refuses it.
            try assets.editTemplate("requestorder") { $0["workerpoolmaxprice"] = "1 RLC" }
            let costly = try await world.run(Order.Sign.self, world.wallet(4) + ["--request", "--raw"])
            let costlyHash = try #require(((costly["orders"] as? [String: Any])?["requestorder"] as? [String: Any])?["orderHash"] as? String)
            let refusal = await Self.message { _ = try await world.run(Order.Publish.self, world.inProject + ["--request"]) }
            #expect(refusal.contains("the market refused the request order \(costlyHash)"), "\(refusal)")
            #expect(refusal.contains("the remaining volume costs 1000000000 nRLC; deposit more"), "\(refusal)")
        }
    }

    @Test func ordersOfTwoChainsAreKeptApart() async throws {
        var genesis = Genesis.dev()
        genesis.chainId = 4242
        try await CLIWorld.with(genesis: genesis) { other in
            try await CLIWorld.with { world in
                try world.files.update("chain.json") { file in
                    var chains = file["chains"] as? [String: Any] ?? [:]
                    chains["other"] = ["host": other.nodeURL, "id": 4242]
                    file["chains"] = chains
                }
                let here = OrderAssets(world: world)
                let there = OrderAssets(world: other)
                try await here.app(owner: 1)
                let otherApp = try await there.app(owner: 1, name: "elsewhere")
                // Both chains' deployments in this project's deployed.json.
                try world.files.setDeployed("app", chainId: 4242, address: otherApp)

                _ = try await world.run(Order.Init.self, world.wallet(1) + ["--app", "--chain", "other", "--raw"])
                _ = try await world.run(Order.Sign.self, world.wallet(1) + ["--app", "--chain", "other", "--raw"])
                _ = try await world.run(Order.Init.self, world.wallet(1) + ["--app", "--raw"])
                _ = try await world.run(Order.Sign.self, world.wallet(1) + ["--app", "--raw"])

                let orders = try #require(try world.files.read("orders.json"))
                #expect(Set(orders.keys) == ["4242", "31337"])
                let local = try #require(try world.files.storedOrder(.app, chainId: 31337))
                let remote = try #require(try world.files.storedOrder(.app, chainId: 4242))
                #expect(try local.signer(in: here.domain) == CLIWorld.keys[1].address)
                #expect(try remote.signer(in: there.domain) == CLIWorld.keys[1].address)
                guard case .app(let remoteOrder) = remote else { throw CLIError("not an app order") }
                #expect(remoteOrder.app == otherApp)

                _ = try await world.run(Order.Publish.self, world.inProject + ["--chain", "other", "--raw"])
                let shownThere = try await world.run(Order.Show.self, world.inProject + ["--app", "--chain", "other", "--raw"])
                #expect(shownThere["published"] as? Bool == true)
                #expect(shownThere["orderHash"] as? String == remote.hash(in: there.domain).hex)
                let shownHere = try await world.run(Order.Show.self, world.inProject + ["--app", "--raw"])
                #expect(shownHere["published"] as? Bool == false)
                #expect(shownHere["orderHash"] as? String == local.hash(in: here.domain).hex)
            }
        }
    }
}
