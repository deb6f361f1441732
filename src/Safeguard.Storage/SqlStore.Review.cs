// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Storage;

/// <summary>
/// The connection plumbing the review stores (<see cref="SqlCaseStore"/>, <see cref="SqlOutboxStore"/>,
/// <see cref="SqlUserStore"/>, …) share with the bank store: the same database, the same serialised
/// writer transactions, the same audit chain.
/// </summary>
public abstract partial class SqlStore
{
    /// <summary>Runs <paramref name="work"/> in one write transaction (the store's single writer lock), committing when it returns.</summary>
    internal Task<T> InWriteTransactionAsync<T>(Func<StoreTransaction, Task<T>> work, CancellationToken ct) =>
        WriteAsync(w => work(new StoreTransaction(w.Connection, w.Transaction, w.CancellationToken, w.AuditAsync)), ct);

    /// <summary>Reads every row of <paramref name="sql"/> on a fresh connection.</summary>
    internal Task<List<T>> ReadRowsAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string, object?)[] parameters) =>
        QueryAsync(sql, read, ct, parameters);

    /// <summary>The store's clock.</summary>
    internal TimeProvider Clock => Time;

    /// <summary>One write transaction as the review stores see it.</summary>
    internal sealed class StoreTransaction(DbConnection connection, DbTransaction transaction, CancellationToken ct, Func<string, string, Task<ChainEntry>> audit)
    {
        public CancellationToken CancellationToken => ct;

        public Task<int> ExecuteAsync(string sql, params (string, object?)[] parameters) => Db.ExecuteAsync(connection, transaction, sql, ct, parameters);

        public Task<long> ScalarAsync(string sql, params (string, object?)[] parameters) => Db.ScalarInt64Async(connection, transaction, sql, ct, parameters);

        public Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, params (string, object?)[] parameters) =>
            ReadAllAsync(connection, transaction, sql, read, ct, parameters);

        /// <summary>Appends an audit entry in this transaction, so the change and its entry commit together.</summary>
        public Task<ChainEntry> AuditAsync(string kind, string payload) => audit(kind, payload);
    }

    /// <summary>The newest audit entries first, at most <paramref name="limit"/>, before <paramref name="beforeSequence"/> when given.</summary>
    public async Task<IReadOnlyList<ChainEntry>> ReadAuditNewestFirstAsync(int limit, long? beforeSequence, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            "SELECT sequence, recorded_at, kind, payload, previous_hash, hash FROM audit_log WHERE sequence < @before ORDER BY sequence DESC LIMIT @limit",
            ReadChainEntry, cancellationToken, ("@before", beforeSequence ?? long.MaxValue), ("@limit", Math.Clamp(limit, 1, 10_000))).ConfigureAwait(false);

    // ---------------------------------------------------------------- data-protection keys

    /// <summary>Every stored ASP.NET data-protection key (XML text).</summary>
    public async Task<IReadOnlyList<string>> ReadDataProtectionKeysAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT xml FROM data_protection_keys ORDER BY created_at, name", r => r.GetString(0), cancellationToken).ConfigureAwait(false);

    /// <summary>Stores a data-protection key; a key with the same name is left as it is (keys are immutable).</summary>
    public Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default) =>
        InWriteTransactionAsync(tx => tx.ExecuteAsync(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@n, @x, @t) ON CONFLICT (name) DO NOTHING",
            ("@n", name), ("@x", xml), ("@t", Now())), cancellationToken);

    /// <summary>The <c>actor</c> field of an audit payload (the convention of <see cref="AuditPayload.By"/>), or null.</summary>
    public static string? ActorOf(string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("actor", out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
