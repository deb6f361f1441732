// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Text;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard transparency</c>: figures for a period from a record log (JSON, CSV or HTML), the regulator
/// bundle, its verification, and a synthetic sample log for trying it out.
/// </summary>
internal static class TransparencyCommand
{
    public static Command Create()
    {
        var records = RecordsOption();
        var from = new Option<string>("--from") { Description = "Period start, UTC: 2025-01-01 or 2025-01-01T00:00:00Z (included)." };
        var to = new Option<string>("--to") { Description = "Period end, UTC (excluded): --from 2025-01-01 --to 2025-04-01 is the first quarter." };
        var format = new Option<string>("--format") { Description = "json, csv or html.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv", "html");
        var variant = new Option<string>("--variant") { Description = "public (small counts shown as <N) or regulator (exact).", DefaultValueFactory = _ => "public" };
        variant.AcceptOnlyFromAmong("public", "regulator");
        var threshold = ThresholdOption();
        var output = new Option<string?>("--out") { Description = "Write here instead of standard output." };
        var service = new Option<string>("--service-name") { Description = "Service name in the HTML title.", DefaultValueFactory = _ => "Safeguard" };
        var store = new StoreOptions();
        var command = new Command("transparency", "Transparency figures for a period, computed from a hash-chained record log (a file, or the server's database).")
        {
            records, from, to, format, variant, threshold, output, service,
        };
        store.AddTo(command);
        command.Subcommands.Add(CreateBundle());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateSample());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var period = Period(parse.GetValue(from), parse.GetValue(to));
            var options = Options(parse.GetValue(threshold));
            var (entries, path, failure) = await LoadAsync(parse, records, store, cancellationToken).ConfigureAwait(false);
            if (entries is null)
            {
                return await FailAsync(failure!).ConfigureAwait(false);
            }
            TransparencyReport report;
            try
            {
                report = TransparencyEngine.Compute(entries, period, options);
            }
            catch (ChainIntegrityException e)
            {
                return await FailAsync($"{path}: {e.Message}; no figures computed").ConfigureAwait(false);
            }
            var which = parse.GetValue(variant) == "regulator" ? ReportVariant.Regulator : ReportVariant.Public;
            string serviceName = parse.GetValue(service)!;
            var outputFormat = parse.GetValue(format) switch
            {
                "csv" => ReportFormat.Csv,
                "html" => ReportFormat.Html,
                _ => ReportFormat.Json,
            };
            byte[] rendered = TransparencyRequest.Render(report, outputFormat, which, serviceName);
            await WriteOutputAsync(parse.GetValue(output), stream => stream.Write(rendered), cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command CreateBundle()
    {
        var records = RecordsOption();
        var from = new Option<string>("--from") { Description = "Period start, UTC (included)." };
        var to = new Option<string>("--to") { Description = "Period end, UTC (excluded)." };
        var threshold = ThresholdOption();
        var output = new Option<string>("--out") { Description = "Bundle file to write.", Required = true };
        var store = new StoreOptions();
        var command = new Command("bundle", "Export the regulator bundle: exact figures, the chain head and checkpoints.") { records, from, to, threshold, output };
        store.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var period = Period(parse.GetValue(from), parse.GetValue(to));
            var options = Options(parse.GetValue(threshold));
            var (entries, path, failure) = await LoadAsync(parse, records, store, cancellationToken).ConfigureAwait(false);
            if (entries is null)
            {
                return await FailAsync(failure!).ConfigureAwait(false);
            }
            TransparencyReport report;
            try
            {
                report = TransparencyEngine.Compute(entries, period, options);
            }
            catch (ChainIntegrityException e)
            {
                return await FailAsync($"{path}: {e.Message}; no bundle written").ConfigureAwait(false);
            }
            await WriteOutputAsync(parse.GetValue(output), stream => RegulatorBundle.Write(stream, report, entries, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bundle: {report.Figures.Count} figures at record {report.Watermark.Sequence}, head {report.Watermark.HashHex}")).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var bundle = new Option<string>("--bundle") { Description = "The regulator bundle to check.", Required = true };
        var records = RecordsOption();
        var store = new StoreOptions();
        var command = new Command("verify", "Recompute a bundle's figures from the records and check that nothing was changed (exit 0 verified, 1 not).") { bundle, records };
        store.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string bundlePath = parse.GetValue(bundle)!;
            RegulatorBundle.Contents contents;
            try
            {
                if (new FileInfo(bundlePath).Length > RegulatorBundle.MaxBundleBytes)
                {
                    return await FailAsync($"{bundlePath}: larger than {RegulatorBundle.MaxBundleBytes} bytes; not a bundle").ConfigureAwait(false);
                }
                await using var stream = File.OpenRead(bundlePath);
                contents = RegulatorBundle.Read(stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await FailAsync($"{bundlePath}: cannot read the bundle ({e.GetType().Name})").ConfigureAwait(false);
            }
            catch (BundleFormatException e)
            {
                return await FailAsync($"{bundlePath}: {e.Message}").ConfigureAwait(false);
            }
            var (entries, _, failure) = await LoadAsync(parse, records, store, cancellationToken, contents.Head.Sequence).ConfigureAwait(false);
            if (entries is null)
            {
                return await FailAsync($"not verified: {failure}").ConfigureAwait(false);
            }
            var result = RegulatorBundle.Verify(contents, entries);
            if (!result.Verified)
            {
                return await FailAsync($"not verified: {result.Message}").ConfigureAwait(false);
            }
            await Console.Out.WriteLineAsync(result.Message).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command CreateSample()
    {
        var output = new Option<string>("--out") { Description = "Record log file to create (must not exist).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic history.", DefaultValueFactory = _ => 1 };
        var items = new Option<int>("--items") { Description = "Items in the synthetic history (1 to 100000).", DefaultValueFactory = _ => 400 };
        var command = new Command("sample", "Write a synthetic record log (fictional items, two quarters of 2025) to try the reports on.") { output, seed, items };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetValue(output)!;
            int count = parse.GetValue(items);
            if (count is < 1 or > 100_000)
            {
                throw new UsageException("--items must be between 1 and 100000");
            }
            if (File.Exists(path))
            {
                throw new UsageException($"{path} already exists; the sample is written only to a new file");
            }
            using var log = new JsonLinesRecordLog(path);
            long written = await SampleHistory.WriteAsync(log, parse.GetValue(seed), count, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {written} records to {path}")).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Option<string> RecordsOption() => new("--records")
    {
        Description = "Record log file (JSON lines, docs/formats.md). Without it the server's database is read (--data, default ./data, or --postgres).",
    };

    private static Option<int> ThresholdOption() => new("--small-count-threshold")
    {
        Description = "Counts from 1 to N-1 are shown as <N in public outputs (0 turns it off).",
        DefaultValueFactory = _ => 10,
    };

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"{name} is required") : value;

    private static TransparencyOptions Options(int threshold) =>
        threshold is < 0 or > 1_000_000
            ? throw new UsageException("--small-count-threshold must be between 0 and 1000000")
            : new TransparencyOptions { SmallCountThreshold = threshold };

    private static ReportPeriod Period(string? from, string? to)
    {
        var start = ParseTime(Required(from, "--from"), "--from");
        var end = ParseTime(Required(to, "--to"), "--to");
        return end > start ? new ReportPeriod(start, end) : throw new UsageException("--to must be after --from (the period is [from, to))");
    }

    private static DateTimeOffset ParseTime(string text, string name)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        return TransparencyRequest.Time(text, name, errors) ?? throw new UsageException($"{name} {errors[name]}");
    }

    /// <summary>
    /// Reads the records from <c>--records FILE</c>, or else from the server's database (<c>--data</c> /
    /// <c>--postgres</c>, or the server's environment settings). Returns where they came from for messages.
    /// </summary>
    private static async Task<(List<ChainEntry>? Entries, string Source, string? Failure)> LoadAsync(
        ParseResult parse, Option<string> records, StoreOptions store, CancellationToken cancellationToken, long toSequence = long.MaxValue)
    {
        if (parse.GetValue(records) is { Length: > 0 } path)
        {
            if (parse.GetValue(store.Data) is not null || parse.GetValue(store.Postgres) is not null)
            {
                throw new UsageException("give --records FILE or the database (--data / --postgres), not both");
            }
            var (fromFile, failure) = await LoadAsync(path, cancellationToken).ConfigureAwait(false);
            return (fromFile?.Take((int)Math.Min(toSequence, int.MaxValue)).ToList(), path, failure);
        }
        var storage = store.Resolve(parse);
        string source = storage.Postgres is null ? Path.Combine(storage.DataDirectory, Storage.SqliteStore.FileName) : "the PostgreSQL database";
        if (storage.Postgres is null && !File.Exists(source))
        {
            // Opening would create an empty database: a read-only command must not.
            return (null, source, $"{source}: no server database here; give --records FILE, --data DIR or --postgres CONNECTION");
        }
        await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await db.Records.ReadAllAsync(toSequence, cancellationToken).ConfigureAwait(false), source, null);
        }
        catch (System.Data.Common.DbException e)
        {
            return (null, source, $"{source}: cannot read the record log ({e.GetType().Name})");
        }
    }

    /// <summary>Reads a record log; on failure returns a message naming the file and line instead.</summary>
    internal static async Task<(List<ChainEntry>? Entries, string? Failure)> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return (null, $"{path}: no such record log");
        }
        try
        {
            using var log = new JsonLinesRecordLog(path);
            return (await log.ReadAllAsync(long.MaxValue, cancellationToken).ConfigureAwait(false), null);
        }
        catch (RecordLogFormatException e)
        {
            return (null, $"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: cannot read the record log ({e.GetType().Name})");
        }
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"safeguard: {message}").ConfigureAwait(false);
        return CliApp.ExitSomeFailed;
    }

    /// <summary>Writes to a temporary file and moves it into place, so a failure never leaves half a report.</summary>
    internal static async Task WriteOutputAsync(string? path, Action<Stream> write, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            using var buffer = new MemoryStream();
            write(buffer);
            buffer.Position = 0;
            await buffer.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            return;
        }
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(file);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing was moved into place; a stray temporary file is all that can remain.
            }
            throw new UsageException($"cannot write {path} ({e.GetType().Name})");
        }
    }
}
