// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>One file of an NCA package: where it is in the vault and what is known about its upload.</summary>
public sealed record NcaContentEntry(
    string VaultObjectId,
    string Sha256,
    string Relevance,
    string? OriginalFileName,
    string? HowDetected,
    DateTimeOffset? UploadedAt,
    string? UploadIp,
    int? UploadPort,
    string? Url,
    IReadOnlyList<FileHash> OriginalHashes,
    IReadOnlyList<KeyValuePair<string, string>> Exif);

/// <summary>
/// A report for the UK NCA with the Schedule 1 groups of SI 2026/268 "where available"
/// (specs/nca-reporting.md §2.4; format tag <see cref="Format"/>). The NCA's API is not public, so
/// this is what the manual portal export and any future API client start from.
/// </summary>
public sealed record NcaReportPackage
{
    public const string Format = "safeguard.nca.package/1";

    public string FormatTag { get; init; } = Format;

    public required string ReportKey { get; init; }

    public required string CaseId { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required ReportPriority Priority { get; init; }

    public required string PriorityMeaning { get; init; }

    public string? UrgencyReason { get; init; }

    public required string IncidentType { get; init; }

    public required DateTimeOffset IncidentTime { get; init; }

    /// <summary>Schedule 1: the authorised person submitting.</summary>
    public required ContactDetails ReportingPerson { get; init; }

    /// <summary>Schedule 1: the service and its history with authorities.</summary>
    public required string Platform { get; init; }

    public string? Service { get; init; }

    public IReadOnlyList<long> PriorNcmecReports { get; init; } = [];

    public IReadOnlyList<string> PriorNcaReferences { get; init; } = [];

    /// <summary>The NCMEC report of the same case, if one was finished (for the NCA's cross-reference).</summary>
    public long? NcmecReportId { get; init; }

    /// <summary>Schedule 1: the content and upload data.</summary>
    public required IReadOnlyList<NcaContentEntry> Content { get; init; }

    public string? ConversationTranscriptObject { get; init; }

    /// <summary>Schedule 1: the reported account.</summary>
    public required ReportedUser ReportedAccount { get; init; }

    /// <summary>Schedule 1: identity documents the provider holds ("none held" when empty).</summary>
    public IReadOnlyList<string> IdentityDocuments { get; init; } = [];

    public required UkLinkEvidence UkLink { get; init; }

    public required IReadOnlyList<string> RoutingReasons { get; init; }

    /// <summary>Schedule 1: the declaration; null until a reviewer signs it in the console.</summary>
    public NcaDeclaration? Declaration { get; init; }
}

/// <summary>The declaration that all reasonably available information is included and accurate.</summary>
public sealed record NcaDeclaration(string Statement, string SignedBy, DateTimeOffset SignedAt)
{
    public const string StandardStatement = "I declare that this report includes all information reasonably available to the provider and that it is accurate to the best of my knowledge.";
}

/// <summary>Builds and renders NCA packages (JSON for machines, HTML for a person using the portal).</summary>
public static class NcaPackages
{
    /// <summary>The priority descriptions used in packages (secondary summaries of SI 2026/268; verify).</summary>
    public static string PriorityMeaning(ReportPriority p) => p switch
    {
        ReportPriority.P1 => "P1: imminent risk to life or of serious harm; submit immediately",
        ReportPriority.P2 => "P2: urgent; submit as soon as reasonably practicable",
        _ => "P3: submit without undue delay",
    };

    public static NcaReportPackage Build(ReportDraft draft, IEvidenceVault vault, DateTimeOffset now, long? ncmecReportId, NcaDeclaration? declaration)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(vault);
        var content = draft.Files.Where(f => f.Item is not null).Select(f =>
        {
            var item = f.Item!;
            return new NcaContentEntry(f.VaultObjectId, vault.GetInfo(f.VaultObjectId).Sha256, "reported", item.OriginalFileName,
                item.Detection.Method + (item.Detection.Source is null ? "" : " (" + item.Detection.Source + ")"),
                item.UploadedAt, item.UploadIp?.IpAddress, item.UploadIp?.Port, item.LocationUrl, item.OriginalHashes, item.Exif);
        }).ToList();
        // Schedule 1 asks for login IPs of up to three months before the report.
        var user = draft.User with { IpCaptures = [.. draft.User.IpCaptures.Where(ip => ip.At is null || ip.At >= now.AddMonths(-3))] };
        return new NcaReportPackage
        {
            ReportKey = draft.ReportKey,
            CaseId = draft.CaseId,
            GeneratedAt = now,
            Priority = draft.Priority,
            PriorityMeaning = PriorityMeaning(draft.Priority),
            UrgencyReason = draft.EscalationReason,
            IncidentType = IncidentTypes.ToNcmec(draft.IncidentType),
            IncidentTime = draft.IncidentTime,
            ReportingPerson = draft.Reporter.ReportingPerson,
            Platform = draft.Reporter.Platform,
            Service = draft.Reporter.Service,
            PriorNcmecReports = draft.User.PriorCyberTiplineReports,
            PriorNcaReferences = draft.User.PriorNcaReferences,
            NcmecReportId = ncmecReportId,
            Content = content,
            ConversationTranscriptObject = draft.Files.FirstOrDefault(f => f.TranscriptName is not null)?.VaultObjectId,
            ReportedAccount = user,
            IdentityDocuments = draft.User.IdentityDocuments,
            UkLink = draft.UkLink,
            RoutingReasons = draft.Routing.Reasons,
            Declaration = declaration,
        };
    }

    public static byte[] ToJson(NcaReportPackage package) => JsonSerializer.SerializeToUtf8Bytes(package, EvidenceJson.Indented);

    /// <summary>A self-contained page; every value is HTML-encoded (user data is hostile input).</summary>
    public static string ToHtml(NcaReportPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>NCA CSEA report ")
         .Append(E(package.ReportKey)).Append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}th{text-align:left;vertical-align:top;padding-right:1em}td,th{border-bottom:1px solid #ddd;padding:.3em}.p1{color:#a00;font-weight:bold}</style></head><body>\n");
        h.Append("<h1>CSEA report for the National Crime Agency</h1>\n");
        h.Append("<p class=\"").Append(package.Priority == ReportPriority.P1 ? "p1" : "p").Append("\">").Append(E(package.PriorityMeaning)).Append("</p>\n");
        Section(h, "Report", [
            ("Safeguard report", package.ReportKey), ("Case", package.CaseId), ("Generated", T(package.GeneratedAt)),
            ("Incident type", package.IncidentType), ("Incident time", T(package.IncidentTime)), ("Urgency reason", package.UrgencyReason),
            ("NCMEC report id", package.NcmecReportId?.ToString(CultureInfo.InvariantCulture)),
        ]);
        var rp = package.ReportingPerson;
        Section(h, "1. Reporting person", [("Name", $"{rp.FirstName} {rp.LastName}".Trim()), ("Email", rp.Email), ("Phone", rp.Phone)]);
        Section(h, "2. Service and history", [
            ("Platform", package.Platform), ("Service", package.Service),
            ("Earlier NCMEC reports", Join(package.PriorNcmecReports.Select(r => r.ToString(CultureInfo.InvariantCulture)))),
            ("Earlier NCA references", Join(package.PriorNcaReferences)),
        ]);
        h.Append("<h2>3. Content and upload data</h2>\n");
        int n = 0;
        foreach (var c in package.Content)
        {
            n++;
            Section(h, $"File {n}", [
                ("Evidence object", c.VaultObjectId), ("SHA-256 (as stored)", c.Sha256), ("Original file name", c.OriginalFileName),
                ("How detected", c.HowDetected), ("Uploaded", c.UploadedAt is { } u ? T(u) : null),
                ("Upload IP and port", c.UploadIp is null ? null : c.UploadIp + (c.UploadPort is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "")),
                ("URL", c.Url), ("Original hashes", Join(c.OriginalHashes.Select(x => x.Algorithm + " " + x.Value))),
                ("EXIF", Join(c.Exif.Select(kv => kv.Key + "=" + kv.Value))),
            ], level: 3);
        }
        if (package.ConversationTranscriptObject is { } t)
        {
            h.Append("<p>Conversation transcript: evidence object ").Append(E(t)).Append("</p>\n");
        }
        var a = package.ReportedAccount;
        Section(h, "4. Reported account", [
            ("User id", a.EspIdentifier), ("Username", a.ScreenName), ("Display names", Join(a.DisplayNames)), ("Profile URLs", Join(a.ProfileUrls)),
            ("Emails", Join(a.Emails.Select(e => e.Address + (e.Verified == true ? " (verified)" : "")))),
            ("Phones", Join(a.Phones.Select(p => (p.CountryCallingCode ?? "") + p.Number + (p.Verified == true ? " (verified)" : "")))),
            ("Login IPs (3 months)", Join(a.IpCaptures.Select(ip => ip.IpAddress + (ip.At is { } at ? " at " + T(at) : "") + (ip.Port is { } port ? " port " + port.ToString(CultureInfo.InvariantCulture) : "")))),
            ("Devices", Join(a.Devices.Select(d => d.IdType + " " + d.IdValue))),
            ("Connections with other accounts", Join(a.LinkedAccounts.Select(l => l.Platform + " " + (l.ScreenName ?? l.EspIdentifier) + " (" + l.Relationship + ")"))),
            ("Estimated country", a.EstimatedCountryCode),
        ]);
        Section(h, "5. Identity documents held", [("Documents", package.IdentityDocuments.Count == 0 ? "none held" : Join(package.IdentityDocuments))]);
        var uk = package.UkLink;
        Section(h, "UK link (OSA s.70(6)) and routing", [
            ("Content published/uploaded in UK", uk.ContentPublishedInUk ? "yes" : "no"), ("Suspect UK national", uk.SuspectUkNational ? "yes" : "no"),
            ("Suspect in UK", uk.SuspectInUk ? "yes" : "no"), ("Victim in UK", uk.VictimInUk ? "yes" : "no"), ("Routing", Join(package.RoutingReasons)),
        ]);
        var d = package.Declaration;
        Section(h, "6. Declaration", d is null
            ? [("Status", "NOT SIGNED: a reviewer must sign the declaration before this report is submitted")]
            : [("Statement", d.Statement), ("Signed by", d.SignedBy), ("Signed at", T(d.SignedAt))]);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void Section(StringBuilder h, string title, IEnumerable<(string Label, string? Value)> rows, int level = 2)
    {
        h.Append("<h").Append(level).Append('>').Append(E(title)).Append("</h").Append(level).Append(">\n<table>\n");
        foreach (var (label, value) in rows)
        {
            h.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(string.IsNullOrEmpty(value) ? "<em>not available</em>" : E(value)).Append("</td></tr>\n");
        }
        h.Append("</table>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string T(DateTimeOffset t) => CyberTiplineXml.Time(t);

    private static string? Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? null : string.Join("; ", list);
    }
}

/// <summary>
/// The result of handing a package to the NCA: whether it was delivered, the NCA's reference when
/// the channel returns one at once, and what happened (for the journal and the console).
/// </summary>
public sealed record NcaSendResult(bool Delivered, string? Reference, string Detail);

/// <summary>
/// The boundary for reporting to the NCA. Today: <see cref="FileDropNcaSender"/> for the portal.
/// An API client is written once the NCA's specification is available; nothing here guesses it.
/// </summary>
public interface INcaSender
{
    Task<NcaSendResult> SendAsync(NcaReportPackage package, CancellationToken cancellationToken);
}

/// <summary>
/// Writes <c>package.json</c> and <c>package.html</c> into a folder per report for an authorised
/// person to submit through the NCA portal; the reference the portal returns is then recorded with
/// <see cref="ReportingEngine.RecordNcaReference"/>. Evidence files stay in the vault.
/// </summary>
public sealed class FileDropNcaSender(string directory) : INcaSender
{
    public Task<NcaSendResult> SendAsync(NcaReportPackage package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.Declaration is null)
        {
            throw new InvalidOperationException("the NCA package has no signed declaration");
        }
        string folder = Path.Combine(Path.GetFullPath(directory), package.ReportKey);
        Directory.CreateDirectory(folder);
        EvidenceJson.WriteAtomically(Path.Combine(folder, "package.json"), NcaPackages.ToJson(package));
        EvidenceJson.WriteAtomically(Path.Combine(folder, "package.html"), Encoding.UTF8.GetBytes(NcaPackages.ToHtml(package)));
        return Task.FromResult(new NcaSendResult(false, null, "written for manual submission through the NCA portal; record the NCA reference when the portal returns it"));
    }
}
