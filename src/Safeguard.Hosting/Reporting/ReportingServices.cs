// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Cases;
using Safeguard.Evidence;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Records;
using Safeguard.Reporting;
using Safeguard.Storage;

namespace Safeguard.Hosting.Reporting;

/// <summary>
/// The server's hash-chained audit log as the vault's <see cref="IAuditSink"/>: every evidence
/// store, read, hold and deletion is an entry of the one chain that <c>safeguard audit verify</c> checks.
/// The entry's time is the store's clock (the chain must be monotonic across writers).
/// </summary>
public sealed class StoreAuditSink(ISafeguardStore store) : IAuditSink
{
    public ChainEntry Append(DateTimeOffset time, string kind, string payload) =>
        // The vault is synchronous; the store's write is short and never waits on this thread's context.
        Task.Run(() => store.AppendAuditAsync(kind, payload)).GetAwaiter().GetResult();
}

/// <summary>Where the vault's master keys came from.</summary>
public enum VaultKeySource
{
    KeyFile,
    Configuration,
    DevelopmentFile,
}

/// <summary>Loads the vault's master keys: key file, else configuration/environment, else a development key generated into the data folder.</summary>
public static class VaultKeys
{
    /// <summary>The development key file's name in the reporting folder's parent (the data folder).</summary>
    public const string DevelopmentFileName = "vault-keys.dev.json";

    public static (MasterKeyRing Keys, VaultKeySource Source) Load(ReportingOptions options, string reportingDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(options.KeyFile))
        {
            return (MasterKeyRing.Load(options.KeyFile), VaultKeySource.KeyFile);
        }
        var configured = environment(ReportingOptions.KeysVariable) ?? options.Keys;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (MasterKeyRing.Parse(configured), VaultKeySource.Configuration);
        }
        var path = DevelopmentKeyPath(reportingDirectory);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            MasterKeyRing.Generate("dev1").Save(path);
        }
        return (MasterKeyRing.Load(path), VaultKeySource.DevelopmentFile);
    }

    public static string DevelopmentKeyPath(string reportingDirectory) => Path.Combine(reportingDirectory, "keys", DevelopmentFileName);
}

/// <summary>Builds a <see cref="ReportDesk"/> from options; shared by the server and the CLI so both open a reporting folder the same way.</summary>
public static class ReportDeskFactory
{
    public static ReportDesk Create(
        ReportingOptions options,
        ReportingLayout layout,
        MasterKeyRing keys,
        IAuditSink audit,
        ICaseStore? cases,
        HttpClient http,
        TimeProvider time,
        NcmecSenderOptions? senderOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(layout);
        var vault = new EvidenceVault(layout.Vault, keys, audit, time, options.ToRetentionPolicy());
        var store = new FileReportStore(layout.Store);
        var engine = new ReportingEngine(store, vault, options.ToReporterSettings(), options.ToRoutingSettings(), time);
        var evidence = new ReportEvidenceIndex(layout.EvidenceIndex, vault, time);
        IReportedUserSource? users = options.UserInfo.Url is { } url && !string.IsNullOrEmpty(options.UserInfo.Secret)
            ? new WebhookReportedUserSource(http, url, Encoding.UTF8.GetBytes(options.UserInfo.Secret), time)
            : null;
        return new ReportDesk(layout, engine, evidence, Ncmec(options, store, vault, http, time, senderOptions), new FileDropNcaSender(layout.NcaOutbox),
            cases is null ? null : new CaseReportBuilder(cases, evidence, users), time, options.DraftingProblem());
    }

    private static NcmecConnection? Ncmec(ReportingOptions options, FileReportStore store, EvidenceVault vault, HttpClient http, TimeProvider time, NcmecSenderOptions? senderOptions)
    {
        var o = options.Ncmec;
        string? user = Environment.GetEnvironmentVariable("SAFEGUARD_NCMEC_USERNAME") ?? o.Username;
        string? password = Environment.GetEnvironmentVariable("SAFEGUARD_NCMEC_PASSWORD") ?? o.Password;
        if (string.IsNullOrEmpty(user) || password is null)
        {
            return null;
        }
        var environment = string.Equals(o.Environment, "production", StringComparison.OrdinalIgnoreCase) ? CyberTiplineEnvironment.Production : CyberTiplineEnvironment.Test;
        var client = new CyberTiplineClient(http, o.BaseUrl ?? CyberTiplineClient.DefaultBaseUri(environment), user, password, environment);
        ICyberTiplineSchemaSource schema = string.IsNullOrWhiteSpace(o.XsdFile)
            ? new LiveCyberTiplineSchemaSource(client, time)
            : new FixedCyberTiplineSchemaSource(CyberTiplineSchema.LoadFile(o.XsdFile));
        return new NcmecConnection(new NcmecReportSender(store, vault, client, schema, time, senderOptions), schema);
    }
}

/// <summary>
/// Runs the report sweep at start-up and every <see cref="ReportingOptions.SweepIntervalSeconds"/>:
/// finishes or retracts reports in flight well inside NCMEC's abandonment window, and surfaces
/// evidence past retention for a person to approve its deletion.
/// </summary>
internal sealed class ReportSweeper(ReportDesk desk, ReportingOptions options, ILogger<ReportSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SweepIntervalSeconds));
        do
        {
            await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var resumed = await desk.SweepAsync(cancellationToken).ConfigureAwait(false);
            if (resumed.Count > 0)
            {
                logger.ReportSweepCompleted(resumed.Count);
            }
            var expired = desk.ExpiryProposals().Count;
            if (expired > 0)
            {
                logger.RetentionProposalsWaiting(expired);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed sweep must not stop the server; the next interval tries again and the type is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.ReportSweepFailed(e.GetType().Name);
        }
    }
}
