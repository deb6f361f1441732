// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Globalization;
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.Storage;

/// <summary>
/// Review cases in the server's database (SQLite or PostgreSQL). Every change runs in one write
/// transaction with its history row, and a decision with its outbox rows. A claim is a single
/// conditional UPDATE, so of any number of concurrent claimers (threads or nodes) exactly one
/// sees a changed row.
/// </summary>
public sealed class SqlCaseStore(SqlStore store) : ICaseStore
{
    private const string Columns = "id, kind, priority, status, escalated, assignee, claim_expires_at, reason, evidence, group_key, check_id, created_at, updated_at, decision, decided_by, decision_reason";

    public Task<ReviewCase> CreateAsync(NewCase newCase, string? groupKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newCase);
        return store.InWriteTransactionAsync(async tx =>
        {
            long at = Db.ToUnixMs(now);
            long id = await tx.ScalarAsync($"""
                INSERT INTO cases (kind, priority, status, escalated, assignee, claim_expires_at, reason, evidence, group_key, check_id, created_at, updated_at)
                VALUES (@kind, @priority, '{CaseText.Name(CaseStatus.Open)}', @no, NULL, NULL, @reason, @evidence, @group, @check, @at, @at) RETURNING id
                """,
                ("@kind", CaseText.Name(newCase.Kind)), ("@priority", (int)newCase.Priority), ("@no", false), ("@reason", newCase.Reason),
                ("@evidence", CaseEvidenceJson.Write(newCase.Evidence)), ("@group", groupKey), ("@check", newCase.CheckId), ("@at", at)).ConfigureAwait(false);
            await History(tx, new CaseHistoryEntry(id, now, "system", CaseAction.Open, CaseStatus.Open, CaseStatus.Open, newCase.Reason)).ConfigureAwait(false);
            return new ReviewCase(id, newCase.Kind, newCase.Priority, CaseStatus.Open, false, null, null, newCase.Reason, newCase.Evidence, groupKey,
                newCase.CheckId, Db.FromUnixMs(at), Db.FromUnixMs(at), null, null, null);
        }, cancellationToken);
    }

    public async Task<ReviewCase?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await store.ReadRowsAsync($"SELECT {Columns} FROM cases WHERE id = @id", Read, cancellationToken, ("@id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<ReviewCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        In(where, parameters, "status", "s", query.Statuses?.Select(CaseText.Name));
        In(where, parameters, "kind", "k", query.Kinds?.Select(CaseText.Name));
        if (query.MinPriority is { } p)
        {
            where.Add("priority >= @minPriority");
            parameters.Add(("@minPriority", (int)p));
        }
        if (query.Assignee is not null)
        {
            where.Add("assignee = @assignee");
            parameters.Add(("@assignee", query.Assignee));
        }
        if (query.GroupKey is not null)
        {
            where.Add("group_key = @group");
            parameters.Add(("@group", query.GroupKey));
        }
        parameters.Add(("@limit", Math.Clamp(query.Limit, 0, 10_000)));
        parameters.Add(("@offset", Math.Max(query.Offset, 0)));
        var sql = $"SELECT {Columns} FROM cases {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY priority DESC, created_at, id LIMIT @limit OFFSET @offset";
        return await store.ReadRowsAsync(sql, Read, cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatusAsync(IReadOnlyCollection<CaseKind> kinds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var counts = Enum.GetValues<CaseStatus>().ToDictionary(s => s, _ => 0);
        if (kinds.Count == 0)
        {
            return counts;
        }
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        In(where, parameters, "kind", "k", kinds.Select(CaseText.Name));
        var rows = await store.ReadRowsAsync($"SELECT status, COUNT(*) FROM cases WHERE {where[0]} GROUP BY status",
            r => (Status: r.GetString(0), Count: r.GetInt64(1)), cancellationToken, [.. parameters]).ConfigureAwait(false);
        foreach (var (status, count) in rows)
        {
            if (CaseText.TryParseStatus(status, out var s))
            {
                counts[s] = (int)count;
            }
        }
        return counts;
    }

    public Task<bool> TryClaimAsync(long id, string reviewer, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        store.InWriteTransactionAsync(async tx =>
        {
            var before = await Get(tx, id).ConfigureAwait(false);
            // The whole test of claimability is in the WHERE clause: the row changes for one claimer only.
            int changed = await tx.ExecuteAsync("""
                UPDATE cases SET status = 'in-review', assignee = @reviewer, claim_expires_at = @expires, updated_at = @now
                WHERE id = @id AND (status IN ('open', 'escalated')
                    OR (status = 'in-review' AND (assignee IS NULL OR assignee = @reviewer OR claim_expires_at <= @now)))
                """,
                ("@reviewer", reviewer), ("@expires", Db.ToUnixMs(expiresAt)), ("@now", Db.ToUnixMs(now)), ("@id", id)).ConfigureAwait(false);
            if (changed != 1 || before is null)
            {
                return false;
            }
            await History(tx, new CaseHistoryEntry(id, now, reviewer, CaseAction.Claim, before.Status, CaseStatus.InReview, null)).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<bool> TryReleaseAsync(long id, string reviewer, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        store.InWriteTransactionAsync(async tx =>
        {
            var c = await Get(tx, id).ConfigureAwait(false);
            if (c is null || c.Status != CaseStatus.InReview || c.Assignee != reviewer)
            {
                return false;
            }
            return await ReturnToQueue(tx, c, now, reviewer, CaseAction.Release, "AND assignee = @reviewer", ("@reviewer", reviewer)).ConfigureAwait(false);
        }, cancellationToken);

    public Task<bool> TryDecideAsync(long id, string reviewer, CaseDecision decision, string reason, DateTimeOffset now, IReadOnlyList<OutboxItem> outbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        return store.InWriteTransactionAsync(async tx =>
        {
            var c = await Get(tx, id).ConfigureAwait(false);
            if (c is null || !c.IsHeldBy(reviewer, now))
            {
                return false;
            }
            var action = CaseStateMachine.ActionOf(decision);
            var to = CaseStateMachine.Next(c.Status, action, c.Escalated);
            int changed = await tx.ExecuteAsync("""
                UPDATE cases SET status = @to, escalated = @escalated, assignee = NULL, claim_expires_at = NULL, updated_at = @now,
                    decision = @decision, decided_by = @reviewer, decision_reason = @reason
                WHERE id = @id AND status = 'in-review' AND assignee = @reviewer AND claim_expires_at > @now
                """,
                ("@to", CaseText.Name(to)), ("@escalated", c.Escalated || to == CaseStatus.Escalated), ("@now", Db.ToUnixMs(now)),
                ("@decision", CaseText.Name(decision)), ("@reviewer", reviewer), ("@reason", reason), ("@id", id)).ConfigureAwait(false);
            if (changed != 1)
            {
                return false;
            }
            await History(tx, new CaseHistoryEntry(id, now, reviewer, action, c.Status, to, reason)).ConfigureAwait(false);
            foreach (var item in outbox)
            {
                await SqlOutboxStore.InsertAsync(tx, item, now).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken);
    }

    public Task<int> ExpireClaimsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        store.InWriteTransactionAsync(async tx =>
        {
            var lapsed = await tx.QueryAsync($"SELECT {Columns} FROM cases WHERE status = 'in-review' AND claim_expires_at <= @now",
                Read, ("@now", Db.ToUnixMs(now))).ConfigureAwait(false);
            int n = 0;
            foreach (var c in lapsed)
            {
                n += await ReturnToQueue(tx, c, now, "system", CaseAction.Expire, "AND claim_expires_at <= @now").ConfigureAwait(false) ? 1 : 0;
            }
            return n;
        }, cancellationToken);

    public Task AppendHistoryAsync(CaseHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.InWriteTransactionAsync(async tx =>
        {
            await History(tx, entry).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<CaseHistoryEntry>> HistoryAsync(long id, CancellationToken cancellationToken = default) =>
        await store.ReadRowsAsync("SELECT case_id, at, actor, action, from_status, to_status, note FROM case_history WHERE case_id = @id ORDER BY id",
            r =>
            {
                CaseText.TryParseAction(r.GetString(3), out var action);
                CaseText.TryParseStatus(r.GetString(4), out var from);
                CaseText.TryParseStatus(r.GetString(5), out var to);
                return new CaseHistoryEntry(r.GetInt64(0), Db.FromUnixMs(r.GetInt64(1)), r.GetString(2), action, from, to, Db.NullableString(r, 6));
            }, cancellationToken, ("@id", id)).ConfigureAwait(false);

    private static async Task<bool> ReturnToQueue(SqlStore.StoreTransaction tx, ReviewCase c, DateTimeOffset now, string actor, CaseAction action, string condition, params (string, object?)[] extra)
    {
        var to = CaseStateMachine.Next(c.Status, action, c.Escalated);
        int changed = await tx.ExecuteAsync(
            $"UPDATE cases SET status = @to, assignee = NULL, claim_expires_at = NULL, updated_at = @now WHERE id = @id AND status = 'in-review' {condition}",
            [("@to", CaseText.Name(to)), ("@now", Db.ToUnixMs(now)), ("@id", c.Id), .. extra]).ConfigureAwait(false);
        if (changed != 1)
        {
            return false;
        }
        await History(tx, new CaseHistoryEntry(c.Id, now, actor, action, c.Status, to, null)).ConfigureAwait(false);
        return true;
    }

    private static async Task<ReviewCase?> Get(SqlStore.StoreTransaction tx, long id) =>
        (await tx.QueryAsync($"SELECT {Columns} FROM cases WHERE id = @id", Read, ("@id", id)).ConfigureAwait(false)).FirstOrDefault();

    private static Task<int> History(SqlStore.StoreTransaction tx, CaseHistoryEntry h) =>
        tx.ExecuteAsync("INSERT INTO case_history (case_id, at, actor, action, from_status, to_status, note) VALUES (@c, @at, @actor, @action, @from, @to, @note)",
            ("@c", h.CaseId), ("@at", Db.ToUnixMs(h.Time)), ("@actor", h.Actor), ("@action", CaseText.Name(h.Action)),
            ("@from", CaseText.Name(h.From)), ("@to", CaseText.Name(h.To)), ("@note", h.Note));

    private static void In(List<string> where, List<(string, object?)> parameters, string column, string prefix, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return;
        }
        var names = new List<string>();
        foreach (var v in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{names.Count}");
            names.Add(name);
            parameters.Add((name, v));
        }
        // An empty filter matches nothing (the console passes the kinds a user may see; none means none).
        where.Add(names.Count == 0 ? "1 = 0" : $"{column} IN ({string.Join(", ", names)})");
    }

    private static ReviewCase Read(DbDataReader r)
    {
        CaseText.TryParseKind(r.GetString(1), out var kind);
        CaseText.TryParseStatus(r.GetString(3), out var status);
        CaseDecision? decision = r.IsDBNull(13) ? null : CaseText.TryParseDecision(r.GetString(13), out var d) ? d : null;
        long? expires = Db.NullableInt64(r, 6);
        return new ReviewCase(
            r.GetInt64(0), kind, (CasePriority)r.GetInt32(2), status, r.GetBoolean(4), Db.NullableString(r, 5),
            expires is null ? null : Db.FromUnixMs(expires.Value), r.GetString(7), CaseEvidenceJson.Read(r.GetString(8)), Db.NullableString(r, 9),
            Db.NullableInt64(r, 10), Db.FromUnixMs(r.GetInt64(11)), Db.FromUnixMs(r.GetInt64(12)), decision, Db.NullableString(r, 14), Db.NullableString(r, 15));
    }
}
