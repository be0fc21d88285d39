import ArgumentParser
import Client
import Ethereum
import Foundation
import Market
import PoCo

extension AppCommand {
    /// `iexec app run [APP]`: buys one deal of the app on the market, as iexec-sdk's `app run` does.
    struct Run: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an app on the network: match its order with a workerpool's and yours, and make a deal.",
            discussion: """
                Fetches the cheapest open app order (and dataset order with --dataset) and a workerpool \
                order of the category with at least the trust and tag asked, signs a request order for \
                them with your wallet, checks that your escrow account can pay price × volume, and sends \
                matchOrders. Prints the deal id and its task ids; --watch then follows the tasks until \
                they are completed or failed. See docs/cli/run.md.
                """)

        @Argument(help: "The app's address (default: the app of deployed.json for this chain).")
        var app: String?
        @Option(help: "A dataset to run the app on (its owner must have published a dataset order).")
        var dataset: String?
        @Option(help: "Only this workerpool's orders (default: any workerpool).")
        var workerpool: String?
        @Option(help: "The deal's params as a JSON object (iexec_args, iexec_input_files, iexec_requirements…).")
        var params: String?
        @Option(help: "The app's arguments (params.iexec_args), e.g. \"1000000 42\".")
        var args: String?
        @Option(help: "URLs (or storage content ids) of input files, separated by commas (params.iexec_input_files).")
        var inputFiles: String?
        @Option(help: "The category (its time reference sets the deadlines); 0 (XS) by default.")
        var category: String = "0"
        @Option(help: "The tag the workerpool must support: 0x and 64 hex digits, or tee.")
        var tag: String?
        @Option(help: "The trust (replication): 0 or 1 for one result, more for several agreeing workers.")
        var trust: String = "0"
        @Option(help: "A contract the result's callback data is sent to.")
        var callback: String?
        @Option(help: "Who may read the result (default: your wallet).")
        var beneficiary: String?
        @Option(help: "How many tasks to buy (each runs the app once).")
        var volume: String = "1"
        @Option(help: "The most to pay the app's owner per task: nRLC, or e.g. \"0.5 RLC\" (default: the cheapest order's price).")
        var appMaxPrice: String?
        @Option(help: "The most to pay the dataset's owner per task (default: the cheapest order's price).")
        var datasetMaxPrice: String?
        @Option(help: "The most to pay the workerpool per task (default: the cheapest order's price).")
        var workerpoolMaxPrice: String?
        @Flag(help: "Follow the deal's tasks until they are completed or failed (or --timeout).")
        var watch = false
        @Option(help: "With --watch: stop watching after this many seconds.")
        var timeout: Double = 600
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be positive, not \(timeout)") }
        }

        func execute() async throws -> CommandOutput {
            let session = try await chainOptions.connect()
            let request = try await requestTemplate(session: session)
            let key = try wallet.key()
            let maxPrices = (app: try appMaxPrice.map(Amount.parse), dataset: try datasetMaxPrice.map(Amount.parse),
                             workerpool: try workerpoolMaxPrice.map(Amount.parse))
            let offers = try await MarketOffers.fetch(for: request, market: session.market, appMaxPrice: maxPrices.app,
                                                      datasetMaxPrice: maxPrices.dataset, workerpoolMaxPrice: maxPrices.workerpool)
            let total = try await checkFunds(of: key.address, offers: offers, volume: request.volume, session: session)
            var order = request
            order.requester = key.address
            order.beneficiary = try beneficiary.map { try parseAddress($0, "--beneficiary") } ?? key.address
            order.appmaxprice = maxPrices.app ?? offers.app.appprice
            order.datasetmaxprice = maxPrices.dataset ?? (offers.dataset?.datasetprice ?? .zero)
            order.workerpoolmaxprice = maxPrices.workerpool ?? offers.workerpool.workerpoolprice
            let signed = order.signed(with: key, in: session.domain)

            let proposal: MatchProposal
            switch try await advice(for: signed, market: session.market) {
            case .matched(let matched): proposal = matched
            case .unmatched(let candidates, let reasons):
                throw CLIError(MarketOffers.explain(candidates: candidates, reasons: reasons))
            }
            let receipt = try await session.send(.matching(proposal.call), signer: key)
            guard let dealid = DealLogs.dealId(in: receipt, hub: session.chain.config.hub) else {
                throw CLIError("matchOrders was mined in block \(receipt.blockNumber) but emitted no OrdersMatched: see `iexec deal show` for the request's deals")
            }
            let deal = try await session.chain.deal(dealid)
            let taskIds = try DealLogs.taskIds(of: deal, dealid: dealid)
            var fields: [String: Any] = [
                "dealid": dealid.hex, "volume": deal.botSize.decimalString, "txHash": receipt.transactionHash.hex,
                "tasks": taskIds.map(\.hex), "app": proposal.app.app.checksummed,
                "workerpool": proposal.workerpool.workerpool.checksummed,
                "price": try DealLogs.taskPrice(deal).decimalString, "maxCost": total.decimalString,
            ]
            if proposal.dataset.dataset != .zero { fields["dataset"] = proposal.dataset.dataset.checksummed }
            var lines = [
                "deal \(dealid.hex): \(deal.botSize.decimalString) task(s) of app \(proposal.app.app.checksummed) on workerpool \(proposal.workerpool.workerpool.checksummed)",
                "price per task \(Amount.describe(try DealLogs.taskPrice(deal))), locked from your account",
            ]
            lines += taskIds.enumerated().map { "task \($0.offset): \($0.element.hex)" }
            if watch {
                // People see the deal before its progress; --raw keeps stdout for the one JSON object.
                if !output.raw {
                    print(lines.joined(separator: "\n"))
                    lines = []
                }
                let progress = try await DealWatch(chain: session.chain, dealid: dealid, deal: deal, fromBlock: receipt.blockNumber)
                    .run(timeout: .seconds(timeout), renderer: ProgressRenderer.standard(raw: output.raw))
                fields["watch"] = progress.fields
                lines.append(progress.text)
            }
            return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
        }

        /// The request order's fields given by the options (requester, beneficiary and prices are set later).
        func requestTemplate(session: Session) async throws -> RequestOrder {
            let appAddress: Address
            if let app {
                appAddress = try parseAddress(app, "the app")
            } else if let deployed = try session.files.deployed("app", chainId: session.chainId) {
                appAddress = deployed
            } else {
                throw CLIError("no app given and none in deployed.json for chain \(session.chainId): pass its address (`iexec app run 0x…`)")
            }
            let categoryId = try parseNumber(category, "--category")
            let categories = try await session.chain.countCategory()
            guard categoryId < categories else {
                throw CLIError("--category \(category): this chain has categories 0…\(categories.decimalString) (exclusive); see `iexec category show`")
            }
            let volumeValue = try parseNumber(volume, "--volume")
            guard volumeValue > .zero else { throw CLIError("--volume must be at least 1") }
            return RequestOrder(
                app: appAddress, appmaxprice: .zero,
                dataset: try dataset.map { try parseAddress($0, "--dataset") } ?? .zero, datasetmaxprice: .zero,
                workerpool: try workerpool.map { try parseAddress($0, "--workerpool") } ?? .zero, workerpoolmaxprice: .zero,
                requester: .zero, volume: volumeValue, tag: try tag.map(Self.parseTag) ?? .zero, category: categoryId,
                trust: try parseNumber(trust, "--trust"), beneficiary: .zero,
                callback: try callback.map { try parseAddress($0, "--callback") } ?? .zero,
                params: try dealParams(), salt: Self.randomSalt(), sign: [])
        }

        /// The params text: --params, with --args and --input-files set over it; checked as the worker reads it.
        func dealParams() throws -> String {
            var object: [String: Any] = [:]
            if let params {
                guard let parsed = (try? JSONSerialization.jsonObject(with: Data(params.utf8))) as? [String: Any] else {
                    throw CLIError("--params is not a JSON object: give e.g. '{\"iexec_args\":\"1000\"}'")
                }
                object = parsed
            }
            if let args { object["iexec_args"] = args }
            if let inputFiles {
                let urls = inputFiles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard !urls.isEmpty, !urls.contains(where: \.isEmpty) else {
                    throw CLIError("--input-files: give URLs separated by commas, none empty")
                }
                object["iexec_input_files"] = urls
            }
            guard !object.isEmpty else { return "" }
            let text = JSONText.object(object)
            do { _ = try DealParams(parsing: text) } catch { throw CLIError("\(error)") }
            return text
        }

        /// What the requester's free balance must cover: the cheapest offers' task price × volume.
        func checkFunds(of requester: Address, offers: MarketOffers, volume: UInt256, session: Session) async throws -> UInt256 {
            let perTask = offers.taskPrice
            let (total, overflow) = perTask.multipliedReportingOverflow(by: volume)
            guard !overflow else { throw CLIError("price × volume overflows: ask for fewer tasks") }
            let account = try await session.chain.account(requester)
            guard account.balance >= total else {
                throw CLIError("""
                    your escrow account \(requester.checksummed) holds \(Amount.describe(account.balance)), \
                    the deal costs \(Amount.describe(total)) (\(Amount.describe(perTask)) per task × \(volume.decimalString)): \
                    deposit the difference first (`iexec account deposit \(Amount.rlc(total - account.balance))`); nothing was sent
                    """)
            }
            return total
        }

        /// What the market's matcher proposes for the signed request (checked against the chain's state).
        func advice(for request: RequestOrder, market: MarketClient) async throws -> MatchAdvice {
            do { return try await market.match(request) } catch {
                throw CLIError("the market at \(market.baseURL) could not match the request: \(error)")
            }
        }

        /// `tee` or a 32-byte hex tag.
        static func parseTag(_ text: String) throws -> Hash32 {
            if text.lowercased() == "tee" {
                var bytes = [UInt8](repeating: 0, count: 32)
                bytes[31] = PoCoConstants.teeTagBit
                return (try? Hash32(bytes)) ?? .zero
            }
            do { return try Hash32(hex: text) } catch {
                throw CLIError("--tag \(text): give tee or 0x and 64 hex digits")
            }
        }

        /// A fresh salt, so that two identical requests are two orders.
        static func randomSalt() -> Hash32 {
            var generator = SystemRandomNumberGenerator()
            return (try? Hash32((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })) ?? .zero
        }
    }
}

/// An address given on the command line, or an error naming the option.
func parseAddress(_ text: String, _ option: String) throws -> Address {
    do { return try Address(hex: text) } catch {
        throw CLIError("\(option) \(text) is not an address: give 0x and 40 hex digits")
    }
}

/// A number given on the command line (decimal or 0x hex), or an error naming the option.
func parseNumber(_ text: String, _ option: String) throws -> UInt256 {
    do { return try UInt256(parsing: text) } catch {
        throw CLIError("\(option) \(text) is not a number")
    }
}

/// A 32-byte id (deal, task) given on the command line, or an error naming it.
func parseId(_ text: String, _ what: String) throws -> Hash32 {
    do { return try Hash32(hex: text) } catch {
        throw CLIError("\(text) is not a \(what) id: give 0x and 64 hex digits")
    }
}
