// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Reporting;

/// <summary>
/// The reviewer's urgency decision. P1 (imminent risk to life or of serious harm) is submitted at
/// once and fills NCMEC's <c>escalateToHighPriority</c>; P2 and P3 do not escalate at NCMEC.
/// </summary>
public enum ReportPriority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
}

/// <summary>NCMEC's incident types; <see cref="IncidentTypes.ToNcmec"/> gives the exact schema strings.</summary>
public enum IncidentType
{
    ChildPornography,
    ChildSexTrafficking,
    ChildSexTourism,
    ChildSexualMolestation,
    MisleadingDomainName,
    MisleadingWordsOrDigitalImages,
    OnlineEnticementOfChildren,
    UnsolicitedObsceneMaterialSentToChild,
}

/// <summary>Maps <see cref="IncidentType"/> to the XSD enumeration (case- and punctuation-exact).</summary>
public static class IncidentTypes
{
    public static string ToNcmec(IncidentType type) => type switch
    {
        IncidentType.ChildPornography => "Child Pornography (possession, manufacture, and distribution)",
        IncidentType.ChildSexTrafficking => "Child Sex Trafficking",
        IncidentType.ChildSexTourism => "Child Sex Tourism",
        IncidentType.ChildSexualMolestation => "Child Sexual Molestation",
        IncidentType.MisleadingDomainName => "Misleading Domain Name",
        IncidentType.MisleadingWordsOrDigitalImages => "Misleading Words or Digital Images on the Internet",
        IncidentType.OnlineEnticementOfChildren => "Online Enticement of Children for Sexual Acts",
        IncidentType.UnsolicitedObsceneMaterialSentToChild => "Unsolicited Obscene Material Sent to a Child",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>NCMEC's event names for IP and device captures.</summary>
public enum CaptureEvent
{
    Login,
    Registration,
    Purchase,
    Upload,
    Other,
    Unknown,
}

/// <summary>An IP address seen for an action, with when and (where known) the source port.</summary>
public sealed record IpCapture(string IpAddress, DateTimeOffset? At, CaptureEvent Event = CaptureEvent.Unknown, int? Port = null, bool? PossibleProxy = null);

/// <summary>A device identifier (IMEI, ICCID, advertising id, …) seen for the user or file.</summary>
public sealed record DeviceCapture(string IdType, string IdValue, CaptureEvent? Event = null, DateTimeOffset? At = null);

/// <summary>A hash of a file as the user uploaded it (before any re-encoding), e.g. MD5, SHA1, PDQ.</summary>
public sealed record FileHash(string Algorithm, string Value);

/// <summary>An email address of a person; <see cref="Verified"/> when the platform verified it.</summary>
public sealed record EmailAddress(string Address, bool? Verified = null, string? Type = null);

/// <summary>A phone number; <see cref="CountryCallingCode"/> like "+44" is not repeated in <see cref="Number"/>.</summary>
public sealed record PhoneNumber(string Number, string? CountryCallingCode = null, bool? Verified = null, string? Type = null);

/// <summary>NCMEC's per-file annotations (schema flags of <c>fileAnnotations</c>).</summary>
public enum FileAnnotation
{
    AnimeDrawingVirtualHentai,
    PotentialMeme,
    Viral,
    PossibleSelfProduction,
    PhysicalHarm,
    ViolenceGore,
    Bestiality,
    LiveStreaming,
    Infant,
    GenerativeAi,
}

/// <summary>NCMEC's report-level annotations (<c>reportAnnotations</c>).</summary>
public enum ReportAnnotation
{
    Sextortion,
    CsamSolicitation,
    MinorToMinorInteraction,
    Spam,
    SadisticOnlineExploitation,
}

/// <summary>The industry classification scale (A1, A2, B1, B2).</summary>
public enum IndustryClassification
{
    A1,
    A2,
    B1,
    B2,
}

/// <summary>How the item came to Safeguard's attention (Schedule 1 asks how content was detected).</summary>
public enum DetectionMethod
{
    HashMatch,
    UrlList,
    Classifier,
    TextSignals,
    UserReport,
    Staff,
}

/// <summary>The detection behind a confirmed item: method, list or model name, and a short note.</summary>
public sealed record DetectionInfo(DetectionMethod Method, string? Source = null, string? Note = null);

/// <summary>
/// One item a reviewer confirmed as reportable, belonging to one reported user. The file bytes live
/// in the evidence vault (<see cref="VaultObjectId"/>), stored as the user uploaded them.
/// </summary>
public sealed record ConfirmedItem
{
    /// <summary>The platform's id of the content (post, message, attachment).</summary>
    public required string ContentRef { get; init; }

    /// <summary>The platform's id of the user who uploaded or sent it.</summary>
    public required string ReportedUserId { get; init; }

    /// <summary>The vault object holding the original bytes.</summary>
    public required string VaultObjectId { get; init; }

    public string? OriginalFileName { get; init; }

    /// <summary>Where the file was on the service (URL), if it had one.</summary>
    public string? LocationUrl { get; init; }

    /// <summary>Hashes of the bytes as uploaded (MD5 and SHA1 at least; PDQ where computed).</summary>
    public IReadOnlyList<FileHash> OriginalHashes { get; init; } = [];

    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>The upload's IP and port (NCMEC allows one per file).</summary>
    public IpCapture? UploadIp { get; init; }

    /// <summary>Whether staff viewed the whole file (null: not recorded).</summary>
    public bool? ViewedByStaff { get; init; }

    /// <summary>Whether staff viewed its EXIF data; true requires <see cref="ViewedByStaff"/> true.</summary>
    public bool? ExifViewedByStaff { get; init; }

    public bool? PubliclyAvailable { get; init; }

    public IReadOnlyList<FileAnnotation> Annotations { get; init; } = [];

    public IndustryClassification? Classification { get; init; }

    /// <summary>EXIF name/value pairs the platform extracted, if any.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Exif { get; init; } = [];

    public IReadOnlyList<DeviceCapture> Devices { get; init; } = [];

    public required DetectionInfo Detection { get; init; }

    public required DateTimeOffset ConfirmedAt { get; init; }

    /// <summary>The reviewer's id (staff account, not a platform user).</summary>
    public required string ConfirmedBy { get; init; }
}

/// <summary>One message of a conversation attached to a text-only report.</summary>
public sealed record ConversationMessage(DateTimeOffset At, string FromAccount, string ToAccount, string Text);

/// <summary>
/// A confirmed conversation for a text-only case (online enticement). It goes into
/// <c>chatImIncident/content</c> and is uploaded as a transcript file marked "Supplemental Reported".
/// </summary>
public sealed record ConfirmedConversation
{
    public required string ThreadRef { get; init; }

    public string? ChatClient { get; init; }

    public string? ChatRoomName { get; init; }

    public required IReadOnlyList<ConversationMessage> Messages { get; init; }

    public required DetectionInfo Detection { get; init; }
}

/// <summary>An account linked to the reported user (Schedule 1 "connections with other accounts").</summary>
public sealed record LinkedAccount(string Platform, string? EspIdentifier, string? ScreenName, string Relationship = "Linked");

/// <summary>The reported user's details, supplied by the platform (check API or user-information webhook).</summary>
public sealed record ReportedUser
{
    public required string EspIdentifier { get; init; }

    public string? ScreenName { get; init; }

    public IReadOnlyList<string> DisplayNames { get; init; } = [];

    public IReadOnlyList<string> ProfileUrls { get; init; } = [];

    public IReadOnlyList<EmailAddress> Emails { get; init; } = [];

    public IReadOnlyList<PhoneNumber> Phones { get; init; } = [];

    public IReadOnlyList<IpCapture> IpCaptures { get; init; } = [];

    public IReadOnlyList<DeviceCapture> Devices { get; init; } = [];

    public IReadOnlyList<LinkedAccount> LinkedAccounts { get; init; } = [];

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public DateOnly? DateOfBirth { get; init; }

    /// <summary>Earlier CyberTipline report ids about this user (same environment only).</summary>
    public IReadOnlyList<long> PriorCyberTiplineReports { get; init; } = [];

    /// <summary>Earlier NCA reference numbers about this user.</summary>
    public IReadOnlyList<string> PriorNcaReferences { get; init; } = [];

    /// <summary>ISO 3166-1 alpha-2 estimate of the user's country, if known.</summary>
    public string? EstimatedCountryCode { get; init; }

    /// <summary>Identity documents the platform holds for the user (descriptions only).</summary>
    public IReadOnlyList<string> IdentityDocuments { get; init; } = [];
}

/// <summary>A person's name and contact details (reporter, contact for law enforcement).</summary>
public sealed record ContactDetails(string? FirstName, string? LastName, string Email, string? Phone = null);

/// <summary>The operator's reporter settings, the same on every report.</summary>
public sealed record ReporterSettings
{
    /// <summary>The application's full name as NCMEC shows it (incidentSummary/platform).</summary>
    public required string Platform { get; init; }

    /// <summary>The product within the platform (espService).</summary>
    public string? Service { get; init; }

    /// <summary>The person submitting; NCMEC requires an email.</summary>
    public required ContactDetails ReportingPerson { get; init; }

    public ContactDetails? ContactPerson { get; init; }

    /// <summary>Company boilerplate: how to serve legal process, retention period, 24-hour number.</summary>
    public string? CompanyTemplate { get; init; }

    public string? TermsOfService { get; init; }

    public string? LegalUrl { get; init; }
}

/// <summary>Evidence of a UK link under s.70(6) of the Online Safety Act, as captured by the reviewer.</summary>
public sealed record UkLinkEvidence(bool ContentPublishedInUk = false, bool SuspectUkNational = false, bool SuspectInUk = false, bool VictimInUk = false)
{
    public bool Any => ContentPublishedInUk || SuspectUkNational || SuspectInUk || VictimInUk;
}

/// <summary>Everything the lead's case code hands over to draft the reports of one confirmed case.</summary>
public sealed record ReportRequest
{
    /// <summary>The review case this report comes from.</summary>
    public required string CaseId { get; init; }

    public required IncidentType IncidentType { get; init; }

    /// <summary>When the incident happened (defaults to the earliest upload or message time).</summary>
    public DateTimeOffset? IncidentTime { get; init; }

    public string? IncidentTimeDescription { get; init; }

    public required ReportPriority Priority { get; init; }

    /// <summary>The reviewer's reason for urgency; required for P1, ignored otherwise.</summary>
    public string? EscalationReason { get; init; }

    public IReadOnlyList<ReportAnnotation> ReportAnnotations { get; init; } = [];

    /// <summary>Confirmed items; they may belong to several users (one report is drafted per user).</summary>
    public IReadOnlyList<ConfirmedItem> Items { get; init; } = [];

    /// <summary>Confirmed conversations by reported user id (text-only cases).</summary>
    public IReadOnlyDictionary<string, ConfirmedConversation> Conversations { get; init; } = new Dictionary<string, ConfirmedConversation>();

    /// <summary>Reported users by their platform id; every item's and conversation's user must be here.</summary>
    public required IReadOnlyDictionary<string, ReportedUser> Users { get; init; }

    public UkLinkEvidence UkLink { get; init; } = new();

    public string? AdditionalInfo { get; init; }

    /// <summary>The reviewer who made the decision (staff id).</summary>
    public required string DecidedBy { get; init; }
}
