// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using Npgsql;

namespace Safeguard.Storage;

/// <summary>
/// The production store: PostgreSQL 15 or newer, shared by any number of nodes. Writers serialise
/// on a transaction-scoped advisory lock; a committed change wakes every node through
/// <c>NOTIFY safeguard_bank_changes</c>, and nodes also poll, so a lost notification only delays.
/// </summary>
public sealed class PostgresStore : SqlStore
{
    /// <summary>The LISTEN/NOTIFY channel.</summary>
    public const string ChangeChannel = "safeguard_bank_changes";

    // An arbitrary constant naming Safeguard's writer lock among the database's advisory locks.
    private const long WriterLockKey = 0x5AFE_6A2D;

    // Appenders of the transparency record log serialise on their own lock (see BeginRecordAppendAsync).
    private const long RecordLogLockKey = 0x5AFE_6A2E;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _listenGate = new(1, 1);
    private NpgsqlConnection? _listener;

    /// <summary>Connects with <paramref name="connectionString"/>.</summary>
    public PostgresStore(string connectionString, TimeProvider? time = null)
        : base(time ?? TimeProvider.System)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc/>
    public override string Provider => "postgres";

    /// <inheritdoc/>
    public override IReadOnlyList<Migration> Migrations => PostgresMigrations.All;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await Db.ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("@k", WriterLockKey)).ConfigureAwait(false);
        return tx;
    }

    /// <inheritdoc/>
    protected override async ValueTask<DbTransaction> BeginRecordAppendAsync(DbConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await Db.ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("@k", RecordLogLockKey)).ConfigureAwait(false);
        return tx;
    }

    /// <inheritdoc/>
    protected override Task NotifyChangeAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct) =>
        Db.ExecuteAsync(connection, transaction, $"SELECT pg_notify('{ChangeChannel}', '')", ct);

    /// <inheritdoc/>
    public override async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _listenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listener is null)
            {
                var listener = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await Db.ExecuteAsync(listener, null, $"LISTEN {ChangeChannel}", cancellationToken).ConfigureAwait(false);
                _listener = listener;
            }
            try
            {
                await _listener.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                // The listening connection broke: drop it and let the caller poll; the next call reconnects.
                await _listener.DisposeAsync().ConfigureAwait(false);
                _listener = null;
                await Task.Delay(timeout, Time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException)
        {
            await Task.Delay(timeout, Time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listenGate.Release();
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
            _listener = null;
        }
        _listenGate.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
