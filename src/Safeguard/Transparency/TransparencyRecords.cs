// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Transparency;

/// <summary>What found an item. Written into records as the kebab-case names in <see cref="RecordNames"/>.</summary>
public enum DetectionType
{
    /// <summary>A perceptual or exact hash matched a bank entry; the record names the bank and the category.</summary>
    HashMatch,

    /// <summary>A URL matched a URL list.</summary>
    Url,

    /// <summary>Text matched a keyword list.</summary>
    Keyword,

    /// <summary>The grooming-risk signals flagged an account or conversation.</summary>
    Grooming,

    /// <summary>A classifier flagged novel content.</summary>
    Classifier,

    /// <summary>A person flagged it with no automated detector involved (a user report or staff).</summary>
    Manual,
}

/// <summary>Who started the detection.</summary>
public enum DetectionSource
{
    /// <summary>Safeguard's own scanning (hash, URL, keyword, classifier, grooming).</summary>
    Proactive,

    /// <summary>A user or non-user reported it.</summary>
    UserReport,

    /// <summary>The platform's staff found it.</summary>
    Staff,

    /// <summary>A notice from an authority or NGO.</summary>
    ExternalNotice,
}

/// <summary>A reviewer's decision on a detection.</summary>
public enum DecisionOutcome
{
    /// <summary>The reviewer confirmed the detection (a true positive).</summary>
    Confirm,

    /// <summary>The reviewer cleared it (a false positive).</summary>
    Clear,

    /// <summary>Sent to a more senior reviewer; not an outcome, so excluded from precision.</summary>
    Escalate,
}

/// <summary>What was done to an item or account.</summary>
public enum ActionKind
{
    Removed,
    Restricted,
    BlockedAtUpload,
    AccountSuspended,
    AccountBanned,
    Reinstated,
}

/// <summary>Where an authority report went.</summary>
public enum ReportRecipient
{
    /// <summary>NCMEC CyberTipline.</summary>
    Ncmec,

    /// <summary>The UK National Crime Agency.</summary>
    Nca,
}

/// <summary>Report priority, P1 most urgent.</summary>
public enum ReportPriority
{
    P1,
    P2,
    P3,
}

/// <summary>
/// The stage of an appeal. <see cref="Upheld"/> means the original decision stands (the specification's
/// "rejected"); <see cref="Reversed"/> means it was overturned (the specification's "upheld").
/// </summary>
public enum AppealStage
{
    Lodged,
    Upheld,
    Reversed,
}

/// <summary>
/// One transparency record: an event in the append-only log from which every figure is computed.
/// <see cref="OccurredAt"/> is the platform's time of the event; the chain entry's own time is when it was recorded.
/// </summary>
public abstract record TransparencyRecord(string EventId, DateTimeOffset OccurredAt)
{
    /// <summary>The chain entry kind this record is stored under.</summary>
    public abstract string Kind { get; }
}

/// <summary>Something was detected on an item (or an account, for grooming).</summary>
public sealed record DetectionRecord(string EventId, DateTimeOffset OccurredAt, string ItemId, DetectionType Type, DetectionSource Source)
    : TransparencyRecord(EventId, OccurredAt)
{
    public override string Kind => RecordKinds.Detection;

    public string? AccountId { get; init; }

    /// <summary>Hash bank name; required for <see cref="DetectionType.HashMatch"/>.</summary>
    public string? Bank { get; init; }

    /// <summary>Harm category (csam, ncii, npi, grooming, other, or a bank's own category); required for hash matches.</summary>
    public string? Category { get; init; }

    /// <summary>URL or keyword list name, with its version if the operator tracks one.</summary>
    public string? List { get; init; }

    /// <summary>The detector that fired (absent for manual detections).</summary>
    public string? Detector { get; init; }

    public string? DetectorVersion { get; init; }

    /// <summary>Where on the service (public-post, direct-message, upload, …).</summary>
    public string? Surface { get; init; }
}

/// <summary>A reviewer decided on a detection.</summary>
public sealed record DecisionRecord(string EventId, DateTimeOffset OccurredAt, string ItemId, string DetectionId, DecisionOutcome Outcome)
    : TransparencyRecord(EventId, OccurredAt)
{
    public override string Kind => RecordKinds.Decision;

    /// <summary>The detector whose detection was reviewed; must match the detection record when it is present.</summary>
    public string? Detector { get; init; }

    public string? DetectorVersion { get; init; }

    /// <summary>Pseudonymous reviewer id.</summary>
    public string? Reviewer { get; init; }
}

/// <summary>Something was done to an item or an account.</summary>
public sealed record ActionRecord(string EventId, DateTimeOffset OccurredAt, ActionKind Action, bool Automated)
    : TransparencyRecord(EventId, OccurredAt)
{
    public override string Kind => RecordKinds.Action;

    /// <summary>Required for item actions (removed, restricted, blocked-at-upload).</summary>
    public string? ItemId { get; init; }

    /// <summary>Required for account actions (suspended, banned).</summary>
    public string? AccountId { get; init; }

    /// <summary>The detection or decision that triggered it.</summary>
    public string? TriggerId { get; init; }
}

/// <summary>A report was submitted to an authority.</summary>
public sealed record AuthorityReportRecord(string EventId, DateTimeOffset OccurredAt, string ItemId, ReportRecipient Recipient, ReportPriority Priority)
    : TransparencyRecord(EventId, OccurredAt)
{
    public override string Kind => RecordKinds.Report;
}

/// <summary>An appeal against an action was lodged or decided.</summary>
public sealed record AppealRecord(string EventId, DateTimeOffset OccurredAt, string AppealId, AppealStage Stage)
    : TransparencyRecord(EventId, OccurredAt)
{
    public override string Kind => RecordKinds.Appeal;

    public string? ItemId { get; init; }

    /// <summary>The action appealed against.</summary>
    public string? ActionId { get; init; }

    /// <summary>True when the appeal is about content that proactive technology took down (ICU D11).</summary>
    public bool AboutProactiveTech { get; init; }

    public string? Detector { get; init; }
}

/// <summary>Chain entry kinds of transparency records; other kinds in the same chain are ignored by the figures.</summary>
public static class RecordKinds
{
    public const string Detection = "transparency.detection";
    public const string Decision = "transparency.decision";
    public const string Action = "transparency.action";
    public const string Report = "transparency.report";
    public const string Appeal = "transparency.appeal";

    /// <summary>True for a kind this version reads.</summary>
    public static bool IsTransparency(string kind) =>
        kind is Detection or Decision or Action or Report or Appeal;
}
