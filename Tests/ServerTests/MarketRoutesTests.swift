import ChainTestSupport
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Market
import PoCo
import Server
import Testing

@Suite("Server: the market's HTTP routes")
struct MarketRoutesTests {
    typealias F = MarketRoutesFixture

    static func publication(_ type: String, _ order: JSONValue) -> JSONValue {
        .object(["type": .string(type), "order": order])
    }

    /// The error message of a refusal, after checking its status.
    static func refusal(_ response: TestResponse, _ status: HTTPResponse.Status,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        guard case .string(let message)? = try response.json["error"] else {
            Issue.record("no error message in \(response.text)", sourceLocation: sourceLocation)
            return ""
        }
        return message
    }

    // MARK: - Publish

    @Test("publishing answers 201 with the order's hash, status and remaining volume, then 200 for the same order")
    func publish() async throws {
        let fixture = try F.make()
        let order = fixture.appOrder(volume: 5)
        try await fixture.test { client in
            let first = try await client.send(.post, "/market/orders", json: Self.publication("app", order.jsonValue))
            #expect(first.status == .created)
            #expect(try first.json == .object(["orderHash": .string(order.hash(in: F.domain).hex), "status": "OPEN",
                                               "remaining": "5"]))
            let again = try await client.send(.post, "/market/orders", json: Self.publication("app", order.jsonValue))
            #expect(again.status == .ok)
            #expect(try again.json == (try first.json))
        }
        #expect(try fixture.book.order(order.hash(in: F.domain))?.signer == F.owner.address)
    }

    @Test("malformed publications are refused with 400 naming what is wrong, and change nothing")
    func malformedPublications() async throws {
        let fixture = try F.make()
        let order = fixture.appOrder()
        guard case .object(var members) = order.jsonValue else { throw FixtureError("order JSON is not an object") }
        members["appprice"] = "-1"
        let cases: [(body: String, mentions: String)] = [
            ("not json", "JSON object"),
            ("[1]", "JSON object"),
            (JSONValue.object(["order": order.jsonValue]).serialized, "\"type\""),
            (JSONValue.object(["type": "app"]).serialized, "\"order\""),
            (JSONValue.object(["type": "app", "order": order.jsonValue, "extra": 1]).serialized, "extra"),
            (Self.publication("bank", order.jsonValue).serialized, "type must be one of app, dataset, workerpool, request"),
            (Self.publication("request", order.jsonValue).serialized, "RequestOrder"),
            (Self.publication("dataset", order.jsonValue).serialized, "DatasetOrder"),
            (Self.publication("app", .object(members)).serialized, "appprice"),
        ]
        try await fixture.test { client in
            for item in cases {
                let response = try await client.execute(uri: "/market/orders", method: .post, headers: [:],
                                                        body: ByteBuffer(string: item.body))
                let message = try Self.refusal(response, .badRequest)
                #expect(message.contains(item.mentions), "\(item.body): \(message)")
            }
        }
        #expect(try fixture.book.query(OrderQuery(kind: .app, statuses: Set(OrderStatus.allCases))).total == 0)
    }

    @Test("the market's refusals keep their status: not the owner 403, unregistered 422, bad signature 400")
    func marketRefusals() async throws {
        let fixture = try F.make()
        var unsignedOrder = fixture.appOrder()
        unsignedOrder.sign = []
        var unregisteredOrder = fixture.appOrder()
        unregisteredOrder.app = DevChain.address(7)
        let unsigned = unsignedOrder, unregistered = unregisteredOrder.signed(with: F.owner, in: F.domain)
        try await fixture.test { client in
            let stranger = try await client.send(.post, "/market/orders",
                                                 json: Self.publication("app", fixture.appOrder(signedBy: F.stranger).jsonValue))
            #expect(try Self.refusal(stranger, .forbidden).contains(F.stranger.address.checksummed))
            let missing = try await client.send(.post, "/market/orders", json: Self.publication("app", unregistered.jsonValue))
            #expect(try Self.refusal(missing, .unprocessableContent).contains("not registered"))
            let noSign = try await client.send(.post, "/market/orders", json: Self.publication("app", unsigned.jsonValue))
            #expect(try Self.refusal(noSign, .badRequest).contains("signature"))
        }
    }

    @Test("a body over the limit is refused with 413")
    func bodyTooLarge() async throws {
        let fixture = try F.make(maxBodySize: 512)
        let padded = String(repeating: " ", count: 600) + Self.publication("app", fixture.appOrder().jsonValue).serialized
        try await fixture.test { client in
            let response = try await client.execute(uri: "/market/orders", method: .post, headers: [:],
                                                    body: ByteBuffer(string: padded))
            #expect(try Self.refusal(response, .contentTooLarge).contains("512"))
            let match = try await client.execute(uri: "/market/match", method: .post, headers: [:],
                                                 body: ByteBuffer(string: padded))
            _ = try Self.refusal(match, .contentTooLarge)
        }
    }

    // MARK: - Query and read

    @Test("GET /market/orders lists a book best price first with every field, filtered and paginated")
    func listOrders() async throws {
        let fixture = try F.make()
        let cheap = fixture.appOrder(price: 1, salt: 2), dear = fixture.appOrder(price: 9, salt: 3)
        let small = fixture.appOrder(volume: 1, price: 5, salt: 4)
        for order in [dear, small, cheap] { _ = try await fixture.market.publish(.app(order)) }
        let hashes = [cheap, small, dear].map { $0.hash(in: F.domain).hex }
        let headTime = await fixture.chain.snapshot().timestamp
        try await fixture.test { client in
            let all = try await client.send(.get, "/market/orders?type=app")
            #expect(all.status == .ok)
            let page = try all.json
            #expect(page["total"] == 3)
            #expect(page["page"] == 0)
            #expect(page["pageSize"] == 20)
            guard case .array(let orders)? = page["orders"] else { throw FixtureError("no orders array") }
            #expect(orders.map { $0["orderHash"] } == hashes.map { .string($0) })
            let first = try #require(orders.first)
            #expect(first["type"] == "app")
            #expect(first["status"] == "OPEN")
            #expect(first["remaining"] == "5")
            #expect(first["signer"] == .string(F.owner.address.checksummed))
            #expect(first["publishedAt"] == .number(String(headTime)))
            #expect(first["order"] == cheap.jsonValue)

            let filtered = try await client.send(
                .get, "/market/orders?type=app&app=\(fixture.app.checksummed)&minVolume=2&signer=\(F.owner.address)&status=open,FILLED&page=1&pageSize=1")
            #expect(filtered.status == .ok, "\(filtered.text)")
            let second = try filtered.json
            #expect(second["total"] == 2)
            guard case .array(let one)? = second["orders"] else { throw FixtureError("no orders array") }
            #expect(one.map { $0["orderHash"] } == [.string(hashes[2])])

            let other = try await client.send(.get, "/market/orders?type=app&signer=\(F.stranger.address)")
            #expect(try other.json["total"] == 0)
            let requests = try await client.send(.get, "/market/orders?type=request")
            #expect(try requests.json["total"] == 0)
        }
    }

    @Test("bad query parameters are refused with 400 naming the parameter")
    func badQueries() async throws {
        let fixture = try F.make()
        let cases: [(query: String, mentions: String)] = [
            ("", "type is required"),
            ("type=bank", "type must be one of"),
            ("type=app&colour=red", "unknown parameter colour"),
            ("type=app&type=request", "type is given twice"),
            ("type=app&app=0x12", "app"),
            ("type=app&app=bob", "app must be 0x"),
            ("type=request&requester=0x123", "requester"),
            ("type=workerpool&workerpool=nope", "workerpool"),
            ("type=app&dataset=1", "dataset"),
            ("type=app&signer=0xZZ", "signer"),
            ("type=workerpool&category=-1", "category"),
            ("type=workerpool&minTrust=abc", "minTrust"),
            ("type=app&minVolume=1.5", "minVolume"),
            ("type=app&minTag=0x1", "minTag"),
            ("type=app&maxTag=tee", "maxTag"),
            ("type=app&status=OPEN,GONE", "status"),
            ("type=app&status=", "status"),
            ("type=app&page=-1", "page"),
            ("type=app&page=one", "page"),
            ("type=app&pageSize=0", "pageSize"),
            ("type=app&pageSize=1001", "pageSize"),
        ]
        try await fixture.test { client in
            for item in cases {
                let response = try await client.send(.get, "/market/orders?\(item.query)")
                let message = try Self.refusal(response, .badRequest)
                #expect(message.contains(item.mentions), "\(item.query): \(message)")
            }
        }
    }

    @Test("GET /market/orders/{hash} answers the order, 404 when unknown, 400 when malformed")
    func getOrder() async throws {
        let fixture = try F.make()
        let order = fixture.appOrder()
        _ = try await fixture.market.publish(.app(order))
        let hash = order.hash(in: F.domain)
        try await fixture.test { client in
            let found = try await client.send(.get, "/market/orders/\(hash.hex)")
            #expect(found.status == .ok)
            let listed = try await client.send(.get, "/market/orders?type=app")
            guard case .array(let orders)? = try listed.json["orders"] else { throw FixtureError("no orders array") }
            #expect(orders == [try found.json])

            let unknown = try await client.send(.get, "/market/orders/\(F.salt(7).hex)")
            #expect(try Self.refusal(unknown, .notFound).contains(F.salt(7).hex))
            _ = try Self.refusal(try await client.send(.get, "/market/orders/0x1234"), .badRequest)
            _ = try Self.refusal(try await client.send(.get, "/market/orders/\(hash.hex)?verbose=1"), .badRequest)
        }
    }

    // MARK: - Unpublish

    @Test("GET /market/challenge answers typed data to sign; a bad or missing address is 400")
    func challenge() async throws {
        let fixture = try F.make()
        try await fixture.test { client in
            let response = try await client.send(.get, "/market/challenge?address=\(F.owner.address.checksummed)")
            #expect(response.status == .ok)
            let document = try #require(try response.json["typedData"])
            let typedData = try TypedData(jsonValue: document)
            #expect(typedData.domain.chainId == nil || typedData.domain.chainId == UInt256(F.config.chainId))
            for query in ["", "?address=0x12", "?address=\(F.owner.address)&other=1", "?owner=\(F.owner.address)"] {
                _ = try Self.refusal(try await client.send(.get, "/market/challenge\(query)"), .badRequest)
            }
        }
    }

    @Test("DELETE needs the owner's signed challenge: none or garbage 401, someone else's 403, the owner's 200 then 404")
    func unpublish() async throws {
        let fixture = try F.make()
        let order = fixture.appOrder()
        _ = try await fixture.market.publish(.app(order))
        let hash = order.hash(in: F.domain)
        let path = "/market/orders/\(hash.hex)"
        try await fixture.test { client in
            _ = try Self.refusal(try await client.send(.delete, path), .unauthorized)
            _ = try Self.refusal(try await client.send(.delete, path, headers: [.authorization: "0x12_0x34_0x56"]), .unauthorized)

            let strangers = await fixture.market.challenge(for: F.stranger.address)
            let forged = try await client.send(.delete, path,
                                               headers: [.authorization: strangers.authorization(signedWith: F.stranger)])
            #expect(try Self.refusal(forged, .forbidden).contains(F.owner.address.checksummed))
            #expect(try fixture.book.order(hash) != nil)

            let owners = await fixture.market.challenge(for: F.owner.address)
            let removed = try await client.send(.delete, path, headers: [.authorization: owners.authorization(signedWith: F.owner)])
            #expect(removed.status == .ok)
            #expect(try removed.json == .object(["orderHash": .string(hash.hex), "removed": true]))
            #expect(try fixture.book.order(hash) == nil)

            let fresh = await fixture.market.challenge(for: F.owner.address)
            let again = try await client.send(.delete, path, headers: [.authorization: fresh.authorization(signedWith: F.owner)])
            _ = try Self.refusal(again, .notFound)
            _ = try Self.refusal(try await client.send(.delete, "/market/orders/nothex"), .badRequest)
        }
    }

    // MARK: - Match

    @Test("POST /market/match answers the market's advice for the request; a malformed request is 400")
    func match() async throws {
        let fixture = try F.make()
        _ = try await fixture.market.publish(.app(fixture.appOrder()))
        let request = fixture.requestOrder()
        let expected = try await fixture.market.match(request).jsonValue
        try await fixture.test { client in
            let response = try await client.send(.post, "/market/match", json: .object(["order": request.jsonValue]))
            #expect(response.status == .ok)
            #expect(try response.json == expected)
            let appOrder = try await client.send(.post, "/market/match", json: .object(["order": fixture.appOrder().jsonValue]))
            #expect(try Self.refusal(appOrder, .badRequest).contains("RequestOrder"))
            let extra = try await client.send(.post, "/market/match", json: .object(["order": request.jsonValue, "type": "request"]))
            _ = try Self.refusal(extra, .badRequest)
        }
    }

    // MARK: - In the node's front

    @Test("served by NodeServer, a wrong method on a market path is 405 with Allow, beside JSON-RPC")
    func inNodeServer() async throws {
        let fixture = try F.make()
        let node = try await ServerFixture.make().node
        let server = NodeServer(node: node, rpc: EchoRPC(node: node), configuration: NodeServerConfiguration(port: 0),
                                routeGroups: [MarketRoutes(market: fixture.market)])
        try await Application(router: server.makeRouter()).test(.router) { client in
            let wrong = try await client.send(.put, "/market/orders")
            #expect(try Self.refusal(wrong, .methodNotAllowed).contains("GET, POST"))
            #expect(wrong.headers[.allow] == "GET, POST")
            _ = try Self.refusal(try await client.send(.post, "/market/challenge"), .methodNotAllowed)
            _ = try Self.refusal(try await client.send(.get, "/market/match"), .methodNotAllowed)
            let onOrder = try await client.send(.put, "/market/orders/0x\(String(repeating: "ab", count: 32))")
            #expect(try Self.refusal(onOrder, .methodNotAllowed).contains("GET, DELETE"))
            #expect(onOrder.headers[.allow] == "GET, DELETE")
            _ = try Self.refusal(try await client.send(.get, "/market/orders/a/b"), .notFound)
            let listed = try await client.send(.get, "/market/orders?type=workerpool")
            #expect(try listed.json["total"] == 0)
            let rpc = try await client.send(.post, "/", json: .object(["jsonrpc": "2.0", "id": 1, "method": "eth_chainId"]))
            #expect(try rpc.json["result"] == "0x7a69")
        }
    }
}
