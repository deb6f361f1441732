// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Safeguard.Cases;
using Safeguard.Evidence;
using Safeguard.Webhooks;

namespace Safeguard.Reporting;

/// <summary>Fetches a reported user's details from the platform when the check API did not carry them.</summary>
public interface IReportedUserSource
{
    /// <summary>The user's details, or null when the platform does not know the user.</summary>
    Task<ReportedUser?> FetchAsync(string userRef, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the platform's user-information webhook: <c>POST {"userRef": "…"}</c> signed like every
/// Safeguard webhook (<c>Safeguard-Signature</c>, <see cref="WebhookSignature"/>); a 200 answer is a
/// <see cref="ReportedUser"/> as JSON, 404 means unknown. Nothing of the exchange is logged.
/// </summary>
public sealed class WebhookReportedUserSource(HttpClient http, Uri url, byte[] secret, TimeProvider? time = null) : IReportedUserSource
{
    private const int MaxResponseBytes = 1 << 20;

    public async Task<ReportedUser?> FetchAsync(string userRef, CancellationToken cancellationToken)
    {
        string body = JsonSerializer.Serialize(new UserInfoRequest(userRef), EvidenceJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Safeguard-Signature", WebhookSignature.Sign(secret, (time ?? TimeProvider.System).GetUtcNow(), body));
        request.Headers.Add("Safeguard-Event-Type", "user.info-requested");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"the user-information webhook answered HTTP {(int)response.StatusCode}"));
        }
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new HttpRequestException("the user-information webhook answered more than 1 MiB");
        }
        var user = await response.Content.ReadFromJsonAsync<ReportedUser>(EvidenceJson.Options, cancellationToken).ConfigureAwait(false);
        return user is { EspIdentifier.Length: > 0 } ? user : throw new HttpRequestException("the user-information webhook answered without an espIdentifier");
    }

    private sealed record UserInfoRequest(string UserRef);
}

/// <summary>What a reporter chooses when drafting from confirmed cases.</summary>
public sealed record CaseDraftOptions
{
    public ReportPriority Priority { get; init; } = ReportPriority.P3;

    /// <summary>Required for P1.</summary>
    public string? EscalationReason { get; init; }

    /// <summary>Defaults to child pornography when any case is an image case, else online enticement.</summary>
    public IncidentType? IncidentType { get; init; }

    public UkLinkEvidence UkLink { get; init; } = new();

    public string? AdditionalInfo { get; init; }
}

/// <summary>A case cannot be reported as asked; the message says which and why.</summary>
public sealed class CaseReportException(string message) : Exception(message);

/// <summary>
/// Turns confirmed review cases about one reported user into a <see cref="ReportRequest"/>:
/// image cases become files (the original bytes preserved at check time), text and grooming cases
/// become the conversation of a text-only report (online enticement), and the user's details come
/// from what the platform supplied with its checks or, failing that, from its user-information
/// webhook.
/// </summary>
public sealed class CaseReportBuilder(ICaseStore cases, ReportEvidenceIndex evidence, IReportedUserSource? users)
{
    /// <summary>The <see cref="ReportRequest.CaseId"/> of a report drafted from <paramref name="caseIds"/>.</summary>
    public static string CaseKey(IEnumerable<long> caseIds) =>
        "cases:" + string.Join(',', caseIds.Order().Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The case ids named by a <see cref="CaseKey"/>, or none for another kind of case id.</summary>
    public static IReadOnlyList<long> CaseIds(string caseKey) =>
        caseKey.StartsWith("cases:", StringComparison.Ordinal)
            ? [.. caseKey[6..].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))]
            : [];

    public async Task<ReportRequest> BuildAsync(IReadOnlyCollection<long> caseIds, CaseDraftOptions options, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        ArgumentNullException.ThrowIfNull(options);
        if (caseIds.Count is 0 or > 100)
        {
            throw new CaseReportException("give 1-100 confirmed case ids");
        }
        var loaded = new List<ReviewCase>();
        foreach (var id in caseIds.Distinct())
        {
            var c = await cases.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new CaseReportException($"case {id} does not exist");
            if (c.Status != CaseStatus.Confirmed)
            {
                throw new CaseReportException($"case {id} is {CaseText.Name(c.Status)}; only confirmed cases are reported");
            }
            if (string.IsNullOrEmpty(c.Evidence.UserRef))
            {
                throw new CaseReportException($"case {id} names no user; a report is about one reported user");
            }
            loaded.Add(c);
        }
        var userRef = loaded[0].Evidence.UserRef!;
        if (loaded.Any(c => !string.Equals(c.Evidence.UserRef, userRef, StringComparison.Ordinal)))
        {
            throw new CaseReportException("the cases are about different users; draft one report per user (cases about one user share a group)");
        }
        const string purpose = "draft authority report";
        var user = evidence.FindUser(userRef, actor, purpose);
        if (user is null && users is not null)
        {
            user = await users.FetchAsync(userRef, cancellationToken).ConfigureAwait(false);
            if (user is not null)
            {
                evidence.PreserveUser(userRef, user, actor);
            }
        }
        user ??= new ReportedUser { EspIdentifier = userRef };

        var items = new List<ConfirmedItem>();
        var messages = new List<ConversationMessage>();
        foreach (var c in loaded.OrderBy(c => c.CreatedAt))
        {
            var history = await cases.HistoryAsync(c.Id, cancellationToken).ConfigureAwait(false);
            if (c.Kind == CaseKind.Image)
            {
                var preserved = (c.Evidence.ContentRef is { } contentRef ? evidence.FindItem(contentRef, actor, purpose) : null)
                    ?? throw new CaseReportException($"case {c.Id}: the original file was not preserved (a hash-only check, or a check made before reporting was enabled); it cannot be sent as a file");
                items.Add(new ConfirmedItem
                {
                    ContentRef = preserved.ContentRef,
                    ReportedUserId = user.EspIdentifier,
                    VaultObjectId = preserved.OriginalObjectId,
                    OriginalFileName = preserved.FileName,
                    OriginalHashes = [.. preserved.Hashes.Where(h => h.Key != "pdq").OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => new FileHash(h.Key.ToUpperInvariant(), h.Value))],
                    UploadedAt = preserved.UploadedAt,
                    UploadIp = preserved.UploadIp,
                    // Only a deliberate reveal shows the image; a blurred preview is not a view of the file.
                    ViewedByStaff = history.Any(h => h.Action == CaseAction.Reveal),
                    Detection = new DetectionInfo(DetectionMethod.HashMatch, string.Join(",", c.Evidence.Matches.Select(m => m.Bank).Distinct(StringComparer.Ordinal))),
                    ConfirmedAt = c.UpdatedAt,
                    ConfirmedBy = c.DecidedBy ?? actor,
                });
            }
            else
            {
                messages.AddRange(c.Evidence.TextHits.Select(h => new ConversationMessage(c.CreatedAt, user.ScreenName ?? user.EspIdentifier, "(recipient not recorded)", h.Context)));
            }
        }
        var conversations = new Dictionary<string, ConfirmedConversation>(StringComparer.Ordinal);
        if (messages.Count > 0)
        {
            var textCases = loaded.Where(c => c.Kind != CaseKind.Image).ToList();
            conversations[user.EspIdentifier] = new ConfirmedConversation
            {
                ThreadRef = textCases[0].Evidence.ContentRef ?? CaseKey(textCases.Select(c => c.Id)),
                Messages = messages,
                Detection = new DetectionInfo(DetectionMethod.TextSignals, string.Join(",", textCases.SelectMany(c => c.Evidence.TextHits).Select(h => h.Rule).Distinct(StringComparer.Ordinal))),
            };
        }
        return new ReportRequest
        {
            CaseId = CaseKey(loaded.Select(c => c.Id)),
            IncidentType = options.IncidentType ?? (items.Count > 0 ? IncidentType.ChildPornography : IncidentType.OnlineEnticementOfChildren),
            Priority = options.Priority,
            EscalationReason = options.EscalationReason,
            Items = items,
            Conversations = conversations,
            Users = new Dictionary<string, ReportedUser>(StringComparer.Ordinal) { [user.EspIdentifier] = user },
            UkLink = options.UkLink,
            AdditionalInfo = options.AdditionalInfo,
            DecidedBy = actor,
        };
    }
}
