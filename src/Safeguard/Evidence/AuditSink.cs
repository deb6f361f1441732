// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Evidence;

/// <summary>
/// Where the vault and the reporting engine record who did what to evidence. Each call appends one
/// hash-chained entry (<see cref="HashChain"/>). Payloads carry identifiers and reasons only, never
/// content, message text or user identifiers of the platform's users.
/// </summary>
public interface IAuditSink
{
    /// <summary>Appends an entry and returns it once it is durable.</summary>
    ChainEntry Append(DateTimeOffset time, string kind, string payload);
}

/// <summary>
/// An <see cref="IAuditSink"/> that keeps the chain in a JSON-lines file, one entry per line,
/// flushed to disk before <see cref="Append"/> returns (format in docs/formats.md, "Audit file").
/// </summary>
public sealed class FileAuditSink : IAuditSink
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private ChainEntry? _head;

    /// <summary>Opens (or creates) the chain file at <paramref name="path"/>, verifying what is there.</summary>
    public FileAuditSink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var entries = ReadAll(_path);
        var verification = HashChain.Verify(entries);
        if (!verification.IsValid)
        {
            throw new InvalidDataException($"audit file '{_path}' failed verification: {verification.Fault} at entry {verification.Sequence}");
        }
        _head = entries.Count > 0 ? entries[^1] : null;
    }

    /// <inheritdoc/>
    public ChainEntry Append(DateTimeOffset time, string kind, string payload)
    {
        lock (_gate)
        {
            var entry = HashChain.Append(_head, time, kind, payload);
            var line = new AuditLine(entry.Sequence, HashChain.FormatTime(entry.Time), entry.Kind, entry.Payload,
                HashChain.ToHex(entry.PreviousHash), HashChain.ToHex(entry.Hash));
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(line, EvidenceJson.Options);
            using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                stream.Write(bytes);
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }
            _head = entry;
            return entry;
        }
    }

    /// <summary>Reads every entry of a chain file (empty when the file does not exist).</summary>
    public static List<ChainEntry> ReadAll(string path)
    {
        var result = new List<ChainEntry>();
        if (!File.Exists(path))
        {
            return result;
        }
        int lineNumber = 0;
        foreach (var text in File.ReadLines(path))
        {
            lineNumber++;
            if (text.Length == 0)
            {
                continue;
            }
            AuditLine line;
            try
            {
                line = JsonSerializer.Deserialize<AuditLine>(text, EvidenceJson.Options)
                    ?? throw new InvalidDataException("empty entry");
                var time = DateTimeOffset.Parse(line.Time, System.Globalization.CultureInfo.InvariantCulture);
                result.Add(new ChainEntry(line.Seq, time, line.Kind, line.Payload,
                    Convert.FromHexString(line.Prev), Convert.FromHexString(line.Hash)));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
            {
                throw new InvalidDataException($"audit file '{path}' line {lineNumber} is not a chain entry: {e.Message}", e);
            }
        }
        return result;
    }

    private sealed record AuditLine(long Seq, string Time, string Kind, string Payload, string Prev, string Hash);
}
