// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Safeguard.Storage;

/// <summary>
/// The embedded store: one SQLite file in write-ahead-log mode with full sync, so a transaction
/// that has returned survives the process being killed. Several processes may open the same file
/// (the server and <c>safeguard keys</c>); writers queue on SQLite's lock.
/// </summary>
public sealed class SqliteStore : SqlStore
{
    /// <summary>File name of the database inside the data folder.</summary>
    public const string FileName = "safeguard.db";

    private readonly string _connectionString;

    /// <summary>Opens (creating when needed) <c>safeguard.db</c> in <paramref name="dataDirectory"/>.</summary>
    public SqliteStore(string dataDirectory, TimeProvider? time = null)
        : base(time ?? TimeProvider.System)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Seconds a command waits for another writer before giving up.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc/>
    public override string Provider => "sqlite";

    /// <inheritdoc/>
    public override IReadOnlyList<Migration> Migrations => SqliteMigrations.All;

    /// <inheritdoc/>
    protected override int RowsPerInsert => 1;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // journal_mode is stored in the file; synchronous and the busy wait are per connection.
            await Db.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;", ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // BEGIN IMMEDIATE: take the write lock now, so two writers never both read the audit head.
        return ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file (and its WAL) open; release them so a restart or a test cleanup sees a closed file.
        using (var c = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(c);
        }
        return base.DisposeAsync();
    }
}
