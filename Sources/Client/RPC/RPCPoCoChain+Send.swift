import Chain
import Ethereum
import PoCo

extension RPCPoCoChain {
    /// Signs `calls` with consecutive nonces, sends them all, then waits for each receipt.
    public func send(_ calls: [PoCoCall], signer: PrivateKey) async throws(ChainClientError)
        -> [Result<PoCoReceipt, ChainClientError>] {
        await submit(calls.map { ($0, UInt256.zero) }, signer: signer)
    }

    /// Sends one payable call with `value` wei and waits for its receipt.
    public func send(_ call: PoCoCall, value: UInt256, signer: PrivateKey) async throws(ChainClientError) -> PoCoReceipt {
        guard let result = await submit([(call, value)], signer: signer).first else {
            throw .malformedResponse("no result for the one call sent")
        }
        return try result.get()
    }

    private func submit(_ items: [(PoCoCall, UInt256)], signer: PrivateKey) async -> [Result<PoCoReceipt, ChainClientError>] {
        var sent: [Result<Hash32, ChainClientError>] = []
        for (call, value) in items {
            sent.append(await sendTransaction(call, value: value, signer: signer))
        }
        var blockTimes: [UInt64: UInt64] = [:]
        var results: [Result<PoCoReceipt, ChainClientError>] = []
        for (index, outcome) in sent.enumerated() {
            switch outcome {
            case .failure(let error): results.append(.failure(error))
            case .success(let hash):
                do throws(ChainClientError) {
                    results.append(.success(try await receipt(hash, call: items[index].0, blockTimes: &blockTimes)))
                } catch {
                    results.append(.failure(error))
                }
            }
        }
        return results
    }

    /// Signs and sends one transaction with the signer's next nonce; a nonce the node refuses
    /// (another process used it, or a gap) makes the book re-read the node's count and retry once.
    private func sendTransaction(_ call: PoCoCall, value: UInt256, signer: PrivateKey) async -> Result<Hash32, ChainClientError> {
        let (to, data) = PoCoBinding.encodeCall(call, config: config)
        let gasLimit = PoCoBinding.gasUsed(for: call) &+ options.gasMargin
        var retried = false
        while true {
            do throws(ChainClientError) {
                let nonce = try await nonces.next(for: signer.address) { () async throws(ChainClientError) -> UInt64 in
                    try await self.pendingCount(signer.address)
                }
                let transaction = EIP1559Transaction(chainId: config.chainId, nonce: nonce, maxPriorityFeePerGas: .zero,
                                                     maxFeePerGas: .zero, gasLimit: gasLimit, to: to, value: value,
                                                     data: data).sign(with: signer)
                let answer = try await request("eth_sendRawTransaction", [RPCValue.data(transaction.rawBytes)])
                return .success(try RPCValue.hash(answer, "eth_sendRawTransaction's result"))
            } catch {
                // The slot is not used: later transactions must not wait behind a gap.
                await nonces.forget(signer.address)
                if !retried, case .rpc(_, let message) = error, message.lowercased().contains("nonce") {
                    retried = true
                    continue
                }
                return .failure(error)
            }
        }
    }

    /// `eth_getTransactionCount(address, "pending")`.
    private func pendingCount(_ address: Address) async throws(ChainClientError) -> UInt64 {
        try RPCValue.uint64(try await request("eth_getTransactionCount", [.string(address.checksummed), "pending"]),
                            "eth_getTransactionCount's result")
    }

    /// Polls `eth_getTransactionReceipt` (5 ms, doubling up to the options' maximum) until the
    /// transaction is mined or the wait is over.
    private func receipt(_ hash: Hash32, call: PoCoCall, blockTimes: inout [UInt64: UInt64])
        async throws(ChainClientError) -> PoCoReceipt {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.receiptTimeout)
        var pause = Duration.milliseconds(5)
        while true {
            let answer = try await request("eth_getTransactionReceipt", [.string(hash.hex)])
            if answer != .null { return try await decodeReceipt(answer, hash: hash, call: call, blockTimes: &blockTimes) }
            guard clock.now < deadline else {
                throw .notMined(transactionHash: hash, waitedSeconds: Self.seconds(options.receiptTimeout))
            }
            do { try await _Concurrency.Task.sleep(for: pause) } catch {
                throw .notMined(transactionHash: hash, waitedSeconds: Self.seconds(clock.now - deadline + options.receiptTimeout))
            }
            pause = min(pause * 2, options.maxReceiptPollInterval)
        }
    }

    private func decodeReceipt(_ answer: JSONValue, hash: Hash32, call: PoCoCall, blockTimes: inout [UInt64: UInt64])
        async throws(ChainClientError) -> PoCoReceipt {
        let status = try RPCValue.uint64(answer["status"], "the receipt's status")
        guard status == 1 else {
            // The node gives Hardhat's `revertReason`; only the head's state is kept, so a replay
            // at the block is not possible.
            var reason = "reverted without a reason"
            if case .string(let given)? = answer["revertReason"] { reason = given }
            throw .reverted(function: PoCoBinding.functionName(of: call), reason: reason)
        }
        let number = try RPCValue.uint64(answer["blockNumber"], "the receipt's blockNumber")
        let timestamp: UInt64
        if let known = blockTimes[number] {
            timestamp = known
        } else {
            timestamp = try await block(RPCValue.quantity(number)).timestamp
            blockTimes[number] = timestamp
        }
        guard case .array(let items)? = answer["logs"] else { throw .malformedResponse("the receipt has no logs array") }
        var logs: [ChainLog] = []
        for item in items { logs.append(try RPCValue.log(item)) }
        return PoCoReceipt(transactionHash: hash, blockNumber: number, blockTimestamp: timestamp, logs: logs)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The next nonce of each signer this process sends from: read from the node once, then counted.
actor NonceBook {
    private var next: [Address: UInt64] = [:]

    /// `address`'s next nonce, reserved; `fetch` reads the node's pending count the first time.
    func next(for address: Address, fetch: @Sendable () async throws(ChainClientError) -> UInt64) async throws(ChainClientError) -> UInt64 {
        if let nonce = next[address] {
            next[address] = nonce + 1
            return nonce
        }
        let fetched = try await fetch()
        // Another reservation may have completed during the fetch (actor reentrancy).
        let nonce = max(fetched, next[address] ?? 0)
        next[address] = nonce + 1
        return nonce
    }

    /// Drops the count: the next reservation reads the node's again.
    func forget(_ address: Address) {
        next[address] = nil
    }
}
