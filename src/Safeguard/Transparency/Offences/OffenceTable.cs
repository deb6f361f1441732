// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Safeguard.Transparency.Offences;

/// <summary>A table that cannot be read; the message names the file, the line or sheet, and the column.</summary>
public sealed class OffenceTableException(string message) : Exception(message);

/// <summary>One row of a police recorded crime table, with the force resolved to its canonical id.</summary>
/// <param name="Year">The financial year.</param>
/// <param name="Quarter">1–4, or null when the table has no quarter column (each row is a whole year).</param>
/// <param name="Force">The canonical force.</param>
/// <param name="OffenceCode">The Home Office offence code, normalised (86/2).</param>
/// <param name="OffenceDescription">The offence description, or empty when the table has none.</param>
/// <param name="Count">Number of offences.</param>
/// <param name="Location">Where the row came from (sheet and row, or line), for error messages.</param>
public sealed record OffenceRow(FinancialYear Year, int? Quarter, PoliceForce Force, string OffenceCode, string OffenceDescription, long Count, string Location);

/// <summary>
/// Rows read from a Home Office police recorded crime open-data table (CSV, or ODS with one sheet per financial
/// year). Columns are matched by normalised header name, not position; see docs/transparency.md.
/// </summary>
public sealed record OffenceTable(string Source, IReadOnlyList<OffenceRow> Rows, IReadOnlyList<string> SheetsSkipped)
{
    /// <summary>Largest number of rows read, so a hostile file cannot exhaust memory.</summary>
    public const int MaxRows = 5_000_000;

    /// <summary>Largest uncompressed ODS content read.</summary>
    public const long MaxOdsContentBytes = 2L * 1024 * 1024 * 1024;

    private const int MaxColumns = 256;

    /// <summary>Offence codes found, normalised and sorted.</summary>
    public IReadOnlyList<string> CodesFound => [.. Rows.Select(r => r.OffenceCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Reads a file by its extension: .csv or .ods.</summary>
    public static OffenceTable Load(string path, PoliceForces? forces = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = Path.GetFileName(path);
        using var stream = File.OpenRead(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ReadCsv(new StreamReader(stream, Encoding.UTF8), name, forces),
            ".ods" => ReadOds(stream, name, forces),
            _ => throw new OffenceTableException($"{name}: only .csv and .ods tables are read"),
        };
    }

    /// <summary>Reads a CSV table (RFC 4180; a UTF-8 byte order mark is allowed).</summary>
    public static OffenceTable ReadCsv(TextReader reader, string source, PoliceForces? forces = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var builder = new Builder(source, forces ?? PoliceForces.Default);
        Header? header = null;
        int line = 0;
        foreach (var cells in CsvRecords(reader, source))
        {
            line++;
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            if (header is null)
            {
                header = Header.Find(cells) ?? throw new OffenceTableException($"{source}: the first row is not a header with the required columns ({Header.RequiredText}); found: {string.Join(", ", cells.Select(c => c.Trim()))}");
                continue;
            }
            builder.Add(header, cells, string.Create(CultureInfo.InvariantCulture, $"{source} line {line}"));
        }
        if (header is null)
        {
            throw new OffenceTableException($"{source}: the file is empty");
        }
        return builder.Build([]);
    }

    /// <summary>
    /// Reads an ODS workbook. Sheets named like a financial year (2019-20, 2024_25) must have the required columns;
    /// other sheets (cover, notes) are skipped and listed.
    /// </summary>
    public static OffenceTable ReadOds(Stream stream, string source, PoliceForces? forces = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var builder = new Builder(source, forces ?? PoliceForces.Default);
        var skipped = new List<string>();
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new OffenceTableException($"{source}: not an ODS file (not a zip archive)");
        }
        using (zip)
        {
            var content = zip.GetEntry("content.xml") ?? throw new OffenceTableException($"{source}: not an ODS file (no content.xml)");
            using var raw = content.Open();
            using var limited = new LimitedStream(raw, MaxOdsContentBytes, source);
            try
            {
                ReadOdsSheets(limited, source, builder, skipped);
            }
            catch (XmlException e)
            {
                throw new OffenceTableException(string.Create(CultureInfo.InvariantCulture, $"{source}: content.xml is not valid XML (line {e.LineNumber})"));
            }
            catch (InvalidDataException)
            {
                throw new OffenceTableException($"{source}: the ODS archive is damaged");
            }
        }
        return builder.Build(skipped);
    }

    private static void ReadOdsSheets(Stream content, string source, Builder builder, List<string> skipped)
    {
        const string TableNs = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
        const string OfficeNs = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
        using var xml = XmlReader.Create(content, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = false });
        string sheet = "";
        Header? header = null;
        int rowNumber = 0;
        bool sheetIsYear = false;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "table" && xml.NamespaceURI == TableNs)
            {
                if (header is null)
                {
                    if (sheetIsYear)
                    {
                        throw new OffenceTableException($"{source} sheet {sheet}: no header row with the required columns ({Header.RequiredText})");
                    }
                    skipped.Add(sheet);
                }
                continue;
            }
            if (xml.NodeType != XmlNodeType.Element || xml.NamespaceURI != TableNs)
            {
                continue;
            }
            if (xml.LocalName == "table")
            {
                sheet = xml.GetAttribute("name", TableNs) ?? "";
                sheetIsYear = FinancialYear.TryParse(sheet, out _);
                header = null;
                rowNumber = 0;
                continue;
            }
            if (xml.LocalName != "table-row")
            {
                continue;
            }
            int repeat = int.TryParse(xml.GetAttribute("number-rows-repeated", TableNs), NumberStyles.None, CultureInfo.InvariantCulture, out int r) ? r : 1;
            var cells = ReadRow(xml, TableNs, OfficeNs);
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                rowNumber += repeat;
                continue;
            }
            for (int i = 0; i < Math.Min(repeat, 1000); i++)
            {
                rowNumber++;
                if (header is null)
                {
                    // Releases put title and notes rows above the header; the header is the first row that has the columns.
                    header = Header.Find(cells);
                    continue;
                }
                builder.Add(header, cells, string.Create(CultureInfo.InvariantCulture, $"{source} sheet {sheet} row {rowNumber}"));
            }
        }
    }

    private static List<string> ReadRow(XmlReader xml, string tableNs, string officeNs)
    {
        var cells = new List<string>();
        if (xml.IsEmptyElement)
        {
            return cells;
        }
        int depth = xml.Depth;
        int pendingEmpty = 0;
        while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType != XmlNodeType.Element || xml.NamespaceURI != tableNs || (xml.LocalName != "table-cell" && xml.LocalName != "covered-table-cell"))
            {
                continue;
            }
            int repeat = int.TryParse(xml.GetAttribute("number-columns-repeated", tableNs), NumberStyles.None, CultureInfo.InvariantCulture, out int r) ? r : 1;
            string value = xml.GetAttribute("value", officeNs) ?? CellText(xml);
            if (value.Length == 0)
            {
                // Sheets pad rows with thousands of repeated empty cells; count them instead of storing them.
                pendingEmpty += repeat;
                continue;
            }
            for (int i = 0; i < pendingEmpty && cells.Count < MaxColumns; i++)
            {
                cells.Add("");
            }
            pendingEmpty = 0;
            for (int i = 0; i < repeat && cells.Count < MaxColumns; i++)
            {
                cells.Add(value);
            }
        }
        return cells;
    }

    private static string CellText(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            return "";
        }
        var text = new StringBuilder();
        int depth = xml.Depth;
        while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType is XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace && text.Length < 4096)
            {
                text.Append(xml.Value);
            }
        }
        return text.ToString().Trim();
    }

    private static IEnumerable<List<string>> CsvRecords(TextReader reader, string source)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        bool any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (cell.Length > 4096 || cells.Count > MaxColumns)
            {
                throw new OffenceTableException($"{source}: a cell or row is too long for a statistics table");
            }
            char ch = (char)c;
            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        cell.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    yield return cells;
                    cells = [];
                    any = false;
                    break;
                case '\uFEFF' when cells.Count == 0 && cell.Length == 0:
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
        }
        if (quoted)
        {
            throw new OffenceTableException($"{source}: a quoted cell is not closed");
        }
        if (any)
        {
            cells.Add(cell.ToString());
            yield return cells;
        }
    }

    /// <summary>Column positions found by normalised header name.</summary>
    private sealed record Header(int Year, int? Quarter, int Force, int Code, int? Description, int Count)
    {
        public const string RequiredText = "Financial Year, Force Name, Offence Code, Number of Offences (or Offence Count)";

        public static Header? Find(List<string> cells)
        {
            var names = cells.Select(c => PoliceForces.Normalise(c)).ToList();
            int? At(params string[] options)
            {
                foreach (string o in options)
                {
                    int i = names.IndexOf(o);
                    if (i >= 0)
                    {
                        return i;
                    }
                }
                return null;
            }
            int? year = At("financial year");
            int? force = At("force name");
            int? code = At("offence code");
            int? count = At("number of offences", "offence count");
            return year is null || force is null || code is null || count is null
                ? null
                : new Header(year.Value, At("financial quarter"), force.Value, code.Value, At("offence description"), count.Value);
        }
    }

    private sealed class Builder(string source, PoliceForces forces)
    {
        private readonly List<OffenceRow> _rows = [];
        private readonly Dictionary<(string Force, int Year, int? Quarter, string Code, string Description), string> _seen = [];

        public void Add(Header h, List<string> cells, string location)
        {
            string Cell(int i) => i < cells.Count ? cells[i].Trim() : "";
            if (_rows.Count >= MaxRows)
            {
                throw new OffenceTableException($"{source}: more than {MaxRows} rows");
            }
            if (!FinancialYear.TryParse(Cell(h.Year), out var year))
            {
                throw new OffenceTableException($"{location}: Financial Year is not of the form 2017/18");
            }
            int? quarter = null;
            if (h.Quarter is int qi)
            {
                quarter = int.TryParse(Cell(qi), NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q is >= 1 and <= 4
                    ? q
                    : throw new OffenceTableException($"{location}: Financial Quarter must be 1, 2, 3 or 4");
            }
            string forceName = Cell(h.Force);
            var force = forces.Find(forceName) ?? throw new OffenceTableException($"{location}: unknown force name \"{Truncate(forceName)}\"; add it to the force directory if it is a real force");
            string code = NormaliseCode(Cell(h.Code));
            if (code.Length == 0)
            {
                throw new OffenceTableException($"{location}: Offence Code is empty");
            }
            string description = h.Description is int di ? Cell(di) : "";
            long count = ParseCount(Cell(h.Count)) ?? throw new OffenceTableException($"{location}: the number of offences is not a whole number ≥ 0");
            if (!_seen.TryAdd((force.Id, year.StartYear, quarter, code, description), location))
            {
                throw new OffenceTableException($"{location}: repeats {_seen[(force.Id, year.StartYear, quarter, code, description)]} (same force, year, quarter and offence)");
            }
            _rows.Add(new OffenceRow(year, quarter, force, code, description, count, location));
        }

        public OffenceTable Build(List<string> skipped)
        {
            var mixed = _rows.GroupBy(r => (r.Force.Id, r.Year)).FirstOrDefault(g => g.Any(r => r.Quarter is null) && g.Any(r => r.Quarter is not null));
            if (mixed is not null)
            {
                throw new OffenceTableException($"{source}: {mixed.Key.Id} {mixed.Key.Year} has both quarterly and whole-year rows");
            }
            return new OffenceTable(source, _rows, skipped);
        }

        private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
    }

    /// <summary>"86/02" and " 86/2 " both become "86/2".</summary>
    public static string NormaliseCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var parts = code.Trim().Split('/');
        return string.Join('/', parts.Select(p => p.Trim().TrimStart('0') is { Length: > 0 } t ? t : p.Trim().Length > 0 ? "0" : ""));
    }

    private static long? ParseCount(string text)
    {
        text = text.Replace(",", "", StringComparison.Ordinal);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return n;
        }
        // ODS stores numbers as floats ("1199" or "1199.0").
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d) && d <= long.MaxValue
            ? (long)d
            : null;
    }

    /// <summary>Stops reading after a byte limit, against decompression bombs.</summary>
    private sealed class LimitedStream(Stream inner, long limit, string source) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            _read += n;
            return _read > limit ? throw new OffenceTableException($"{source}: content.xml is larger than {limit} bytes") : n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
