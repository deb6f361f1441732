// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>NCMEC's <c>fileRelevance</c>.</summary>
public enum FileRelevance
{
    Reported,

    /// <summary>Context, e.g. the rest of a conversation (18 U.S.C. 2258A(b)(5)).</summary>
    SupplementalReported,
}

/// <summary>One file of a draft: a confirmed item, or the transcript of a confirmed conversation.</summary>
public sealed record DraftFile(int Index, string VaultObjectId, FileRelevance Relevance, ConfirmedItem? Item, string? TranscriptName);

/// <summary>
/// A report about one reported user, built before anything is sent (format tag
/// <see cref="Format"/>; stored encrypted in the vault because it holds personal data).
/// </summary>
public sealed record ReportDraft
{
    public const string Format = "safeguard.report.draft/1";

    public string FormatTag { get; init; } = Format;

    /// <summary>Safeguard's id of this report (32 lowercase hex digits).</summary>
    public required string ReportKey { get; init; }

    public required string CaseId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required IncidentType IncidentType { get; init; }

    public required DateTimeOffset IncidentTime { get; init; }

    /// <summary>True when the incident time was in the future (clock skew) and was clamped to the past.</summary>
    public bool IncidentTimeClamped { get; init; }

    public string? IncidentTimeDescription { get; init; }

    public required ReportPriority Priority { get; init; }

    public string? EscalationReason { get; init; }

    public IReadOnlyList<ReportAnnotation> ReportAnnotations { get; init; } = [];

    public required ReporterSettings Reporter { get; init; }

    public required ReportedUser User { get; init; }

    public IReadOnlyList<DraftFile> Files { get; init; } = [];

    public ConfirmedConversation? Conversation { get; init; }

    public string? AdditionalInfo { get; init; }

    public UkLinkEvidence UkLink { get; init; } = new();

    public required RoutingDecision Routing { get; init; }

    public required string DecidedBy { get; init; }
}

/// <summary>A draft request that cannot become a report; the message names the field.</summary>
public sealed class ReportDraftException(string message) : Exception(message);

/// <summary>
/// Turns a confirmed case into drafts: one per reported user, gathering that user's items, and a
/// transcript file for a text-only (conversation) case. Checks the value rules NCMEC's server
/// enforces but its schema cannot express, so a bad draft fails here rather than half-way through
/// a submission.
/// </summary>
public sealed class ReportDrafter(IEvidenceVault vault, ReporterSettings reporter, RoutingSettings routing, TimeProvider? time = null)
{
    private const int MaxEscalationLength = 3000;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IReadOnlyList<ReportDraft> Draft(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var now = _time.GetUtcNow();
        var userIds = request.Items.Select(i => i.ReportedUserId)
            .Concat(request.Conversations.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (userIds.Count == 0)
        {
            throw new ReportDraftException("the request has no confirmed items and no conversation: nothing to report");
        }
        var drafts = new List<ReportDraft>();
        foreach (var userId in userIds)
        {
            var user = request.Users.TryGetValue(userId, out var u) ? u
                : throw new ReportDraftException($"reported user details are missing for one of the items (user {drafts.Count + 1} of {userIds.Count})");
            var items = request.Items.Where(i => i.ReportedUserId == userId).ToList();
            request.Conversations.TryGetValue(userId, out var conversation);
            var files = items.Select((item, i) => new DraftFile(i, item.VaultObjectId, FileRelevance.Reported, item, null)).ToList();
            if (conversation is not null)
            {
                var transcript = vault.Put(Transcript(conversation), EvidenceKind.Content, request.DecidedBy);
                files.Add(new DraftFile(files.Count, transcript.Id, FileRelevance.SupplementalReported, null, "conversation.csv"));
            }
            var earliest = items.Select(i => i.UploadedAt)
                .Concat(conversation?.Messages.Select(m => (DateTimeOffset?)m.At) ?? [])
                .Where(t => t is not null)
                .Min();
            var incident = request.IncidentTime ?? earliest ?? items.Select(i => i.ConfirmedAt).DefaultIfEmpty(now).Min();
            bool clamped = incident >= now;
            if (clamped)
            {
                // NCMEC rejects future timestamps; clock skew must not block a report (Coop does the same).
                incident = now.AddSeconds(-1);
            }
            drafts.Add(new ReportDraft
            {
                ReportKey = Guid.NewGuid().ToString("N"),
                CaseId = request.CaseId,
                CreatedAt = now,
                IncidentType = request.IncidentType,
                IncidentTime = incident,
                IncidentTimeClamped = clamped,
                IncidentTimeDescription = request.IncidentTimeDescription ?? (request.IncidentTime is null && earliest is not null ? "earliest upload or message time of the reported items" : null),
                Priority = request.Priority,
                EscalationReason = request.Priority == ReportPriority.P1 ? request.EscalationReason!.Trim() : null,
                ReportAnnotations = request.ReportAnnotations,
                Reporter = reporter,
                User = user,
                Files = files,
                Conversation = conversation,
                AdditionalInfo = request.AdditionalInfo,
                UkLink = request.UkLink,
                Routing = ReportRouter.Decide(routing, request.UkLink, request.Priority, NcmecProgress.NotSent),
                DecidedBy = request.DecidedBy,
            });
        }
        return drafts;
    }

    private void Validate(ReportRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.CaseId))
        {
            throw new ReportDraftException("caseId is empty");
        }
        if (string.IsNullOrWhiteSpace(reporter.ReportingPerson.Email))
        {
            throw new ReportDraftException("reporter settings: the reporting person needs an email (NCMEC requires one)");
        }
        if (request.Priority == ReportPriority.P1)
        {
            if (string.IsNullOrWhiteSpace(request.EscalationReason))
            {
                throw new ReportDraftException("priority P1 needs an escalation reason (it becomes NCMEC's escalateToHighPriority, which must not be blank)");
            }
            if (request.EscalationReason.Length > MaxEscalationLength)
            {
                throw new ReportDraftException($"escalation reason is longer than {MaxEscalationLength} characters");
            }
        }
        if (request.IncidentTimeDescription is { Length: > MaxEscalationLength })
        {
            throw new ReportDraftException($"incident time description is longer than {MaxEscalationLength} characters");
        }
        for (int i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            string where = $"item {i + 1}";
            if (!EvidenceVault.IsValidId(item.VaultObjectId))
            {
                throw new ReportDraftException($"{where}: vaultObjectId is not a vault object id");
            }
            if (vault.GetInfo(item.VaultObjectId).IsDeleted)
            {
                throw new ReportDraftException($"{where}: its vault object was deleted");
            }
            if (item.ExifViewedByStaff == true && item.ViewedByStaff != true)
            {
                throw new ReportDraftException($"{where}: exifViewedByStaff is true, so viewedByStaff must be true (NCMEC rule)");
            }
            if (item.UploadedAt is { } up && up > _time.GetUtcNow())
            {
                throw new ReportDraftException($"{where}: uploadedAt is in the future");
            }
            if (item.UploadIp is { Port: { } port } && port is < 1 or > 65535)
            {
                throw new ReportDraftException($"{where}: upload port {port} is outside 1-65535");
            }
        }
        foreach (var (userId, conversation) in request.Conversations)
        {
            if (conversation.Messages.Count == 0)
            {
                throw new ReportDraftException("a confirmed conversation has no messages");
            }
            if (!request.Users.ContainsKey(userId))
            {
                throw new ReportDraftException("a confirmed conversation belongs to a user whose details are missing");
            }
        }
    }

    /// <summary>The conversation as CSV (RFC 4180): time, from, to, text.</summary>
    internal static byte[] Transcript(ConfirmedConversation conversation)
    {
        var sb = new StringBuilder("time,from,to,text\r\n");
        foreach (var m in conversation.Messages.OrderBy(m => m.At))
        {
            sb.Append(m.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
              .Append(Csv(m.FromAccount)).Append(',')
              .Append(Csv(m.ToAccount)).Append(',')
              .Append(Csv(m.Text)).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());

        static string Csv(string s) =>
            s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    /// <summary>The conversation as plain text for <c>chatImIncident/content</c>.</summary>
    internal static string ConversationText(ConfirmedConversation conversation)
    {
        var sb = new StringBuilder();
        foreach (var m in conversation.Messages.OrderBy(m => m.At))
        {
            sb.Append('[').Append(m.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("] ")
              .Append(m.FromAccount).Append(" -> ").Append(m.ToAccount).Append(": ").Append(m.Text).Append('\n');
        }
        return sb.ToString();
    }
}
