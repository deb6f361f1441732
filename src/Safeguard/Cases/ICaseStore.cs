// SPDX-License-Identifier: Apache-2.0
using Safeguard.Webhooks;

namespace Safeguard.Cases;

/// <summary>Which cases to list. Null fields do not filter.</summary>
/// <param name="Statuses">Only these statuses.</param>
/// <param name="Kinds">Only these kinds (the console always passes the kinds the user may see).</param>
/// <param name="MinPriority">Only this priority or higher.</param>
/// <param name="Assignee">Only cases held by this reviewer.</param>
/// <param name="GroupKey">Only cases about this user group.</param>
/// <param name="Limit">At most this many (newest-priority first).</param>
/// <param name="Offset">Skip this many.</param>
public sealed record CaseQuery(
    IReadOnlyCollection<CaseStatus>? Statuses = null,
    IReadOnlyCollection<CaseKind>? Kinds = null,
    CasePriority? MinPriority = null,
    string? Assignee = null,
    string? GroupKey = null,
    int Limit = 100,
    int Offset = 0);

/// <summary>
/// Stores cases. Every method that changes a case is atomic: in SQL a single conditional UPDATE
/// (plus its history row, and the outbox rows of a decision, in the same transaction), so that two
/// reviewers or two nodes can never both succeed. A false return means the condition did not hold;
/// <see cref="CaseService"/> re-reads the case to say why.
/// </summary>
public interface ICaseStore
{
    /// <summary>Opens a case (status open) with its first history line.</summary>
    Task<ReviewCase> CreateAsync(NewCase newCase, string? groupKey, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<ReviewCase?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Cases matching <paramref name="query"/>, highest priority first, then oldest first.</summary>
    Task<IReadOnlyList<ReviewCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many cases of <paramref name="kinds"/> are in each status.</summary>
    Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatusAsync(IReadOnlyCollection<CaseKind> kinds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the case to <paramref name="reviewer"/> until <paramref name="expiresAt"/> if, and only if, it is
    /// open or escalated, or in review with no live claim, or already held by the same reviewer (a renewal).
    /// SQL: <c>UPDATE cases SET … WHERE id = @id AND (status IN ('open','escalated') OR (status = 'in-review' AND (assignee IS NULL OR assignee = @reviewer OR claim_expires_at &lt;= @now)))</c>.
    /// </summary>
    Task<bool> TryClaimAsync(long id, string reviewer, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Returns the case to its queue if <paramref name="reviewer"/> holds it.</summary>
    Task<bool> TryReleaseAsync(long id, string reviewer, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the decision if <paramref name="reviewer"/> holds a live claim, together with
    /// <paramref name="outbox"/> (the webhooks it causes) in the same transaction.
    /// </summary>
    Task<bool> TryDecideAsync(long id, string reviewer, CaseDecision decision, string reason, DateTimeOffset now, IReadOnlyList<OutboxItem> outbox, CancellationToken cancellationToken = default);

    /// <summary>Returns every case whose claim lapsed at or before <paramref name="now"/> to its queue; how many.</summary>
    Task<int> ExpireClaimsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Adds a history line that does not change status (a reveal).</summary>
    Task AppendHistoryAsync(CaseHistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The case's history, oldest first.</summary>
    Task<IReadOnlyList<CaseHistoryEntry>> HistoryAsync(long id, CancellationToken cancellationToken = default);
}

/// <summary>
/// Counts how many image cases each reviewer was exposed to per UTC day (distinct cases claimed).
/// </summary>
public interface IExposureStore
{
    /// <summary>Records that <paramref name="reviewer"/> took image case <paramref name="caseId"/> on <paramref name="day"/>; returns the day's count. Idempotent per case.</summary>
    Task<int> RecordAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="caseId"/> is already counted for <paramref name="reviewer"/> on <paramref name="day"/>.</summary>
    Task<bool> HasSeenAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default);

    /// <summary>The number of distinct image cases on <paramref name="day"/>.</summary>
    Task<int> CountAsync(string reviewer, DateOnly day, CancellationToken cancellationToken = default);
}
