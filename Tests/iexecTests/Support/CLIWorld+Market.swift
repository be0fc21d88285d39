import Client
import Ethereum
import Foundation
import PoCo
import Testing

@testable import iexec

/// What the requester's commands need on a bare `CLIWorld`: assets registered, escrow deposits,
/// orders published on the node's market, and a stand-in for the workerpool that finalizes
/// trust-1 tasks itself (the scheduler's authorization and the worker's contributeAndFinalize).
extension CLIWorld {
    var domain: PoCoDomain { chain.config.domain }
    var market: MarketClient { MarketClient(baseURL: nodeURL) }
    func key(_ index: Int) -> PrivateKey { Self.keys[index] }

    /// Registers an app owned by dev account `owner`; its address (the registry's Transfer token id).
    func registerApp(owner: Int, name: String = "app") async throws -> Address {
        let receipt = try await chain.send(.registry(.createApp(owner: key(owner).address, name: name, type: "WASM",
                                                                multiaddr: Array("https://example.org/app.wasm".utf8),
                                                                checksum: .zero, mrenclave: [])), signer: key(owner))
        return try Self.createdAsset(receipt, registry: chain.config.appRegistry)
    }

    /// Registers a workerpool owned by dev account `owner`.
    func registerWorkerpool(owner: Int) async throws -> Address {
        let receipt = try await chain.send(.registry(.createWorkerpool(owner: key(owner).address, description: "pool")),
                                           signer: key(owner))
        return try Self.createdAsset(receipt, registry: chain.config.workerpoolRegistry)
    }

    /// The asset a registry's `Transfer(0, owner, tokenId)` created: tokenId's low 20 bytes.
    static func createdAsset(_ receipt: PoCoReceipt, registry: Address) throws -> Address {
        let log = try #require(receipt.logs.first { $0.address == registry && $0.topics.count == 4 })
        return try Address(Array(log.topics[3].bytes.suffix(20)))
    }

    /// Deposits `nRLC` into dev account `index`'s escrow account.
    func deposit(_ index: Int, nRLC: UInt64) async throws {
        _ = try await chain.send(.escrow(.deposit), value: UInt256(nRLC) * PoCoConstants.weiPerNRLC, signer: key(index))
    }

    /// Publishes an app order of `app` (owner `owner`).
    @discardableResult
    func publishAppOrder(_ app: Address, owner: Int, price: UInt64, volume: UInt64 = 100) async throws -> AppOrder {
        let order = AppOrder(app: app, appprice: UInt256(price), volume: UInt256(volume), tag: .zero, datasetrestrict: .zero,
                             workerpoolrestrict: .zero, requesterrestrict: .zero, salt: CLIWorld.salt())
            .signed(with: key(owner), in: domain)
        _ = try await market.publish(.app(order))
        return order
    }

    /// Publishes a workerpool order of `pool` (owner `owner`, who must have deposited its stake).
    @discardableResult
    func publishWorkerpoolOrder(_ pool: Address, owner: Int, price: UInt64, category: UInt64 = 0, trust: UInt64 = 0,
                                volume: UInt64 = 100) async throws -> WorkerpoolOrder {
        let order = WorkerpoolOrder(workerpool: pool, workerpoolprice: UInt256(price), volume: UInt256(volume), tag: .zero,
                                    category: UInt256(category), trust: UInt256(trust), apprestrict: .zero,
                                    datasetrestrict: .zero, requesterrestrict: .zero, salt: CLIWorld.salt())
            .signed(with: key(owner), in: domain)
        _ = try await market.publish(.workerpool(order))
        return order
    }

    /// Finalizes trust-1 task `taskid` as worker `worker` authorized by the pool owner `scheduler`:
    /// `digest` on chain, the results pointing at storage blob `location`.
    func finalize(_ taskid: Hash32, digest: Hash32, location: String, worker: Int, scheduler: Int) async throws {
        let authorization = PoCoIds.authorizationHash(worker: key(worker).address, taskid: taskid, enclaveChallenge: .zero)
        let sign = EIP191.sign(message: authorization.bytes, with: key(scheduler)).bytes
        _ = try await chain.send(.lifecycle(.contributeAndFinalize(
            taskid: taskid, resultDigest: digest, results: ResultLocation(location: location).resultsBytes,
            resultsCallback: [], enclaveChallenge: .zero, enclaveSign: [], authorizationSign: sign)), signer: key(worker))
    }

    /// Free + frozen nRLC of each account, and the total supply: what conservation is checked on.
    func escrow(_ indexes: [Int]) async throws -> [Address: PoCo.Account] {
        var accounts: [Address: PoCo.Account] = [:]
        for index in indexes { accounts[key(index).address] = try await chain.account(key(index).address) }
        accounts[PoCoConstants.kittyAddress] = try await chain.account(PoCoConstants.kittyAddress)
        return accounts
    }

    static func salt() -> Hash32 { AppCommand.Run.randomSalt() }
}
