// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Safeguard.Reporting;

/// <summary>
/// Builds the CyberTipline <c>report</c> and <c>fileDetails</c> documents. Each method writes its
/// children in the XSD's <c>xs:sequence</c> order (numbered in the comments after the spec's
/// tables), and every document is validated against the schema before it is sent, so a misplaced
/// or misspelt element fails locally, never at NCMEC.
/// </summary>
public static class CyberTiplineXml
{
    public static XDocument BuildReport(ReportDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var root = new XElement("report",
            IncidentSummary(draft),
            InternetDetails(draft),
            Reporter(draft.Reporter),
            PersonOrUserReported(draft),
            Opt("additionalInfo", draft.AdditionalInfo));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    public static XDocument BuildFileDetails(ReportDraft draft, DraftFile file, long reportId, string fileId)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(file);
        var item = file.Item;
        var root = new XElement("fileDetails",
            new XElement("reportId", reportId.ToString(CultureInfo.InvariantCulture)),
            new XElement("fileId", fileId),
            Opt("originalFileName", item?.OriginalFileName ?? file.TranscriptName),
            Opt("uploadedToEspTimestamp", item?.UploadedAt is { } up ? Time(up) : null),
            Opt("locationOfFile", item?.LocationUrl),
            Opt("fileViewedByEsp", Bool(item is null ? true : item.ViewedByStaff)),
            Opt("exifViewedByEsp", Bool(item?.ExifViewedByStaff)),
            Opt("publiclyAvailable", Bool(item?.PubliclyAvailable)),
            new XElement("fileRelevance", file.Relevance == FileRelevance.Reported ? "Reported" : "Supplemental Reported"),
            item is { Annotations.Count: > 0 }
                ? new XElement("fileAnnotations", item.Annotations.Distinct().Select(a => new XElement(FileAnnotationName(a))))
                : null,
            file.Relevance == FileRelevance.Reported && item?.Classification is { } c ? new XElement("industryClassification", c.ToString()) : null,
            item?.OriginalHashes.Select(h => new XElement("originalFileHash", new XAttribute("hashType", h.Algorithm), h.Value)),
            item?.UploadIp is { } ip ? IpCaptureEvent(ip) : null,
            item?.Devices.Select(DeviceId),
            item is { Exif.Count: > 0 }
                ? new XElement("details", new XAttribute("type", "EXIF"),
                    item.Exif.Select(kv => new XElement("nameValuePair", new XElement("name", kv.Key), new XElement("value", kv.Value))))
                : null,
            item is null ? null : Opt("additionalInfo", DetectionNote(item.Detection)));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    /// <summary>The UTF-8 bytes sent on the wire (no BOM).</summary>
    public static byte[] ToBytes(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true }))
        {
            document.Save(writer);
        }
        return buffer.ToArray();
    }

    private static XElement IncidentSummary(ReportDraft d) => new("incidentSummary",
        new XElement("incidentType", IncidentTypes.ToNcmec(d.IncidentType)),                 // 1
        Opt("platform", d.Reporter.Platform),                                                 // 2
        Opt("escalateToHighPriority", d.Priority == ReportPriority.P1 ? d.EscalationReason : null), // 3
        d.ReportAnnotations.Count > 0                                                          // 4
            ? new XElement("reportAnnotations", d.ReportAnnotations.Distinct().Select(a => new XElement(ReportAnnotationName(a))))
            : null,
        new XElement("incidentDateTime", Time(d.IncidentTime)),                                // 5
        Opt("incidentDateTimeDescription", d.IncidentTimeDescription));                        // 6

    private static IEnumerable<XElement> InternetDetails(ReportDraft d)
    {
        var urls = d.Files.Select(f => f.Item?.LocationUrl).Where(u => u is not null).Distinct(StringComparer.Ordinal).ToList();
        if (urls.Count > 0)
        {
            yield return new XElement("internetDetails", new XElement("webPageIncident", urls.Select(u => new XElement("url", u))));
        }
        if (d.Conversation is { } c)
        {
            yield return new XElement("internetDetails", new XElement("chatImIncident",
                Opt("chatClient", c.ChatClient ?? d.Reporter.Platform),
                Opt("chatRoomName", c.ChatRoomName),
                new XElement("content", ReportDrafter.ConversationText(c)),
                new XElement("additionalInfo", "The full conversation is attached as a transcript file (Supplemental Reported).")));
        }
    }

    private static XElement Reporter(ReporterSettings r) => new("reporter",
        new XElement("reportingPerson", PersonChildren(r.ReportingPerson)),
        r.ContactPerson is { } c ? new XElement("contactPerson", PersonChildren(c)) : null,
        Opt("companyTemplate", r.CompanyTemplate),
        Opt("termsOfService", r.TermsOfService),
        Opt("legalURL", r.LegalUrl));

    private static IEnumerable<XElement?> PersonChildren(ContactDetails c) =>
    [
        Opt("firstName", c.FirstName),
        Opt("lastName", c.LastName),
        c.Phone is null ? null : new XElement("phone", c.Phone),
        new XElement("email", c.Email),
    ];

    private static XElement PersonOrUserReported(ReportDraft d)
    {
        var u = d.User;
        bool hasPerson = u.FirstName is not null || u.LastName is not null || u.Phones.Count > 0 || u.Emails.Count > 0 || u.DateOfBirth is not null;
        return new XElement("personOrUserReported",
            hasPerson
                ? new XElement("personOrUserReportedPerson",                                  // 1
                    Opt("firstName", u.FirstName),
                    Opt("lastName", u.LastName),
                    u.Phones.Select(Phone),
                    u.Emails.Select(Email),
                    Opt("dateOfBirth", u.DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
                : null,
            new XElement("espIdentifier", u.EspIdentifier),                                   // 3
            Opt("espService", d.Reporter.Service),                                            // 4
            Opt("screenName", u.ScreenName),                                                  // 6
            u.DisplayNames.Select(n => new XElement("displayName", n)),                       // 7
            u.ProfileUrls.Select(p => new XElement("profileUrl", p)),                         // 8
            u.IpCaptures.Select(IpCaptureEvent),                                              // 10
            u.Devices.Select(DeviceId),                                                       // 11
            u.PriorCyberTiplineReports.Select(r => new XElement("priorCTReports", r.ToString(CultureInfo.InvariantCulture))), // 13
            u.EstimatedCountryCode is { } cc ? new XElement("estimatedLocation", new XElement("countryCode", cc)) : null,     // 17
            u.Emails.Count > 0 ? new XElement("allEmailsReported", "true") : null,            // 18
            u.LinkedAccounts.Select(AssociatedAccount));                                      // 19
    }

    private static XElement AssociatedAccount(LinkedAccount a) => new("associatedAccount",
        new XAttribute("type", a.Relationship),
        new XElement("platform", a.Platform),
        Opt("espIdentifier", a.EspIdentifier),
        Opt("screenName", a.ScreenName));

    private static XElement Phone(PhoneNumber p) => new("phone",
        p.Type is null ? null : new XAttribute("type", p.Type),
        p.Verified is { } v ? new XAttribute("verified", v ? "true" : "false") : null,
        p.CountryCallingCode is null ? null : new XAttribute("countryCallingCode", p.CountryCallingCode),
        p.Number);

    private static XElement Email(EmailAddress e) => new("email",
        e.Type is null ? null : new XAttribute("type", e.Type),
        e.Verified is { } v ? new XAttribute("verified", v ? "true" : "false") : null,
        e.Address);

    private static XElement IpCaptureEvent(IpCapture ip) => new("ipCaptureEvent",
        new XElement("ipAddress", ip.IpAddress),
        new XElement("eventName", ip.Event.ToString()),
        ip.At is { } at ? new XElement("dateTime", Time(at)) : null,
        Opt("possibleProxy", Bool(ip.PossibleProxy)),
        ip.Port is { } port ? new XElement("port", port.ToString(CultureInfo.InvariantCulture)) : null);

    private static XElement DeviceId(DeviceCapture d) => new("deviceId",
        new XElement("idType", d.IdType),
        new XElement("idValue", d.IdValue),
        d.Event is { } ev ? new XElement("eventName", ev.ToString()) : null,
        d.At is { } at ? new XElement("dateTime", Time(at)) : null);

    private static string? DetectionNote(DetectionInfo d) =>
        "Detected by " + d.Method switch
        {
            DetectionMethod.HashMatch => "hash match",
            DetectionMethod.UrlList => "URL list",
            DetectionMethod.Classifier => "classifier",
            DetectionMethod.TextSignals => "text signals",
            DetectionMethod.UserReport => "user report",
            DetectionMethod.Staff => "staff",
            _ => d.Method.ToString(),
        } + (d.Source is null ? "" : " (" + d.Source + ")") + "; confirmed by a human reviewer.";

    private static string FileAnnotationName(FileAnnotation a) => CamelCase(a.ToString());

    private static string ReportAnnotationName(ReportAnnotation a) => CamelCase(a.ToString());

    private static string CamelCase(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];

    private static string? Bool(bool? value) => value is { } v ? (v ? "true" : "false") : null;

    private static XElement? Opt(string name, string? value) => value is null ? null : new XElement(name, value);

    /// <summary>ISO 8601 with zone, as NCMEC requires.</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
