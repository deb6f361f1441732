// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Hosting.Transparency;

/// <summary>One bank that matched a check, as the detection record needs it.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="Category">The bank's harm category.</param>
/// <param name="Kind">The hash kind of the closest hit in that bank (the detector).</param>
public sealed record MatchedBank(string Bank, string Category, HashKind Kind);

/// <summary>
/// Appends transparency records (docs/transparency.md §1) to the server's record log. The check
/// path calls <see cref="RecordCheckAsync"/>; reviewer decisions, authority reports and appeals call
/// the other methods. Every record is validated before it is appended; a record that breaks a rule
/// throws <see cref="RecordFormatException"/> and nothing is written.
/// </summary>
public interface ITransparencyRecorder
{
    /// <summary>Appends any record (its <c>EventId</c> must be new).</summary>
    Task<ChainEntry> RecordAsync(TransparencyRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a check that matched: one proactive hash-match detection per matching bank
    /// (event id <see cref="TransparencyIds.Detection"/>), and, when the decision is <c>block</c> or
    /// <c>hold</c>, an automated action (<c>blocked-at-upload</c> or <c>restricted</c>, event id
    /// <see cref="TransparencyIds.AutomaticAction"/>) triggered by the first detection.
    /// </summary>
    Task RecordCheckAsync(long checkId, DateTimeOffset checkedAt, string? contentRef, string? userRef, string decision, IReadOnlyList<MatchedBank> banks, CancellationToken cancellationToken = default);

    /// <summary>A reviewer confirmed, cleared or escalated a detection.</summary>
    /// <param name="itemId">The item as the detection named it (<see cref="TransparencyIds.Item"/>).</param>
    /// <param name="detectionId">The detection's event id (<see cref="TransparencyIds.Detection"/> for check matches).</param>
    /// <param name="outcome">Confirm, clear or escalate.</param>
    /// <param name="reviewer">The reviewer's account name; stored only as a pseudonym (<see cref="TransparencyIds.Reviewer"/>).</param>
    /// <param name="occurredAt">When the decision was made.</param>
    /// <param name="eventId">A unique id for the decision (e.g. case id and history line), or null for a fresh one.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    Task<ChainEntry> RecordDecisionAsync(string itemId, string detectionId, DecisionOutcome outcome, string? reviewer, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default);

    /// <summary>A report about <paramref name="itemId"/> was submitted to NCMEC or the NCA.</summary>
    Task<ChainEntry> RecordReportAsync(string itemId, ReportRecipient recipient, ReportPriority priority, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default);

    /// <summary>An action was taken on an item or an account (by a person: <paramref name="automated"/> false).</summary>
    Task<ChainEntry> RecordActionAsync(ActionKind action, bool automated, string? itemId, string? accountId, string? triggerId, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// An appeal was lodged or decided. A <see cref="AppealStage.Reversed"/> appeal about an item is
    /// followed by a <c>reinstated</c> action on that item, recorded in the same call.
    /// </summary>
    Task<ChainEntry> RecordAppealAsync(string appealId, AppealStage stage, bool aboutProactiveTech, string? itemId, string? actionId, string? detector, DateTimeOffset occurredAt, CancellationToken cancellationToken = default);
}

/// <summary>
/// The pseudonymous identifiers records use. Records never carry a caller's references: an item is
/// named by a digest of its content reference (or by the check when there is none), an account by a
/// digest of the user reference, a reviewer by a digest of the account name.
/// </summary>
public static class TransparencyIds
{
    /// <summary><c>item-</c> + the first 16 bytes of SHA-256 of the content reference, or <c>check-N</c> without one.</summary>
    public static string Item(string? contentRef, long checkId) =>
        string.IsNullOrEmpty(contentRef) ? $"check-{checkId}" : "item-" + Digest(contentRef);

    /// <summary><c>account-</c> + the first 16 bytes of SHA-256 of the user reference; null without one.</summary>
    public static string? Account(string? userRef) => string.IsNullOrEmpty(userRef) ? null : "account-" + Digest(userRef);

    /// <summary><c>reviewer-</c> + the first 8 bytes of SHA-256 of the account name.</summary>
    public static string? Reviewer(string? name) => string.IsNullOrEmpty(name) ? null : "reviewer-" + Digest(name)[..16];

    /// <summary>The detection of check <paramref name="checkId"/> by bank <paramref name="bank"/>.</summary>
    public static string Detection(long checkId, string bank) => $"det-{checkId}-{bank}";

    /// <summary>The automatic action of check <paramref name="checkId"/>.</summary>
    public static string AutomaticAction(long checkId) => $"act-{checkId}";

    /// <summary>The detection a grooming review case stands for: <c>det-grooming-case-N</c>.</summary>
    public static string GroomingDetection(long caseId) => $"det-grooming-case-{caseId}";

    /// <summary>A fresh event id with <paramref name="prefix"/>.</summary>
    public static string New(string prefix) => $"{prefix}-{Guid.CreateVersion7():N}";

    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

/// <summary>The <see cref="ITransparencyRecorder"/> over an <see cref="IRecordLog"/>.</summary>
public sealed class TransparencyRecorder(IRecordLog log, TimeProvider time, ILogger<TransparencyRecorder> logger) : ITransparencyRecorder
{
    /// <summary>Version of the hash detectors as records name them; bump when matching semantics change.</summary>
    public const string HashDetectorVersion = "1";

    /// <inheritdoc/>
    public async Task<ChainEntry> RecordAsync(TransparencyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entry = await log.AppendRecordAsync(record, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        logger.TransparencyRecordAppended(KindOf(record), entry.Sequence);
        return entry;
    }

    /// <inheritdoc/>
    public async Task RecordCheckAsync(long checkId, DateTimeOffset checkedAt, string? contentRef, string? userRef, string decision, IReadOnlyList<MatchedBank> banks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(banks);
        if (banks.Count == 0)
        {
            return;
        }
        string item = TransparencyIds.Item(contentRef, checkId);
        string? account = TransparencyIds.Account(userRef);
        foreach (var b in banks.DistinctBy(b => b.Bank))
        {
            await RecordAsync(new DetectionRecord(TransparencyIds.Detection(checkId, b.Bank), checkedAt, item, DetectionTypeOf(b.Kind), DetectionSource.Proactive)
            {
                AccountId = account,
                Bank = b.Bank,
                Category = b.Category,
                Detector = b.Kind.ToText(),
                DetectorVersion = b.Kind.IsText() ? Safeguard.Text.KeywordNormalizer.PipelineVersion : HashDetectorVersion,
                Surface = "upload",
            }, cancellationToken).ConfigureAwait(false);
        }
        ActionKind? action = decision switch
        {
            "block" => ActionKind.BlockedAtUpload,
            "hold" => ActionKind.Restricted,
            _ => null,
        };
        if (action is { } a)
        {
            await RecordAsync(new ActionRecord(TransparencyIds.AutomaticAction(checkId), checkedAt, a, Automated: true)
            {
                ItemId = item,
                TriggerId = TransparencyIds.Detection(checkId, banks[0].Bank),
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task<ChainEntry> RecordDecisionAsync(string itemId, string detectionId, DecisionOutcome outcome, string? reviewer, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default) =>
        RecordAsync(new DecisionRecord(eventId ?? TransparencyIds.New("dec"), occurredAt, itemId, detectionId, outcome) { Reviewer = TransparencyIds.Reviewer(reviewer) }, cancellationToken);

    /// <inheritdoc/>
    public Task<ChainEntry> RecordReportAsync(string itemId, ReportRecipient recipient, ReportPriority priority, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default) =>
        RecordAsync(new AuthorityReportRecord(eventId ?? TransparencyIds.New("rep"), occurredAt, itemId, recipient, priority), cancellationToken);

    /// <inheritdoc/>
    public Task<ChainEntry> RecordActionAsync(ActionKind action, bool automated, string? itemId, string? accountId, string? triggerId, DateTimeOffset occurredAt, string? eventId = null, CancellationToken cancellationToken = default) =>
        RecordAsync(new ActionRecord(eventId ?? TransparencyIds.New("act"), occurredAt, action, automated) { ItemId = itemId, AccountId = accountId, TriggerId = triggerId }, cancellationToken);

    /// <inheritdoc/>
    public async Task<ChainEntry> RecordAppealAsync(string appealId, AppealStage stage, bool aboutProactiveTech, string? itemId, string? actionId, string? detector, DateTimeOffset occurredAt, CancellationToken cancellationToken = default)
    {
        var record = new AppealRecord(TransparencyIds.New("appeal"), occurredAt, appealId, stage)
        {
            ItemId = itemId,
            ActionId = actionId,
            AboutProactiveTech = aboutProactiveTech,
            Detector = detector,
        };
        // Validate both before writing either, so a bad reinstatement cannot leave a lone reversal.
        ActionRecord? reinstated = stage == AppealStage.Reversed && itemId is not null
            ? new ActionRecord(TransparencyIds.New("act"), occurredAt, ActionKind.Reinstated, Automated: false) { ItemId = itemId, TriggerId = record.EventId }
            : null;
        RecordCodec.Validate(record);
        if (reinstated is not null)
        {
            RecordCodec.Validate(reinstated);
        }
        var entry = await RecordAsync(record, cancellationToken).ConfigureAwait(false);
        if (reinstated is not null)
        {
            await RecordAsync(reinstated, CancellationToken.None).ConfigureAwait(false);
        }
        return entry;
    }

    /// <summary>True when <paramref name="e"/> is the database failing, which the check path survives.</summary>
    public static bool IsStoreFailure(Exception e) => e is DbException or TimeoutException or IOException or InvalidOperationException;

    // Text checks (url and keyword banks) record through the same path as image checks.
    private static DetectionType DetectionTypeOf(HashKind kind) => kind switch
    {
        HashKind.Url or HashKind.Domain or HashKind.UrlSha256 => DetectionType.Url,
        HashKind.Keyword => DetectionType.Keyword,
        _ => DetectionType.HashMatch,
    };

    private static TransparencyRecordKind KindOf(TransparencyRecord record) => record switch
    {
        DetectionRecord => TransparencyRecordKind.Detection,
        DecisionRecord => TransparencyRecordKind.Decision,
        ActionRecord => TransparencyRecordKind.Action,
        AuthorityReportRecord => TransparencyRecordKind.Report,
        _ => TransparencyRecordKind.Appeal,
    };
}

/// <summary>Record kinds, for logs.</summary>
public enum TransparencyRecordKind
{
    Detection,
    Decision,
    Action,
    Report,
    Appeal,
}
