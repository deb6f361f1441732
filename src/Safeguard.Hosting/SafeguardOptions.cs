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

    /// <summary>Review cases and the console.</summary>
    public ReviewSettings Review { get; set; } = new();

    /// <summary>Where automatic and reviewer decisions are sent.</summary>
    public WebhookOptions Webhooks { get; set; } = new();
}

/// <summary>Review settings (<c>Safeguard:Review:*</c>).</summary>
public sealed class ReviewSettings
{
    /// <summary>How long a claim lasts without a decision.</summary>
    public int ClaimMinutes { get; set; } = 15;

    /// <summary>Image cases a reviewer may be given per UTC day (0: no cap). A user's own cap overrides it.</summary>
    public int DailyImageCap { get; set; } = 100;

    /// <summary>How often the background worker returns lapsed claims and sends webhooks.</summary>
    public int WorkerIntervalMilliseconds { get; set; } = 5000;

    /// <summary>Keep a reduced-size thumbnail of an image that opens a case (off: reviewers decide from hashes and matches only).</summary>
    public bool KeepThumbnails { get; set; } = true;
}

/// <summary>
/// The platform's webhook receiver (<c>Safeguard:Webhooks:*</c>). Without a URL nothing is sent
/// (the outbox still fills). Keep the secret out of files in the repository: set it as the
/// environment variable <c>Safeguard__Webhooks__Secret</c> or in a secret store.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The receiver, e.g. https://platform.example.com/safeguard/webhook.</summary>
    public string? Url { get; set; }

    /// <summary>The shared HMAC-SHA256 secret (at least 16 characters; 32 random bytes recommended).</summary>
    public string? Secret { get; set; }

    /// <summary>Delay before the first retry.</summary>
    public int InitialRetrySeconds { get; set; } = 30;

    /// <summary>Longest delay between attempts.</summary>
    public int MaxRetrySeconds { get; set; } = 3600;

    /// <summary>Attempts before a message is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Time limit of one delivery attempt.</summary>
    public int TimeoutSeconds { get; set; } = 10;
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

    /// <summary>Longest text a text check accepts, in UTF-16 characters (default 100,000; the JSON body is also capped at 1 MiB).</summary>
    public int MaxTextLength { get; set; } = 100_000;
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
        Require(options.Checks.MaxTextLength is >= 1 and <= 1_000_000, "Checks:MaxTextLength", "must be 1-1000000");
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
        Require(options.Review.ClaimMinutes is >= 1 and <= 1440, "Review:ClaimMinutes", "must be 1-1440");
        Require(options.Review.DailyImageCap >= 0, "Review:DailyImageCap", "must be 0 (no cap) or more");
        Require(options.Review.WorkerIntervalMilliseconds is >= 50 and <= 600_000, "Review:WorkerIntervalMilliseconds", "must be 50-600000");
        var hook = options.Webhooks;
        if (!string.IsNullOrWhiteSpace(hook.Url))
        {
            Require(Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp),
                "Webhooks:Url", "must be an absolute http(s) URL");
            // The message names the key only: the secret itself never reaches a log.
            Require(hook.Secret is { Length: >= 16 }, "Webhooks:Secret", "must be set (at least 16 characters) when Webhooks:Url is");
        }
        Require(hook.InitialRetrySeconds >= 1, "Webhooks:InitialRetrySeconds", "must be at least 1");
        Require(hook.MaxRetrySeconds >= hook.InitialRetrySeconds, "Webhooks:MaxRetrySeconds", "must be at least Webhooks:InitialRetrySeconds");
        Require(hook.MaxAttempts is >= 1 and <= 100, "Webhooks:MaxAttempts", "must be 1-100");
        Require(hook.TimeoutSeconds is >= 1 and <= 300, "Webhooks:TimeoutSeconds", "must be 1-300");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
