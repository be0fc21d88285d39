import Client
import Ethereum
import Foundation
import PoCo

/// `--watch`: follows a deal's tasks on chain until each is COMPLETED or FAILED, or until a
/// timeout. New heads come from the node's subscription (WebSocket `newHeads`); at each, the hub's
/// task logs since the last head are read (TaskInitialize, TaskContribute, TaskConsensus,
/// TaskReveal, TaskReopen, TaskFinalize, TaskClaimed) and the statuses of the tasks they concern
/// re-read. A slow tick re-checks as well, so that a head missed while subscribing delays nothing.
struct DealWatch {
    let chain: RPCPoCoChain
    let dealid: Hash32
    let deal: PoCo.Deal
    /// The first block whose logs are read (the deal's block when known).
    let fromBlock: UInt64

    /// Above this many tasks, logs are filtered by topic0 only (the node's filter would be huge).
    static let maxTaskFilter = 500

    private enum Trigger: Sendable { case head, tick, timeout }

    /// Watches until every task is final or `timeout` passes; reports to `renderer` as it goes.
    func run(timeout: Duration, renderer: ProgressRenderer) async throws -> WatchResult {
        var progress = try DealProgress(dealid: dealid, deal: deal)
        let (triggers, sink) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(8))
        let heads = chain.heads()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in heads { sink.yield(.head) }
            }
            group.addTask {
                while !_Concurrency.Task.isCancelled {
                    do { try await _Concurrency.Task.sleep(for: .seconds(1)) } catch { return }
                    sink.yield(.tick)
                }
            }
            group.addTask {
                do { try await _Concurrency.Task.sleep(for: timeout) } catch { return }
                sink.yield(.timeout)
            }
            defer { group.cancelAll() }
            var nextBlock = fromBlock
            var timedOut = false
            try await refresh(&progress, from: &nextBlock, renderer: renderer, everyStatus: true)
            if !progress.isFinished {
                for await trigger in triggers {
                    if trigger == .timeout {
                        timedOut = true
                        break
                    }
                    try await refresh(&progress, from: &nextBlock, renderer: renderer, everyStatus: false)
                    if progress.isFinished { break }
                }
            }
            // The statuses may have been read at a later block than the logs: read the logs up to a
            // head taken after them, so that the summary has every event that made a task final.
            try await catchUp(&progress, from: &nextBlock, renderer: renderer)
            renderer.draw(progress)
            renderer.finish(progress)
            return WatchResult(progress: progress, timedOut: timedOut, timeout: timeout)
        }
    }

    /// Reads the logs from `nextBlock` to the head, applies them, re-reads the statuses of the
    /// tasks they concern (all of them when `everyStatus`), and redraws.
    private func refresh(_ progress: inout DealProgress, from nextBlock: inout UInt64, renderer: ProgressRenderer,
                         everyStatus: Bool) async throws {
        let touched = try await catchUp(&progress, from: &nextBlock, renderer: renderer)
        for index in progress.tasks.indices where everyStatus || touched.contains(progress.tasks[index].taskid) {
            let status = try await chain.task(progress.tasks[index].taskid).status
            // COMPLETED is only ever set by a finalization, whether or not its log was read yet.
            if status == .completed { progress.tasks[index].finalized = true }
            if status != progress.tasks[index].status {
                progress.tasks[index].status = status
                renderer.event("task #\(progress.tasks[index].index.decimalString): \(status.name)")
            }
        }
        renderer.draw(progress)
    }
}

extension DealWatch {
    /// Applies the task logs from `nextBlock` to the current head; the tasks they concern.
    @discardableResult
    fileprivate func catchUp(_ progress: inout DealProgress, from nextBlock: inout UInt64,
                             renderer: ProgressRenderer) async throws -> Set<Hash32> {
        let head = try await chain.head()
        var touched: Set<Hash32> = []
        guard head.number >= nextBlock else { return touched }
        let ids = progress.tasks.map(\.taskid)
        let topics: [[Hash32]?] = ids.count <= Self.maxTaskFilter ? [HubEvent.taskTopics, ids] : [HubEvent.taskTopics]
        let logs = try await chain.logs(ChainLogFilter(fromBlock: nextBlock, toBlock: head.number,
                                                       address: chain.config.hub, topics: topics))
        for log in logs {
            guard let event = HubEvent(log), let taskId = event.taskId, let line = progress.apply(event) else { continue }
            touched.insert(taskId)
            renderer.event(line)
        }
        nextBlock = head.number + 1
        return touched
    }
}

/// What is known of each task of a deal.
struct DealProgress {
    struct TaskState {
        var index: UInt256
        var taskid: Hash32
        var status: TaskStatus = .unset
        var contributors: [Address] = []
        var consensus: Hash32?
        var revealers: [Address] = []
        var finalized = false
        var claimed = false
    }

    var tasks: [TaskState]

    init(dealid: Hash32, deal: PoCo.Deal) throws {
        tasks = try DealLogs.taskIndexes(of: deal).map {
            TaskState(index: $0, taskid: PoCoIds.taskId(dealid: dealid, index: $0))
        }
    }

    var isFinished: Bool { tasks.allSatisfy(\.status.isFinal) }

    /// Applies `event`; the line saying what happened, or nil when it is not about this deal.
    mutating func apply(_ event: HubEvent) -> String? {
        guard let taskId = event.taskId, let index = tasks.firstIndex(where: { $0.taskid == taskId }) else { return nil }
        let name = "task #\(tasks[index].index.decimalString)"
        switch event {
        case .notice:
            return nil
        case .initialize:
            if tasks[index].status == .unset { tasks[index].status = .active }
            return "\(name): initialized"
        case .contribute(_, let worker, _):
            tasks[index].contributors.append(worker)
            return "\(name): contribution \(tasks[index].contributors.count) by \(worker.checksummed)"
        case .consensus(_, let value):
            tasks[index].consensus = value
            return "\(name): consensus reached on \(value.hex)"
        case .reveal(_, let worker, _):
            tasks[index].revealers.append(worker)
            return "\(name): reveal \(tasks[index].revealers.count) by \(worker.checksummed)"
        case .reopen:
            tasks[index].consensus = nil
            return "\(name): reopened (no winner revealed)"
        case .finalize:
            tasks[index].finalized = true
            return "\(name): finalized"
        case .claimed:
            tasks[index].claimed = true
            return "\(name): claimed (missed its deadline; the requester is refunded)"
        }
    }

    /// The phases and how many tasks have reached each.
    var phases: [(name: String, done: Int)] {
        [("initialized", tasks.filter { $0.status != .unset }.count),
         ("contributed", tasks.filter { !$0.contributors.isEmpty }.count),
         ("consensus", tasks.filter { $0.consensus != nil }.count),
         ("revealed", tasks.filter { !$0.revealers.isEmpty }.count),
         ("finalized", tasks.filter { $0.status.isFinal }.count)]
    }
}

/// How the watch ended.
struct WatchResult {
    var progress: DealProgress
    var timedOut: Bool
    var timeout: Duration

    var fields: [String: Any] {
        [
            "timedOut": timedOut,
            "completed": progress.tasks.filter { $0.status == .completed }.count,
            "failed": progress.tasks.filter { $0.status == .failed }.count,
            "tasks": progress.tasks.map { task -> [String: Any] in
                ["index": task.index.decimalString, "taskid": task.taskid.hex, "status": task.status.name,
                 "contributions": task.contributors.count, "contributors": task.contributors.map(\.checksummed),
                 "consensus": task.consensus.map { $0.hex as Any } ?? NSNull(), "reveals": task.revealers.count,
                 "finalized": task.finalized, "claimed": task.claimed]
            },
        ]
    }

    var text: String {
        var lines = progress.tasks.map { task in
            "task #\(task.index.decimalString) \(task.status.name): \(task.contributors.count) contribution(s), "
                + "consensus \(task.consensus.map(\.hex) ?? "not reached"), \(task.revealers.count) reveal(s)"
                + (task.finalized ? ", finalized" : "") + (task.claimed ? ", claimed" : "")
        }
        if timedOut {
            let open = progress.tasks.filter { !$0.status.isFinal }.count
            lines.append("stopped watching after \(timeout): \(open) task(s) still running (`iexec deal show DEALID --watch` resumes)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Where progress goes: bars redrawn in place on a terminal, or one plain line per event.
struct ProgressRenderer: Sendable {
    enum Mode: Sendable { case bars, lines }

    let mode: Mode
    let write: @Sendable (String) -> Void

    /// Bars when stdout is a terminal and not --raw; otherwise lines, on stderr with --raw so
    /// that stdout stays one JSON object.
    static func standard(raw: Bool) -> ProgressRenderer {
        if raw {
            return ProgressRenderer(mode: .lines) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        }
        let terminal = isatty(STDOUT_FILENO) != 0
        return ProgressRenderer(mode: terminal ? .bars : .lines) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
            if !terminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
    }

    /// Something happened to a task.
    func event(_ line: String) {
        if mode == .lines { write(line) }
    }

    /// The phases' bars, drawn over the previous ones.
    func draw(_ progress: DealProgress) {
        guard mode == .bars else { return }
        let total = progress.tasks.count
        let lines = progress.phases.map { Self.bar(name: $0.name, done: $0.done, total: total) }
        // Up over the previous bars (the first draw writes blank lines first), then rewrite each.
        write(lines.map { "\u{1B}[2K\($0)\n" }.joined() + "\u{1B}[\(lines.count)A")
    }

    /// Leaves the bars on screen, the cursor below them.
    func finish(_ progress: DealProgress) {
        guard mode == .bars else { return }
        write(String(repeating: "\n", count: progress.phases.count))
    }

    /// `contributed [██████░░░░░░░░░░░░░░░░░░░░░░░░] 2/8`.
    static func bar(name: String, done: Int, total: Int, width: Int = 30) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        let padded = name.padding(toLength: 12, withPad: " ", startingAt: 0)
        return "\(padded)[\(String(repeating: "█", count: filled))\(String(repeating: "░", count: width - filled))] \(done)/\(total)"
    }
}
