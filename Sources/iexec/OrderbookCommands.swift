import ArgumentParser
import Client
import Ethereum
import Foundation
import Market
import PoCo

/// `iexec orderbook app|dataset|workerpool|requester`: the market's open orders, best price first.
struct Orderbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the market's open orders, best price first (lowest asked; for requests, highest offered).",
        subcommands: [App.self, Dataset.self, Workerpool.self, Requester.self]
    )

    /// The filters and paging every book takes.
    struct Filters: ParsableArguments {
        @Option(help: "Only orders with at least this many tasks left.")
        var minVolume: UInt64?
        @Option(help: "Only orders whose tag has at least these bits (0x + 64 hex digits).")
        var minTag: String?
        @Option(help: "Only orders whose tag has no bit outside these (0x + 64 hex digits).")
        var maxTag: String?
        @Option(help: "Only orders signed by this address.")
        var signer: String?
        @Flag(help: "List orders of every status (OPEN, FILLED, CANCELED, DEAD), not only open ones.")
        var allStatuses = false
        @Option(help: "Page to show, from 0.")
        var page: Int = 0
        @Option(help: "Orders per page (1…1000).")
        var pageSize: Int = 20

        func validate() throws {
            guard page >= 0 else { throw ValidationError("--page must be 0 or more") }
            guard (1...OrderQuery.maxPageSize).contains(pageSize) else {
                throw ValidationError("--page-size must be 1…\(OrderQuery.maxPageSize)")
            }
            for (name, tag) in [("--min-tag", minTag), ("--max-tag", maxTag)] {
                if let tag, !tag.hasPrefix("0x") || (try? Hash32(hex: tag)) == nil {
                    throw ValidationError("\(name) must be a tag: 0x and 64 hex digits")
                }
            }
            if let signer { _ = try Orderbook.address(signer, option: "--signer") }
        }

        /// A query of `kind` with these filters.
        func query(_ kind: OrderKind) throws -> OrderQuery {
            OrderQuery(kind: kind, signer: try signer.map { try Orderbook.address($0, option: "--signer") },
                       minTag: minTag.flatMap { try? Hash32(hex: $0) }, maxTag: maxTag.flatMap { try? Hash32(hex: $0) },
                       minVolume: minVolume.map { UInt256($0) },
                       statuses: allStatuses ? Set(OrderStatus.allCases) : [.open], page: page, pageSize: pageSize)
        }
    }

    /// `orderbook app ADDRESS`.
    struct App: AsyncIexecCommand {
        static let configuration = CommandConfiguration(abstract: "The app orders of an app, cheapest first.")
        @Argument(help: "The app's address.")
        var app: String
        @OptionGroup var filters: Filters
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try Orderbook.address(app, option: "the app") }

        func execute() async throws -> CommandOutput {
            var query = try filters.query(.app)
            query.app = try Orderbook.address(app, option: "the app")
            return try await Orderbook.list(query, chainOptions: chainOptions, subject: "app \(app)")
        }
    }

    /// `orderbook dataset ADDRESS`.
    struct Dataset: AsyncIexecCommand {
        static let configuration = CommandConfiguration(abstract: "The dataset orders of a dataset, cheapest first.")
        @Argument(help: "The dataset's address.")
        var dataset: String
        @OptionGroup var filters: Filters
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try Orderbook.address(dataset, option: "the dataset") }

        func execute() async throws -> CommandOutput {
            var query = try filters.query(.dataset)
            query.dataset = try Orderbook.address(dataset, option: "the dataset")
            return try await Orderbook.list(query, chainOptions: chainOptions, subject: "dataset \(dataset)")
        }
    }

    /// `orderbook workerpool [ADDRESS]`.
    struct Workerpool: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "The workerpool orders (of one workerpool, or of all), cheapest first.")
        @Argument(help: "The workerpool's address (default: every workerpool).")
        var workerpool: String?
        @Option(help: "Only orders of this category.")
        var category: UInt64?
        @Option(help: "Only orders accepting at least this trust.")
        var minTrust: UInt64?
        @OptionGroup var filters: Filters
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { if let workerpool { _ = try Orderbook.address(workerpool, option: "the workerpool") } }

        func execute() async throws -> CommandOutput {
            var query = try filters.query(.workerpool)
            query.workerpool = try workerpool.map { try Orderbook.address($0, option: "the workerpool") }
            query.category = category.map { UInt256($0) }
            query.minTrust = minTrust.map { UInt256($0) }
            return try await Orderbook.list(query, chainOptions: chainOptions,
                                            subject: workerpool.map { "workerpool \($0)" } ?? "any workerpool")
        }
    }

    /// `orderbook requester [ADDRESS]`.
    struct Requester: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "The request orders (of one requester, or of all), best paid first.")
        @Argument(help: "The requester's address (default: every requester).")
        var requester: String?
        @Option(help: "Only requests for this app.")
        var app: String?
        @Option(help: "Only requests for this dataset.")
        var dataset: String?
        @Option(help: "Only requests naming this workerpool.")
        var workerpool: String?
        @Option(help: "Only requests of this category.")
        var category: UInt64?
        @Option(help: "Only requests asking at least this trust.")
        var minTrust: UInt64?
        @OptionGroup var filters: Filters
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            for (name, value) in [("the requester", requester), ("--app", app), ("--dataset", dataset), ("--workerpool", workerpool)] {
                if let value { _ = try Orderbook.address(value, option: name) }
            }
        }

        func execute() async throws -> CommandOutput {
            var query = try filters.query(.request)
            query.requester = try requester.map { try Orderbook.address($0, option: "the requester") }
            query.app = try app.map { try Orderbook.address($0, option: "--app") }
            query.dataset = try dataset.map { try Orderbook.address($0, option: "--dataset") }
            query.workerpool = try workerpool.map { try Orderbook.address($0, option: "--workerpool") }
            query.category = category.map { UInt256($0) }
            query.minTrust = minTrust.map { UInt256($0) }
            return try await Orderbook.list(query, chainOptions: chainOptions,
                                            subject: requester.map { "requester \($0)" } ?? "any requester")
        }
    }

    /// An address given on the command line.
    static func address(_ text: String, option: String) throws -> Address {
        do { return try Address(hex: text) } catch {
            throw ValidationError("\(option) must be an address (0x and 40 hex digits), not \(text)")
        }
    }

    /// One page of the market's answer to `query`: `--raw` has the orders as the market lists
    /// them, the text a table.
    static func list(_ query: OrderQuery, chainOptions: ChainOptions, subject: String) async throws -> CommandOutput {
        let session = try await chainOptions.connect()
        let listing: OrderListing
        do { listing = try await session.market.orders(query) } catch {
            throw CLIError("the market did not list the \(query.kind.rawValue) orders: \(Order.reason(error))")
        }
        let orders: [[String: Any]] = listing.orders.map { listed in
            ["orderHash": listed.orderHash.hex, "signer": listed.signer.checksummed, "status": listed.status.rawValue,
             "remaining": listed.remaining.decimalString, "publishedAt": listed.publishedAt, "order": listed.order.jsonObject]
        }
        let fields: [String: Any] = ["chainId": session.chainId, "type": query.kind.rawValue, "total": listing.total,
                                     "page": listing.page, "pageSize": listing.pageSize, "orders": orders]
        let statuses = query.statuses == [.open] ? "open " : ""
        guard !listing.orders.isEmpty else {
            let beyond = listing.total > 0 ? " on page \(listing.page) (\(listing.total) in all)" : ""
            return CommandOutput(fields: fields, text: "No \(statuses)\(query.kind.rawValue) orders for \(subject)\(beyond).")
        }
        let first = listing.page * listing.pageSize + 1
        let heading = "\(listing.total) \(statuses)\(query.kind.rawValue) order\(listing.total == 1 ? "" : "s") for \(subject)"
            + (listing.total > listing.orders.count ? ", \(first)…\(first + listing.orders.count - 1) shown" : "")
            + ", best price first:"
        return CommandOutput(fields: fields, text: heading + "\n" + OrderbookTable(kind: query.kind).render(listing.orders))
    }
}
