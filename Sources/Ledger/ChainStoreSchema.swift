import GRDB

/// The ledger's tables, created and upgraded by GRDB migrations (a file with migrations this
/// version does not know is refused as `.newerSchema`).
///
/// - `chain`: one row (`id = 1`): the genesis as its JSON (`Genesis.json`) and the head's number.
/// - `blocks`: `number` (rowid) → `hash` (unique), `header` (`BlockHeader.encoded`), `size` (the
///   block's RLP size), `overrides` (RLP list of `[address, balance]`, NULL when none).
/// - `transactions`: `(block_number, tx_index)` → `hash` (unique index), `sender`, `raw` (EIP-2718
///   bytes), `outcome` (``OutcomeCoding``), `first_log_index`.
/// - `logs` (WITHOUT ROWID): `(block_number, log_index)` → `tx_index`, `tx_hash`, `address`,
///   `topic0`…`topic3` (NULL past the log's topics), `data`. One index per searchable column,
///   `(column, block_number)`: with the primary key appended, each index lists a value's logs in
///   chain order, so a query by address or by any topic position over a block range is an index
///   range search. Topic indexes are partial (`IS NOT NULL`), which any comparison implies.
/// - `state` (WITHOUT ROWID): `StateKey.encoded` → `StateValue.encoded`, one row per present key.
/// - `accounts` (WITHOUT ROWID): address → `NativeAccount.encoded`, non-empty accounts only.
/// - `pending`: arrival order (rowid) → `hash` (unique), `raw`.
enum ChainStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: chain ledger") { db in
            try db.execute(sql: """
                CREATE TABLE chain (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    genesis TEXT NOT NULL,
                    head INTEGER NOT NULL CHECK (head >= 0)
                );
                CREATE TABLE blocks (
                    number INTEGER PRIMARY KEY CHECK (number >= 0),
                    hash BLOB NOT NULL UNIQUE,
                    header BLOB NOT NULL,
                    size INTEGER NOT NULL,
                    overrides BLOB
                );
                CREATE TABLE transactions (
                    block_number INTEGER NOT NULL,
                    tx_index INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    sender BLOB NOT NULL,
                    raw BLOB NOT NULL,
                    outcome BLOB NOT NULL,
                    first_log_index INTEGER NOT NULL,
                    PRIMARY KEY (block_number, tx_index)
                );
                CREATE UNIQUE INDEX transactions_by_hash ON transactions (hash);
                CREATE TABLE logs (
                    block_number INTEGER NOT NULL,
                    log_index INTEGER NOT NULL,
                    tx_index INTEGER NOT NULL,
                    tx_hash BLOB NOT NULL,
                    address BLOB NOT NULL,
                    topic0 BLOB,
                    topic1 BLOB,
                    topic2 BLOB,
                    topic3 BLOB,
                    data BLOB NOT NULL,
                    PRIMARY KEY (block_number, log_index)
                ) WITHOUT ROWID;
                CREATE INDEX logs_by_address ON logs (address, block_number);
                CREATE INDEX logs_by_topic0 ON logs (topic0, block_number) WHERE topic0 IS NOT NULL;
                CREATE INDEX logs_by_topic1 ON logs (topic1, block_number) WHERE topic1 IS NOT NULL;
                CREATE INDEX logs_by_topic2 ON logs (topic2, block_number) WHERE topic2 IS NOT NULL;
                CREATE INDEX logs_by_topic3 ON logs (topic3, block_number) WHERE topic3 IS NOT NULL;
                CREATE TABLE state (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE accounts (address BLOB PRIMARY KEY, account BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE pending (
                    arrival INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    raw BLOB NOT NULL
                );
                """)
        }
        return migrator
    }
}
