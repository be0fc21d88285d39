import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// `iexec orderbook app|dataset|workerpool|requester` against a real market (CLIWorld).
@Suite("iexec orderbook")
struct OrderbookCommandTests {
    /// Signs the project's template `kind` as it is now with dev account `signer` and publishes it;
    /// the order's hash.
    static func signAndPublish(_ kind: OrderKind, signer: Int, in world: CLIWorld) async throws -> String {
        let signed = try await world.run(Order.Sign.self, world.wallet(signer) + [kind.flag, "--raw"])
        let hash = try #require(((signed["orders"] as? [String: Any])?[kind.fileKey] as? [String: Any])?["orderHash"] as? String)
        _ = try await world.run(Order.Publish.self, world.inProject + [kind.flag, "--raw"])
        return hash
    }

    static func hashes(_ fields: [String: Any]) -> [String] {
        (fields["orders"] as? [[String: Any]] ?? []).compactMap { $0["orderHash"] as? String }
    }

    @Test func appOrdersCheapestFirstAsATableAndRaw() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            let app = try await assets.app(owner: 1)
            let other = try await assets.app(owner: 1, name: "another")
            try world.files.setDeployed("app", chainId: assets.chainId, address: app)
            _ = try await world.run(Order.Init.self, world.wallet(1) + ["--app", "--raw"])
            var byPrice: [String: String] = [:]
            for price in ["5", "1 RLC", "2"] {
                try assets.editTemplate("apporder") { $0["appprice"] = price }
                byPrice[price] = try await Self.signAndPublish(.app, signer: 1, in: world)
            }
            try assets.editTemplate("apporder") { $0["app"] = other.checksummed; $0["appprice"] = "0" }
            let otherHash = try await Self.signAndPublish(.app, signer: 1, in: world)

            let raw = try await world.run(Orderbook.App.self, [app.checksummed] + world.inProject + ["--raw"])
            #expect(Self.hashes(raw) == [byPrice["2"], byPrice["5"], byPrice["1 RLC"]].compactMap { $0 })
            #expect(!Self.hashes(raw).contains(otherHash))
            #expect(raw["total"] as? Int == 3)
            let first = try #require((raw["orders"] as? [[String: Any]])?.first)
            #expect((first["order"] as? [String: Any])?["appprice"] as? String == "2")
            #expect(first["status"] as? String == "OPEN" && first["remaining"] as? String == "1")
            #expect(first["signer"] as? String == CLIWorld.keys[1].address.checksummed)

            let text = try await Orderbook.App.parse([app.checksummed] + world.inProject).execute().text
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(text)")
            #expect(lines.first?.hasPrefix("3 open app orders for app \(app.checksummed), best price first:") == true, "\(text)")
            #expect(lines.dropFirst().first?.hasPrefix("ORDER HASH") == true, "\(text)")
            let rows = lines.dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(rows.map { $0.first.map(String.init) } == Self.hashes(raw).map(Optional.some))
            #expect(lines[2].contains("0.000000002 RLC") && lines[4].contains("1 RLC"), "\(text)")

            let page = try await world.run(Orderbook.App.self,
                                           [app.checksummed, "--page", "1", "--page-size", "2"] + world.inProject + ["--raw"])
            #expect(Self.hashes(page) == [byPrice["1 RLC"]].compactMap { $0 })
        }
    }

    @Test func workerpoolOrdersByCategoryAndRequestsByRequester() async throws {
        try await CLIWorld.with { world in
            let assets = OrderAssets(world: world)
            try await assets.app(owner: 1)
            let pool = try await assets.workerpool(owner: 2)
            _ = try await world.run(Order.Init.self, world.wallet(4) + ["--raw"])
            try assets.editTemplate("workerpoolorder") { $0["category"] = "1"; $0["trust"] = "5" }
            let categoryOne = try await Self.signAndPublish(.workerpool, signer: 2, in: world)
            try assets.editTemplate("workerpoolorder") { $0["category"] = "3"; $0["trust"] = "1" }
            let categoryThree = try await Self.signAndPublish(.workerpool, signer: 2, in: world)

            let all = try await world.run(Orderbook.Workerpool.self, world.inProject + ["--raw"])
            #expect(Set(Self.hashes(all)) == [categoryOne, categoryThree])
            let one = try await world.run(Orderbook.Workerpool.self, [pool.checksummed, "--category", "1"] + world.inProject + ["--raw"])
            #expect(Self.hashes(one) == [categoryOne])
            let trusted = try await world.run(Orderbook.Workerpool.self, ["--min-trust", "3"] + world.inProject + ["--raw"])
            #expect(Self.hashes(trusted) == [categoryOne])
            let elsewhere = try await world.run(Orderbook.Workerpool.self,
                                                [CLIWorld.keys[9].address.checksummed] + world.inProject + ["--raw"])
            #expect(Self.hashes(elsewhere).isEmpty)

            let request = try await Self.signAndPublish(.request, signer: 4, in: world)
            let mine = try await world.run(Orderbook.Requester.self,
                                           [CLIWorld.keys[4].address.checksummed] + world.inProject + ["--raw"])
            #expect(Self.hashes(mine) == [request])
            let theirs = try await world.run(Orderbook.Requester.self,
                                             [CLIWorld.keys[5].address.checksummed] + world.inProject + ["--raw"])
            #expect(Self.hashes(theirs).isEmpty)
            let text = try await Orderbook.Requester.parse([CLIWorld.keys[5].address.checksummed] + world.inProject)
                .execute().text
            #expect(text == "No open request orders for requester \(CLIWorld.keys[5].address.checksummed).")
        }
    }

    @Test func badArgumentsAreRefusedWhenParsed() {
        #expect(throws: (any Error).self) { try Orderbook.App.parse(["0x1234"]) }
        #expect(throws: (any Error).self) { try Orderbook.Workerpool.parse(["--min-tag", "0x01"]) }
        #expect(throws: (any Error).self) { try Orderbook.Requester.parse(["--page-size", "0"]) }
        #expect(throws: (any Error).self) { try Orderbook.Dataset.parse([]) }
        do {
            _ = try Orderbook.App.parse(["nope"])
            Issue.record("an app address \"nope\" was accepted")
        } catch {
            #expect(Orderbook.App.message(for: error).contains("must be an address (0x and 40 hex digits), not nope"))
        }
    }
}
