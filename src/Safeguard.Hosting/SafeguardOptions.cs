// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Options;

namespace Safeguard.Hosting;

/// <summary>
/// Everything the server reads from configuration, under the section <c>Safeguard</c>
/// (e.g. <c>Safeguard:Storage:Postgres</c>, or the environment variable <c>Safeguard__Storage__Postgres</c>).
/// The server and the CLI share these keys. Validated at start-up: a bad value stops the host with a message naming it.
/// </summary>
public sealed class SafeguardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Safeguard";

    /// <summary>Where data is kept.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>How checks behave.</summary>
    public CheckOptions Checks { get; set; } = new();

    /// <summary>Limits of the HTTP API.</summary>
    public ApiOptions Api { get; set; } = new();

    /// <summary>How the in-memory index follows the database.</summary>
    public SyncOptions Sync { get; set; } = new();

    /// <summary>Authority reports and the evidence vault.</summary>
    public Reporting.ReportingOptions Reporting { get; set; } = new();
}

/// <summary>Storage settings.</summary>
public sealed class StorageOptions
{
    /// <summary>Folder of the SQLite database (used when <see cref="Postgres"/> is empty).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite.</summary>
    public string? Postgres { get; set; }
}

/// <summary>Check settings.</summary>
public sealed class CheckOptions
{
    /// <summary>When true, callers with only the <c>check</c> scope also see entry ids, distances and labels.</summary>
    public bool RevealEntryDetailsToCheckScope { get; set; }

    /// <summary>PDQ hashes of lower quality are not matched (the reference discards quality ≤ 49).</summary>
    public int MinPdqQuality { get; set; } = 50;

    /// <summary>Largest request body of a check, in bytes (default 50 MB).</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Largest image, in pixels, checked from its header before decoding.</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;
}

/// <summary>API settings.</summary>
public sealed class ApiOptions
{
    /// <summary>Requests per second per key when the key sets no limit of its own.</summary>
    public int DefaultRateLimitPerSecond { get; set; } = 1000;

    /// <summary>Largest bank import file, in bytes (default 1 GiB).</summary>
    public long MaxImportBytes { get; set; } = 1L << 30;

    /// <summary>Entries per import transaction: each committed batch is reported and survives a crash.</summary>
    public int ImportBatchSize { get; set; } = 10_000;

    /// <summary>How long a looked-up API key is trusted before it is read again (revocations from another process take this long).</summary>
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>Folder for spooling import uploads; the system temp folder when empty.</summary>
    public string? SpoolDirectory { get; set; }
}

/// <summary>Index synchronisation settings.</summary>
public sealed class SyncOptions
{
    /// <summary>Longest wait between polls of the change feed (PostgreSQL NOTIFY wakes earlier).</summary>
    public int PollIntervalMilliseconds { get; set; } = 500;

    /// <summary>How often counts of checks without a match are written to the database.</summary>
    public int CounterFlushSeconds { get; set; } = 5;
}

/// <summary>Checks <see cref="SafeguardOptions"/> at start-up.</summary>
internal sealed class SafeguardOptionsValidator : IValidateOptions<SafeguardOptions>
{
    public ValidateOptionsResult Validate(string? name, SafeguardOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string key, string rule)
        {
            if (!ok)
            {
                failures.Add($"Safeguard:{key} {rule}");
            }
        }
        Require(!string.IsNullOrWhiteSpace(options.Storage.DataDirectory) || !string.IsNullOrWhiteSpace(options.Storage.Postgres), "Storage:DataDirectory", "must be set when Storage:Postgres is not");
        Require(options.Checks.MinPdqQuality is >= 0 and <= 100, "Checks:MinPdqQuality", "must be 0-100");
        Require(options.Checks.MaxUploadBytes is >= 1024 and <= 4L << 30, "Checks:MaxUploadBytes", "must be between 1 KiB and 4 GiB");
        Require(options.Checks.MaxImagePixels >= 1, "Checks:MaxImagePixels", "must be positive");
        Require(options.Api.DefaultRateLimitPerSecond >= 1, "Api:DefaultRateLimitPerSecond", "must be at least 1");
        Require(options.Api.MaxImportBytes >= 1024, "Api:MaxImportBytes", "must be at least 1 KiB");
        Require(options.Api.ImportBatchSize is >= 1 and <= 1_000_000, "Api:ImportBatchSize", "must be 1-1000000");
        Require(options.Api.KeyCacheSeconds is >= 0 and <= 3600, "Api:KeyCacheSeconds", "must be 0-3600");
        Require(options.Sync.PollIntervalMilliseconds is >= 10 and <= 60_000, "Sync:PollIntervalMilliseconds", "must be 10-60000");
        Require(options.Sync.CounterFlushSeconds is >= 1 and <= 3600, "Sync:CounterFlushSeconds", "must be 1-3600");
        Require(options.Reporting.SweepIntervalSeconds is >= 1 and <= 3600, "Reporting:SweepIntervalSeconds", "must be 1-3600 (NCMEC abandons an open report an hour after its last change)");
        Require(options.Reporting.Ncmec.Environment is "test" or "production", "Reporting:Ncmec:Environment", "must be 'test' or 'production'");
        Require(options.Reporting.Ncmec.TimeoutSeconds is >= 1 and <= 3600, "Reporting:Ncmec:TimeoutSeconds", "must be 1-3600");
        Require(options.Reporting.Retention.ContentDays >= 1 && options.Reporting.Retention.SubmittedDataDays >= 1 && options.Reporting.Retention.AuthorityReferenceDays >= 1, "Reporting:Retention", "days must be at least 1");
        Require(options.Reporting.UserInfo.Url is null || !string.IsNullOrEmpty(options.Reporting.UserInfo.Secret), "Reporting:UserInfo:Secret", "must be set when Reporting:UserInfo:Url is");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
