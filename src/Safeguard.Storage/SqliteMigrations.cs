// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>The SQLite schema, step by step. Never edit a shipped step: add one.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "banks, entries, change feed, keys, audit, recorded checks", """
            CREATE TABLE banks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                description TEXT NULL,
                source TEXT NOT NULL,
                category TEXT NOT NULL,
                pdq_radius INTEGER NOT NULL,
                enabled INTEGER NOT NULL,
                action TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE bank_entries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                bank_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                external_id TEXT NULL,
                labels TEXT NOT NULL,
                note TEXT NULL,
                added_by TEXT NOT NULL,
                added_at INTEGER NOT NULL,
                disabled_until INTEGER NULL,
                deleted_at INTEGER NULL
            );
            CREATE INDEX ix_bank_entries_bank_id ON bank_entries (bank_id, id);
            CREATE TABLE bank_changes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                bank_id INTEGER NOT NULL,
                change_kind INTEGER NOT NULL,
                first_entry_id INTEGER NOT NULL,
                last_entry_id INTEGER NOT NULL,
                changed_at INTEGER NOT NULL
            );
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                token_prefix TEXT NOT NULL,
                token_sha256 BLOB NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                rate_limit_per_second INTEGER NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER NULL
            );
            CREATE TABLE audit_log (
                sequence INTEGER PRIMARY KEY,
                recorded_at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                previous_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE TABLE checks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                checked_at INTEGER NOT NULL,
                api_key_id INTEGER NOT NULL,
                content_ref TEXT NULL,
                user_ref TEXT NULL,
                pdq TEXT NULL,
                pdq_quality INTEGER NULL,
                md5 TEXT NULL,
                sha1 TEXT NULL,
                sha256 TEXT NULL,
                decision TEXT NOT NULL
            );
            CREATE TABLE check_matches (
                check_id INTEGER NOT NULL REFERENCES checks (id),
                entry_id INTEGER NOT NULL,
                bank_id INTEGER NOT NULL,
                bank_name TEXT NOT NULL,
                kind TEXT NOT NULL,
                distance INTEGER NOT NULL,
                action TEXT NOT NULL,
                PRIMARY KEY (check_id, entry_id)
            );
            CREATE TABLE unmatched_check_counts (
                day TEXT NOT NULL,
                api_key_id INTEGER NOT NULL,
                checks INTEGER NOT NULL,
                PRIMARY KEY (day, api_key_id)
            );
            """),
        new(2, ReviewSchema.Name, ReviewSchema.Sqlite),
        TextBankMigrations.Sqlite,
        new(RecordLogSchema.Version, RecordLogSchema.Name, RecordLogSchema.Sqlite),
    ];
}
