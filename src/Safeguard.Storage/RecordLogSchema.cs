// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>
/// Schema step 4 in both dialects: the transparency record log (hash-chain format v1, the same
/// columns as the audit log). Kept in its own file so the step lists in
/// <see cref="SqliteMigrations"/> and <see cref="PostgresMigrations"/> each gain one line.
/// </summary>
internal static class RecordLogSchema
{
    public const int Version = 4;

    public const string Name = "transparency record log";

    public const string Sqlite = """
        CREATE TABLE transparency_records (
            sequence INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            previous_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        """;

    public const string Postgres = """
        CREATE TABLE transparency_records (
            sequence BIGINT PRIMARY KEY,
            recorded_at BIGINT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            previous_hash BYTEA NOT NULL,
            hash BYTEA NOT NULL
        );
        """;
}
