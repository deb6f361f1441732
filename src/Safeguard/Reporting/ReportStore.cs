// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>
/// The non-sensitive index entry of a report: enough to list and route it. The draft itself (with
/// personal data) is the vault object <see cref="DraftObjectId"/>.
/// </summary>
public sealed record ReportSummary
{
    public const string Format = "safeguard.report.summary/1";

    public string FormatTag { get; init; } = Format;

    public required string ReportKey { get; init; }

    public required string CaseId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required IncidentType IncidentType { get; init; }

    public required ReportPriority Priority { get; init; }

    public required int FileCount { get; init; }

    public required bool TextOnly { get; init; }

    public required string DraftObjectId { get; init; }

    public required bool SendToNcmec { get; init; }

    public required NcaRoute NcaRoute { get; init; }

    /// <summary>The UK-link evidence (booleans only), so routing can be re-decided without opening the draft.</summary>
    public UkLinkEvidence? UkLink { get; init; }
}

/// <summary>
/// One durable step of a report's life (journal format <c>safeguard.report.journal/1</c>). The
/// sender writes an intent (<c>*.sending</c>) before each call and the outcome after it, so after a
/// crash it knows exactly which calls may have reached NCMEC.
/// </summary>
public sealed record ReportEvent(string Type, DateTimeOffset At, int Attempt)
{
    public long? ReportId { get; init; }

    public int? FileIndex { get; init; }

    public string? FileId { get; init; }

    public string? Md5 { get; init; }

    public int? Code { get; init; }

    public int? HttpStatus { get; init; }

    public string? Detail { get; init; }

    /// <summary>A vault object (request document, reference) this step stored.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The stored response (exchange) this step produced.</summary>
    public string? Exchange { get; init; }

    public IReadOnlyList<string>? FileIds { get; init; }

    public string? Actor { get; init; }
}

/// <summary>Metadata kept beside each stored raw response.</summary>
public sealed record ExchangeRecord(
    string Endpoint,
    string Environment,
    DateTimeOffset At,
    int HttpStatus,
    int? ResponseCode,
    string? RequestId,
    IReadOnlyList<string> Headers,
    string BodySha256,
    string? SchemaSha256);

/// <summary>Durable storage of reports: summaries, journals and write-once responses.</summary>
public interface IReportStore
{
    void Create(ReportSummary summary);

    ReportSummary Get(string reportKey);

    IReadOnlyList<ReportSummary> List();

    IReadOnlyList<ReportEvent> ReadJournal(string reportKey);

    /// <summary>Appends one event; durable when this returns.</summary>
    void Append(string reportKey, ReportEvent reportEvent);

    /// <summary>Stores a raw response body and its metadata write-once; returns its name.</summary>
    string SaveExchange(string reportKey, string step, byte[] body, ExchangeRecord record);

    byte[] ReadExchange(string reportKey, string name);

    ExchangeRecord ReadExchangeRecord(string reportKey, string name);
}

/// <summary>Thrown for an unknown report key or a damaged store; the message names which.</summary>
public sealed class ReportStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A directory-based <see cref="IReportStore"/> (layout "Report store, version 1" in docs/formats.md).
/// One process writes a store at a time.
/// </summary>
public sealed class FileReportStore : IReportStore
{
    public const string JournalFormat = "safeguard.report.journal/1";

    private readonly string _reports;
    private readonly Lock _gate = new();

    public FileReportStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _reports = Path.Combine(Root, "reports");
        Directory.CreateDirectory(_reports);
    }

    public string Root { get; }

    public void Create(ReportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string dir = Dir(summary.ReportKey, mustExist: false);
        lock (_gate)
        {
            Directory.CreateDirectory(Path.Combine(dir, "exchanges"));
            EvidenceJson.WriteOnce(Path.Combine(dir, "summary.json"), JsonSerializer.SerializeToUtf8Bytes(summary, EvidenceJson.Indented));
        }
    }

    public ReportSummary Get(string reportKey)
    {
        string path = Path.Combine(Dir(reportKey), "summary.json");
        try
        {
            var summary = JsonSerializer.Deserialize<ReportSummary>(File.ReadAllBytes(path), EvidenceJson.Options);
            return summary is { FormatTag: ReportSummary.Format }
                ? summary
                : throw new ReportStoreException($"report {reportKey}: summary is not {ReportSummary.Format}");
        }
        catch (JsonException e)
        {
            throw new ReportStoreException($"report {reportKey}: summary is not valid JSON", e);
        }
    }

    public IReadOnlyList<ReportSummary> List() =>
        [.. Directory.EnumerateDirectories(_reports)
            .Select(Path.GetFileName)
            .Where(k => EvidenceVault.IsValidId(k) && File.Exists(Path.Combine(_reports, k!, "summary.json")))
            .Select(k => Get(k!))
            .OrderBy(s => s.CreatedAt)
            .ThenBy(s => s.ReportKey, StringComparer.Ordinal)];

    public IReadOnlyList<ReportEvent> ReadJournal(string reportKey)
    {
        string path = Path.Combine(Dir(reportKey), "journal.jsonl");
        var events = new List<ReportEvent>();
        if (!File.Exists(path))
        {
            return events;
        }
        byte[] bytes = File.ReadAllBytes(path);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            bool isLast = i == lines.Length - 1;
            try
            {
                var line = JsonSerializer.Deserialize<JournalLine>(lines[i], EvidenceJson.Options);
                if (line?.F != JournalFormat || line.E is null)
                {
                    throw new JsonException("not a journal line");
                }
                events.Add(line.E);
            }
            catch (JsonException) when (isLast)
            {
                // A crash during the last append leaves an unterminated line: that step never completed.
            }
            catch (JsonException e)
            {
                throw new ReportStoreException($"report {reportKey}: journal line {i + 1} is damaged", e);
            }
        }
        return events;
    }

    public void Append(string reportKey, ReportEvent reportEvent)
    {
        ArgumentNullException.ThrowIfNull(reportEvent);
        string path = Path.Combine(Dir(reportKey), "journal.jsonl");
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(new JournalLine(JournalFormat, reportEvent), EvidenceJson.Options);
        lock (_gate)
        {
            using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            // A previous append cut short by a crash left a partial last line: that step never
            // completed, so drop the fragment before appending.
            long end = stream.Length;
            while (end > 0)
            {
                stream.Seek(end - 1, SeekOrigin.Begin);
                if (stream.ReadByte() == '\n')
                {
                    break;
                }
                end--;
            }
            if (end != stream.Length)
            {
                stream.SetLength(end);
            }
            stream.Seek(0, SeekOrigin.End);
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }
    }

    public string SaveExchange(string reportKey, string step, byte[] body, ExchangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(body);
        string dir = Path.Combine(Dir(reportKey), "exchanges");
        lock (_gate)
        {
            int next = Directory.EnumerateFiles(dir, "*.xml").Count() + 1;
            string name = $"{next:D4}-{step}";
            EvidenceJson.WriteOnce(Path.Combine(dir, name + ".json"), JsonSerializer.SerializeToUtf8Bytes(record, EvidenceJson.Indented));
            EvidenceJson.WriteOnce(Path.Combine(dir, name + ".xml"), body);
            return name;
        }
    }

    public byte[] ReadExchange(string reportKey, string name) => File.ReadAllBytes(ExchangePath(reportKey, name, ".xml"));

    public ExchangeRecord ReadExchangeRecord(string reportKey, string name) =>
        JsonSerializer.Deserialize<ExchangeRecord>(File.ReadAllBytes(ExchangePath(reportKey, name, ".json")), EvidenceJson.Options)
            ?? throw new ReportStoreException($"report {reportKey}: exchange {name} has no record");

    private string ExchangePath(string reportKey, string name, string extension)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ReportStoreException("an exchange name is letters, digits and '-'");
        }
        string path = Path.Combine(Dir(reportKey), "exchanges", name + extension);
        return File.Exists(path) ? path : throw new ReportStoreException($"report {reportKey} has no exchange {name}");
    }

    private string Dir(string reportKey, bool mustExist = true)
    {
        if (!EvidenceVault.IsValidId(reportKey))
        {
            throw new ReportStoreException("a report key is 32 lowercase hex digits");
        }
        string dir = Path.Combine(_reports, reportKey);
        if (mustExist && !Directory.Exists(dir))
        {
            throw new ReportStoreException($"no report {reportKey}");
        }
        return dir;
    }

    private sealed record JournalLine(string F, ReportEvent E);
}
