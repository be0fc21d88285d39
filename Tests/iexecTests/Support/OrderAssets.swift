import Client
import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// Assets for the order tests, registered straight on a `CLIWorld`'s chain (not through
/// `iexec app deploy`) and written to its deployed.json.
struct OrderAssets {
    let world: CLIWorld

    var chainId: UInt64 { world.chain.config.chainId }
    var domain: PoCoDomain { world.chain.config.domain }

    /// Registers an app owned by dev account `owner` and records it in deployed.json.
    @discardableResult
    func app(owner: Int, name: String = "order-test-app") async throws -> Address {
        let key = CLIWorld.keys[owner]
        let checksum = Hash32.zero
        let address = world.chain.config.predictApp(owner: key.address, name: name, type: "WASM", multiaddr: [0x01],
                                                    checksum: checksum, mrenclave: [])
        _ = try await world.chain.send(.registry(.createApp(owner: key.address, name: name, type: "WASM", multiaddr: [0x01],
                                                            checksum: checksum, mrenclave: [])),
                                       value: .zero, signer: key)
        try world.files.setDeployed("app", chainId: chainId, address: address)
        return address
    }

    /// Registers a dataset owned by dev account `owner` and records it in deployed.json.
    @discardableResult
    func dataset(owner: Int, name: String = "order-test-dataset") async throws -> Address {
        let key = CLIWorld.keys[owner]
        let address = world.chain.config.predictDataset(owner: key.address, name: name, multiaddr: [0x02], checksum: .zero)
        _ = try await world.chain.send(.registry(.createDataset(owner: key.address, name: name, multiaddr: [0x02],
                                                                checksum: .zero)),
                                       value: .zero, signer: key)
        try world.files.setDeployed("dataset", chainId: chainId, address: address)
        return address
    }

    /// Registers a workerpool owned by dev account `owner` and records it in deployed.json.
    @discardableResult
    func workerpool(owner: Int, description: String = "order-test-pool") async throws -> Address {
        let key = CLIWorld.keys[owner]
        let address = world.chain.config.predictWorkerpool(owner: key.address, description: description)
        _ = try await world.chain.send(.registry(.createWorkerpool(owner: key.address, description: description)),
                                       value: .zero, signer: key)
        try world.files.setDeployed("workerpool", chainId: chainId, address: address)
        return address
    }

    /// Changes fields of iexec.json's template `key` (apporder, …).
    func editTemplate(_ key: String, _ change: (inout [String: Any]) -> Void) throws {
        try world.files.update("iexec.json") { project in
            var section = project["order"] as? [String: Any] ?? [:]
            var template = section[key] as? [String: Any] ?? [:]
            change(&template)
            section[key] = template
            project["order"] = section
        }
    }

    /// The market's view of the order `hash`, waiting (at most `seconds`) until `condition` holds:
    /// the market's status tracker follows the chain's heads on its own schedule.
    func marketOrder(_ hash: Hash32, seconds: Double = 5,
                     until condition: (ListedOrder) -> Bool) async throws -> ListedOrder {
        let market = MarketClient(baseURL: world.nodeURL)
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let listed = try await market.order(hash)
            if condition(listed) || ContinuousClock.now >= deadline { return listed }
            try await _Concurrency.Task.sleep(for: .milliseconds(20))
        }
    }

    /// `iexec order hash` of `order` in this chain's domain, computed by the command itself.
    func commandHash(_ kind: OrderKind, _ order: [String: Any]) throws -> String {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: order), as: UTF8.self)
        var command = try Order.Hash.parse(["--type", kind.rawValue, "--chain-id", String(chainId),
                                            "--hub", domain.hub.checksummed])
        command.input = OrderCommandTests.stdin(json)
        return try #require(try command.execute().fields["orderHash"] as? String)
    }
}
