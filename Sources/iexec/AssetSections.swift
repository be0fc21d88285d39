import Client
import Ethereum
import Foundation
import PoCo
import Worker

/// The asset sections of iexec.json (`app`, `dataset`, `workerpool`) with iexec-sdk's fields, and
/// what the asset commands read from them and from the chain.
extension AssetKind {
    /// The `iexec` subcommand of the kind, for messages.
    var command: String { "iexec \(rawValue)" }

    /// A new section as iexec-sdk's `init` writes it, owned by `owner`. Apps are WASM by default
    /// (`deploy --file` sets the type from the file); multiaddr and checksum are set by `deploy --file`.
    func template(owner: Address) -> [String: Any] {
        switch self {
        case .app:
            return ["owner": owner.checksummed, "name": "my-app", "type": "WASM", "multiaddr": "",
                    "checksum": Hash32.zero.hex, "mrenclave": ""]
        case .dataset:
            return ["owner": owner.checksummed, "name": "my-dataset", "multiaddr": "", "checksum": Hash32.zero.hex]
        case .workerpool:
            return ["owner": owner.checksummed, "description": "my-workerpool"]
        }
    }

    /// The registry call creating the section's asset, and the address it will have (entries are
    /// deterministic, see `PoCoConfig.predictApp`). A missing or zero owner becomes `signer`.
    func registration(_ section: [String: Any], signer: Address, config: PoCoConfig) throws -> (RegistryCall, Address) {
        let reader = SectionReader(kind: self, section: section)
        let owner = try reader.owner() ?? signer
        switch self {
        case .app:
            let (name, type, multiaddr) = (try reader.text("name"), try reader.text("type"), try reader.multiaddr())
            let checksum = try reader.checksum()
            let mrenclave = try reader.mrenclave()
            guard ["WASM", "NATIVE"].contains(type.uppercased()) else {
                throw CLIError("iexec.json: app type \"\(type)\": the workers run WASM (wasm32-wasi modules) or NATIVE apps")
            }
            return (.createApp(owner: owner, name: name, type: type.uppercased(), multiaddr: multiaddr, checksum: checksum,
                               mrenclave: mrenclave),
                    config.predictApp(owner: owner, name: name, type: type.uppercased(), multiaddr: multiaddr,
                                      checksum: checksum, mrenclave: mrenclave))
        case .dataset:
            let (name, multiaddr, checksum) = (try reader.text("name"), try reader.multiaddr(), try reader.checksum())
            return (.createDataset(owner: owner, name: name, multiaddr: multiaddr, checksum: checksum),
                    config.predictDataset(owner: owner, name: name, multiaddr: multiaddr, checksum: checksum))
        case .workerpool:
            let description = try reader.text("description")
            return (.createWorkerpool(owner: owner, description: description),
                    config.predictWorkerpool(owner: owner, description: description))
        }
    }

    /// The asset registered at `address`, as `show` prints it (`--raw` fields, text).
    func describe(_ address: Address, on session: Session) async throws -> (fields: [String: Any], lines: [(String, String)]) {
        var fields: [String: Any]
        do throws(ChainClientError) {
            switch self {
            case .app:
                let app = try await session.chain.app(address)
                fields = ["owner": app.owner.checksummed, "name": app.name, "type": app.type,
                          "multiaddr": String(decoding: app.multiaddr, as: UTF8.self), "checksum": app.checksum.hex,
                          "mrenclave": String(decoding: app.mrenclave, as: UTF8.self)]
            case .dataset:
                let dataset = try await session.chain.dataset(address)
                fields = ["owner": dataset.owner.checksummed, "name": dataset.name,
                          "multiaddr": String(decoding: dataset.multiaddr, as: UTF8.self), "checksum": dataset.checksum.hex]
            case .workerpool:
                let pool = try await session.chain.workerpool(address)
                fields = ["owner": pool.owner.checksummed, "description": pool.description,
                          "workerStakeRatioPolicy": pool.workerStakeRatioPolicy.decimalString,
                          "schedulerRewardRatioPolicy": pool.schedulerRewardRatioPolicy.decimalString]
            }
        } catch {
            if case .reverted = error {
                throw CLIError("no \(rawValue) at \(address.checksummed) on chain \(session.chainId): check the address, or `\(command) deploy` one")
            }
            throw CLIError("cannot read the \(rawValue) at \(address.checksummed): \(error)")
        }
        fields["address"] = address.checksummed
        let order = ["address", "owner", "name", "type", "description", "multiaddr", "checksum", "mrenclave",
                     "workerStakeRatioPolicy", "schedulerRewardRatioPolicy"]
        let lines = order.compactMap { key in fields[key].map { (key, "\($0)") } }
        return (fields, lines)
    }

    /// Whether an asset of this kind is registered at `address`.
    func isRegistered(_ address: Address, on session: Session) async throws -> Bool {
        do {
            return try await session.chain.view(.registry(self, .isRegistered(address))).first?.boolValue ?? false
        } catch {
            throw CLIError("cannot ask the \(rawValue) registry about \(address.checksummed): \(error)")
        }
    }

    /// How many assets of this kind `owner` holds: the registry's ERC-721 `balanceOf`.
    func count(ownedBy owner: Address, on session: Session) async throws -> UInt256 {
        do {
            guard let count = try await session.chain.view(.registry(self, .balanceOf(owner))).first?.uintValue else {
                throw CLIError("the \(rawValue) registry's balanceOf did not return a number")
            }
            return count
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot count the \(rawValue)s of \(owner.checksummed): \(error)")
        }
    }

    /// The assets `owner` holds, in the order it received them, replayed from the registry's
    /// ERC-721 `Transfer` logs: the registries have no `tokenOfOwnerByIndex` view here, so `show
    /// INDEX` enumerates them this way (the same order as iexec-sdk's when none was handed on).
    func owned(by owner: Address, on session: Session) async throws -> [Address] {
        let registry = session.chain.config.registry(self)
        let logs: [ChainLog]
        do {
            logs = try await session.chain.logs(ChainLogFilter(fromBlock: 0, address: registry, topics: [[Self.transferTopic]]))
        } catch {
            throw CLIError("cannot read the \(rawValue) registry's logs: \(error)")
        }
        var held: [Address] = []
        for log in logs where log.topics.count == 4 {
            guard let from = Self.address(in: log.topics[1]), let to = Self.address(in: log.topics[2]),
                  let asset = Self.address(in: log.topics[3]) else { continue }
            if from == owner { held.removeAll { $0 == asset } }
            if to == owner { held.append(asset) }
        }
        return held
    }

    /// The address of the asset minted by a registration's receipt (its ERC-721 `Transfer` from zero).
    func minted(in receipt: PoCoReceipt, config: PoCoConfig) -> Address? {
        receipt.mintedAsset(registry: config.registry(self))
    }

    /// topic0 of ERC-721 `Transfer(address,address,uint256)`, as the registries emit it.
    static let transferTopic = PoCoLog(address: .zero, event: .assetTransfer(from: .zero, to: .zero, tokenId: .zero)).topics[0]

    /// The address in the low 20 bytes of a topic (an indexed address, or a token id that is one).
    static func address(in topic: Hash32) -> Address? {
        try? Address(Array(topic.bytes.suffix(20)))
    }
}

/// The fields of one iexec.json section, each read with an error naming it.
struct SectionReader {
    let kind: AssetKind
    let section: [String: Any]

    func text(_ key: String) throws -> String {
        guard let value = section[key] as? String, !value.isEmpty else {
            throw CLIError("iexec.json: the \(kind.rawValue) section needs a non-empty \"\(key)\"")
        }
        return value
    }

    /// The owner, or nil when missing or zero (the signer then owns the asset).
    func owner() throws -> Address? {
        guard let text = section["owner"] as? String, !text.isEmpty else { return nil }
        guard let owner = try? Address(hex: text) else {
            throw CLIError("iexec.json: \(kind.rawValue) owner \(text) is not an address (0x and 40 hex digits)")
        }
        return owner == .zero ? nil : owner
    }

    /// The multiaddr as the chain stores it (its UTF-8 bytes: a storage content id or a URL).
    func multiaddr() throws -> [UInt8] {
        guard let text = section["multiaddr"] as? String, !text.isEmpty else {
            throw CLIError("iexec.json: the \(kind.rawValue) has no multiaddr: run `\(kind.command) deploy --file PATH` to upload the file and set it")
        }
        return Array(text.utf8)
    }

    func checksum() throws -> Hash32 {
        guard let text = section["checksum"] as? String, let checksum = try? Hash32(hex: text) else {
            throw CLIError("iexec.json: the \(kind.rawValue) checksum must be 0x and 64 hex digits (the file's SHA-256)")
        }
        return checksum
    }

    /// The app's mrenclave: a string as is, an object (iexec-sdk's TEE fields) as compact JSON.
    func mrenclave() throws -> [UInt8] {
        switch section["mrenclave"] {
        case nil, is NSNull: return []
        case let text as String: return Array(text.utf8)
        case let object as [String: Any]:
            return Array(JSONText.object(object).utf8)
        default: throw CLIError("iexec.json: the app mrenclave must be a string or an object")
        }
    }
}

/// A file uploaded for `deploy --file`: where the storage keeps it and what the workers check.
struct UploadedAsset {
    var multiaddr: String
    var checksum: Hash32
    /// The app type the file runs as (`WASM` or `NATIVE`); nil for a dataset.
    var appType: String?

    /// Checks `path`, computes its SHA-256 (the checksum workers verify the download against) and,
    /// for an app, its runtime from its first bytes; then uploads it to the chain's storage.
    static func upload(_ path: String, kind: AssetKind, session: Session, key: PrivateKey) async throws -> UploadedAsset {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError("--file \(path): no such file (give the \(kind.rawValue)'s file, e.g. a .wasm module)")
        }
        var appType: String?
        if kind == .app {
            do {
                appType = try AppRuntime.detect(file: url).appType
            } catch {
                throw CLIError("--file \(path): \(error)")
            }
        }
        let checksum: Hash32
        do { checksum = try ResultDigest.digest(of: url) } catch {
            throw CLIError("--file \(path): \(error)")
        }
        let id: String
        do { id = try await session.storage(key: key).upload(file: url).description } catch {
            throw CLIError("cannot upload \(path) to the storage at \(session.entry.storage): \(error)")
        }
        return UploadedAsset(multiaddr: id, checksum: checksum, appType: appType)
    }
}
