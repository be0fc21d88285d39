import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `iexec order unpublish|cancel|show`: one order, off the market, closed on chain, or inspected.
extension Order {
    /// `iexec order unpublish`: removes an order from the market (it stays valid on chain).
    struct Unpublish: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an order from the market, proving ownership with a signed challenge.",
            discussion: "The order stays valid on chain: whoever holds it can still match it. `iexec order cancel` ends it for good.")
        @OptionGroup var target: SingleOrderSelection
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let (_, hash) = try await Order.designated(target, session: session)
            let key = try wallet.key()
            do { try await session.market.unpublish(hash, key: key) } catch {
                throw CLIError("the market did not unpublish \(target.kind.rawValue) order \(hash.hex): \(Order.reason(error))")
            }
            return CommandOutput(fields: ["orderHash": hash.hex, "unpublished": true],
                                 text: "\(target.kind.rawValue) order \(hash.hex) unpublished")
        }
    }

    /// `iexec order cancel`: closes an order on chain (its whole volume counted consumed).
    struct Cancel: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an order on chain: no deal can use it any more, and the market marks it CANCELED.",
            discussion: "The order is orders.json's (or the market's, given its hash); its owner (the requester for a request) sends the transaction.")
        @OptionGroup var target: SingleOrderSelection
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let (found, hash) = try await Order.designated(target, session: session)
            guard let order = found else {
                throw CLIError("order \(hash.hex) is neither in orders.json nor on the market: cancelling needs the order itself")
            }
            let (signer, early) = try wallet.signer()
            let place = "the \(target.kind.rawValue) order \(hash.hex)"
            try await OrderChecks(session: session).expectSigner(signer, of: order, place: place)
            let consumed = try await Order.consumed(hash, session: session)
            guard consumed < order.order.volume else {
                throw CLIError("\(place) is already cancelled or wholly consumed on chain (consumed \(consumed) of \(order.order.volume)): nothing to cancel")
            }
            let key = try wallet.key(of: signer, opened: early)
            let receipt = try await session.send(.orders(Self.close(order)), signer: key)
            return CommandOutput(
                fields: ["orderHash": hash.hex, "transactionHash": receipt.transactionHash.hex,
                         "blockNumber": receipt.blockNumber, "consumed": order.order.volume.decimalString],
                text: "\(target.kind.rawValue) order \(hash.hex) cancelled on chain (block \(receipt.blockNumber), transaction \(receipt.transactionHash.hex))")
        }

        /// `manage<Kind>Order(CLOSE)`, sent by the owner (so unsigned).
        static func close(_ order: AnyPoCoOrder) -> OrderManagementCall {
            switch order {
            case .app(let order): return .manageAppOrder(OrderOperation(order: order, operation: .close))
            case .dataset(let order): return .manageDatasetOrder(OrderOperation(order: order, operation: .close))
            case .workerpool(let order): return .manageWorkerpoolOrder(OrderOperation(order: order, operation: .close))
            case .request(let order): return .manageRequestOrder(OrderOperation(order: order, operation: .close))
            }
        }
    }

    /// `iexec order show`: the market's listing of an order and its consumed volume on chain.
    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an order: the market's status and remaining volume, and the volume consumed on chain.")
        @OptionGroup var target: SingleOrderSelection
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let (found, hash) = try await Order.designated(target, session: session)
            let listed = try await Order.listing(hash, session: session)
            let consumed = try await Order.consumed(hash, session: session)
            let order = listed?.order ?? found
            var fields: [String: Any] = ["orderHash": hash.hex, "published": listed != nil,
                                         "consumed": consumed.decimalString]
            var lines = ["\(target.kind.rawValue) order \(hash.hex)"]
            if let listed {
                fields["status"] = listed.status.rawValue
                fields["remaining"] = listed.remaining.decimalString
                fields["signer"] = listed.signer.checksummed
                fields["publishedAt"] = listed.publishedAt
                lines.append("market  \(listed.status.rawValue), \(listed.remaining) remaining, signed by \(listed.signer.checksummed)")
            } else {
                lines.append("market  not published")
            }
            if let order {
                let volume = order.order.volume
                fields["volume"] = volume.decimalString
                fields["order"] = order.jsonObject
                let state = consumed >= volume ? " (nothing left: cancelled or filled)" : ""
                lines.append("chain   consumed \(consumed) of \(volume)\(state)")
                lines.append(order.json)
            } else {
                lines.append("chain   consumed \(consumed)")
            }
            return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
        }
    }

    /// The volume of order `hash` consumed on chain (its volume once cancelled).
    static func consumed(_ hash: Hash32, session: Session) async throws -> UInt256 {
        let values: [ABIValue]
        do { values = try await session.chain.view(.viewConsumed(hash)) } catch { throw CLIError("\(error)") }
        guard let consumed = values.first?.uintValue else {
            throw CLIError("the node's viewConsumed answer is not a number")
        }
        return consumed
    }
}
