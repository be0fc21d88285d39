import Ethereum
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

extension RPCPoCoChain {
    /// New heads from the node: `eth_subscribe("newHeads")` over a WebSocket on the node's port,
    /// reconnected when it drops (then caught up with the current head); while no WebSocket can be
    /// had, the latest block polled every `options.headPollInterval`, the WebSocket tried again
    /// every `options.webSocketRetryInterval`. Heads come in increasing number, each once; some
    /// may be skipped across a reconnection. The stream ends when its consumer stops or the task
    /// iterating it is cancelled.
    public func heads() -> AsyncStream<ChainHead> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChainHead.self, bufferingPolicy: .bufferingNewest(64))
        // The watcher lives as long as the stream's consumer: the protocol hands back a stream
        // synchronously, so it cannot be a child task of the caller.
        let watcher = _Concurrency.Task { [self] in
            await watchHeads(HeadSink(continuation))
            continuation.finish()
        }
        continuation.onTermination = { _ in watcher.cancel() }
        return stream
    }

    private func watchHeads(_ sink: HeadSink) async {
        // Heads from now on: the current one is not news.
        if let current = try? await head() { sink.skip(through: current.number) }
        while !_Concurrency.Task.isCancelled {
            if options.useWebSocket {
                let subscribed = await subscribeHeads(sink)
                if _Concurrency.Task.isCancelled { return }
                // A subscription that dropped: reconnect after a breath. One that never came up
                // (no WebSocket there, or the node is down): poll for a while first.
                if subscribed {
                    do { try await _Concurrency.Task.sleep(for: .milliseconds(100)) } catch { return }
                    continue
                }
                await pollHeads(sink, for: options.webSocketRetryInterval)
            } else {
                await pollHeads(sink, for: nil)
            }
        }
    }

    /// The WebSocket URL of the node: its HTTP URL with the ws scheme.
    var webSocketURL: String {
        if url.hasPrefix("https://") { return "wss://" + url.dropFirst("https://".count) }
        if url.hasPrefix("http://") { return "ws://" + url.dropFirst("http://".count) }
        return url
    }

    /// Runs one subscription until the socket closes or the task is cancelled; whether the node
    /// accepted the subscription.
    private func subscribeHeads(_ sink: HeadSink) async -> Bool {
        var logger = Logger(label: "iexec.chain-client.heads")
        logger.logLevel = .critical
        let accepted = AcceptedFlag()
        do {
            try await WebSocketClient.connect(url: webSocketURL + "/", logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Cancellation closes the socket, which ends the reading below.
                    group.addTask {
                        try? await _Concurrency.Task.sleep(for: .seconds(86_400 * 365))
                        try? await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        let text: String
                        switch message {
                        case .text(let string): text = string
                        case .binary(let buffer): text = String(buffer: buffer)
                        }
                        guard let value = try? JSONValue(parsing: text) else { continue }
                        if value["id"] != nil {
                            // The answer to eth_subscribe: an id, or an error (no newHeads here).
                            guard value["error"] == nil else { break }
                            accepted.set()
                            // Heads sealed while no subscription ran: catch up with the current one.
                            if let current = try? await self.head() { sink.yield(current) }
                        } else if let header = value["params"]?["result"], let head = try? RPCValue.head(header) {
                            sink.yield(head)
                        }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            // Refused or dropped: the caller reconnects or polls.
        }
        return accepted.value
    }

    /// Polls `eth_getBlockByNumber("latest")` every `headPollInterval`, for `duration` (nil: until cancelled).
    private func pollHeads(_ sink: HeadSink, for duration: Duration?) async {
        let clock = ContinuousClock()
        let end = duration.map { clock.now.advanced(by: $0) }
        while !_Concurrency.Task.isCancelled {
            if let head = try? await head() { sink.yield(head) }
            var pause = options.headPollInterval
            if let end {
                guard clock.now < end else { return }
                pause = min(pause, end - clock.now)
            }
            do { try await _Concurrency.Task.sleep(for: pause) } catch { return }
        }
    }
}

/// Yields heads of increasing number only, so a reconnection or a poll never repeats one.
final class HeadSink: Sendable {
    private let continuation: AsyncStream<ChainHead>.Continuation
    private let last = Mutex<UInt64?>(nil)

    init(_ continuation: AsyncStream<ChainHead>.Continuation) { self.continuation = continuation }

    /// Heads up to `number` are not yielded.
    func skip(through number: UInt64) {
        last.withLock { $0 = max($0 ?? number, number) }
    }

    func yield(_ head: ChainHead) {
        let fresh = last.withLock { last in
            if let previous = last, head.number <= previous { return false }
            last = head.number
            return true
        }
        if fresh { continuation.yield(head) }
    }
}

/// Whether the node accepted a subscription (set from the socket's handler).
final class AcceptedFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var value: Bool { flag.withLock { $0 } }
}
