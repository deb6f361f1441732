// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Safeguard.Transparency.Offences;

/// <summary>Which offences and force to summarise.</summary>
public sealed record OffenceQuery
{
    /// <summary>Indecent images of children (Home Office class 86): 86/2, 86/10 and 86/15; never 86/11–14 or 86/16–17.</summary>
    public static readonly IReadOnlyList<string> IndecentImageCodes = ["86/2", "86/10", "86/15"];

    /// <summary>Offence codes to sum; empty means <see cref="IndecentImageCodes"/>.</summary>
    public IReadOnlyList<string> OffenceCodes { get; init; } = [];

    /// <summary>One force (any known name or variant); null for every force.</summary>
    public string? Force { get; init; }
}

/// <summary>The figures for one force (or a national total) in one financial year.</summary>
/// <param name="Scope">"force" or "national".</param>
/// <param name="ForceId">Canonical force id (for a computed national total, "territorial-forces").</param>
/// <param name="ForceName">Canonical force name.</param>
/// <param name="Year">Financial year.</param>
/// <param name="Count">Offences summed over the selected codes and the quarters present.</param>
/// <param name="Quarters">Quarters present (null when the table has whole-year rows).</param>
/// <param name="Days">Days covered: the year's 365 or 366, or the days of the quarters present.</param>
/// <param name="PreviousCount">The previous year's count when both years are complete, else null.</param>
/// <param name="Basis">"table" (a force's rows), "stated" (a national total row in the file) or "sum" (summed over territorial forces).</param>
/// <param name="ForcesIncluded">For a summed national total, how many forces it sums.</param>
public sealed record OffenceYearFigure(string Scope, string ForceId, string ForceName, FinancialYear Year, long Count, IReadOnlyList<int>? Quarters, int Days, long? PreviousCount, string Basis, int? ForcesIncluded)
{
    /// <summary>True when all four quarters are present (always true for whole-year rows).</summary>
    public bool Complete => Quarters is null || Quarters.Count == 4;

    public long Minutes => (long)Days * FinancialYear.MinutesPerDay;

    /// <summary>Offences per day: count / days.</summary>
    public Rational PerDay => new(Count, Days);

    /// <summary>"One every N minutes": minutes covered / count; null when there were none.</summary>
    public Rational? MinutesPerOffence => Count == 0 ? null : new Rational(Minutes, Count);

    /// <summary>(this − previous) / previous; null when either year is partial or the previous is 0 or absent.</summary>
    public Rational? Change => PreviousCount is long p && p != 0 ? new Rational(Count - p, p) : null;
}

/// <summary>A summary and how it was selected.</summary>
public sealed record OffenceSummary(string Source, IReadOnlyList<string> OffenceCodes, string? Override, IReadOnlyList<string> CodesFound, IReadOnlyList<OffenceYearFigure> Forces, IReadOnlyList<OffenceYearFigure> National);

/// <summary>
/// Counts, year-on-year change, rate per day and "one every N minutes" per force and nationally
/// (specs/transparency.md §2.5). Values are exact rationals; display rounds half away from zero.
/// </summary>
public static class OffenceStatistics
{
    /// <summary>Summarises <paramref name="table"/>.</summary>
    /// <exception cref="OffenceTableException">The selection cannot be made (no such code or force) — the message says why.</exception>
    public static OffenceSummary Summarise(OffenceTable table, OffenceQuery? query = null, PoliceForces? forces = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        query ??= new OffenceQuery();
        forces ??= PoliceForces.Default;
        var found = table.CodesFound;
        IReadOnlyList<string> codes;
        string? overrideNote = null;
        if (query.OffenceCodes.Count == 0)
        {
            codes = [.. OffenceQuery.IndecentImageCodes.Where(found.Contains)];
            if (codes.Count == 0)
            {
                throw new OffenceTableException(found.Contains("86")
                    ? $"{table.Source} has class 86 only as a bare \"86\" row, which also counts extreme pornography; an indecent-images series is not computed from it. Pass --offence 86 to summarise class 86 as it stands (recorded with every figure)."
                    : $"{table.Source} has none of the indecent-image offence codes 86/2, 86/10, 86/15; codes found: {string.Join(", ", found)}");
            }
        }
        else
        {
            codes = [.. query.OffenceCodes.Select(OffenceTable.NormaliseCode).Distinct(StringComparer.Ordinal)];
            var missing = codes.Where(c => !found.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new OffenceTableException($"{table.Source} has no rows for offence code {string.Join(", ", missing)}; codes found: {string.Join(", ", found)}");
            }
            if (codes.Contains("86"))
            {
                overrideNote = "operator chose the bare class-86 row, which may include extreme pornography offences (86/11-14, 86/16-17)";
            }
        }
        PoliceForce? only = null;
        if (query.Force is not null)
        {
            only = forces.Find(query.Force) ?? throw new OffenceTableException($"unknown force name \"{query.Force}\"");
        }
        var selected = table.Rows.Where(r => codes.Contains(r.OffenceCode)).ToList();
        var groups = Group(selected);
        var forceFigures = groups.Where(g => g.ForceKind != ForceKind.Aggregate && (only is null || g.ForceId == only.Id)).Select(g => g.Figure).ToList();
        if (only is not null && forceFigures.Count == 0)
        {
            throw new OffenceTableException($"{table.Source} has no rows for force {only.Name} with offence code {string.Join(", ", codes)}");
        }
        var national = groups.Where(g => g.ForceKind == ForceKind.Aggregate).Select(g => g.Figure).ToList();
        var statedYears = national.Select(n => n.Year).ToHashSet();
        var summed = groups.Where(g => g.ForceKind == ForceKind.Territorial && !statedYears.Contains(g.Figure.Year))
            .GroupBy(g => g.Figure.Year)
            .Select(y => (Year: y.Key, Count: y.Sum(g => g.Figure.Count), Forces: y.Count(), Complete: y.All(g => g.Figure.Complete),
                Quarters: y.Select(g => g.Figure.Quarters is null ? "" : string.Join(',', g.Figure.Quarters)).Distinct().Count() == 1 ? y.First().Figure.Quarters : [],
                Days: y.Select(g => g.Figure.Days).Distinct().Count() == 1 ? y.First().Figure.Days : 0))
            .OrderBy(y => y.Year)
            .ToList();
        foreach (var y in summed)
        {
            var prev = summed.FirstOrDefault(p => p.Year == y.Year.Previous);
            long? previous = y.Complete && prev.Complete && prev.Forces == y.Forces ? prev.Count : null;
            national.Add(new OffenceYearFigure("national", "territorial-forces", "England and Wales (territorial forces in the table)", y.Year, y.Count,
                y.Complete ? null : y.Quarters, y.Complete ? y.Year.Days : y.Days, previous, "sum", y.Forces));
        }
        national = [.. national.OrderBy(n => n.ForceId, StringComparer.Ordinal).ThenBy(n => n.Year)];
        return new OffenceSummary(table.Source, codes, overrideNote, found, forceFigures, national);
    }

    private sealed record GroupFigure(string ForceId, ForceKind ForceKind, OffenceYearFigure Figure);

    private static List<GroupFigure> Group(List<OffenceRow> rows)
    {
        var byForceYear = rows.GroupBy(r => (r.Force.Id, r.Year))
            .Select(g =>
            {
                var force = g.First().Force;
                var year = g.Key.Year;
                List<int>? quarters = g.First().Quarter is null ? null : [.. g.Select(r => r.Quarter!.Value).Distinct().Order()];
                int days = quarters is null ? year.Days : quarters.Sum(year.QuarterDays);
                return (force, year, count: g.Sum(r => r.Count), quarters, days);
            })
            .ToList();
        var result = new List<GroupFigure>();
        foreach (var (force, year, count, quarters, days) in byForceYear.OrderBy(x => x.force.Name, StringComparer.Ordinal).ThenBy(x => x.year))
        {
            bool complete = quarters is null || quarters.Count == 4;
            var prev = byForceYear.FirstOrDefault(x => x.force.Id == force.Id && x.year == year.Previous);
            bool prevComplete = prev.force is not null && (prev.quarters is null || prev.quarters.Count == 4);
            long? previous = complete && prevComplete ? prev.count : null;
            string scope = force.Kind == ForceKind.Aggregate ? "national" : "force";
            string basis = force.Kind == ForceKind.Aggregate ? "stated" : "table";
            result.Add(new GroupFigure(force.Id, force.Kind, new OffenceYearFigure(scope, force.Id, force.Name, year, count, quarters, days, previous, basis, null)));
        }
        return result;
    }

    /// <summary>A rate for display: one decimal from 10 up, two below (3.28 a day, 62.3 a day, every 23.1 minutes).</summary>
    public static string FormatRate(Rational value) =>
        value.Numerator >= 10 * value.Denominator ? value.Format(1) : value.Format(2);

    /// <summary>One JSON line (no newline) for a figure.</summary>
    public static string ToJsonLine(OffenceYearFigure f, OffenceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(summary);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("scope", f.Scope);
            w.WriteString("force", f.ForceName);
            w.WriteString("forceId", f.ForceId);
            w.WriteString("financialYear", f.Year.ToString());
            w.WriteStartArray("offenceCodes");
            foreach (string c in summary.OffenceCodes)
            {
                w.WriteStringValue(c);
            }
            w.WriteEndArray();
            w.WriteNumber("count", f.Count);
            w.WriteBoolean("complete", f.Complete);
            if (f.Quarters is null)
            {
                w.WriteNull("quarters");
            }
            else
            {
                w.WriteStartArray("quarters");
                foreach (int q in f.Quarters)
                {
                    w.WriteNumberValue(q);
                }
                w.WriteEndArray();
            }
            w.WriteString("basis", f.Basis);
            if (f.ForcesIncluded is int n)
            {
                w.WriteNumber("forcesIncluded", n);
            }
            if (f.Days > 0)
            {
                w.WriteNumber("days", f.Days);
                w.WriteNumber("perDay", f.PerDay.ToDouble());
                w.WriteString("perDayExact", f.PerDay.ToString());
                w.WriteString("perDayDisplay", FormatRate(f.PerDay));
            }
            if (f.Days > 0 && f.MinutesPerOffence is Rational m)
            {
                w.WriteNumber("minutesPerOffence", m.ToDouble());
                w.WriteString("minutesPerOffenceExact", m.ToString());
                w.WriteString("oneEveryDisplay", $"one every {FormatRate(m)} minutes");
            }
            if (f.PreviousCount is long p)
            {
                w.WriteString("previousYear", f.Year.Previous.ToString());
                w.WriteNumber("previousCount", p);
            }
            if (f.Change is Rational change)
            {
                w.WriteNumber("change", change.ToDouble());
                w.WriteString("changeExact", change.ToString());
                w.WriteString("changeDisplay", change.FormatSignedPercent());
            }
            else
            {
                w.WriteNull("change");
                w.WriteString("changeNote", !f.Complete ? "partial year: not compared with full years" : f.PreviousCount is 0 ? "previous year had none" : "no complete previous year in the table");
            }
            w.WriteString("formula", "perDay = count / days; minutesPerOffence = days * 1440 / count; change = (count - previousCount) / previousCount");
            w.WriteString("source", summary.Source);
            if (summary.Override is string o)
            {
                w.WriteString("override", o);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Per-force bar charts and national trend lines, as (file name, SVG) pairs.</summary>
    public static IEnumerable<(string FileName, string Svg)> Charts(OffenceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string codes = string.Join(", ", summary.OffenceCodes);
        foreach (var force in summary.Forces.GroupBy(f => f.ForceId))
        {
            var bars = force.OrderBy(f => f.Year).Select(f => new ChartPoint(f.Year.ToString() + (f.Complete ? "" : " (part)"), f.Count, f.Count.ToString("N0", CultureInfo.InvariantCulture), Hollow: !f.Complete)).ToList();
            yield return ($"force-{force.Key}.svg", SvgChart.AsFile(SvgChart.VerticalBars($"{force.First().ForceName}: offences {codes} per financial year", bars)));
        }
        foreach (var series in summary.National.GroupBy(f => f.ForceId))
        {
            var points = series.OrderBy(f => f.Year).Select(f => new ChartPoint(f.Year.ToString(), f.Count, f.Count.ToString("N0", CultureInfo.InvariantCulture), Hollow: !f.Complete)).ToList();
            yield return ($"national-{series.Key}.svg", SvgChart.AsFile(SvgChart.Line($"{series.First().ForceName}: offences {codes} per financial year", points)));
        }
    }
}
