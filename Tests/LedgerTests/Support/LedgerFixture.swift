import Ethereum
import Foundation
import Ledger
import PoCo
import Testing

/// One block for a store: its number, its changes in order, and the engine's state after it.
struct FixtureBlock {
    var number: UInt64
    var changes: [StateChange]
    var state: PoCoState
}

enum LedgerFixture {
    static let config = PoCoConfig(
        chainId: 134, hub: try! Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
        appRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99001"),
        datasetRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99002"),
        workerpoolRegistry: try! Address(hex: "0x0000000000000000000000000000000000a99003"),
        governance: key(0).address)

    /// A deterministic private key for actor number `n`.
    static func key(_ n: Int) -> PrivateKey {
        try! PrivateKey(Keccak256.hash("iexec-swift ledger test actor \(n)").bytes)
    }

    static func wei(_ nRLC: UInt64) -> UInt256 { UInt256(nRLC) &* PoCoConstants.weiPerNRLC }

    /// Genesis (block 0: its whole state as changes), then blocks of PoCo calls whose receipts'
    /// changes are concatenated in call order: deposits, registrations, a transfer, and a withdrawal
    /// that empties an account (a removal), with keys written by several calls of one block.
    static func escrowBlocks() throws -> [FixtureBlock] {
        var engine = PoCoEngine.genesis(config: config)
        var blocks = [FixtureBlock(number: 0, changes: engine.state.storage.map { StateChange(key: $0.key, value: $0.value) },
                                   state: engine.state)]
        let (alice, bob, carol) = (key(1).address, key(2).address, key(3).address)
        let calls: [[(PoCoCall, Address, UInt256)]] = [
            [(.escrow(.deposit), alice, wei(1_000)), (.escrow(.deposit), bob, wei(500)),
             (.registry(.createApp(owner: alice, name: "app", type: "DOCKER", multiaddr: [1, 2, 3],
                                   checksum: Keccak256.hash("app"), mrenclave: [])), alice, .zero)],
            [(.token(.transfer(to: carol, value: 200)), alice, .zero), (.escrow(.deposit), alice, wei(7)),
             (.registry(.createWorkerpool(owner: bob, description: "pool")), bob, .zero),
             (.governance(.createCategory(name: "T", description: "{}", workClockTimeRef: 60)), key(0).address, .zero)],
            // Bob leaves entirely: his account row must be removed.
            [(.escrow(.withdraw(amount: 500)), bob, .zero), (.token(.approve(spender: bob, value: 9)), carol, .zero)],
            // A write, a removal (the allowance back to zero), then more writes.
            [(.escrow(.deposit), carol, wei(3)), (.token(.approve(spender: bob, value: 0)), carol, .zero),
             (.token(.transfer(to: alice, value: 1)), carol, .zero)],
        ]
        var time: UInt64 = 1_700_000_000
        for (index, block) in calls.enumerated() {
            time += 5
            var changes: [StateChange] = []
            for (call, sender, value) in block {
                let receipt = try engine.apply(call, CallContext(sender: sender, value: value, blockTime: time))
                changes += receipt.changes
            }
            blocks.append(FixtureBlock(number: UInt64(index + 1), changes: changes, state: engine.state))
        }
        return blocks
    }

    /// A simulated chain's run (deals, tasks, contributions, consensus, rewards, a claim), one
    /// block per step, each block's changes being the difference between the states around it.
    static func lifecycleBlocks() throws -> [FixtureBlock] {
        var ledger = try PoCoEngineLedger(workers: 4, trust: 3, tasks: 3)
        var blocks: [FixtureBlock] = []
        var previous = PoCoState()
        func cut() {
            let state = ledger.engine.state
            blocks.append(FixtureBlock(number: UInt64(blocks.count), changes: difference(from: previous, to: state), state: state))
            previous = state
        }
        cut()
        for task in 0..<2 {
            try ledger.openTask(task)
            cut()
            var worker = 0
            while try !ledger.contribute(worker: worker, result: .correct) {
                cut()
                worker += 1
            }
            cut()
            _ = try ledger.finalizeTask()
            cut()
        }
        try ledger.openTask(2)
        if try ledger.contribute(worker: 0, result: .wrong(worker: 0)) {
            _ = try ledger.finalizeTask()
        } else {
            try ledger.abandonTask()
            cut()
            try ledger.close()
        }
        cut()
        return blocks
    }

    /// The changes taking `old` to `new`: new or changed keys, and removals.
    static func difference(from old: PoCoState, to new: PoCoState) -> [StateChange] {
        var changes: [StateChange] = []
        for (key, value) in new.storage where old[key] != value { changes.append(StateChange(key: key, value: value)) }
        for key in old.storage.keys where new[key] == nil { changes.append(StateChange(key: key, value: nil)) }
        return changes
    }
}

/// A fresh directory for one test's database files, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Commits every block to `store` with the state's digest after it.
func commit(_ blocks: [FixtureBlock], to store: some StateStore) async throws {
    for block in blocks {
        try await store.commit(blockNumber: block.number, changes: block.changes, digest: block.state.digest)
    }
}
