// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.Imaging;

namespace Safeguard.Hosting.Diagnostics;

/// <summary>Why a request's API key was not accepted.</summary>
public enum KeyRejection
{
    /// <summary>The Authorization header is not <c>Bearer &lt;key&gt;</c>.</summary>
    Malformed,

    /// <summary>No key has this token.</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,
}

/// <summary>
/// Every log line the server writes. Parameters are opaque ids, counts, durations and enum reasons
/// only: never content, hashes, file names, the caller's content or user references, or raw
/// exception messages (a test enforces an allow-list of parameter names and types).
/// </summary>
public static partial class LogMessages
{
    [LoggerMessage(SafeguardEventIds.ServerStarting, LogLevel.Information, "Safeguard starting on {Provider} storage, schema version {SchemaVersion}")]
    public static partial void ServerStarting(this ILogger logger, string provider, int schemaVersion);

    [LoggerMessage(SafeguardEventIds.StoreUnavailable, LogLevel.Error, "The database is unavailable ({ErrorType}); retrying")]
    public static partial void StoreUnavailable(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.IndexLoaded, LogLevel.Information, "Index loaded: {Banks} banks, {Entries} entries in {ElapsedMs} ms, change feed at {ChangeId}")]
    public static partial void IndexLoaded(this ILogger logger, int banks, long entries, long elapsedMs, long changeId);

    [LoggerMessage(SafeguardEventIds.IndexLoadFailed, LogLevel.Error, "Index load failed ({ErrorType}); retrying")]
    public static partial void IndexLoadFailed(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.IndexChangesApplied, LogLevel.Debug, "Applied {Changes} index changes up to change {ChangeId}")]
    public static partial void IndexChangesApplied(this ILogger logger, int changes, long changeId);

    [LoggerMessage(SafeguardEventIds.IndexSyncFailed, LogLevel.Warning, "Index sync failed ({ErrorType}); retrying")]
    public static partial void IndexSyncFailed(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.CheckCompleted, LogLevel.Debug, "Check by key {KeyId}: {Decision}, {MatchCount} matches, {ElapsedMs} ms")]
    public static partial void CheckCompleted(this ILogger logger, long keyId, string decision, int matchCount, double elapsedMs);

    [LoggerMessage(SafeguardEventIds.CheckMatched, LogLevel.Information, "Check {CheckId} by key {KeyId} matched {MatchCount} entries: {Decision}")]
    public static partial void CheckMatched(this ILogger logger, long checkId, long keyId, int matchCount, string decision);

    [LoggerMessage(SafeguardEventIds.ImageRejected, LogLevel.Information, "Image from key {KeyId} rejected: {Reason}")]
    public static partial void ImageRejected(this ILogger logger, long keyId, ImageRejectReason reason);

    [LoggerMessage(SafeguardEventIds.CounterFlushFailed, LogLevel.Warning, "Writing check counters failed ({ErrorType}); will retry")]
    public static partial void CounterFlushFailed(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.CheckBeforeIndexReady, LogLevel.Warning, "Check by key {KeyId} refused: the index is still loading")]
    public static partial void CheckBeforeIndexReady(this ILogger logger, long keyId);

    [LoggerMessage(SafeguardEventIds.ApiKeyRejected, LogLevel.Information, "API key rejected: {Reason}")]
    public static partial void ApiKeyRejected(this ILogger logger, KeyRejection reason);

    [LoggerMessage(SafeguardEventIds.RateLimited, LogLevel.Information, "Key {KeyId} rate-limited")]
    public static partial void RateLimited(this ILogger logger, long keyId);

    [LoggerMessage(SafeguardEventIds.AccessDenied, LogLevel.Information, "Key {KeyId} lacks the {Scope} scope")]
    public static partial void AccessDenied(this ILogger logger, long keyId, string scope);

    [LoggerMessage(SafeguardEventIds.BankCreated, LogLevel.Information, "Bank {BankId} created by key {KeyId}")]
    public static partial void BankCreated(this ILogger logger, long bankId, long keyId);

    [LoggerMessage(SafeguardEventIds.BankUpdated, LogLevel.Information, "Bank {BankId} updated by key {KeyId}")]
    public static partial void BankUpdated(this ILogger logger, long bankId, long keyId);

    [LoggerMessage(SafeguardEventIds.BankDeleted, LogLevel.Information, "Bank {BankId} deleted by key {KeyId}")]
    public static partial void BankDeleted(this ILogger logger, long bankId, long keyId);

    [LoggerMessage(SafeguardEventIds.EntryAdded, LogLevel.Information, "Entry {EntryId} added to bank {BankId} by key {KeyId}")]
    public static partial void EntryAdded(this ILogger logger, long entryId, long bankId, long keyId);

    [LoggerMessage(SafeguardEventIds.EntryChanged, LogLevel.Information, "Entry {EntryId} of bank {BankId} {Change} by key {KeyId}")]
    public static partial void EntryChanged(this ILogger logger, long entryId, long bankId, EntryChange change, long keyId);

    [LoggerMessage(SafeguardEventIds.ImportStarted, LogLevel.Information, "Import into bank {BankId} by key {KeyId}: {Bytes} bytes, {Entries} entries")]
    public static partial void ImportStarted(this ILogger logger, long bankId, long keyId, long bytes, long entries);

    [LoggerMessage(SafeguardEventIds.ImportBatchCommitted, LogLevel.Debug, "Import into bank {BankId}: {Committed} entries committed")]
    public static partial void ImportBatchCommitted(this ILogger logger, long bankId, long committed);

    [LoggerMessage(SafeguardEventIds.ImportCompleted, LogLevel.Information, "Import into bank {BankId} finished: {Entries} entries in {ElapsedMs} ms")]
    public static partial void ImportCompleted(this ILogger logger, long bankId, long entries, long elapsedMs);

    [LoggerMessage(SafeguardEventIds.ImportRejected, LogLevel.Information, "Import into bank {BankId} rejected: {ErrorCount} bad lines")]
    public static partial void ImportRejected(this ILogger logger, long bankId, int errorCount);

    [LoggerMessage(SafeguardEventIds.ExportCompleted, LogLevel.Information, "Bank {BankId} exported by key {KeyId}: {Entries} entries")]
    public static partial void ExportCompleted(this ILogger logger, long bankId, long keyId, long entries);

    [LoggerMessage(SafeguardEventIds.BadRequest, LogLevel.Debug, "Bad request on {Route}: {StatusCode}")]
    public static partial void BadRequest(this ILogger logger, string route, int statusCode);

    [LoggerMessage(SafeguardEventIds.UnhandledError, LogLevel.Error, "Unhandled {ErrorType} on {Route}")]
    public static partial void UnhandledError(this ILogger logger, string errorType, string route);

    [LoggerMessage(SafeguardEventIds.VaultDevelopmentKey, LogLevel.Warning, "No evidence-vault master key is configured: using a development key file generated in the data folder. Set SAFEGUARD_VAULT_KEYS or Safeguard:Reporting:KeyFile in production, and keep the key apart from the data")]
    public static partial void VaultDevelopmentKey(this ILogger logger);

    [LoggerMessage(SafeguardEventIds.ReportSweepCompleted, LogLevel.Information, "Report sweep resumed {Reports} reports in flight")]
    public static partial void ReportSweepCompleted(this ILogger logger, int reports);

    [LoggerMessage(SafeguardEventIds.ReportSweepFailed, LogLevel.Warning, "Report sweep failed ({ErrorType}); it runs again at the next interval")]
    public static partial void ReportSweepFailed(this ILogger logger, string errorType);

    [LoggerMessage(SafeguardEventIds.RetentionProposalsWaiting, LogLevel.Warning, "{Objects} evidence objects are past retention and await a person's approval to delete (GET /v1/evidence/expired, console Reports page)")]
    public static partial void RetentionProposalsWaiting(this ILogger logger, int objects);
}

/// <summary>What happened to an entry.</summary>
public enum EntryChange
{
    /// <summary>Disabled until a date.</summary>
    Disabled,

    /// <summary>Enabled again.</summary>
    Enabled,

    /// <summary>Deleted.</summary>
    Deleted,
}
