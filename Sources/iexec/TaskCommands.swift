import ArgumentParser
import Client
import Ethereum
import Foundation
import PoCo
import Storage

/// `iexec task show|claim`: one task's state and result, and the refund of a task past its deadline.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Show a task (and download its verified result); claim a task that missed its deadline.",
        subcommands: [Show.self, Claim.self]
    )

    /// `iexec task show TASKID [--download DIR]`.
    struct Show: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a task's status, contributions, consensus and result; --download fetches the result.",
            discussion: """
                --download DIR fetches the result archive from the storage (signed by your wallet: a \
                result is readable by the requester and the beneficiary only), unpacks it, and checks that \
                its digest, computed as the worker did, is the resultDigest on chain. When it differs, \
                nothing is written. Otherwise DIR (absent or empty) receives the result's files and the \
                archive as TASKID.zip.
                """)

        @Argument(help: "The task id (0x and 64 hex digits), as `iexec app run` or `iexec deal show` print it.")
        var taskid: String
        @Option(help: "Download the verified result into this folder (absent or empty).")
        var download: String?
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let id = try parseId(taskid, "task")
            let session = try await chainOptions.connect()
            let task = try await session.chain.task(id)
            guard task.status != .unset else {
                throw CLIError("task \(id.hex) is not initialized on chain \(session.chainId): an unknown id, or its workerpool has not started it yet (`iexec deal show DEALID` lists a deal's tasks)")
            }
            let now = try await session.chain.head().timestamp
            var contributors: [[String: Any]] = []
            for worker in task.contributors {
                let contribution = try await session.chain.contribution(task: id, worker: worker)
                contributors.append(["worker": worker.checksummed, "status": contribution.status.name,
                                     "resultHash": contribution.resultHash.hex])
            }
            let location = ResultLocation(resultsBytes: task.results)
            let claimable = !task.status.isFinal && task.finalDeadline <= UInt256(now)
            var fields: [String: Any] = [
                "taskid": id.hex, "dealid": task.dealid.hex, "index": task.idx.decimalString, "status": task.status.name,
                "contributionDeadline": task.contributionDeadline.decimalString,
                "revealDeadline": task.revealDeadline.decimalString, "finalDeadline": task.finalDeadline.decimalString,
                "consensusValue": task.consensusValue.hex, "revealCounter": task.revealCounter.decimalString,
                "winnerCounter": task.winnerCounter.decimalString, "contributors": contributors,
                "resultDigest": task.resultDigest.hex, "resultsTimestamp": task.resultsTimestamp.decimalString,
                "resultsCallback": Hex.encode(task.resultsCallback), "claimable": claimable,
                "results": location.map { ["storage": $0.storage, "location": $0.location] as Any } ?? Hex.encode(task.results),
            ]
            var lines = [
                "task \(id.hex) (#\(task.idx.decimalString) of deal \(task.dealid.hex)): \(task.status.name)\(claimable ? " — past its final deadline: `iexec task claim`" : "")",
                "deadlines: contribution \(task.contributionDeadline.decimalString), reveal \(task.revealDeadline.decimalString), final \(task.finalDeadline.decimalString) (chain time now \(now))",
                "contributions (\(contributors.count)):",
            ]
            lines += contributors.map { "  \($0["worker"] ?? "") \($0["status"] ?? "") \($0["resultHash"] ?? "")" }
            if task.consensusValue != .zero {
                lines.append("consensus \(task.consensusValue.hex): \(task.revealCounter.decimalString)/\(task.winnerCounter.decimalString) winner(s) revealed")
            }
            if task.status == .completed {
                lines.append("result digest \(task.resultDigest.hex)")
                lines.append("results \(location.map { "\($0.storage): \($0.location)" } ?? Hex.encode(task.results))")
            }
            if let download {
                let files = try await fetchResult(task: task, id: id, into: URL(fileURLWithPath: download), session: session)
                fields["downloaded"] = ["directory": URL(fileURLWithPath: download).standardizedFileURL.path,
                                        "archive": "\(id.hex).zip", "files": files, "verified": true] as [String: Any]
                lines.append("result verified against the on-chain digest and written to \(download):")
                lines += (["\(id.hex).zip"] + files).map { "  \($0)" }
            }
            return CommandOutput(fields: fields, text: lines.joined(separator: "\n"))
        }

        /// Downloads, unpacks and verifies the result in a staging folder beside `directory`; moves
        /// it there only when its digest is the on-chain one. The files written (relative paths).
        func fetchResult(task: PoCo.Task, id: Hash32, into directory: URL, session: Session) async throws -> [String] {
            guard task.status == .completed else {
                throw CLIError("task \(id.hex) is \(task.status.name): it has no result to download\(task.status.isFinal ? "" : " yet (follow it with `iexec deal show \(task.dealid.hex) --watch`)")")
            }
            guard let location = ResultLocation(resultsBytes: task.results) else {
                throw CLIError("the task's results (\(Hex.encode(task.results))) are not a storage location: nothing to download")
            }
            guard location.storage == ResultLocation.projectStorage, let cid = ContentID(location.location) else {
                throw CLIError("the result is in storage \"\(location.storage)\" at \(location.location), which this CLI cannot fetch")
            }
            let files = FileManager.default
            if files.fileExists(atPath: directory.path) {
                let entries = (try? files.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
                guard entries.isEmpty else { throw CLIError("\(directory.path) is not empty: give a new or empty folder to --download") }
            }
            let key = try wallet.key()
            let staging = directory.deletingLastPathComponent().appendingPathComponent(".iexec-download-\(UUID().uuidString)")
            defer { try? files.removeItem(at: staging) }
            let unpacked = staging.appendingPathComponent("files")
            let archive = staging.appendingPathComponent("result.zip")
            do { try files.createDirectory(at: unpacked, withIntermediateDirectories: true) } catch {
                throw CLIError("cannot create a folder beside \(directory.path): \(error.localizedDescription)")
            }
            do { _ = try await session.storage(key: key).download(cid, to: archive, durable: false) } catch {
                if case .service(let status, _) = error, status == 401 || status == 403 || status == 404 {
                    throw CLIError("the storage refused the result \(cid) to \(key.address.checksummed) (\(error)): only the deal's requester and beneficiary may read it")
                }
                throw CLIError("downloading the result \(cid): \(error)")
            }
            let data: Data
            do { data = try Data(contentsOf: archive) } catch { throw CLIError("cannot read the downloaded result: \(error.localizedDescription)") }
            let written = try ResultArchive.unpack(data, into: unpacked)
            let digest = try ResultArchive.digest(of: unpacked)
            guard digest == task.resultDigest else {
                throw CLIError("the downloaded result's digest \(digest.hex) is not the on-chain resultDigest \(task.resultDigest.hex): refused, nothing written (the stored result is not the one the workers agreed on)")
            }
            guard !written.contains("\(id.hex).zip") else { throw CLIError("the result holds a file named \(id.hex).zip: refused") }
            do {
                try files.moveItem(at: archive, to: unpacked.appendingPathComponent("\(id.hex).zip"))
                if files.fileExists(atPath: directory.path) { try files.removeItem(at: directory) }
                try files.moveItem(at: unpacked, to: directory)
            } catch {
                throw CLIError("cannot write the result into \(directory.path): \(error.localizedDescription)")
            }
            return written
        }
    }

    /// `iexec task claim TASKID`.
    struct Claim: AsyncIexecCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a task past its final deadline that is not completed: the requester is refunded.")

        @Argument(help: "The task id.")
        var taskid: String
        @OptionGroup var chainOptions: ChainOptions
        @OptionGroup var wallet: WalletOptions
        @OptionGroup var output: OutputOptions

        func execute() async throws -> CommandOutput {
            let id = try parseId(taskid, "task")
            let session = try await chainOptions.connect()
            let task = try await session.chain.task(id)
            switch task.status {
            case .unset:
                throw CLIError("task \(id.hex) is not initialized: claim it with its deal (`iexec deal claim DEALID`), which initializes and claims it")
            case .completed, .failed:
                throw CLIError("task \(id.hex) is already \(task.status.name): nothing to claim")
            case .active, .revealing:
                break
            }
            let now = try await session.chain.head().timestamp
            guard task.finalDeadline <= UInt256(now) else {
                throw CLIError("task \(id.hex) can be claimed after its final deadline \(task.finalDeadline.decimalString) (chain time now \(now))")
            }
            let deal = try await session.chain.deal(task.dealid)
            let key = try wallet.key()
            let receipt = try await session.send(.lifecycle(.claim(taskid: id)), signer: key)
            let refunded = try DealLogs.taskPrice(deal)
            return CommandOutput(
                fields: ["taskid": id.hex, "refunded": refunded.decimalString, "sponsor": deal.sponsor.checksummed,
                         "txHash": receipt.transactionHash.hex],
                text: "claimed task \(id.hex): \(Amount.describe(refunded)) refunded to \(deal.sponsor.checksummed)")
        }
    }
}

extension ContributionStatus {
    /// iExec's name: UNSET, CONTRIBUTED, PROVED, REJECTED.
    var name: String {
        switch self {
        case .unset: "UNSET"
        case .contributed: "CONTRIBUTED"
        case .proved: "PROVED"
        case .rejected: "REJECTED"
        }
    }
}
