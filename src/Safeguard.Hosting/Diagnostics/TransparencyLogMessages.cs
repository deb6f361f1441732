// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.Hosting.Transparency;

namespace Safeguard.Hosting.Diagnostics;

/// <summary>Log lines of the transparency record log: kinds and sequence numbers only, never record contents.</summary>
public static partial class LogMessages
{
    [LoggerMessage(SafeguardEventIds.TransparencyRecordAppended, LogLevel.Debug, "Transparency record {Kind} appended as record {Sequence}")]
    public static partial void TransparencyRecordAppended(this ILogger logger, TransparencyRecordKind kind, long sequence);

    [LoggerMessage(SafeguardEventIds.TransparencyRecordFailed, LogLevel.Error, "Transparency records of check {CheckId} could not be appended ({ErrorType}); the check was answered, its records are missing")]
    public static partial void TransparencyRecordFailed(this ILogger logger, long checkId, string errorType);

    [LoggerMessage(SafeguardEventIds.TransparencyDecisionRecordFailed, LogLevel.Error, "Transparency record of the decision on case {CaseId} could not be appended ({ErrorType}); the decision stands, its record is missing")]
    public static partial void TransparencyDecisionRecordFailed(this ILogger logger, long caseId, string errorType);

    [LoggerMessage(SafeguardEventIds.TransparencyReportRecordFailed, LogLevel.Error, "Transparency records of a filed report could not be appended ({ErrorType}); the report stands, its records are missing")]
    public static partial void TransparencyReportRecordFailed(this ILogger logger, string errorType);
}
