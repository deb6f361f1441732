// SPDX-License-Identifier: Apache-2.0
using Safeguard.Webhooks;

namespace Safeguard.Cases;

/// <summary>Cases in memory, for tests and demos. One lock makes every change atomic, as a SQL transaction does.</summary>
public sealed class InMemoryCaseStore(IOutboxStore outbox) : ICaseStore
{
    private readonly Lock _gate = new();
    private readonly List<ReviewCase> _cases = [];
    private readonly List<CaseHistoryEntry> _history = [];

    public Task<ReviewCase> CreateAsync(NewCase newCase, string? groupKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newCase);
        lock (_gate)
        {
            var c = new ReviewCase(
                _cases.Count + 1, newCase.Kind, newCase.Priority, CaseStatus.Open, false, null, null, newCase.Reason,
                newCase.Evidence, groupKey, newCase.CheckId, now, now, null, null, null);
            _cases.Add(c);
            _history.Add(new CaseHistoryEntry(c.Id, now, "system", CaseAction.Open, CaseStatus.Open, CaseStatus.Open, newCase.Reason));
            return Task.FromResult(c);
        }
    }

    public Task<ReviewCase?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Find(id));
        }
    }

    public Task<IReadOnlyList<ReviewCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<ReviewCase> list = [.. _cases
                .Where(c => query.Statuses is null || query.Statuses.Contains(c.Status))
                .Where(c => query.Kinds is null || query.Kinds.Contains(c.Kind))
                .Where(c => query.MinPriority is null || c.Priority >= query.MinPriority)
                .Where(c => query.Assignee is null || string.Equals(c.Assignee, query.Assignee, StringComparison.Ordinal))
                .Where(c => query.GroupKey is null || string.Equals(c.GroupKey, query.GroupKey, StringComparison.Ordinal))
                .OrderByDescending(c => c.Priority).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .Skip(query.Offset).Take(query.Limit)];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatusAsync(IReadOnlyCollection<CaseKind> kinds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        lock (_gate)
        {
            var counts = Enum.GetValues<CaseStatus>().ToDictionary(s => s, _ => 0);
            foreach (var c in _cases.Where(c => kinds.Contains(c.Kind)))
            {
                counts[c.Status]++;
            }
            return Task.FromResult<IReadOnlyDictionary<CaseStatus, int>>(counts);
        }
    }

    public Task<bool> TryClaimAsync(long id, string reviewer, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var c = Find(id);
            var claimable = c is not null && (c.Status is CaseStatus.Open or CaseStatus.Escalated
                || (c.Status == CaseStatus.InReview && (c.Assignee is null || c.Assignee == reviewer || c.ClaimExpiresAt <= now)));
            if (!claimable)
            {
                return Task.FromResult(false);
            }
            Replace(c! with { Status = CaseStatus.InReview, Assignee = reviewer, ClaimExpiresAt = expiresAt, UpdatedAt = now });
            _history.Add(new CaseHistoryEntry(id, now, reviewer, CaseAction.Claim, c!.Status, CaseStatus.InReview, null));
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryReleaseAsync(long id, string reviewer, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var c = Find(id);
            if (c is null || c.Status != CaseStatus.InReview || c.Assignee != reviewer)
            {
                return Task.FromResult(false);
            }
            ReturnToQueue(c, now, reviewer, CaseAction.Release);
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryDecideAsync(long id, string reviewer, CaseDecision decision, string reason, DateTimeOffset now, IReadOnlyList<OutboxItem> decisionOutbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decisionOutbox);
        lock (_gate)
        {
            var c = Find(id);
            if (c is null || !c.IsHeldBy(reviewer, now))
            {
                return Task.FromResult(false);
            }
            var action = CaseStateMachine.ActionOf(decision);
            var to = CaseStateMachine.Next(c.Status, action, c.Escalated);
            var decided = to == CaseStatus.Escalated
                ? c with { Status = to, Escalated = true, Assignee = null, ClaimExpiresAt = null, UpdatedAt = now, DecidedBy = reviewer, DecisionReason = reason, Decision = decision }
                : c with { Status = to, Assignee = null, ClaimExpiresAt = null, UpdatedAt = now, DecidedBy = reviewer, DecisionReason = reason, Decision = decision };
            Replace(decided);
            _history.Add(new CaseHistoryEntry(id, now, reviewer, action, c.Status, to, reason));
            foreach (var item in decisionOutbox)
            {
                // The real stores write these rows in the decision's transaction; under this lock the effect is the same.
                outbox.EnqueueAsync(item, now, cancellationToken).GetAwaiter().GetResult();
            }
            return Task.FromResult(true);
        }
    }

    public Task<int> ExpireClaimsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var lapsed = _cases.Where(c => c.Status == CaseStatus.InReview && c.ClaimExpiresAt <= now).ToList();
            foreach (var c in lapsed)
            {
                ReturnToQueue(c, now, "system", CaseAction.Expire);
            }
            return Task.FromResult(lapsed.Count);
        }
    }

    public Task AppendHistoryAsync(CaseHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _history.Add(entry);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CaseHistoryEntry>> HistoryAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CaseHistoryEntry> list = [.. _history.Where(h => h.CaseId == id)];
            return Task.FromResult(list);
        }
    }

    private void ReturnToQueue(ReviewCase c, DateTimeOffset now, string actor, CaseAction action)
    {
        var to = CaseStateMachine.Next(c.Status, action, c.Escalated);
        Replace(c with { Status = to, Assignee = null, ClaimExpiresAt = null, UpdatedAt = now });
        _history.Add(new CaseHistoryEntry(c.Id, now, actor, action, c.Status, to, null));
    }

    private ReviewCase? Find(long id) => id >= 1 && id <= _cases.Count ? _cases[(int)(id - 1)] : null;

    private void Replace(ReviewCase c) => _cases[(int)(c.Id - 1)] = c;
}

/// <summary>Exposure counts in memory. Thread-safe.</summary>
public sealed class InMemoryExposureStore : IExposureStore
{
    private readonly Lock _gate = new();
    private readonly HashSet<(string Reviewer, DateOnly Day, long CaseId)> _seen = [];

    public Task<int> RecordAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _seen.Add((reviewer, day, caseId));
            return Task.FromResult(Count(reviewer, day));
        }
    }

    public Task<bool> HasSeenAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_seen.Contains((reviewer, day, caseId)));
        }
    }

    public Task<int> CountAsync(string reviewer, DateOnly day, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Count(reviewer, day));
        }
    }

    private int Count(string reviewer, DateOnly day) => _seen.Count(s => s.Reviewer == reviewer && s.Day == day);
}
