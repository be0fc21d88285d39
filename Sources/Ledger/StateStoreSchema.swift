import GRDB

/// The state store's tables, created and upgraded by GRDB migrations.
///
/// - `state(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`: `StateKey.encoded` →
///   `StateValue.encoded`, one row per non-zero key.
/// - `head(id INTEGER PRIMARY KEY CHECK (id = 1), blockNumber INTEGER NOT NULL, digest BLOB NOT NULL)`:
///   at most one row, the last committed block and the state's digest after it.
enum StateStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: state and head") { db in
            try db.create(table: "state", options: .withoutRowID) { table in
                table.primaryKey("key", .blob)
                table.column("value", .blob).notNull()
            }
            try db.create(table: "head") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("blockNumber", .integer).notNull().check { $0 >= 0 }
                table.column("digest", .blob).notNull()
            }
        }
        return migrator
    }
}
