// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>
/// Writes a report as CSV (RFC 4180, UTF-8, LF line ends, one header row, one row per figure; columns in
/// docs/transparency.md). Ratios and changes are decimals; durations are whole seconds; small counts follow
/// <see cref="FigureDisplay"/>.
/// </summary>
public static class TransparencyCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "period_from", "period_to", "id", "section", "label", "unit",
        "value", "numerator", "denominator", "observations",
        "previous_value", "previous_numerator", "previous_denominator", "previous_observations",
        "change", "formula",
    ];

    public static void Write(TextWriter output, TransparencyReport report, ReportVariant variant)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var display = new FigureDisplay(variant, report.Options);
        output.Write(string.Join(',', Columns));
        output.Write('\n');
        string from = HashChain.FormatTime(report.Period.From);
        string to = HashChain.FormatTime(report.Period.To);
        foreach (var f in report.Figures)
        {
            var cells = new List<string> { from, to, f.Id, f.Section, f.Label, FigureDisplay.UnitName(f.Unit) };
            cells.AddRange(Values(f.Unit, f.Current, display));
            cells.AddRange(Values(f.Unit, f.Previous, display));
            cells.Add(display.Change(f) is Rational c ? c.Format(display.Options.RatioDecimals) : "");
            cells.Add(f.Formula);
            output.Write(string.Join(',', cells.Select(Escape)));
            output.Write('\n');
        }
    }

    private static string[] Values(FigureUnit unit, FigureValue v, FigureDisplay display)
    {
        bool suppressed = display.IsSuppressed(unit, v);
        string Count(long? n) => n is long x ? display.Count(x) : "";
        return unit switch
        {
            FigureUnit.Count => [Count(v.Value), "", "", ""],
            FigureUnit.Ratio => [suppressed ? "withheld" : v.AsRational is Rational r ? r.Format(display.Options.RatioDecimals) : "", Count(v.Numerator), Count(v.Denominator), ""],
            FigureUnit.Seconds => [suppressed ? "withheld" : v.Value?.ToString(CultureInfo.InvariantCulture) ?? "", "", "", Count(v.Observations)],
            _ => ["", "", "", ""],
        };
    }

    /// <summary>
    /// Quotes a cell when needed, and defuses text that a spreadsheet would run as a formula (labels carry bank
    /// and detector names from records). Numbers, including negative decimals, are left as they are.
    /// </summary>
    internal static string Escape(string cell)
    {
        if (cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal)
            && !decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            cell = "'" + cell;
        }
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return cell;
        }
        var quoted = new StringBuilder(cell.Length + 2).Append('"');
        foreach (char ch in cell)
        {
            quoted.Append(ch == '"' ? "\"\"" : ch.ToString());
        }
        return quoted.Append('"').ToString();
    }
}
