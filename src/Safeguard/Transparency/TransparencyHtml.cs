// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>
/// Renders a report as one self-contained HTML page: inline SVG charts drawn on the server, inline CSS with print
/// rules, no script and no external resource, so it can be opened offline, archived or printed to PDF.
/// </summary>
public static class TransparencyHtml
{
    private static readonly (string Section, string Title)[] Sections =
    [
        ("detections", "Detection"),
        ("actions", "Action"),
        ("speed", "Speed"),
        ("reports", "Reports to authorities"),
        ("precision", "Accuracy of proactive technology"),
        ("appeals", "Appeals"),
    ];

    public static string Render(TransparencyReport report, ReportVariant variant, string serviceName = "Safeguard")
    {
        ArgumentNullException.ThrowIfNull(report);
        var d = new FigureDisplay(variant, report.Options);
        var html = new StringBuilder();
        string period = PeriodText(report.Period);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(serviceName)).Append(" transparency report, ").Append(E(period)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<header><h1>").Append(E(serviceName)).Append(" transparency report</h1>\n<p class=\"period\">")
            .Append(E(period)).Append(" &middot; compared with ").Append(E(PeriodText(report.PreviousPeriod))).Append("</p>\n");
        html.Append("<p class=\"meta\">Computed from ").Append(E(report.RecordsRead.ToString("N0", CultureInfo.InvariantCulture)))
            .Append(" hash-chained records up to record ").Append(report.Watermark.Sequence.ToString(CultureInfo.InvariantCulture))
            .Append(" (chain head <code>").Append(E(report.Watermark.HashHex)).Append("</code>).");
        if (variant == ReportVariant.Public && report.Options.SmallCountThreshold > 1)
        {
            html.Append(" Counts from 1 to ").Append(report.Options.SmallCountThreshold - 1).Append(" are shown as ").Append(E(d.SmallMarker))
                .Append("; rates and times over fewer cases are withheld.");
        }
        else
        {
            html.Append(" Regulator edition: all numbers exact.");
        }
        html.Append(" Times are median and 90th percentile (nearest rank).</p>\n</header>\n");

        Tiles(html, report, d);
        foreach (var (section, title) in Sections)
        {
            var figures = report.Figures.Where(f => f.Section == section).ToList();
            if (figures.Count == 0)
            {
                continue;
            }
            html.Append("<section>\n<h2>").Append(E(title)).Append("</h2>\n");
            foreach (string chart in Charts(section, report, d))
            {
                html.Append("<figure>").Append(chart).Append("</figure>\n");
            }
            Table(html, figures, d);
            html.Append("</section>\n");
        }
        if (report.Skipped.Count > 0)
        {
            html.Append("<section>\n<h2>Records left out</h2>\n<ul>\n");
            foreach (var s in report.Skipped)
            {
                html.Append("<li>").Append(E(s.Reason)).Append("</li>\n");
            }
            html.Append("</ul>\n</section>\n");
        }
        html.Append("<footer><p>Every figure is computed from the record log; the formula of each is in the JSON and CSV exports. ")
            .Append("A regulator bundle of the same period can be checked with <code>safeguard transparency verify</code>.</p></footer>\n");
        return html.Append("</main>\n</body>\n</html>\n").ToString();
    }

    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; background: #fff; margin: 0; }
        main { max-width: 800px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 19px; border-bottom: 2px solid #1f5f8b; padding-bottom: 4px; margin-top: 32px; }
        .period { font-size: 16px; margin: 0 0 8px; }
        .meta { font-size: 12px; color: #444; }
        code { font-size: 11px; word-break: break-all; }
        .tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin: 16px 0; }
        .tile { border: 1px solid #bbb; border-radius: 6px; padding: 10px; }
        .tile .n { font-size: 22px; font-weight: bold; display: block; }
        .tile .l { font-size: 12px; color: #333; }
        figure { margin: 12px 0; }
        svg { max-width: 100%; height: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 12px; margin-top: 8px; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        th { background: #eef3f7; }
        footer { font-size: 11px; color: #444; margin-top: 32px; }
        @page { size: A4; margin: 15mm; }
        @media print {
          main { max-width: none; padding: 0; }
          section, figure, table, .tiles { break-inside: avoid; }
          h2 { break-after: avoid; }
          th { background: none; }
          a { color: inherit; text-decoration: none; }
        }

        """;

    private static void Tiles(StringBuilder html, TransparencyReport report, FigureDisplay d)
    {
        (string Id, string Label)[] tiles =
        [
            ("detections.items", "items detected"),
            ("actions.items", "items actioned"),
            ("actions.proactive-share", "found proactively"),
            ("speed.detection-to-action.median", "median detection to action"),
            ("reports.ncmec", "reports to NCMEC"),
            ("reports.nca", "reports to the NCA"),
        ];
        html.Append("<div class=\"tiles\">\n");
        foreach (var (id, label) in tiles)
        {
            if (report.Find(id) is not Figure f)
            {
                continue;
            }
            html.Append("<div class=\"tile\"><span class=\"n\">").Append(E(d.Text(f.Unit, f.Current))).Append("</span><span class=\"l\">")
                .Append(E(label));
            if (d.Change(f) is Rational change)
            {
                html.Append(" (").Append(E(change.FormatSignedPercent())).Append(" on previous period)");
            }
            html.Append("</span></div>\n");
        }
        html.Append("</div>\n");
    }

    private static void Table(StringBuilder html, List<Figure> figures, FigureDisplay d)
    {
        html.Append("<table>\n<thead><tr><th>Figure</th><th>This period</th><th>Previous period</th><th>Change</th></tr></thead>\n<tbody>\n");
        foreach (var f in figures)
        {
            html.Append("<tr><td>").Append(E(f.Label)).Append("</td><td class=\"n\">").Append(E(d.Text(f.Unit, f.Current)))
                .Append("</td><td class=\"n\">").Append(E(d.Text(f.Unit, f.Previous))).Append("</td><td class=\"n\">")
                .Append(d.Change(f) is Rational c ? E(c.FormatSignedPercent()) : "&ndash;").Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static IEnumerable<string> Charts(string section, TransparencyReport report, FigureDisplay d)
    {
        string[] series = ["This period", "Previous period"];
        switch (section)
        {
            case "detections":
                yield return CountChart("Items detected by type", report, d, series, "detections.type.");
                yield return CountChart("Items detected by source", report, d, series, "detections.source.");
                if (report.Figures.Any(f => f.Id.StartsWith("detections.hash.", StringComparison.Ordinal)))
                {
                    yield return CountChart("Hash matches by bank and category", report, d, series, "detections.hash.");
                }
                break;
            case "actions":
                yield return CountChart("Action records by kind", report, d, series, "actions.kind.");
                break;
            case "speed":
                var rows = report.Figures.Where(f => f.Unit == FigureUnit.Seconds && f.Section == "speed" && !IsPriorityFigure(f.Id))
                    .Select(f => new ChartRow(f.Label, [Hours(f.Current, d), Hours(f.Previous, d)]))
                    .ToList();
                yield return SvgChart.HorizontalBars("Time from detection (hours)", series, rows);
                break;
            case "reports":
                yield return CountChart("Reports by recipient and priority", report, d, series, "reports.", f => f.Id.Count(c => c == '.') == 2);
                break;
            case "precision":
                var rates = report.Figures.Where(f => f.Section == "precision" && f.Id.EndsWith(".confirm-rate", StringComparison.Ordinal))
                    .Select(f => new ChartRow(f.Id["precision.".Length..^".confirm-rate".Length], [Percent(f.Current, d), Percent(f.Previous, d)]))
                    .ToList();
                if (rates.Count > 0)
                {
                    yield return SvgChart.HorizontalBars("Confirmed by reviewers, per detector (%)", series, rates, maximum: 100);
                }
                break;
            case "appeals":
                yield return CountChart("Appeals", report, d, series, "appeals.", f => f.Unit == FigureUnit.Count && !f.Id.StartsWith("appeals.proactive.", StringComparison.Ordinal));
                break;
        }
    }

    private static bool IsPriorityFigure(string id) => id.Contains(".P1.", StringComparison.Ordinal) || id.Contains(".P2.", StringComparison.Ordinal) || id.Contains(".P3.", StringComparison.Ordinal);

    private static string CountChart(string title, TransparencyReport report, FigureDisplay d, string[] series, string prefix, Func<Figure, bool>? filter = null)
    {
        var rows = report.Figures
            .Where(f => f.Unit == FigureUnit.Count && f.Id.StartsWith(prefix, StringComparison.Ordinal) && (filter?.Invoke(f) ?? true))
            .Select(f => new ChartRow(f.Id[prefix.Length..], [Bar(f.Current, d), Bar(f.Previous, d)]))
            .ToList();
        return SvgChart.HorizontalBars(title, series, rows);

        static ChartBar Bar(FigureValue v, FigureDisplay d)
        {
            long n = v.Value ?? 0;
            return d.IsSmall(n) ? new ChartBar(null, d.SmallMarker) : new ChartBar(n, n.ToString("N0", CultureInfo.InvariantCulture));
        }
    }

    private static ChartBar Hours(FigureValue v, FigureDisplay d) =>
        d.IsSuppressed(FigureUnit.Seconds, v) || v.Value is not long s
            ? new ChartBar(null, d.Text(FigureUnit.Seconds, v))
            : new ChartBar(s / 3600.0, FigureDisplay.Duration(s));

    private static ChartBar Percent(FigureValue v, FigureDisplay d) =>
        d.IsSuppressed(FigureUnit.Ratio, v) || v.AsRational is not Rational r
            ? new ChartBar(null, d.Text(FigureUnit.Ratio, v))
            : new ChartBar(r.ToDouble() * 100, r.Format(1, 100) + " %");

    private static string PeriodText(ReportPeriod p)
    {
        // Periods are [from, to): show the last day included when both ends fall on midnight.
        var last = p.To.TimeOfDay == TimeSpan.Zero && p.From.TimeOfDay == TimeSpan.Zero ? p.To.AddDays(-1) : p.To;
        return p.From.TimeOfDay == TimeSpan.Zero && p.To.TimeOfDay == TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"{p.From:d MMMM yyyy} to {last:d MMMM yyyy}")
            : string.Create(CultureInfo.InvariantCulture, $"{HashChain.FormatTime(p.From)} to {HashChain.FormatTime(p.To)} (end excluded)");
    }

    private static string E(string text) => SvgChart.Escape(text);
}
