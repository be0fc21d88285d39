import Chain
import Ethereum
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Server
import Testing

@Suite("Server: JSON-RPC over WebSocket on / (same port), subscriptions pushed per block")
struct WebSocketTransportTests {
    let logger = Logger(label: "ws-test")

    @Test("requests are answered in order on the socket and each sealed block reaches the session")
    func requestsAndNotifications() async throws {
        let fixture = try await ServerFixture.make()
        let node = fixture.node
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            // Plain HTTP still works on the same port.
            let info = try await client.execute(uri: "/info", method: .get)
            #expect(info.status == .ok)
            let logger = self.logger
            try await withTimeout { try await WebSocketClient.connect(url: "ws://localhost:\(port)/", logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#))
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["newHeads"]}"#))
                #expect(try JSONValue(parsing: try await Self.text(messages.next())) == ["jsonrpc": "2.0", "id": 1, "result": "0x7a69"])
                #expect(try JSONValue(parsing: try await Self.text(messages.next())) == ["jsonrpc": "2.0", "id": 2, "result": "0x1"])
                for expected in 1...2 as ClosedRange<UInt64> {
                    let block = try #require(try await node.seal(force: true))
                    let notification = try JSONValue(parsing: try await Self.text(messages.next()))
                    #expect(notification["method"] == "eth_subscription")
                    #expect(notification["params"]?["subscription"] == "0x1")
                    #expect(notification["params"]?["result"]?["number"] == .string("0x\(expected)"))
                    #expect(notification["params"]?["result"]?["hash"] == .string(block.hash.hex))
                }
                // A binary frame holding UTF-8 JSON is answered like text.
                try await outbound.write(.binary(ByteBuffer(string: #"{"jsonrpc":"2.0","id":3,"method":"eth_blockNumber"}"#)))
                #expect(try JSONValue(parsing: try await Self.text(messages.next())) == ["jsonrpc": "2.0", "id": 3, "result": "0x2"])
                try await outbound.close(.normalClosure, reason: nil)
            } }
            #expect(fixture.server.metrics.count(method: "eth_subscribe", outcome: .success) == 1)
        }
    }

    @Test("a WebSocket upgrade on another path is refused")
    func otherPathRefused() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(url: "ws://localhost:\(port)/info", logger: logger) { _, outbound, _ in
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
        }
    }

    static func text(_ message: WebSocketMessage?) throws -> String {
        guard case .text(let text)? = message else { throw WebSocketTestError.expectedText(String(describing: message)) }
        return text
    }
}

enum WebSocketTestError: Error {
    case expectedText(String)
}
