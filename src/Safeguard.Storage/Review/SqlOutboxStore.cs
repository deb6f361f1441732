// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using Safeguard.Webhooks;

namespace Safeguard.Storage;

/// <summary>
/// The durable webhook outbox in the server's database. Leasing moves a due message's next attempt
/// to the end of the lease with a conditional UPDATE, so two dispatchers (or nodes) never send the
/// same message at the same time; a dispatcher that dies simply lets its lease run out.
/// </summary>
public sealed class SqlOutboxStore(SqlStore store) : IOutboxStore
{
    private const string Columns = "id, event_id, event_type, payload, state, attempts, created_at, next_attempt_at, last_error, delivered_at";

    /// <summary>The stored name of <paramref name="state"/>.</summary>
    public static string StateName(OutboxState state) => state switch
    {
        OutboxState.Pending => "pending",
        OutboxState.Delivered => "delivered",
        OutboxState.DeadLettered => "dead-lettered",
        OutboxState.Shadow => "shadow",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public Task<OutboxMessage> EnqueueAsync(OutboxItem item, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return store.InWriteTransactionAsync(tx => InsertAsync(tx, item, now), cancellationToken);
    }

    /// <summary>Inserts <paramref name="item"/> inside another change's transaction (a decision, a check).</summary>
    internal static async Task<OutboxMessage> InsertAsync(SqlStore.StoreTransaction tx, OutboxItem item, DateTimeOffset now)
    {
        var state = item.Shadow ? OutboxState.Shadow : OutboxState.Pending;
        long at = Db.ToUnixMs(now);
        long id = await tx.ScalarAsync("""
            INSERT INTO webhook_outbox (event_id, event_type, payload, state, attempts, created_at, next_attempt_at)
            VALUES (@event, @type, @payload, @state, 0, @at, @at) RETURNING id
            """,
            ("@event", item.EventId), ("@type", item.EventType), ("@payload", item.Payload), ("@state", StateName(state)), ("@at", at)).ConfigureAwait(false);
        return new OutboxMessage(id, item.EventId, item.EventType, item.Payload, state, 0, Db.FromUnixMs(at), Db.FromUnixMs(at), null, null);
    }

    public Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default) =>
        store.InWriteTransactionAsync<IReadOnlyList<OutboxMessage>>(async tx =>
        {
            long nowMs = Db.ToUnixMs(now), leaseMs = Db.ToUnixMs(leaseUntil);
            var due = await tx.QueryAsync($"SELECT {Columns} FROM webhook_outbox WHERE state = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @max",
                Read, ("@now", nowMs), ("@max", Math.Clamp(max, 1, 1000))).ConfigureAwait(false);
            var leased = new List<OutboxMessage>(due.Count);
            foreach (var m in due)
            {
                if (await tx.ExecuteAsync("UPDATE webhook_outbox SET next_attempt_at = @lease WHERE id = @id AND state = 'pending' AND next_attempt_at <= @now",
                    ("@lease", leaseMs), ("@id", m.Id), ("@now", nowMs)).ConfigureAwait(false) == 1)
                {
                    leased.Add(m with { NextAttemptAt = leaseUntil });
                }
            }
            return leased;
        }, cancellationToken);

    public Task MarkDeliveredAsync(long id, int attempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Update("UPDATE webhook_outbox SET state = 'delivered', attempts = @a, delivered_at = @now, last_error = NULL WHERE id = @id AND state = 'pending'",
            cancellationToken, ("@a", attempts), ("@now", Db.ToUnixMs(now)), ("@id", id));

    public Task MarkRetryAsync(long id, int attempts, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        Update("UPDATE webhook_outbox SET attempts = @a, last_error = @e, next_attempt_at = @next WHERE id = @id AND state = 'pending'",
            cancellationToken, ("@a", attempts), ("@e", error), ("@next", Db.ToUnixMs(nextAttemptAt)), ("@id", id));

    public Task MarkDeadAsync(long id, int attempts, string error, CancellationToken cancellationToken = default) =>
        Update("UPDATE webhook_outbox SET state = 'dead-lettered', attempts = @a, last_error = @e WHERE id = @id AND state = 'pending'",
            cancellationToken, ("@a", attempts), ("@e", error), ("@id", id));

    public async Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await Update("UPDATE webhook_outbox SET state = 'pending', attempts = 0, next_attempt_at = @now WHERE id = @id AND state = 'dead-lettered'",
            cancellationToken, ("@now", Db.ToUnixMs(now)), ("@id", id)).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken = default) =>
        await store.ReadRowsAsync($"SELECT {Columns} FROM webhook_outbox WHERE state = @state ORDER BY id DESC LIMIT @limit", Read, cancellationToken,
            ("@state", StateName(state)), ("@limit", Math.Clamp(limit, 1, 10_000))).ConfigureAwait(false);

    public async Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await store.ReadRowsAsync($"SELECT {Columns} FROM webhook_outbox WHERE id = @id", Read, cancellationToken, ("@id", id)).ConfigureAwait(false)).FirstOrDefault();

    private Task<int> Update(string sql, CancellationToken ct, params (string, object?)[] parameters) =>
        store.InWriteTransactionAsync(tx => tx.ExecuteAsync(sql, parameters), ct);

    private static OutboxMessage Read(DbDataReader r)
    {
        var state = Enum.GetValues<OutboxState>().First(s => StateName(s) == r.GetString(4));
        long? delivered = Db.NullableInt64(r, 9);
        return new OutboxMessage(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), state, r.GetInt32(5), Db.FromUnixMs(r.GetInt64(6)),
            Db.FromUnixMs(r.GetInt64(7)), Db.NullableString(r, 8), delivered is null ? null : Db.FromUnixMs(delivered.Value));
    }
}
