// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Hosting.Diagnostics;

/// <summary>
/// Every log event id in one place, in blocks per area, so ids stay unique and stable for alerting.
/// Never reuse or renumber an id.
/// </summary>
public static class SafeguardEventIds
{
    // 1000–1099: start-up and storage
    public const int ServerStarting = 1000;
    public const int StoreMigrated = 1001;
    public const int StoreUnavailable = 1002;

    // 1100–1199: index
    public const int IndexLoaded = 1100;
    public const int IndexLoadFailed = 1101;
    public const int IndexChangesApplied = 1102;
    public const int IndexSyncFailed = 1103;

    // 1200–1299: checks
    public const int CheckCompleted = 1200;
    public const int CheckMatched = 1201;
    public const int ImageRejected = 1202;
    public const int CounterFlushFailed = 1203;
    public const int CheckBeforeIndexReady = 1204;

    // 1300–1399: security
    public const int ApiKeyRejected = 1300;
    public const int RateLimited = 1301;
    public const int AccessDenied = 1302;

    // 1400–1499: curation
    public const int BankCreated = 1400;
    public const int BankUpdated = 1401;
    public const int BankDeleted = 1402;
    public const int EntryAdded = 1403;
    public const int EntryChanged = 1404;
    public const int ImportStarted = 1405;
    public const int ImportBatchCommitted = 1406;
    public const int ImportCompleted = 1407;
    public const int ImportRejected = 1408;
    public const int ExportCompleted = 1409;

    // 1500–1599: transparency records
    public const int TransparencyRecordAppended = 1500;
    public const int TransparencyRecordFailed = 1501;
    public const int TransparencyDecisionRecordFailed = 1502;
    public const int TransparencyReportRecordFailed = 1503;

    // 1600–1699: review cases and webhooks
    public const int CaseOpened = 1600;
    public const int ShadowMatched = 1601;
    public const int CaseOpenFailed = 1602;
    public const int AutomaticActionQueued = 1603;

    // 1700–1799: text checks and child safety
    public const int TextSnapshotBuilt = 1700;
    public const int GroomingCaseOpened = 1701;
    public const int GroomingCaseFailed = 1702;
    public const int ChildSafetyEventsIngested = 1703;

    // 1800–1899: reporting
    public const int VaultDevelopmentKey = 1800;
    public const int ReportSweepCompleted = 1801;
    public const int ReportSweepFailed = 1802;
    public const int RetentionProposalsWaiting = 1803;

    // 1900–1999: errors
    public const int BadRequest = 1900;
    public const int UnhandledError = 1901;
}
