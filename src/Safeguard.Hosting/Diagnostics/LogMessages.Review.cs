// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Safeguard.Hosting.Diagnostics;

/// <summary>Log lines of the check path's review intake. Ids and counts only.</summary>
public static partial class LogMessages
{
    [LoggerMessage(SafeguardEventIds.CaseOpened, LogLevel.Information, "Check {CheckId} opened review case {CaseId}")]
    public static partial void CaseOpened(this ILogger logger, long checkId, long caseId);

    [LoggerMessage(SafeguardEventIds.ShadowMatched, LogLevel.Information, "Check {CheckId}: {MatchCount} shadow-mode matches, would have decided {Decision}")]
    public static partial void ShadowMatched(this ILogger logger, long checkId, int matchCount, string decision);

    [LoggerMessage(SafeguardEventIds.CaseOpenFailed, LogLevel.Error, "Check {CheckId}: opening its review case failed ({ErrorType})")]
    public static partial void CaseOpenFailed(this ILogger logger, long checkId, string errorType);

    [LoggerMessage(SafeguardEventIds.AutomaticActionQueued, LogLevel.Information, "Check {CheckId}: {Decision} webhook queued")]
    public static partial void AutomaticActionQueued(this ILogger logger, long checkId, string decision);
}
