// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Safeguard.Banks;

/// <summary>The layouts a bank import file may have.</summary>
public enum BankFileFormat
{
    /// <summary>Decide from the first data line (see <see cref="BankFileReader"/>).</summary>
    Auto,

    /// <summary>One hash per line; the kind comes from the caller or, for 32 and 40 digits, from the length.</summary>
    Lines,

    /// <summary>CSV with a header naming columns: kind, value, external_id, labels, note.</summary>
    Csv,

    /// <summary>threatexchange / HMA signal lines: <c>type value</c>.</summary>
    Typed,
}

/// <summary>A line of an import file that cannot be imported.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Field">The field at fault (kind, value, labels, …) or <c>line</c>.</param>
/// <param name="Message">What is wrong, without quoting the line.</param>
public sealed record BankFileError(long Line, string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"line {Line}: {Field}: {Message}";
}

/// <summary>
/// Reads bank entries from an import file, one line at a time with bounded memory, so a hostile
/// file (no newlines, binary junk) costs at most one line of <see cref="MaxLineLength"/> characters.
/// Blank lines and lines starting with '#' are skipped.
/// </summary>
/// <remarks>
/// <c>Auto</c> looks at the first data line: a comma means CSV with a header; two words whose first is
/// a kind (pdq, md5, sha1, sha256) mean typed lines; otherwise one hash per line.
/// CSV columns are matched by name, case-insensitively: <c>kind</c>/<c>type</c>,
/// <c>value</c>/<c>hash</c>/<c>signal</c>, <c>external_id</c>/<c>externalid</c>/<c>id</c>,
/// <c>labels</c>/<c>tags</c> (separated by ';' or '|'), <c>note</c>. Fields may be quoted ("a, b").
/// </remarks>
public sealed class BankFileReader : IBankEntryReader
{
    /// <summary>Longest line accepted.</summary>
    public const int MaxLineLength = 8192;

    private readonly HashKind? _kind;
    private BankFileFormat _format;
    private int _kindColumn = -1, _valueColumn = -1, _externalIdColumn = -1, _labelsColumn = -1, _noteColumn = -1;
    private readonly StringBuilder _line = new();
    private readonly BoundedLineReader _lines;

    /// <summary>Reads <paramref name="reader"/> as <paramref name="format"/>; <paramref name="kind"/> applies to lines that do not name one.</summary>
    public BankFileReader(TextReader reader, BankFileFormat format, HashKind? kind)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _lines = new BoundedLineReader(reader, MaxLineLength);
        _format = format;
        _kind = kind;
    }

    /// <summary>Number of the line last read (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The format in use (known after the first data line when <c>Auto</c>).</summary>
    public BankFileFormat Format => _format;

    /// <inheritdoc/>
    public string FormatName => _format.ToString().ToLowerInvariant();

    /// <summary>
    /// Reads the next entry. Returns false at the end. Otherwise exactly one of
    /// <paramref name="entry"/> and <paramref name="error"/> is set.
    /// </summary>
    public bool TryReadNext(out NewBankEntry? entry, out BankFileError? error)
    {
        while (true)
        {
            entry = null;
            error = null;
            var state = ReadLine();
            if (state == LineState.End)
            {
                return false;
            }
            if (state == LineState.TooLong)
            {
                error = new BankFileError(LineNumber, "line", $"longer than {MaxLineLength} characters");
                return true;
            }
            var text = _line.ToString().Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }
            if (_format == BankFileFormat.Auto)
            {
                _format = Detect(text);
            }
            if (_format == BankFileFormat.Csv && _valueColumn < 0)
            {
                if (!ReadHeader(text, out error))
                {
                    return true;
                }
                continue;
            }
            (entry, error) = _format switch
            {
                BankFileFormat.Csv => ParseCsv(text),
                BankFileFormat.Typed => ParseTyped(text),
                _ => ParsePlain(text),
            };
            return true;
        }
    }

    private static BankFileFormat Detect(string text)
    {
        if (text.Contains(',', StringComparison.Ordinal))
        {
            return BankFileFormat.Csv;
        }
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && HashKinds.TryParse(parts[0], out _) ? BankFileFormat.Typed : BankFileFormat.Lines;
    }

    private bool ReadHeader(string text, out BankFileError? error)
    {
        var columns = SplitCsv(text);
        for (int i = 0; i < columns?.Count; i++)
        {
            switch (columns[i].Trim().ToLowerInvariant())
            {
                case "kind" or "type" or "signal_type": _kindColumn = i; break;
                case "value" or "hash" or "signal": _valueColumn = i; break;
                case "external_id" or "externalid" or "id": _externalIdColumn = i; break;
                case "labels" or "tags": _labelsColumn = i; break;
                case "note": _noteColumn = i; break;
                default: break;
            }
        }
        error = _valueColumn < 0
            ? new BankFileError(LineNumber, "header", "a CSV import needs a header line with a 'value' (or 'hash') column")
            : null;
        return error is null;
    }

    private (NewBankEntry?, BankFileError?) ParseCsv(string text)
    {
        var fields = SplitCsv(text);
        if (fields is null)
        {
            return (null, new BankFileError(LineNumber, "line", "unbalanced quotes"));
        }
        string? Field(int column) => column >= 0 && column < fields.Count ? fields[column] : null;
        var labels = Field(_labelsColumn)?.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Build(Field(_kindColumn), Field(_valueColumn), Field(_externalIdColumn), labels, Field(_noteColumn));
    }

    private (NewBankEntry?, BankFileError?) ParseTyped(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return (null, new BankFileError(LineNumber, "line", "expected 'type value'"));
        }
        return Build(parts[0], parts[1], null, null, null);
    }

    private (NewBankEntry?, BankFileError?) ParsePlain(string text)
    {
        var kind = _kind;
        if (kind is null)
        {
            kind = text.Length switch { 32 => HashKind.Md5, 40 => HashKind.Sha1, _ => null };
            if (kind is null)
            {
                return (null, new BankFileError(LineNumber, "kind", "a file of bare hashes needs the kind parameter (pdq, md5, sha1 or sha256) unless every hash is md5 or sha1"));
            }
        }
        return Build(null, text, null, null, null, kind);
    }

    private (NewBankEntry?, BankFileError?) Build(string? kind, string? value, string? externalId, IReadOnlyList<string>? labels, string? note, HashKind? fallback = null) =>
        EntryRules.TryCreate(kind, fallback ?? _kind, value, externalId, labels, note, out var entry, out var field, out var message)
            ? (entry, null)
            : (null, new BankFileError(LineNumber, field, message));

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines); null when quotes do not balance.</summary>
    internal static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        current.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (quoted)
        {
            return null;
        }
        fields.Add(current.ToString());
        return fields;
    }

    private LineState ReadLine()
    {
        var state = _lines.Read(_line);
        LineNumber = _lines.LineNumber;
        return state;
    }
}
