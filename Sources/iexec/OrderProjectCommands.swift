import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `iexec order init|publish`: the project's orders, from iexec.json's templates to the market.
extension Order {
    /// `iexec order init`: templates in iexec.json's `order` section.
    struct Init: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write order templates in iexec.json (all four when none is chosen); edit them, then `iexec order sign`.",
            discussion: """
                The templates name the app, dataset and workerpool deployed on the connected chain \
                (deployed.json) and the wallet as requester and beneficiary, where known; volume 1, prices 0 \
                (nRLC, or an amount such as "0.5 RLC"), trust 0, no tag, no restriction. A template already \
                there is replaced.
                """)
        @OptionGroup var selection: OrderSelection
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let kinds = selection.kinds.isEmpty ? OrderKind.allCases : selection.kinds
            let me = wallet.knownAddress()
            var templates: [String: Any] = [:]
            for kind in kinds {
                templates[kind.fileKey] = try OrderTemplate.make(kind, deployed: { asset in
                    try session.files.deployed(asset.rawValue, chainId: session.chainId)
                }, wallet: me)
            }
            try session.files.update("iexec.json") { project in
                var section = project["order"] as? [String: Any] ?? [:]
                section.merge(templates) { _, new in new }
                project["order"] = section
            }
            // A request names an app (dataset and workerpool are optional); the others their own asset.
            let needed = Set(kinds.compactMap { $0 == .request ? AssetKind.app : AssetKind(rawValue: $0.rawValue) })
            var notes: [String] = []
            for asset in AssetKind.allCases where needed.contains(asset) {
                if try session.files.deployed(asset.rawValue, chainId: session.chainId) == nil {
                    notes.append("no \(asset) deployed on chain \(session.chainId) (deployed.json): write its address in the templates before signing")
                }
            }
            if kinds.contains(.request), me == nil {
                notes.append("no single wallet known: fill in requester and beneficiary (or pass --wallet-address)")
            }
            let written = kinds.map { "order.\($0.fileKey)" }
            return CommandOutput(
                fields: ["file": session.files.url("iexec.json").path, "chainId": session.chainId, "order": templates],
                text: (["iexec.json: wrote \(written.joined(separator: ", "))"] + notes
                       + ["Edit them, then `iexec order sign`."]).joined(separator: "\n"))
        }
    }

    /// `iexec order publish`: the signed orders of orders.json, to the market.
    struct Publish: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the signed orders of orders.json (all of the chain's when none is chosen) to the market.",
            discussion: "The market checks each against the chain (signer, volume left, funds or stake) and says why it refuses one.")
        @OptionGroup var selection: OrderSelection
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let orders = try Order.storedOrders(selection.kinds, session: session, command: "publish")
            var fields: [String: Any] = [:]
            var lines: [String] = []
            for (kind, order) in orders {
                let published: PublishedOrder
                do { published = try await session.market.publish(order) } catch {
                    let done = fields.isEmpty ? "" : " (published before it: \(fields.keys.sorted().joined(separator: ", ")))"
                    throw CLIError("the market refused the \(kind.rawValue) order \(order.hash(in: session.domain).hex): \(Order.reason(error))\(done)")
                }
                fields[kind.fileKey] = ["orderHash": published.orderHash.hex, "status": published.status.rawValue,
                                        "remaining": published.remaining.decimalString, "created": published.created]
                lines.append("\(kind.rawValue) order \(published.orderHash.hex) \(published.created ? "published" : "was already published"): \(published.status.rawValue), \(published.remaining) remaining")
            }
            return CommandOutput(fields: ["chainId": session.chainId, "published": fields], text: lines.joined(separator: "\n"))
        }
    }

    /// The signed orders of `chosen` (every one orders.json has for the chain when empty), all
    /// read before any is used.
    static func storedOrders(_ chosen: [OrderKind], session: Session, command: String) throws -> [(OrderKind, AnyPoCoOrder)] {
        var orders: [(OrderKind, AnyPoCoOrder)] = []
        for kind in chosen.isEmpty ? OrderKind.allCases : chosen {
            if let order = try session.files.storedOrder(kind, chainId: session.chainId) {
                orders.append((kind, order))
            } else if !chosen.isEmpty {
                throw CLIError("orders.json has no signed \(kind.rawValue) order for chain \(session.chainId): run `iexec order sign \(kind.flag)` first")
            }
        }
        guard !orders.isEmpty else {
            throw CLIError("orders.json has no signed order for chain \(session.chainId): run `iexec order sign` first")
        }
        return orders
    }

    /// The order of `kind` a command acts on, and its hash: orders.json's (when no hash is given
    /// or it is that order's), else the market's listing of the hash.
    static func designated(_ selection: SingleOrderSelection, session: Session) async throws -> (order: AnyPoCoOrder?, hash: Hash32) {
        let kind = selection.kind
        let stored = try session.files.storedOrder(kind, chainId: session.chainId)
        guard let hash = selection.hash else {
            guard let stored else {
                throw CLIError("orders.json has no signed \(kind.rawValue) order for chain \(session.chainId): give the order's hash, or run `iexec order sign \(kind.flag)`")
            }
            return (stored, stored.hash(in: session.domain))
        }
        if let stored, stored.hash(in: session.domain) == hash { return (stored, hash) }
        guard let listed = try await Order.listing(hash, session: session) else { return (nil, hash) }
        guard listed.order.kind == kind else {
            throw CLIError("order \(hash.hex) is a \(listed.order.kind.rawValue) order, not a \(kind.rawValue) order: use \(listed.order.kind.flag)")
        }
        return (listed.order, hash)
    }

    /// The market's entry for `hash`, or nil when it is not in the book.
    static func listing(_ hash: Hash32, session: Session) async throws -> ListedOrder? {
        do throws(ClientError) { return try await session.market.order(hash) } catch .service(404, _) { return nil } catch {
            throw CLIError("the market: \(error)")
        }
    }

    /// A service's refusal in words: the market's own message, or what went wrong reaching it.
    static func reason(_ error: any Error) -> String {
        if case .service(_, let message)? = error as? ClientError { return message }
        return "\(error)"
    }
}
