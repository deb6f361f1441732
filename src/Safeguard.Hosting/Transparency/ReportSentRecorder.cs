// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.Cases;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Reporting;
using Safeguard.Transparency;
using TransparencyPriority = Safeguard.Transparency.ReportPriority;

namespace Safeguard.Hosting.Transparency;

/// <summary>
/// Records each report filed with NCMEC (finished) or delivered to the NCA as one transparency
/// report record per reported item (the case's item as its detection named it). Event ids are
/// derived from the report key, recipient and case, so a resumed or re-swept report adds nothing twice.
/// </summary>
public sealed class ReportSentRecorder(ITransparencyRecorder recorder, IRecordLog log, ICaseStore cases, ILogger<ReportSentRecorder> logger) : IReportSentObserver
{
    /// <inheritdoc/>
    public async Task OnSentAsync(ReportSummary summary, ReportSendOutcome outcome, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(outcome);
        var priority = summary.Priority switch
        {
            Safeguard.Reporting.ReportPriority.P1 => TransparencyPriority.P1,
            Safeguard.Reporting.ReportPriority.P2 => TransparencyPriority.P2,
            _ => TransparencyPriority.P3,
        };
        var recipients = new List<ReportRecipient>();
        if (outcome.Ncmec is { Status: ReportStatus.Finished })
        {
            recipients.Add(ReportRecipient.Ncmec);
        }
        if (outcome.NcaResult is { Delivered: true })
        {
            recipients.Add(ReportRecipient.Nca);
        }
        if (recipients.Count == 0)
        {
            return;
        }
        try
        {
            var recorded = await RecordedEventIdsAsync(summary.ReportKey, cancellationToken).ConfigureAwait(false);
            foreach (long caseId in CaseReportBuilder.CaseIds(summary.CaseId))
            {
                if (await cases.GetAsync(caseId, cancellationToken).ConfigureAwait(false) is not { } c)
                {
                    continue;
                }
                string itemId = TransparencyIds.Item(c.Evidence.ContentRef, c.CheckId ?? 0);
                foreach (var recipient in recipients)
                {
                    string eventId = $"rep-{recipient.ToString().ToLowerInvariant()}-{summary.ReportKey}-{caseId}";
                    if (recorded.Add(eventId))
                    {
                        await recorder.RecordReportAsync(itemId, recipient, priority, at, eventId, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e) when (TransparencyRecorder.IsStoreFailure(e) || e is RecordFormatException)
        {
            logger.TransparencyReportRecordFailed(e.GetType().Name);
        }
    }

    // Reports are few; reading back this report's own event ids keeps the records free of duplicates.
    private async Task<HashSet<string>> RecordedEventIdsAsync(string reportKey, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string marker = "-" + reportKey + "-";
        await foreach (var entry in log.ReadAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            if (entry.Kind == RecordKinds.Report && entry.Payload.Contains(marker, StringComparison.Ordinal)
                && System.Text.Json.JsonDocument.Parse(entry.Payload).RootElement.TryGetProperty("eventId", out var id) && id.GetString() is { } s)
            {
                ids.Add(s);
            }
        }
        return ids;
    }
}
