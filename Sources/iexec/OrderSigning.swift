import Client
import Ethereum
import Foundation
import PoCo

/// What the chain says about an order's parties, asked before signing, cancelling or publishing
/// so that a user learns now, not at matching time, that an order can never be used.
struct OrderChecks {
    let session: Session

    /// The registered owner of `asset`, or an error saying it is not registered (or not set).
    func owner(of asset: AssetKind, _ address: Address, field: String) async throws -> Address {
        let chainId = session.chainId
        guard address != .zero else {
            throw CLIError("\(field) is not set (the zero address): deploy the \(asset) (`iexec \(asset) deploy`) and run `iexec order init` again, or write its address")
        }
        do throws(ChainClientError) {
            switch asset {
            case .app: return try await session.chain.app(address).owner
            case .dataset: return try await session.chain.dataset(address).owner
            case .workerpool: return try await session.chain.workerpool(address).owner
            }
        } catch .reverted {
            throw CLIError("\(field): no \(asset) \(address.checksummed) is registered on chain \(chainId); deploy it first (`iexec \(asset) deploy`) or fix the address")
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// Checks that `category` exists on the chain.
    func category(_ category: UInt256, field: String) async throws {
        let count: UInt256
        do { count = try await session.chain.countCategory() } catch { throw CLIError("\(error)") }
        guard category < count else {
            throw CLIError("\(field): category \(category) does not exist on chain \(session.chainId) (categories are 0…\(count > .zero ? (count - 1).description : "none")); `iexec category show` lists them")
        }
    }

    /// Who must sign `order`: the owner of its app, dataset or workerpool, or its requester. The
    /// assets a request names must be registered (it could never match otherwise), its category
    /// must exist.
    func requiredSigner(of order: AnyPoCoOrder, place: String) async throws -> Address {
        guard order.order.volume > .zero else {
            throw CLIError("\(place).volume is 0: the order could never be matched; set it to the number of tasks")
        }
        switch order {
        case .app(let order):
            return try await owner(of: .app, order.app, field: "\(place).app")
        case .dataset(let order):
            return try await owner(of: .dataset, order.dataset, field: "\(place).dataset")
        case .workerpool(let order):
            try await category(order.category, field: "\(place).category")
            return try await owner(of: .workerpool, order.workerpool, field: "\(place).workerpool")
        case .request(let order):
            _ = try await owner(of: .app, order.app, field: "\(place).app")
            if order.dataset != .zero { _ = try await owner(of: .dataset, order.dataset, field: "\(place).dataset") }
            if order.workerpool != .zero {
                _ = try await owner(of: .workerpool, order.workerpool, field: "\(place).workerpool")
            }
            try await category(order.category, field: "\(place).category")
            return order.requester
        }
    }

    /// Checks that `signer` may sign (or cancel) `order`.
    func expectSigner(_ signer: Address, of order: AnyPoCoOrder, place: String) async throws {
        let required = try await requiredSigner(of: order, place: place)
        guard required == signer else {
            if case .request = order {
                throw CLIError("\(place).requester is \(required.checksummed), not the wallet \(signer.checksummed): a request is signed by its requester; set requester to \(signer.checksummed) or use \(required.checksummed)'s wallet (--wallet-address)")
            }
            let asset = order.kind.rawValue
            throw CLIError("the \(asset) of \(place) belongs to \(required.checksummed), not to the wallet \(signer.checksummed): only its owner signs its orders; use the owner's wallet (--wallet-address \(required.checksummed))")
        }
    }
}

/// `iexec order sign` (project mode): iexec.json's templates, each with a fresh salt, checked
/// against the chain and signed in its domain, written to orders.json under its chain id.
struct ProjectOrderSigner {
    let session: Session
    let wallet: WalletOptions

    /// Signs the templates of `chosen` (every template in iexec.json when empty). Every template
    /// is read and checked before orders.json is written: a refusal changes nothing.
    func sign(_ chosen: [OrderKind]) async throws -> CommandOutput {
        let section = try session.files.section("order", writtenBy: "iexec order init")
        let kinds = chosen.isEmpty ? OrderKind.allCases.filter { section[$0.fileKey] != nil } : chosen
        guard !kinds.isEmpty else {
            throw CLIError("iexec.json's order section has no template: run `iexec order init` first")
        }
        // The wallet is opened (its password asked) only once every order is known to be signable,
        // when its address can be known without it.
        let (signer, early) = try wallet.signer()
        let checks = OrderChecks(session: session)
        var orders: [(kind: OrderKind, order: AnyPoCoOrder)] = []
        for kind in kinds {
            let place = "iexec.json order.\(kind.fileKey)"
            guard let template = section[kind.fileKey] as? [String: Any] else {
                throw CLIError("\(place) is missing: run `iexec order init \(kind.flag)` first")
            }
            let order = try OrderTemplate.order(from: template, kind: kind, salt: OrderTemplate.randomSalt())
            try await checks.expectSigner(signer, of: order, place: place)
            orders.append((kind, order))
        }
        let opened = try wallet.key(of: signer, opened: early)
        let signed = orders.map { entry in
            let signedOrder = entry.order.signed(with: opened, in: session.domain)
            return (kind: entry.kind, order: signedOrder, hash: signedOrder.hash(in: session.domain))
        }
        for entry in signed {
            try session.files.setSignedOrder(entry.kind.fileKey, chainId: session.chainId, order: entry.order.jsonObject)
        }
        var fields: [String: Any] = [:]
        for entry in signed {
            fields[entry.kind.fileKey] = ["orderHash": entry.hash.hex, "order": entry.order.jsonObject]
        }
        let lines = signed.map { "\($0.kind.rawValue) order signed: \($0.hash.hex)" }
        return CommandOutput(
            fields: ["chainId": session.chainId, "signer": opened.address.checksummed, "orders": fields,
                     "file": session.files.url("orders.json").path],
            text: (lines + ["Saved in orders.json (chain \(session.chainId)). Next: `iexec order publish`."])
                .joined(separator: "\n"))
    }
}
