// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Safeguard.ReviewConsole;

/// <summary>
/// The console's log messages (event ids 3000–3099). Only opaque ids, counts and enum reasons:
/// never user names, content or user references, reasons typed by reviewers, or hashes.
/// </summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Console sign-in: {Result}")]
    public static partial void SignIn(ILogger logger, Safeguard.Accounts.SignInResult result);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Case {CaseId} decided: {Decision}")]
    public static partial void CaseDecided(ILogger logger, long caseId, Safeguard.Cases.CaseDecision decision);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Expired {Count} lapsed case claims")]
    public static partial void ClaimsExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Webhooks: {Delivered} delivered, {Retrying} to retry, {DeadLettered} dead-lettered")]
    public static partial void WebhooksDispatched(ILogger logger, int delivered, int retrying, int deadLettered);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Console worker pass failed ({ErrorType})")]
    public static partial void WorkerFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Console request refused: antiforgery token missing or invalid")]
    public static partial void AntiforgeryRejected(ILogger logger);
}
