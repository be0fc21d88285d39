import Client
import Crypto
import Ethereum
import Foundation
import PoCo
import Worker

/// What a devnet set up on its chain the first time, kept in `<data-dir>/devnet.json` so that a
/// restart on the same ledger finds its workerpool and apps instead of registering them again.
public struct DevnetState: Codable, Hashable, Sendable {
    /// One registered sample app.
    public struct App: Codable, Hashable, Sendable {
        /// Its name (the file's name without extension).
        public var name: String
        /// Its address.
        public var address: Address
        /// Where its bytes are: a storage content id.
        public var multiaddr: String
        /// SHA-256 of its bytes.
        public var checksum: Hash32
        /// `WASM` or `NATIVE`.
        public var type: String
    }

    /// The chain these addresses live on.
    public var chainId: UInt64
    /// The devnet's workerpool.
    public var workerpool: Address
    /// The sample apps.
    public var apps: [App]
    /// Workers whose stake was deposited (the first `fundedWorkers` of the accounts).
    public var fundedWorkers: Int

    static func load(from url: URL) throws(DevnetError) -> DevnetState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(DevnetState.self, from: Data(contentsOf: url)) } catch {
            throw .dataDirectory("\(url.path) is unreadable (\(error)): remove the data directory to start a new devnet")
        }
    }

    func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

/// Sets a devnet's chain up (first start) or completes it (a restart with more workers or apps).
struct DevnetProvisioning {
    let configuration: DevnetConfiguration
    let accounts: DevnetAccounts
    let chain: RPCPoCoChain
    let storage: (PrivateKey) -> StorageClient
    let market: MarketClient

    /// The state after provisioning, saved to `stateFile`.
    func provision(stateFile: URL) async throws -> DevnetState {
        var state: DevnetState
        if let stored = try DevnetState.load(from: stateFile) {
            guard stored.chainId == chain.config.chainId else {
                throw DevnetError.dataDirectory("devnet.json is for chain \(stored.chainId), the ledger for \(chain.config.chainId)")
            }
            state = stored
        } else {
            try await deposit(accounts.workerpoolOwner, configuration.stakeDeposit)
            let pool = try await created(chain.send(.registry(.createWorkerpool(
                owner: accounts.workerpoolOwner.address, description: "iexec-swift devnet pool")), signer: accounts.workerpoolOwner))
            state = DevnetState(chainId: chain.config.chainId, workerpool: pool, apps: [], fundedWorkers: 0)
            try state.save(to: stateFile)
        }
        while state.fundedWorkers < configuration.workers {
            let key = accounts.worker(state.fundedWorkers)
            if state.fundedWorkers < DevnetAccounts.workersInGenesis {
                try await deposit(key, configuration.stakeDeposit)
            } else {
                _ = try await chain.send(.escrow(.depositFor(target: key.address)),
                                         value: UInt256(configuration.stakeDeposit) * PoCoConstants.weiPerNRLC, signer: accounts.user)
            }
            state.fundedWorkers += 1
            try state.save(to: stateFile)
        }
        for file in configuration.apps {
            let name = file.deletingPathExtension().lastPathComponent
            guard !state.apps.contains(where: { $0.name == name }) else { continue }
            state.apps.append(try await register(file, name: name))
            try state.save(to: stateFile)
        }
        return state
    }

    private func deposit(_ key: PrivateKey, _ nRLC: UInt64) async throws {
        _ = try await chain.send(.escrow(.deposit), value: UInt256(nRLC) * PoCoConstants.weiPerNRLC, signer: key)
    }

    /// Uploads the app to the storage, registers it, and publishes an app order for it.
    private func register(_ file: URL, name: String) async throws -> DevnetState.App {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: file)) } catch {
            throw DevnetError.startup("cannot read the app \(file.path): \(error.localizedDescription)")
        }
        let owner = accounts.appOwner
        let id = try await storage(owner).upload(bytes: bytes)
        let checksum = try Hash32(Array(SHA256.hash(data: bytes)))
        let type: String
        do { type = try AppRuntime.detect(magic: Array(bytes.prefix(4)), path: file.path).appType } catch {
            throw DevnetError.startup("\(error)")
        }
        let address = try await created(chain.send(.registry(.createApp(
            owner: owner.address, name: name, type: type, multiaddr: Array(id.description.utf8), checksum: checksum,
            mrenclave: [])), signer: owner))
        let order = AppOrder(app: address, appprice: UInt256(configuration.appPrice), volume: UInt256(1_000_000_000 as UInt64),
                             tag: .zero, datasetrestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                             salt: Keccak256.hash("devnet app order \(address.checksummed)"))
            .signed(with: owner, in: chain.config.domain)
        _ = try await market.publish(.app(order))
        return DevnetState.App(name: name, address: address, multiaddr: id.description, checksum: checksum, type: type)
    }

    /// The address a registration minted.
    private func created(_ receipt: PoCoReceipt) throws -> Address {
        guard let address = receipt.mintedAsset() else {
            throw DevnetError.startup("the registry created nothing (transaction \(receipt.transactionHash.hex))")
        }
        return address
    }
}
