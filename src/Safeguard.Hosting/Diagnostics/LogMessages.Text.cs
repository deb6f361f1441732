// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.Hosting.Diagnostics;

/// <summary>Log lines of text checks and child safety: ids, counts and durations only, never text, URLs, terms or account ids.</summary>
public static partial class LogMessages
{
    [LoggerMessage(SafeguardEventIds.TextSnapshotBuilt, LogLevel.Information, "Text snapshot built: {Entries} entries ({ErrorCount} refused) in {ElapsedMs} ms")]
    public static partial void TextSnapshotBuilt(this ILogger logger, int entries, int errorCount, long elapsedMs);

    [LoggerMessage(SafeguardEventIds.GroomingCaseOpened, LogLevel.Information, "Grooming review case {CaseId} opened at tier {Tier}")]
    public static partial void GroomingCaseOpened(this ILogger logger, long caseId, RiskTier tier);

    [LoggerMessage(SafeguardEventIds.GroomingCaseFailed, LogLevel.Error, "Opening a grooming review case failed ({ErrorType}); it will be retried with the conversation's next message")]
    public static partial void GroomingCaseFailed(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.ChildSafetyEventsIngested, LogLevel.Debug, "Key {KeyId} sent {Events} child-safety events; {Candidates} conversations at the case tier")]
    public static partial void ChildSafetyEventsIngested(this ILogger logger, long keyId, int events, int candidates);
}
