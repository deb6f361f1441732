// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>A record log file that cannot be read; the message names the line and what is wrong with it.</summary>
public sealed class RecordLogFormatException(string message, long lineNumber) : Exception(message)
{
    /// <summary>1-based line of the file.</summary>
    public long LineNumber { get; } = lineNumber;
}

/// <summary>
/// A record log in one file: JSON lines, one chain entry per line (format "record log v1", docs/formats.md).
/// One writer process at a time; readers may read while it appends. An append checks the last line and
/// refuses to extend a file whose tail is torn or whose head it cannot read.
/// </summary>
public sealed class JsonLinesRecordLog : IRecordLog, IDisposable
{
    /// <summary>The line format version written as <c>"v"</c>.</summary>
    public const int Version = 1;

    /// <summary>Longest line accepted, so a hostile file cannot exhaust memory.</summary>
    public const int MaxLineLength = 256 * 1024;

    private readonly string _path;
    private readonly SemaphoreSlim _appendLock = new(1, 1);
    private long _knownLength = -1;
    private ChainEntry? _knownLast;

    public JsonLinesRecordLog(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
    }

    /// <inheritdoc />
    public async Task<ChainEntry> AppendAsync(string kind, string payload, DateTimeOffset recordedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(payload);
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var stream = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.Asynchronous);
            if (stream.Length != _knownLength)
            {
                _knownLast = await ReadLastAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            var entry = HashChain.Append(_knownLast, recordedAt, kind, payload);
            byte[] line = Encoding.UTF8.GetBytes(FormatLine(entry) + "\n");
            stream.Seek(0, SeekOrigin.End);
            await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            _knownLast = entry;
            _knownLength = stream.Length;
            return entry;
        }
        finally
        {
            _appendLock.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChainEntry> ReadAsync(long fromSequence = 1, long toSequence = long.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            yield break;
        }
        await using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await foreach (var entry in ReadEntriesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Sequence > toSequence)
            {
                yield break;
            }
            if (entry.Sequence >= fromSequence)
            {
                yield return entry;
            }
        }
    }

    /// <inheritdoc />
    public async Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            return ChainHead.Empty;
        }
        await using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.Asynchronous);
        var last = await ReadLastAsync(stream, cancellationToken).ConfigureAwait(false);
        return last is null ? ChainHead.Empty : ChainHead.Of(last);
    }

    /// <summary>Reads every entry of a stream in file order. Lines are parsed, not verified.</summary>
    /// <exception cref="RecordLogFormatException">A line is not a valid v1 entry.</exception>
    public static async IAsyncEnumerable<ChainEntry> ReadEntriesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        var line = new StringBuilder();
        var buffer = new char[16 * 1024];
        long lineNumber = 0;
        bool tooLong = false;
        while (true)
        {
            int read;
            try
            {
                read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException)
            {
                throw new RecordLogFormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber + 1}: the file is not valid UTF-8"), lineNumber + 1);
            }
            if (read == 0)
            {
                break;
            }
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }
                lineNumber++;
                Collect(line, buffer, start, i - start, ref tooLong, lineNumber);
                yield return ParseLine(line.ToString(), lineNumber);
                line.Clear();
                start = i + 1;
            }
            Collect(line, buffer, start, read - start, ref tooLong, lineNumber + 1);
        }
        if (line.Length > 0)
        {
            throw new RecordLogFormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber + 1}: the last line has no newline (a torn write?)"), lineNumber + 1);
        }

        static void Collect(StringBuilder line, char[] buffer, int start, int count, ref bool tooLong, long lineNumber)
        {
            if (line.Length + count > MaxLineLength || tooLong)
            {
                tooLong = true;
                throw new RecordLogFormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: longer than {MaxLineLength} characters"), lineNumber);
            }
            line.Append(buffer, start, count);
        }
    }

    /// <summary>One line of the file for <paramref name="entry"/>, without the newline.</summary>
    public static string FormatLine(ChainEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteNumber("seq", entry.Sequence);
            w.WriteString("time", HashChain.FormatTime(entry.Time));
            w.WriteString("kind", entry.Kind);
            w.WriteString("payload", entry.Payload);
            w.WriteString("prev", HashChain.ToHex(entry.PreviousHash));
            w.WriteString("hash", HashChain.ToHex(entry.Hash));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses one line; <paramref name="lineNumber"/> is used in error messages.</summary>
    public static ChainEntry ParseLine(string line, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.EndsWith('\r'))
        {
            line = line[..^1];
        }
        try
        {
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 4 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail("not a JSON object");
            }
            if (!root.TryGetProperty("v", out var v) || !v.TryGetInt32(out int version))
            {
                throw Fail("the line has no version \"v\"");
            }
            if (version != Version)
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"line format version {version} is not supported (this build reads version {Version})"));
            }
            long sequence = root.TryGetProperty("seq", out var s) && s.TryGetInt64(out long seq) && seq > 0 ? seq : throw Fail("\"seq\" is missing or not a positive integer");
            string timeText = Text(root, "time");
            if (!DateTimeOffset.TryParseExact(timeText, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                throw Fail("\"time\" is not a UTC time with milliseconds");
            }
            return new ChainEntry(sequence, time, Text(root, "kind"), Text(root, "payload"), Hash(root, "prev"), Hash(root, "hash"));
        }
        catch (JsonException)
        {
            throw Fail("not valid JSON");
        }

        RecordLogFormatException Fail(string why) =>
            new(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {why}"), lineNumber);

        string Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Fail($"\"{name}\" is missing or not a string");

        byte[] Hash(JsonElement root, string name)
        {
            string hex = Text(root, name);
            if (hex.Length != 64)
            {
                throw Fail($"\"{name}\" is not 64 hex digits");
            }
            try
            {
                return Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                throw Fail($"\"{name}\" is not 64 hex digits");
            }
        }
    }

    public void Dispose() => _appendLock.Dispose();

    private static async Task<ChainEntry?> ReadLastAsync(FileStream stream, CancellationToken cancellationToken)
    {
        // Appends need only the last entry, but reading from the start also rejects a file that is damaged
        // earlier, so a writer never extends a log that would fail verification anyway.
        stream.Seek(0, SeekOrigin.Begin);
        ChainEntry? last = null;
        await foreach (var e in ReadEntriesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            long expected = (last?.Sequence ?? 0) + 1;
            if (e.Sequence != expected)
            {
                throw new RecordLogFormatException(string.Create(CultureInfo.InvariantCulture, $"entry {e.Sequence} follows {expected - 1}: the log is not in sequence"), e.Sequence);
            }
            last = e;
        }
        return last;
    }
}
