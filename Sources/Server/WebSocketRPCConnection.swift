import Chain
import HummingbirdWebSocket

/// One WebSocket connection speaking JSON-RPC: requests in, responses out, and the session's
/// `eth_subscription` notifications for every new block.
///
/// Three tasks share the connection: this one reads messages in order and answers them; one
/// forwards the node's events through the session; one writes every outgoing frame (so that
/// responses and notifications never interleave inside the writer). The connection ends when the
/// client closes it (or the server shuts down gracefully, which sends the close frame); the event
/// subscription ends with it.
struct WebSocketRPCConnection {
    let server: NodeServer

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let session = server.rpc.makeSession()
        let metrics = server.metrics
        // Subscribed before any request is read: no block after an `eth_subscribe` can be missed.
        let events = await server.node.events()
        let (frames, frameSink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames { try await outbound.write(.text(frame)) }
            }
            group.addTask {
                for await event in events {
                    for notification in await session.notifications(for: event) { frameSink.yield(notification) }
                }
            }
            for try await message in inbound.messages(maxSize: server.configuration.maxWebSocketMessageSize) {
                let text: String
                switch message {
                case .text(let string): text = string
                case .binary(let buffer):
                    // Some clients send JSON in binary frames: accept it when it is UTF-8.
                    guard let string = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                        frameSink.yield(JSONRPCTransportError.notText())
                        continue
                    }
                    text = string
                }
                if let answer = await session.respond(toText: text, metrics: metrics) { frameSink.yield(answer) }
            }
            frameSink.finish()
            group.cancelAll()
        }
    }
}
