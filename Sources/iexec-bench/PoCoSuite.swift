import Ethereum
import Foundation
import PoCo

/// `poco`: in-process operations per second of the PoCo engine, and the cost of its journal against
/// copy-on-write (the design choice issue #3 asks to measure).
struct PoCoSuite {
    let suite = "poco"

    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: try! Address(hex: "0x0000000000000000000000000000000000000001"))

    static func actor(_ n: Int) -> Address {
        try! Address(Array(Keccak256.hash("bench actor \(n)").bytes[12...]))
    }

    func run() throws -> [BenchResult] {
        var results = try rollbackStrategyResults()
        results.append(contentsOf: try lifecycleResults())
        return results
    }

    /// The same ERC-20 transfer applied with the engine's journal, and with copy-on-write (apply to
    /// a copy of the engine, keep the copy on success): on a state of 100,000 accounts.
    func rollbackStrategyResults() throws -> [BenchResult] {
        var engine = PoCoEngine.genesis(config: Self.config)
        let accounts = (0..<100_000).map(Self.actor)
        let wei = UInt256(1_000_000) &* UInt256(1_000_000_000)
        for account in accounts {
            _ = try engine.apply(.escrow(.deposit), CallContext(sender: account, value: wei, blockTime: 1))
        }
        let senders = Array(accounts.prefix(1000))
        var index = 0
        let journalRate = measureRate(batch: 1000) {
            for _ in 0..<1000 {
                let from = senders[index % senders.count], to = senders[(index + 1) % senders.count]
                _ = try? engine.apply(.token(.transfer(to: to, value: 1)), CallContext(sender: from, blockTime: 2))
                index += 1
            }
        }
        let copyRate = measureRate(batch: 20) {
            for _ in 0..<20 {
                let from = senders[index % senders.count], to = senders[(index + 1) % senders.count]
                var trial = engine
                if (try? trial.apply(.token(.transfer(to: to, value: 1)), CallContext(sender: from, blockTime: 2))) != nil {
                    engine = trial
                }
                index += 1
            }
        }
        return [
            BenchResult(suite: suite, name: "transfer, journal (100k accounts)", value: journalRate, unit: "ops/s"),
            BenchResult(suite: suite, name: "transfer, copy-on-write (100k accounts)", value: copyRate, unit: "ops/s",
                        extra: ["journal_speedup": journalRate / copyRate]),
        ]
    }
}

extension PoCoSuite {
    /// matchOrders, initialize, contribute, reveal, finalize: added with the lifecycle.
    func lifecycleResults() throws -> [BenchResult] { [] }
}
