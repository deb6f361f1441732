// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.Cases;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Transparency;

namespace Safeguard.Hosting.Transparency;

/// <summary>
/// Turns each reviewer decision on a case that came from a recorded check into one decision record
/// per detection (bank) of that check, and a confirmed case into a removal by a person, so confirm
/// and clear rates per detector and time to action are computed from the records.
/// </summary>
public sealed class CaseDecisionRecorder(ITransparencyRecorder recorder, ILogger<CaseDecisionRecorder> logger) : ICaseDecisionObserver
{
    /// <inheritdoc/>
    public async Task OnDecidedAsync(ReviewCase decidedCase, CaseDecision decision, string reviewer, DateTimeOffset decidedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decidedCase);
        var outcome = decision switch
        {
            CaseDecision.Confirm => DecisionOutcome.Confirm,
            CaseDecision.Clear => DecisionOutcome.Clear,
            _ => DecisionOutcome.Escalate,
        };
        // Check detections are one per bank of the check; a grooming case is its own detection; other
        // cases without a check (text rules opened by hand) have no detection to decide on.
        List<string> detections;
        string itemId;
        if (decidedCase.CheckId is { } checkId)
        {
            itemId = TransparencyIds.Item(decidedCase.Evidence.ContentRef, checkId);
            detections = [.. decidedCase.Evidence.Matches.Select(m => m.Bank).Distinct(StringComparer.Ordinal).Select(b => TransparencyIds.Detection(checkId, b))];
        }
        else if (decidedCase.Kind == CaseKind.Grooming)
        {
            itemId = TransparencyIds.Item(decidedCase.Evidence.ContentRef, 0);
            detections = [TransparencyIds.GroomingDetection(decidedCase.Id)];
        }
        else
        {
            return;
        }
        try
        {
            foreach (var detectionId in detections)
            {
                await recorder.RecordDecisionAsync(itemId, detectionId, outcome, reviewer, decidedAt, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            if (decision == CaseDecision.Confirm)
            {
                await recorder.RecordActionAsync(ActionKind.Removed, automated: false, itemId, TransparencyIds.Account(decidedCase.Evidence.UserRef),
                    triggerId: null, decidedAt, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (TransparencyRecorder.IsStoreFailure(e) || e is RecordFormatException)
        {
            logger.TransparencyDecisionRecordFailed(decidedCase.Id, e.GetType().Name);
        }
    }
}
