// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Cases;

/// <summary>Where a case is in review. Stored by name (lower case with dashes, see <see cref="CaseText"/>).</summary>
public enum CaseStatus
{
    /// <summary>Waiting in the queue for a reviewer.</summary>
    Open,

    /// <summary>Claimed by a reviewer who has not decided yet.</summary>
    InReview,

    /// <summary>A reviewer confirmed the signal: the content is what the match said.</summary>
    Confirmed,

    /// <summary>A reviewer cleared the signal as a false positive.</summary>
    Cleared,

    /// <summary>A reviewer passed the case to senior review (an admin decides it).</summary>
    Escalated,
}

/// <summary>What kind of evidence a case carries; decides who may see it.</summary>
public enum CaseKind
{
    /// <summary>An image (or a frame of a video) matched a hash bank.</summary>
    Image,

    /// <summary>A text rule (URL or keyword list) matched a post, message, profile or search.</summary>
    Text,

    /// <summary>A grooming or child-safety rule fired. Only child-safety reviewers see these.</summary>
    Grooming,
}

/// <summary>How soon a case should be looked at. Higher first.</summary>
public enum CasePriority
{
    Low = 0,
    Normal = 1,
    High = 2,
    Urgent = 3,
}

/// <summary>A reviewer's verdict on a case.</summary>
public enum CaseDecision
{
    /// <summary>The signal is right.</summary>
    Confirm,

    /// <summary>The signal is a false positive.</summary>
    Clear,

    /// <summary>Needs a senior reviewer.</summary>
    Escalate,
}

/// <summary>One bank entry that matched the content, as the check recorded it.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="EntryId">The bank entry's id.</param>
/// <param name="Kind">The hash kind that matched (pdq, md5, sha1, sha256).</param>
/// <param name="Distance">Hamming distance for PDQ; 0 for exact digests.</param>
/// <param name="Labels">The entry's labels.</param>
public sealed record CaseMatch(string Bank, long EntryId, string Kind, int Distance, IReadOnlyList<string> Labels);

/// <summary>One text rule hit, with the words around it so a reviewer can judge it without the whole message.</summary>
/// <param name="Rule">The rule or list that fired.</param>
/// <param name="Term">The listed term or URL that matched.</param>
/// <param name="Context">A short window of the text around the hit.</param>
public sealed record TextHit(string Rule, string Term, string Context);

/// <summary>Everything a reviewer needs to decide, captured when the case opens.</summary>
/// <param name="ThumbnailRef">Key of the blurred-on-display thumbnail in the evidence store; null for text cases.</param>
/// <param name="Hashes">The content's hashes by kind (pdq, md5, sha1, sha256), lower-case hex.</param>
/// <param name="Matches">Bank matches with distances.</param>
/// <param name="TextHits">Text rule hits with context.</param>
/// <param name="ContentRef">The platform's reference to the content (opaque to Safeguard).</param>
/// <param name="UserRef">The platform's reference to the user who posted it (opaque; used to group cases).</param>
public sealed record CaseEvidence(
    string? ThumbnailRef,
    IReadOnlyDictionary<string, string> Hashes,
    IReadOnlyList<CaseMatch> Matches,
    IReadOnlyList<TextHit> TextHits,
    string? ContentRef,
    string? UserRef)
{
    /// <summary>Evidence with nothing in it (tests and text-only intake start from here).</summary>
    public static CaseEvidence Empty { get; } = new(null, new Dictionary<string, string>(), [], [], null, null);
}

/// <summary>What intake supplies to open a case.</summary>
/// <param name="Kind">Image, text or grooming.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="Reason">Why it was routed to review (bank action, rule name), shown to the reviewer.</param>
/// <param name="Evidence">The evidence.</param>
/// <param name="CheckId">The recorded check this case came from, when there is one.</param>
public sealed record NewCase(CaseKind Kind, CasePriority Priority, string Reason, CaseEvidence Evidence, long? CheckId = null);

/// <summary>A review case as stored.</summary>
/// <param name="Id">Case id.</param>
/// <param name="Kind">Image, text or grooming.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="Status">Current status.</param>
/// <param name="Escalated">True once escalated; an expired or released claim returns the case to the escalated queue.</param>
/// <param name="Assignee">The reviewer holding the claim, or null.</param>
/// <param name="ClaimExpiresAt">When the current claim lapses, or null.</param>
/// <param name="Reason">Why it was routed to review.</param>
/// <param name="Evidence">The evidence.</param>
/// <param name="GroupKey">Cases with the same key are about the same user (derived from <see cref="CaseEvidence.UserRef"/>).</param>
/// <param name="CheckId">The recorded check this came from.</param>
/// <param name="CreatedAt">When the case opened.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Decision">The final decision, once decided.</param>
/// <param name="DecidedBy">Who decided.</param>
/// <param name="DecisionReason">The reviewer's reason.</param>
public sealed record ReviewCase(
    long Id,
    CaseKind Kind,
    CasePriority Priority,
    CaseStatus Status,
    bool Escalated,
    string? Assignee,
    DateTimeOffset? ClaimExpiresAt,
    string Reason,
    CaseEvidence Evidence,
    string? GroupKey,
    long? CheckId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    CaseDecision? Decision,
    string? DecidedBy,
    string? DecisionReason)
{
    /// <summary>True when <paramref name="reviewer"/> holds a claim that has not lapsed at <paramref name="now"/>.</summary>
    public bool IsHeldBy(string reviewer, DateTimeOffset now) =>
        Status == CaseStatus.InReview && string.Equals(Assignee, reviewer, StringComparison.Ordinal) && ClaimExpiresAt > now;

    /// <summary>True when someone other than <paramref name="reviewer"/> holds a live claim.</summary>
    public bool IsHeldByOther(string reviewer, DateTimeOffset now) =>
        Status == CaseStatus.InReview && Assignee is not null && !string.Equals(Assignee, reviewer, StringComparison.Ordinal) && ClaimExpiresAt > now;

    /// <summary>True once confirmed or cleared: nothing more happens to the case.</summary>
    public bool IsClosed => Status is CaseStatus.Confirmed or CaseStatus.Cleared;
}

/// <summary>One line of a case's history.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Time">When.</param>
/// <param name="Actor">Who (a console user name, or <c>system</c>).</param>
/// <param name="Action">What happened (see <see cref="CaseAction"/>).</param>
/// <param name="From">Status before.</param>
/// <param name="To">Status after.</param>
/// <param name="Note">The reviewer's reason or a system note.</param>
public sealed record CaseHistoryEntry(long CaseId, DateTimeOffset Time, string Actor, CaseAction Action, CaseStatus From, CaseStatus To, string? Note);

/// <summary>Stable text forms of the case enums, used in storage, URLs and webhooks.</summary>
public static class CaseText
{
    public static string Name(CaseStatus status) => status switch
    {
        CaseStatus.Open => "open",
        CaseStatus.InReview => "in-review",
        CaseStatus.Confirmed => "confirmed",
        CaseStatus.Cleared => "cleared",
        CaseStatus.Escalated => "escalated",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Name(CaseKind kind) => kind switch
    {
        CaseKind.Image => "image",
        CaseKind.Text => "text",
        CaseKind.Grooming => "grooming",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(CaseDecision decision) => decision switch
    {
        CaseDecision.Confirm => "confirm",
        CaseDecision.Clear => "clear",
        CaseDecision.Escalate => "escalate",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    public static string Name(CaseAction action) => action switch
    {
        CaseAction.Open => "open",
        CaseAction.Claim => "claim",
        CaseAction.Release => "release",
        CaseAction.Expire => "expire",
        CaseAction.Confirm => "confirm",
        CaseAction.Clear => "clear",
        CaseAction.Escalate => "escalate",
        CaseAction.Reveal => "reveal",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static bool TryParseStatus(string? text, out CaseStatus status) => TryParse(text, Enum.GetValues<CaseStatus>(), Name, out status);

    public static bool TryParseKind(string? text, out CaseKind kind) => TryParse(text, Enum.GetValues<CaseKind>(), Name, out kind);

    public static bool TryParseDecision(string? text, out CaseDecision decision) => TryParse(text, Enum.GetValues<CaseDecision>(), Name, out decision);

    public static bool TryParseAction(string? text, out CaseAction action) => TryParse(text, Enum.GetValues<CaseAction>(), Name, out action);

    private static bool TryParse<T>(string? text, T[] values, Func<T, string> name, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in values)
        {
            if (string.Equals(name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
