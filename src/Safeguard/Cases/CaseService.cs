// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Accounts;
using Safeguard.Records;
using Safeguard.Webhooks;

namespace Safeguard.Cases;

/// <summary>Review settings.</summary>
/// <param name="ClaimDuration">How long a claim lasts without a decision before the case returns to the queue.</param>
/// <param name="DailyImageCap">Image cases a reviewer may be given per UTC day; null for no cap. A user's own cap overrides it.</param>
public sealed record ReviewOptions(TimeSpan ClaimDuration, int? DailyImageCap)
{
    /// <summary>Claims last 15 minutes; 100 image cases per reviewer per day.</summary>
    public static ReviewOptions Default { get; } = new(TimeSpan.FromMinutes(15), 100);
}

/// <summary>The reviewer acting: name, roles and their own cap.</summary>
public sealed record Reviewer(string Name, ConsoleRoles Roles, int? DailyImageCap = null)
{
    public static Reviewer From(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Name, user.Roles, user.DailyImageCap);
    }
}

/// <summary>A reviewer asked for something their roles do not allow; or the case does not exist for them.</summary>
public sealed class CaseAccessException(string message) : Exception(message);

/// <summary>Another reviewer holds the case.</summary>
public sealed class CaseConflictException(string message) : Exception(message);

/// <summary>The reviewer reached their daily cap of image cases.</summary>
public sealed class ExposureCapReachedException(string message) : Exception(message);

/// <summary>A decision was malformed (no reason, a feedback bank that does not fit).</summary>
public sealed class CaseDecisionException(string message) : Exception(message);

/// <summary>Whether a bank lists content to act on, or content known to be harmless.</summary>
public enum BankPolarity
{
    /// <summary>Matches mean act (block, hold, review, report).</summary>
    Positive,

    /// <summary>An allow-list: matches cancel positive matches (applied first).</summary>
    AllowList,
}

/// <summary>Adds a decided case's hashes to a bank. Implemented over the server's bank store.</summary>
public interface IBankFeedback
{
    /// <summary>Null when <paramref name="bank"/> exists, is enabled and has <paramref name="polarity"/>; otherwise why not.</summary>
    Task<string?> CheckTargetAsync(string bank, BankPolarity polarity, CancellationToken cancellationToken = default);

    /// <summary>Adds each hash (kind → hex) as an entry of <paramref name="bank"/>; returns how many were added.</summary>
    Task<int> AddHashesAsync(string bank, IReadOnlyDictionary<string, string> hashes, string actor, string note, CancellationToken cancellationToken = default);
}

/// <summary>
/// The review workflow over a <see cref="ICaseStore"/>: who may see and claim which case, the
/// exposure cap, decisions with their webhooks, bank feedback and audit entries.
/// </summary>
public sealed class CaseService(
    ICaseStore cases,
    IExposureStore exposure,
    IAuditTrail audit,
    IBankFeedback? feedback,
    ReviewOptions options,
    TimeProvider time,
    IEnumerable<ICaseDecisionObserver>? observers = null)
{
    private readonly ICaseDecisionObserver[] _observers = observers?.ToArray() ?? [];

    private const int MaxReasonLength = 2000;

    /// <summary>The kinds of case <paramref name="roles"/> may see. Grooming cases only for child-safety reviewers.</summary>
    public static IReadOnlyCollection<CaseKind> VisibleKinds(ConsoleRoles roles)
    {
        var kinds = new List<CaseKind>();
        if (RoleNames.CanReview(roles) || roles.HasFlag(ConsoleRoles.Auditor))
        {
            kinds.Add(CaseKind.Image);
            kinds.Add(CaseKind.Text);
        }
        if (roles.HasFlag(ConsoleRoles.ChildSafetyReviewer))
        {
            kinds.Add(CaseKind.Grooming);
        }
        return kinds;
    }

    /// <summary>The group key of <paramref name="userRef"/>: cases with equal keys are about the same user. The key does not reveal the reference.</summary>
    public static string? GroupKeyFor(string? userRef) =>
        string.IsNullOrEmpty(userRef)
            ? null
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("safeguard.case-group\0" + userRef)).AsSpan(0, 16));

    /// <summary>Opens a case from intake.</summary>
    public Task<ReviewCase> OpenAsync(NewCase newCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newCase);
        return cases.CreateAsync(newCase, GroupKeyFor(newCase.Evidence.UserRef), time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The case if <paramref name="reviewer"/> may see it; otherwise <see cref="CaseAccessException"/> (the same for a missing case, so ids cannot be probed).</summary>
    public async Task<ReviewCase> GetAsync(long id, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var c = await cases.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (c is null || !VisibleKinds(reviewer.Roles).Contains(c.Kind))
        {
            throw new CaseAccessException($"case {id} does not exist or you may not see it");
        }
        return c;
    }

    /// <summary>The reviewer's exposure count today and their cap.</summary>
    public async Task<(int Count, int? Cap)> ExposureTodayAsync(Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var count = await exposure.CountAsync(reviewer.Name, Today(), cancellationToken).ConfigureAwait(false);
        return (count, reviewer.DailyImageCap ?? options.DailyImageCap);
    }

    /// <summary>Claims case <paramref name="id"/> for <paramref name="reviewer"/>, or says precisely why not.</summary>
    public async Task<ReviewCase> ClaimAsync(long id, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        var c = await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        EnsureMayClaim(c, reviewer);
        if (c.IsHeldBy(reviewer.Name, now))
        {
            // A renewal never counts as a second exposure and is not blocked by the cap.
            await cases.TryClaimAsync(id, reviewer.Name, now, now + options.ClaimDuration, cancellationToken).ConfigureAwait(false);
            return await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        }
        CaseStateMachine.Next(c.Status, CaseAction.Claim, c.Escalated);
        if (c.IsHeldByOther(reviewer.Name, now))
        {
            throw new CaseConflictException($"case {id} is being reviewed by someone else");
        }
        if (c.Kind == CaseKind.Image && !await exposure.HasSeenAsync(reviewer.Name, Today(), id, cancellationToken).ConfigureAwait(false))
        {
            await EnsureUnderCapAsync(reviewer, cancellationToken).ConfigureAwait(false);
        }
        if (!await cases.TryClaimAsync(id, reviewer.Name, now, now + options.ClaimDuration, cancellationToken).ConfigureAwait(false))
        {
            var after = await cases.GetAsync(id, cancellationToken).ConfigureAwait(false);
            throw after is { IsClosed: true }
                ? new CaseTransitionException(after.Status, CaseAction.Claim, $"the case is already {CaseText.Name(after.Status)}")
                : new CaseConflictException($"case {id} is being reviewed by someone else");
        }
        if (c.Kind == CaseKind.Image)
        {
            await exposure.RecordAsync(reviewer.Name, Today(), id, cancellationToken).ConfigureAwait(false);
        }
        return await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the most urgent case <paramref name="reviewer"/> may take (escalated ones only for admins;
    /// image cases only under the cap), or null when there is none.
    /// </summary>
    public async Task<ReviewCase?> ClaimNextAsync(Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        if (!RoleNames.CanReview(reviewer.Roles))
        {
            throw new CaseAccessException("your roles do not include reviewing");
        }
        var kinds = VisibleKinds(reviewer.Roles).ToList();
        var (count, cap) = await ExposureTodayAsync(reviewer, cancellationToken).ConfigureAwait(false);
        if (cap is { } c && count >= c)
        {
            kinds.Remove(CaseKind.Image);
        }
        var statuses = reviewer.Roles.HasFlag(ConsoleRoles.Admin) ? new[] { CaseStatus.Escalated, CaseStatus.Open } : [CaseStatus.Open];
        // Another reviewer may take a candidate between the query and the claim; try the next one.
        var candidates = await cases.QueryAsync(new CaseQuery(statuses, kinds, Limit: 20), cancellationToken).ConfigureAwait(false);
        foreach (var candidate in candidates)
        {
            try
            {
                return await ClaimAsync(candidate.Id, reviewer, cancellationToken).ConfigureAwait(false);
            }
            catch (CaseConflictException)
            {
            }
            catch (CaseTransitionException)
            {
            }
        }
        return null;
    }

    /// <summary>Gives a held case back to its queue.</summary>
    public async Task<ReviewCase> ReleaseAsync(long id, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        var c = await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        CaseStateMachine.Next(c.Status, CaseAction.Release, c.Escalated);
        if (!await cases.TryReleaseAsync(id, reviewer.Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new CaseConflictException($"you do not hold case {id}");
        }
        return await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that the reviewer deliberately revealed the image (kept in the case history).</summary>
    public async Task RevealAsync(long id, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        var c = await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        CaseStateMachine.Next(c.Status, CaseAction.Reveal, c.Escalated);
        if (!c.IsHeldBy(reviewer.Name, now))
        {
            throw new CaseConflictException($"you do not hold case {id}");
        }
        await cases.AppendHistoryAsync(new CaseHistoryEntry(id, now, reviewer.Name, CaseAction.Reveal, c.Status, c.Status, null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides a case the reviewer holds. <paramref name="feedbackBank"/>, when given, receives the case's
    /// hashes: a positive bank on confirm, an allow-list bank on clear. The platform webhook is written
    /// with the decision; the decision is appended to the audit log.
    /// </summary>
    public async Task<ReviewCase> DecideAsync(long id, Reviewer reviewer, CaseDecision decision, string? reason, string? feedbackBank = null, CancellationToken cancellationToken = default)
    {
        var c = await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            throw new CaseDecisionException("a reason is required for every decision");
        }
        if (reason.Length > MaxReasonLength)
        {
            throw new CaseDecisionException($"the reason is too long ({reason.Length} characters; at most {MaxReasonLength})");
        }
        var action = CaseStateMachine.ActionOf(decision);
        CaseStateMachine.Next(c.Status, action, c.Escalated);
        if (c.IsHeldByOther(reviewer.Name, now) || !c.IsHeldBy(reviewer.Name, now))
        {
            throw new CaseConflictException(c.IsHeldByOther(reviewer.Name, now)
                ? $"case {id} is being reviewed by someone else"
                : $"your claim on case {id} has lapsed; claim it again to decide");
        }
        feedbackBank = string.IsNullOrWhiteSpace(feedbackBank) ? null : feedbackBank.Trim();
        if (feedbackBank is not null)
        {
            await CheckFeedbackAsync(c, decision, feedbackBank, cancellationToken).ConfigureAwait(false);
        }

        var e = new PlatformActionEvent(
            Guid.NewGuid().ToString("D"), PlatformActionEvent.CaseDecided, now,
            decision switch { CaseDecision.Confirm => PlatformAction.Remove, CaseDecision.Clear => PlatformAction.Restore, _ => PlatformAction.Restrict },
            CaseText.Name(decision), c.Id, c.CheckId, c.Evidence.ContentRef, c.Evidence.UserRef,
            [.. c.Evidence.Matches.Select(m => m.Bank).Distinct(StringComparer.Ordinal)], Shadow: false);
        if (!await cases.TryDecideAsync(id, reviewer.Name, decision, reason, now, [new OutboxItem(e.EventId, e.EventType, e.ToJson())], cancellationToken).ConfigureAwait(false))
        {
            throw new CaseConflictException($"case {id} changed while you were deciding; reload it");
        }
        var added = 0;
        if (feedbackBank is not null)
        {
            added = await feedback!.AddHashesAsync(feedbackBank, c.Evidence.Hashes, reviewer.Name, $"case {id} {CaseText.Name(decision)}", cancellationToken).ConfigureAwait(false);
        }
        await audit.AppendAsync("case.decided", reviewer.Name, AuditPayload(c, decision, reason, feedbackBank, added, e.EventId), cancellationToken).ConfigureAwait(false);
        var decided = await GetAsync(id, reviewer, cancellationToken).ConfigureAwait(false);
        foreach (var observer in _observers)
        {
            await observer.OnDecidedAsync(decided, decision, reviewer.Name, now, cancellationToken).ConfigureAwait(false);
        }
        return decided;
    }

    /// <summary>Returns lapsed claims to their queues; the host runs this every minute.</summary>
    public Task<int> ExpireClaimsAsync(CancellationToken cancellationToken = default) => cases.ExpireClaimsAsync(time.GetUtcNow(), cancellationToken);

    private static void EnsureMayClaim(ReviewCase c, Reviewer reviewer)
    {
        if (!RoleNames.CanReview(reviewer.Roles))
        {
            throw new CaseAccessException("your roles do not include reviewing");
        }
        if (c.Escalated && !reviewer.Roles.HasFlag(ConsoleRoles.Admin))
        {
            throw new CaseAccessException($"case {c.Id} was escalated; only an admin may take it");
        }
    }

    private async Task EnsureUnderCapAsync(Reviewer reviewer, CancellationToken cancellationToken)
    {
        var (count, cap) = await ExposureTodayAsync(reviewer, cancellationToken).ConfigureAwait(false);
        if (cap is { } limit && count >= limit)
        {
            throw new ExposureCapReachedException($"you have reviewed {count} image cases today, your daily limit; text cases remain available");
        }
    }

    private async Task CheckFeedbackAsync(ReviewCase c, CaseDecision decision, string bank, CancellationToken cancellationToken)
    {
        if (feedback is null)
        {
            throw new CaseDecisionException("bank feedback is not available on this server");
        }
        if (c.Evidence.Hashes.Count == 0)
        {
            throw new CaseDecisionException($"case {c.Id} has no hashes to add to a bank");
        }
        var polarity = decision switch
        {
            CaseDecision.Confirm => BankPolarity.Positive,
            CaseDecision.Clear => BankPolarity.AllowList,
            _ => throw new CaseDecisionException("an escalation cannot add hashes to a bank; the senior reviewer decides"),
        };
        var problem = await feedback.CheckTargetAsync(bank, polarity, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            throw new CaseDecisionException(problem);
        }
    }

    private static string AuditPayload(ReviewCase c, CaseDecision decision, string reason, string? bank, int added, string eventId)
    {
        // No content or user references: the audit log is read by auditors who need the decision, not the person.
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("caseId", c.Id);
            w.WriteString("kind", CaseText.Name(c.Kind));
            w.WriteString("decision", CaseText.Name(decision));
            w.WriteString("reason", reason);
            w.WriteString("feedbackBank", bank);
            w.WriteNumber("hashesAdded", added);
            w.WriteString("webhookEventId", eventId);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
