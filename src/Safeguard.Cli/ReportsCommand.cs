// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using Safeguard.Evidence;
using Safeguard.Hosting.Reporting;
using Safeguard.Reporting;
using Safeguard.Storage;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard reports list|show|send|retract</c> over a file-based reporting directory
/// (report store, evidence vault, audit file). A directory a server owns (its reporting folder,
/// by default <c>{data}/reporting</c>) is audited into the server database's chain instead of the
/// audit file, and sends hold the directory's lock so the server's sweep never runs at the same time.
/// Credentials and vault keys come from the environment or a key file, never from the command line.
/// </summary>
internal static class ReportsCommand
{
    private const string DirVariable = "SAFEGUARD_REPORTS_DIR";
    private const string KeysVariable = "SAFEGUARD_VAULT_KEYS";
    private const string UserVariable = "SAFEGUARD_NCMEC_USERNAME";
    private const string PasswordVariable = "SAFEGUARD_NCMEC_PASSWORD";

    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = $"Reporting directory (default: ${DirVariable}, else the server's DATA/reporting).", Recursive = true };
        var command = new Command("reports", "List, show, send and retract authority reports (NCMEC CyberTipline).") { dir };
        Database.Data.Recursive = true;
        Database.Postgres.Recursive = true;
        Database.AddTo(command);
        command.Subcommands.Add(List(dir));
        command.Subcommands.Add(Show(dir));
        command.Subcommands.Add(Send(dir));
        command.Subcommands.Add(Retract(dir));
        return command;
    }

    private static Command List(Option<string?> dir)
    {
        var command = new Command("list", "List reports with their NCMEC status.");
        command.SetAction(parse =>
        {
            var store = OpenStore(Dir(parse, dir));
            Console.Out.WriteLine("report                            created               priority  files  ncmec            ncmec-id  nca");
            foreach (var s in store.List())
            {
                var state = NcmecState.Replay(store.ReadJournal(s.ReportKey));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.ReportKey}  {s.CreatedAt:yyyy-MM-dd HH:mm}Z  {s.Priority,-8}  {s.FileCount,5}  {state.Status,-15}  {(state.FinishedReportId ?? state.ReportId)?.ToString(CultureInfo.InvariantCulture) ?? "-",8}  {s.NcaRoute}"));
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Show(Option<string?> dir)
    {
        var key = new Argument<string>("report") { Description = "Report key (or a unique prefix of at least 6 characters)." };
        var command = new Command("show", "Show a report's status, receipt and journal.") { key };
        command.SetAction(parse =>
        {
            var store = OpenStore(Dir(parse, dir));
            var summary = Resolve(store, parse.GetValue(key)!);
            var journal = store.ReadJournal(summary.ReportKey);
            var state = NcmecState.Replay(journal);
            var o = Console.Out;
            o.WriteLine($"report:        {summary.ReportKey}");
            o.WriteLine($"case:          {summary.CaseId}");
            o.WriteLine($"created:       {CyberTiplineXml.Time(summary.CreatedAt)}");
            o.WriteLine($"incident type: {IncidentTypes.ToNcmec(summary.IncidentType)}");
            o.WriteLine($"priority:      {summary.Priority}{(summary.Priority == ReportPriority.P1 ? " (escalated to high priority at NCMEC)" : "")}");
            o.WriteLine($"files:         {summary.FileCount}{(summary.TextOnly ? " (text-only: conversation transcript)" : "")}");
            o.WriteLine($"ncmec:         {state.Status}");
            if ((state.FinishedReportId ?? state.ReportId) is { } id)
            {
                o.WriteLine($"ncmec id:      {id.ToString(CultureInfo.InvariantCulture)}");
            }
            if (state.ReceiptExchange is { } receipt)
            {
                o.WriteLine($"receipt:       {Path.Combine(store.Root, "reports", summary.ReportKey, "exchanges", receipt + ".xml")}");
                o.WriteLine($"file ids:      {string.Join(", ", state.FinishedFileIds)}");
            }
            if (state.Deadline is { } deadline && state.ReportId is not null)
            {
                o.WriteLine($"open until:    {CyberTiplineXml.Time(deadline)} (NCMEC abandons it after this)");
            }
            if (state.Problem is { } problem)
            {
                o.WriteLine($"problem:       {problem}");
            }
            o.WriteLine($"nca route:     {summary.NcaRoute}");
            o.WriteLine("journal:");
            foreach (var e in journal)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {CyberTiplineXml.Time(e.At)}  #{e.Attempt}  {e.Type}{(e.ReportId is { } r ? " report=" + r : "")}{(e.FileIndex is { } f ? " file=" + (f + 1) : "")}{(e.Code is { } c ? " code=" + c : "")}{(e.Detail is { } d ? "  " + d : "")}"));
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Send(Option<string?> dir)
    {
        var key = new Argument<string>("report") { Description = "Report key (or a unique prefix)." };
        var opts = new SenderOptions();
        var command = new Command("send", $"Send (or resume) a report to NCMEC. Credentials: ${UserVariable}, ${PasswordVariable}.") { key };
        opts.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var context = await SenderContext.OpenAsync(Dir(parse, dir), parse, opts, requireCredentials: true, ct).ConfigureAwait(false);
            var summary = Resolve(context.Store, parse.GetValue(key)!);
            try
            {
                using var held = await ReportingLock.AcquireAsync(context.Layout, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                return Print(await context.Sender.SendAsync(summary.ReportKey, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (IsOperational(e))
            {
                await Console.Error.WriteLineAsync("safeguard: " + e.Message).ConfigureAwait(false);
                return CliApp.ExitSomeFailed;
            }
        });
        return command;
    }

    private static Command Retract(Option<string?> dir)
    {
        var key = new Argument<string>("report") { Description = "Report key (or a unique prefix)." };
        var reason = new Option<string>("--reason") { Description = "Why the report is withdrawn (recorded).", Required = true };
        var actor = new Option<string>("--actor") { Description = "Who withdraws it (staff id, recorded).", DefaultValueFactory = _ => Environment.UserName };
        var opts = new SenderOptions();
        var command = new Command("retract", "Withdraw a report that is not finished; retracts it at NCMEC if it is open there.") { key, reason, actor };
        opts.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var store = OpenStore(Dir(parse, dir));
            var summary = Resolve(store, parse.GetValue(key)!);
            var state = NcmecState.Replay(store.ReadJournal(summary.ReportKey));
            bool openAtNcmec = state.ReportId is not null || state.Pending is not null;
            await using var context = await SenderContext.OpenAsync(Dir(parse, dir), parse, opts, requireCredentials: openAtNcmec, ct).ConfigureAwait(false);
            try
            {
                using var held = await ReportingLock.AcquireAsync(context.Layout, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                var result = await context.Sender.RetractAsync(summary.ReportKey, parse.GetValue(actor)!, parse.GetValue(reason)!, ct).ConfigureAwait(false);
                return Print(result);
            }
            catch (Exception e) when (e is InvalidOperationException || IsOperational(e))
            {
                await Console.Error.WriteLineAsync("safeguard: " + e.Message).ConfigureAwait(false);
                return CliApp.ExitSomeFailed;
            }
        });
        return command;
    }

    private static int Print(NcmecResult result)
    {
        Console.Out.WriteLine($"{result.ReportKey}: {result.Status}{(result.ReportId is { } id ? " (NCMEC report " + id.ToString(CultureInfo.InvariantCulture) + ")" : "")}");
        if (result.Problem is { } problem)
        {
            Console.Out.WriteLine("problem: " + problem);
        }
        foreach (var error in result.ValidationErrors)
        {
            Console.Out.WriteLine("schema: " + error);
        }
        return result.Status is ReportStatus.Finished or ReportStatus.Withdrawn ? CliApp.ExitOk : CliApp.ExitSomeFailed;
    }

    /// <summary>Failures of the store, the vault or the network that leave stored data untouched.</summary>
    private static bool IsOperational(Exception e) =>
        e is ReportStoreException or EvidenceVaultException or CyberTiplineTransportException or HttpRequestException or FormatException;

    private static FileReportStore OpenStore(string dir)
    {
        var layout = Layout(dir);
        if (!Directory.Exists(layout.Store))
        {
            throw new UsageException($"no report store in '{layout.Root}' (set --dir or ${DirVariable})");
        }
        return new FileReportStore(layout.Store);
    }

    /// <summary>The server's database options (<c>--data</c>, <c>--postgres</c>), used for the default directory and a server-owned directory's audit chain.</summary>
    private static StoreOptions Database { get; } = new();

    private static string Dir(ParseResult parse, Option<string?> dir) =>
        parse.GetValue(dir) ?? Environment.GetEnvironmentVariable(DirVariable) ?? Path.Combine(Database.Resolve(parse).DataDirectory, "reporting");

    private static ReportingLayout Layout(string dir) => new(Path.GetFullPath(dir));

    private static ReportSummary Resolve(FileReportStore store, string keyOrPrefix)
    {
        string k = keyOrPrefix.Trim().ToLowerInvariant();
        if (k.Length < 6)
        {
            throw new UsageException("give the report key or a prefix of at least 6 characters");
        }
        var matches = store.List().Where(s => s.ReportKey.StartsWith(k, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new UsageException($"no report matches '{keyOrPrefix}'"),
            _ => throw new UsageException($"'{keyOrPrefix}' matches {matches.Count} reports; give more characters"),
        };
    }

    private sealed class SenderOptions
    {
        public Option<string?> KeyFile { get; } = new("--key-file") { Description = $"Vault master key file (default: ${KeysVariable} holds the keys)." };

        public Option<string> Environment { get; } = new("--environment") { Description = "NCMEC environment: test or production.", DefaultValueFactory = _ => "test" };

        public Option<string?> Url { get; } = new("--ncmec-url") { Description = "Override the CyberTipline base URI of the environment." };

        public Option<string?> Xsd { get; } = new("--xsd") { Description = "Validate against this schema file instead of the live GET /xsd." };

        public Option<int> TimeoutSeconds { get; } = new("--timeout") { Description = "Seconds per HTTP call.", DefaultValueFactory = _ => 100 };

        public void AddTo(Command command)
        {
            command.Options.Add(KeyFile);
            command.Options.Add(Environment);
            command.Options.Add(Url);
            command.Options.Add(Xsd);
            command.Options.Add(TimeoutSeconds);
        }
    }

    private sealed class SenderContext : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly SqlStore? _database;

        private SenderContext(HttpClient http, SqlStore? database, ReportingLayout layout, FileReportStore store, NcmecReportSender sender)
        {
            _http = http;
            _database = database;
            Layout = layout;
            Store = store;
            Sender = sender;
        }

        public ReportingLayout Layout { get; }

        public FileReportStore Store { get; }

        public NcmecReportSender Sender { get; }

        public static async Task<SenderContext> OpenAsync(string dir, ParseResult parse, SenderOptions opts, bool requireCredentials, CancellationToken ct)
        {
            var layout = Layout(dir);
            var store = OpenStore(dir);
            bool serverOwned;
            try
            {
                serverOwned = layout.IsOwnedByServer();
            }
            catch (ReportStoreException e)
            {
                throw new UsageException(e.Message);
            }
            var keys = LoadKeys(parse.GetValue(opts.KeyFile), serverOwned ? VaultKeys.DevelopmentKeyPath(layout.Root) : null);
            var environment = parse.GetValue(opts.Environment) switch
            {
                "test" => CyberTiplineEnvironment.Test,
                "production" => CyberTiplineEnvironment.Production,
                var other => throw new UsageException($"--environment must be 'test' or 'production', not '{other}'"),
            };
            string? user = System.Environment.GetEnvironmentVariable(UserVariable);
            string? password = System.Environment.GetEnvironmentVariable(PasswordVariable);
            if (requireCredentials && (string.IsNullOrEmpty(user) || password is null))
            {
                throw new UsageException($"set ${UserVariable} and ${PasswordVariable} to the CyberTipline credentials of the {environment} environment");
            }
            int timeout = parse.GetValue(opts.TimeoutSeconds);
            if (timeout is < 1 or > 3600)
            {
                throw new UsageException("--timeout must be 1-3600 seconds");
            }
            // A server's folder is audited into the server's one chain, so `audit verify` sees CLI reads too.
            var database = serverOwned ? await Database.OpenAsync(parse, ct).ConfigureAwait(false) : null;
            IAuditSink audit = database is not null ? new StoreAuditSink(database) : new FileAuditSink(layout.AuditFile);
            var vault = new EvidenceVault(layout.Vault, keys, audit);
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(timeout) };
            // Without credentials no call is made (the report is not open at NCMEC); the client is unused.
            var client = new CyberTiplineClient(http, BaseUri(parse.GetValue(opts.Url)) ?? CyberTiplineClient.DefaultBaseUri(environment), user ?? "unused", password ?? "", environment);
            ICyberTiplineSchemaSource schema = parse.GetValue(opts.Xsd) is { } xsd
                ? new FixedCyberTiplineSchemaSource(LoadSchema(xsd))
                : new LiveCyberTiplineSchemaSource(client);
            return new SenderContext(http, database, layout, store, new NcmecReportSender(store, vault, client, schema));
        }

        // System.CommandLine has no Uri converter; parse it here so a bad value is a usage error.
        private static Uri? BaseUri(string? text) =>
            text is null ? null
            : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
            : throw new UsageException($"--ncmec-url must be an absolute http(s) address, not '{text}'");

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (_database is not null)
            {
                await _database.DisposeAsync().ConfigureAwait(false);
            }
        }

        private static MasterKeyRing LoadKeys(string? keyFile, string? serverDevelopmentKeys)
        {
            try
            {
                if (keyFile is not null)
                {
                    return MasterKeyRing.Load(keyFile);
                }
                string? configured = System.Environment.GetEnvironmentVariable(KeysVariable);
                if (configured is not null)
                {
                    return MasterKeyRing.Parse(configured);
                }
                if (serverDevelopmentKeys is not null && File.Exists(serverDevelopmentKeys))
                {
                    Console.Error.WriteLine("safeguard: warning: using the server's development vault key; configure real keys for production");
                    return MasterKeyRing.Load(serverDevelopmentKeys);
                }
                throw new UsageException($"the vault needs its master keys: give --key-file or set ${KeysVariable}");
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                throw new UsageException("vault keys: " + e.Message);
            }
        }

        private static CyberTiplineSchema LoadSchema(string path)
        {
            try
            {
                return CyberTiplineSchema.LoadFile(path);
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                throw new UsageException($"--xsd: {e.Message}");
            }
        }
    }
}
