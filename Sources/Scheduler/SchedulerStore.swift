import Ethereum
import Foundation
import GRDB
import Synchronization

/// Where a scheduler keeps its deals, tasks, replicates and the last block it processed, so that
/// a restarted scheduler resumes where it stopped. The scheduler works on its own copy in memory
/// and hands each batch of changes to `save`, which applies it atomically.
public protocol SchedulerStore: Sendable {
    /// The cursor and everything still open: tasks not completed or failed, their deals and replicates.
    func load() throws(SchedulerError) -> SchedulerSnapshot
    /// Writes a batch of changes in one transaction: all of it or nothing.
    func save(_ changes: SchedulerChanges) throws(SchedulerError)
}

/// What `SchedulerStore.load()` returns.
public struct SchedulerSnapshot: Sendable {
    /// The last block whose logs were processed; nil for a new scheduler.
    public var cursor: UInt64?
    /// Deals with open tasks.
    public var deals: [DealRecord]
    /// Open tasks.
    public var tasks: [TaskRecord]
    /// The replicates of the open tasks.
    public var replicates: [ReplicateRecord]

    /// A snapshot.
    public init(cursor: UInt64? = nil, deals: [DealRecord] = [], tasks: [TaskRecord] = [],
                replicates: [ReplicateRecord] = []) {
        self.cursor = cursor
        self.deals = deals
        self.tasks = tasks
        self.replicates = replicates
    }
}

/// A batch of upserts (by id) and the new cursor.
public struct SchedulerChanges: Sendable {
    /// The new cursor, if it moved.
    public var cursor: UInt64?
    /// Deals added or changed.
    public var deals: [Hash32: DealRecord] = [:]
    /// Tasks added or changed.
    public var tasks: [Hash32: TaskRecord] = [:]
    /// Replicates added or changed, by task and worker.
    public var replicates: [ReplicateKey: ReplicateRecord] = [:]

    /// No changes.
    public init() {}

    /// True when there is nothing to write.
    public var isEmpty: Bool { cursor == nil && deals.isEmpty && tasks.isEmpty && replicates.isEmpty }
}

/// A replicate's identity: one per worker and task.
public struct ReplicateKey: Hashable, Sendable {
    /// The task.
    public var taskId: Hash32
    /// The worker.
    public var worker: Address

    /// A key.
    public init(taskId: Hash32, worker: Address) {
        self.taskId = taskId
        self.worker = worker
    }
}

/// The scheduler's store in memory (tests, throwaway runs).
public final class InMemorySchedulerStore: SchedulerStore {
    private let state = Mutex(SchedulerSnapshot())

    /// An empty store.
    public init() {}

    public func load() throws(SchedulerError) -> SchedulerSnapshot {
        state.withLock { snapshot in
            let open = snapshot.tasks.filter { !$0.phase.isFinal }
            let openIds = Set(open.map(\.id))
            let dealIds = Set(open.map(\.dealId))
            return SchedulerSnapshot(cursor: snapshot.cursor, deals: snapshot.deals.filter { dealIds.contains($0.id) },
                                     tasks: open, replicates: snapshot.replicates.filter { openIds.contains($0.taskId) })
        }
    }

    public func save(_ changes: SchedulerChanges) throws(SchedulerError) {
        state.withLock { snapshot in
            if let cursor = changes.cursor { snapshot.cursor = cursor }
            snapshot.deals = Self.upsert(snapshot.deals, changes.deals, key: \.id)
            snapshot.tasks = Self.upsert(snapshot.tasks, changes.tasks, key: \.id)
            snapshot.replicates = Self.upsert(snapshot.replicates, changes.replicates) {
                ReplicateKey(taskId: $0.taskId, worker: $0.worker)
            }
        }
    }

    private static func upsert<Key: Hashable, Record>(_ records: [Record], _ changes: [Key: Record],
                                                      key: (Record) -> Key) -> [Record] {
        guard !changes.isEmpty else { return records }
        var pending = changes
        var merged = records.map { record in pending.removeValue(forKey: key(record)) ?? record }
        merged.append(contentsOf: pending.values)
        return merged
    }
}

/// The scheduler's store in a SQLite file (GRDB, WAL): one row per deal, task and replicate with
/// its phase in a column (for operators' queries) and the record as JSON.
public final class SQLiteSchedulerStore: SchedulerStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the store at `path`.
    ///
    /// - Throws: `SchedulerError.store` when the file cannot be opened or is not a scheduler store.
    public init(path: String) throws(SchedulerError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            database = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE cursor (id INTEGER PRIMARY KEY CHECK (id = 0), block INTEGER NOT NULL);
                    CREATE TABLE deal (id TEXT PRIMARY KEY, body TEXT NOT NULL);
                    CREATE TABLE task (id TEXT PRIMARY KEY, deal TEXT NOT NULL, phase TEXT NOT NULL, body TEXT NOT NULL);
                    CREATE INDEX task_phase ON task (phase);
                    CREATE TABLE replicate (task TEXT NOT NULL, worker TEXT NOT NULL, phase TEXT NOT NULL,
                                            body TEXT NOT NULL, PRIMARY KEY (task, worker));
                    """)
            }
            try migrator.migrate(database)
        } catch {
            throw .store("cannot open the scheduler store at \(path): \(error)")
        }
    }

    public func load() throws(SchedulerError) -> SchedulerSnapshot {
        do {
            return try database.read { db in
                let cursor = try UInt64.fetchOne(db, sql: "SELECT block FROM cursor WHERE id = 0")
                let final = TaskPhase.allCases.filter(\.isFinal).map { "'\($0.rawValue)'" }.joined(separator: ",")
                let tasks = try Self.decode(TaskRecord.self, try String.fetchAll(
                    db, sql: "SELECT body FROM task WHERE phase NOT IN (\(final))"))
                let deals = try Self.decode(DealRecord.self, try String.fetchAll(db, sql: """
                    SELECT body FROM deal WHERE id IN (SELECT deal FROM task WHERE phase NOT IN (\(final)))
                    """))
                let replicates = try Self.decode(ReplicateRecord.self, try String.fetchAll(db, sql: """
                    SELECT body FROM replicate WHERE task IN (SELECT id FROM task WHERE phase NOT IN (\(final)))
                    """))
                return SchedulerSnapshot(cursor: cursor, deals: deals, tasks: tasks, replicates: replicates)
            }
        } catch {
            throw .store("cannot read the scheduler store: \(error)")
        }
    }

    public func save(_ changes: SchedulerChanges) throws(SchedulerError) {
        guard !changes.isEmpty else { return }
        do {
            try database.write { db in
                if let cursor = changes.cursor {
                    try db.execute(sql: "INSERT OR REPLACE INTO cursor (id, block) VALUES (0, ?)", arguments: [cursor])
                }
                for deal in changes.deals.values {
                    try db.execute(sql: "INSERT OR REPLACE INTO deal (id, body) VALUES (?, ?)",
                                   arguments: [deal.id.hex, try Self.encode(deal)])
                }
                for task in changes.tasks.values {
                    try db.execute(sql: "INSERT OR REPLACE INTO task (id, deal, phase, body) VALUES (?, ?, ?, ?)",
                                   arguments: [task.id.hex, task.dealId.hex, task.phase.rawValue, try Self.encode(task)])
                }
                for replicate in changes.replicates.values {
                    try db.execute(sql: "INSERT OR REPLACE INTO replicate (task, worker, phase, body) VALUES (?, ?, ?, ?)",
                                   arguments: [replicate.taskId.hex, replicate.worker.checksummed,
                                               replicate.phase.rawValue, try Self.encode(replicate)])
                }
            }
        } catch {
            throw .store("cannot write the scheduler store: \(error)")
        }
    }

    private static func encode<Record: Encodable>(_ record: Record) throws -> String {
        String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
    }

    private static func decode<Record: Decodable>(_ type: Record.Type, _ bodies: [String]) throws -> [Record] {
        let decoder = JSONDecoder()
        return try bodies.map { try decoder.decode(type, from: Data($0.utf8)) }
    }
}
