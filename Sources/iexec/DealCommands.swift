import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo

/// `iexec deal show|claim`: a deal's fields and tasks, and the refund of its tasks past their deadline.
struct Deal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deal",
        abstract: "Show a deal and its tasks; claim the refund of its tasks that missed their deadline.",
        subcommands: [Show.self, Claim.self]
    )

    /// `iexec deal show DEALID [--watch]`.
    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a deal's fields and its tasks' statuses; --watch follows them until they end.")

        @Argument(help: "The deal id (0x and 64 hex digits), as `iexec app run` printed it.")
        var dealid: String
        @Flag(help: "Follow the deal's tasks until they are completed or failed (or --timeout).")
        var watch = false
        @Option(help: "With --watch: stop watching after this many seconds.")
        var timeout: Double = 600
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be positive, not \(timeout)") }
        }

        func execute() async throws -> CommandOutput {
            let id = try parseId(dealid, "deal")
            let session = try await chainOptions.connect()
            let view = try await DealView.load(id, chain: session.chain)
            var fields = view.fields
            var text = view.text
            if watch {
                // The deal first, then its progress below it (--raw: one JSON object at the end).
                if !output.raw {
                    print(text)
                    text = ""
                }
                let progress = try await DealWatch(chain: session.chain, dealid: id, deal: view.deal, fromBlock: 0)
                    .run(timeout: .seconds(timeout), renderer: ProgressRenderer.standard(raw: output.raw))
                fields["watch"] = progress.fields
                text += (text.isEmpty ? "" : "\n") + progress.text
            }
            return CommandOutput(fields: fields, text: text)
        }
    }

    /// `iexec deal claim DEALID`.
    struct Claim: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim the deal's unfinished tasks past their final deadline: the requester is refunded.",
            discussion: """
                Initialized tasks are claimed with claimArray, tasks never initialized with \
                initializeAndClaimArray. Anyone may claim; the refund goes to the deal's sponsor \
                (the requester), and the workerpool's stake for each task goes to the kitty.
                """)

        @Argument(help: "The deal id.")
        var dealid: String
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let id = try parseId(dealid, "deal")
            let session = try await chainOptions.connect()
            let view = try await DealView.load(id, chain: session.chain)
            let claimable = view.tasks.filter(\.claimable)
            guard !claimable.isEmpty else {
                let open = view.tasks.filter { !$0.status.isFinal }
                if open.isEmpty { throw CLIError("nothing to claim: every task of deal \(id.hex) is completed or failed") }
                throw CLIError("nothing to claim yet: the deal's unfinished tasks can be claimed after their final deadline \(view.finalDeadline.decimalString) (chain time now \(view.now))")
            }
            let key = try wallet.key()
            var calls: [PoCoCall] = []
            let initialized = claimable.filter { $0.status != .unset }.map(\.taskid)
            if !initialized.isEmpty { calls.append(.lifecycle(.claimArray(taskids: initialized))) }
            let uninitialized = claimable.filter { $0.status == .unset }
            if !uninitialized.isEmpty {
                calls.append(.lifecycle(.initializeAndClaimArray(dealids: uninitialized.map { _ in id },
                                                                 indexes: uninitialized.map(\.index))))
            }
            var claimed: [Hash32] = []
            var transactions: [String] = []
            for call in calls {
                let receipt = try await session.send(call, signer: key)
                transactions.append(receipt.transactionHash.hex)
                claimed += DealLogs.claimedTasks(in: receipt, hub: session.chain.config.hub)
            }
            let refunded = try DealLogs.taskPrice(view.deal) * UInt256(UInt64(claimed.count))
            return CommandOutput(
                fields: ["dealid": id.hex, "claimed": claimed.map(\.hex), "refunded": refunded.decimalString,
                         "sponsor": view.deal.sponsor.checksummed, "txHashes": transactions],
                text: (["claimed \(claimed.count) task(s) of deal \(id.hex): \(Amount.describe(refunded)) refunded to \(view.deal.sponsor.checksummed)"]
                    + claimed.map { "  \($0.hex)" }).joined(separator: "\n"))
        }
    }
}

/// A deal as the chain holds it, with its tasks and whether each can be claimed now.
struct DealView {
    /// One task slot of the deal.
    struct TaskSlot {
        var index: UInt256
        var taskid: Hash32
        var status: TaskStatus
        /// Unfinished and past its final deadline.
        var claimable: Bool
    }

    var dealid: Hash32
    var deal: PoCo.Deal
    var finalDeadline: UInt256
    var now: UInt64
    var tasks: [TaskSlot]

    /// Reads the deal, its category's deadline and each task's status.
    static func load(_ dealid: Hash32, chain: RPCPoCoChain) async throws -> DealView {
        let deal: PoCo.Deal
        do { deal = try await chain.deal(dealid) } catch { throw CLIError("reading deal \(dealid.hex): \(error)") }
        guard deal.requester != .zero else {
            throw CLIError("no deal \(dealid.hex) on chain \(chain.config.chainId): check the id (`iexec app run` prints it) and --chain")
        }
        let now = try await chain.head().timestamp
        let timeref = try await chain.category(deal.category).workClockTimeRef
        let (span, spanOverflow) = timeref.multipliedReportingOverflow(by: UInt256(PoCoConstants.finalDeadlineRatio))
        let (deadline, overflow) = deal.startTime.addingReportingOverflow(span)
        let finalDeadline = spanOverflow || overflow ? UInt256.max : deadline
        var tasks: [TaskSlot] = []
        for index in try DealLogs.taskIndexes(of: deal) {
            let taskid = PoCoIds.taskId(dealid: dealid, index: index)
            let task = try await chain.task(taskid)
            let deadline = task.status == .unset ? finalDeadline : task.finalDeadline
            tasks.append(TaskSlot(index: index, taskid: taskid, status: task.status,
                                  claimable: !task.status.isFinal && deadline <= UInt256(now)))
        }
        return DealView(dealid: dealid, deal: deal, finalDeadline: finalDeadline, now: now, tasks: tasks)
    }

    var fields: [String: Any] {
        func resource(_ resource: Resource) -> [String: Any] {
            ["pointer": resource.pointer.checksummed, "owner": resource.owner.checksummed, "price": resource.price.decimalString]
        }
        return [
            "dealid": dealid.hex, "app": resource(deal.app), "dataset": resource(deal.dataset),
            "workerpool": resource(deal.workerpool), "trust": deal.trust.decimalString,
            "category": deal.category.decimalString, "tag": deal.tag.hex, "requester": deal.requester.checksummed,
            "beneficiary": deal.beneficiary.checksummed, "callback": deal.callback.checksummed, "params": deal.params,
            "startTime": deal.startTime.decimalString, "botFirst": deal.botFirst.decimalString,
            "botSize": deal.botSize.decimalString, "workerStake": deal.workerStake.decimalString,
            "schedulerRewardRatio": deal.schedulerRewardRatio.decimalString, "sponsor": deal.sponsor.checksummed,
            "finalDeadline": finalDeadline.decimalString,
            "tasks": tasks.map { ["index": $0.index.decimalString, "taskid": $0.taskid.hex,
                                  "status": $0.status.name, "claimable": $0.claimable] as [String: Any] },
        ]
    }

    var text: String {
        var lines = [
            "deal \(dealid.hex)",
            "app         \(deal.app.pointer.checksummed) (\(Amount.describe(deal.app.price)))",
        ]
        if deal.dataset.pointer != .zero {
            lines.append("dataset     \(deal.dataset.pointer.checksummed) (\(Amount.describe(deal.dataset.price)))")
        }
        lines += [
            "workerpool  \(deal.workerpool.pointer.checksummed) (\(Amount.describe(deal.workerpool.price)))",
            "requester   \(deal.requester.checksummed), beneficiary \(deal.beneficiary.checksummed)",
            "category \(deal.category.decimalString), trust \(deal.trust.decimalString), tag \(deal.tag.hex)",
            "params      \(deal.params.isEmpty ? "(none)" : deal.params)",
            "started at \(deal.startTime.decimalString), final deadline \(finalDeadline.decimalString) (chain time now \(now))",
            "tasks (\(deal.botSize.decimalString)):",
        ]
        lines += tasks.map { "  #\($0.index.decimalString) \($0.taskid.hex) \($0.status.name)\($0.claimable ? " (claimable: `iexec deal claim`)" : "")" }
        return lines.joined(separator: "\n")
    }
}

/// What the CLI reads from deals and their logs.
enum DealLogs {
    static let ordersMatchedTopic = Keccak256.hash("OrdersMatched(bytes32,bytes32,bytes32,bytes32,bytes32,uint256)")
    static let taskClaimedTopic = Keccak256.hash("TaskClaimed(bytes32)")
    /// The most tasks a deal shown by the CLI may have (a deal's volume is a uint256).
    static let maxTasks: UInt64 = 100_000

    /// The deal id of the `OrdersMatched` the hub emitted in `receipt`.
    static func dealId(in receipt: PoCoReceipt, hub: Address) -> Hash32? {
        guard let log = receipt.logs.first(where: { $0.address == hub && $0.topics.first == ordersMatchedTopic }),
              log.data.count >= 32 else { return nil }
        return try? Hash32(Array(log.data.prefix(32)))
    }

    /// The tasks the hub said were claimed in `receipt`.
    static func claimedTasks(in receipt: PoCoReceipt, hub: Address) -> [Hash32] {
        receipt.logs.filter { $0.address == hub && $0.topics.first == taskClaimedTopic && $0.topics.count >= 2 }
            .map { $0.topics[1] }
    }

    /// The deal's task indexes, botFirst ..< botFirst + botSize.
    static func taskIndexes(of deal: PoCo.Deal) throws -> [UInt256] {
        guard deal.botSize <= UInt256(maxTasks) else {
            throw CLIError("the deal has \(deal.botSize.decimalString) tasks: more than this CLI lists (\(maxTasks))")
        }
        return (0..<deal.botSize.w0).map { deal.botFirst &+ UInt256($0) }
    }

    /// The ids of the deal's tasks.
    static func taskIds(of deal: PoCo.Deal, dealid: Hash32) throws -> [Hash32] {
        try taskIndexes(of: deal).map { PoCoIds.taskId(dealid: dealid, index: $0) }
    }

    /// What one task of the deal costs its requester.
    static func taskPrice(_ deal: PoCo.Deal) throws -> UInt256 {
        do { return try deal.taskPrice() } catch { throw CLIError("the deal's prices overflow: \(error)") }
    }
}

extension TaskStatus {
    /// iExec's name: UNSET, ACTIVE, REVEALING, COMPLETED, FAILED.
    var name: String {
        switch self {
        case .unset: "UNSET"
        case .active: "ACTIVE"
        case .revealing: "REVEALING"
        case .completed: "COMPLETED"
        case .failed: "FAILED"
        }
    }

    /// COMPLETED or FAILED: nothing more will happen to the task.
    var isFinal: Bool { self == .completed || self == .failed }
}
