// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Text;

namespace Safeguard.Transparency;

/// <summary>One bar of a chart: a value to draw (null: nothing to draw) and the text printed beside it.</summary>
public readonly record struct ChartBar(double? Value, string Text);

/// <summary>One category of a bar chart with a bar per series.</summary>
public sealed record ChartRow(string Label, IReadOnlyList<ChartBar> Bars);

/// <summary>One point of a line chart.</summary>
public readonly record struct ChartPoint(string Label, double Value, string Text, bool Hollow = false);

/// <summary>
/// Static SVG charts rendered on the server: no script, no external resources, text as real text (so it prints
/// sharply and stays searchable), and every label XML-escaped.
/// </summary>
public static class SvgChart
{
    /// <summary>Series colours: dark then light, so they remain distinct when printed in grey.</summary>
    public static readonly IReadOnlyList<string> Palette = ["#1f5f8b", "#a9c4d8", "#c05a28", "#7a9a3a"];

    private const int Width = 720;
    private const int LabelWidth = 230;
    private const int TextWidth = 90;
    private const int BarHeight = 12;
    private const int BarGap = 3;
    private const int RowGap = 10;
    private const int Top = 34;

    /// <summary>A horizontal grouped bar chart; bars scale to the largest value (or <paramref name="maximum"/>).</summary>
    public static string HorizontalBars(string title, IReadOnlyList<string> series, IReadOnlyList<ChartRow> rows, double? maximum = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(rows);
        int rowHeight = (series.Count * (BarHeight + BarGap)) + RowGap;
        int height = Top + (rows.Count * rowHeight) + 10;
        double max = maximum ?? rows.SelectMany(r => r.Bars).Select(b => b.Value ?? 0).DefaultIfEmpty(0).Max();
        if (max <= 0)
        {
            max = 1;
        }
        int plot = Width - LabelWidth - TextWidth - 10;
        var svg = Open(title, Width, height);
        Legend(svg, series, LabelWidth);
        for (int r = 0; r < rows.Count; r++)
        {
            int y0 = Top + (r * rowHeight);
            svg.Append(Invariant($"<text x=\"{LabelWidth - 8}\" y=\"{y0 + (rowHeight - RowGap) / 2 + 4}\" text-anchor=\"end\" class=\"lbl\">")).Append(Escape(rows[r].Label)).Append("</text>");
            for (int s = 0; s < rows[r].Bars.Count && s < series.Count; s++)
            {
                var bar = rows[r].Bars[s];
                int y = y0 + (s * (BarHeight + BarGap));
                double w = bar.Value is double v && v > 0 ? Math.Max(1, v / max * plot) : 0;
                if (w > 0)
                {
                    svg.Append(Invariant($"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{BarHeight}\" fill=\"{Palette[s % Palette.Count]}\"/>"));
                }
                svg.Append(Invariant($"<text x=\"{LabelWidth + w + 4:0.#}\" y=\"{y + BarHeight - 2}\" class=\"val\">")).Append(Escape(bar.Text)).Append("</text>");
            }
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A vertical bar chart, one bar per category (e.g. a force's count per financial year).</summary>
    public static string VerticalBars(string title, IReadOnlyList<ChartPoint> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        const int height = 300;
        const int left = 60;
        const int bottom = 50;
        int plotHeight = height - Top - bottom;
        int slot = bars.Count == 0 ? 1 : Math.Max(1, (Width - left - 20) / bars.Count);
        double max = bars.Select(b => b.Value).DefaultIfEmpty(0).Max();
        max = max <= 0 ? 1 : max;
        var svg = Open(title, Width, height);
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{Width - 10}\" y2=\"{height - bottom}\" stroke=\"#444\"/>"));
        for (int i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            double h = b.Value / max * plotHeight;
            double x = left + (i * slot) + (slot * 0.15);
            double w = slot * 0.7;
            double y = height - bottom - h;
            string fill = b.Hollow ? "none\" stroke=\"#1f5f8b\" stroke-dasharray=\"4 3" : Palette[0];
            svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{w:0.#}\" height=\"{h:0.#}\" fill=\"{fill}\"/>"));
            svg.Append(Invariant($"<text x=\"{x + (w / 2):0.#}\" y=\"{y - 4:0.#}\" text-anchor=\"middle\" class=\"val\">")).Append(Escape(b.Text)).Append("</text>");
            svg.Append(Invariant($"<text x=\"{x + (w / 2):0.#}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\" class=\"lbl\">")).Append(Escape(b.Label)).Append("</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A line chart of one series (e.g. a national trend); hollow points mark partial years.</summary>
    public static string Line(string title, IReadOnlyList<ChartPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        const int height = 300;
        const int left = 60;
        const int bottom = 50;
        int plotHeight = height - Top - bottom;
        double max = points.Select(p => p.Value).DefaultIfEmpty(0).Max();
        max = max <= 0 ? 1 : max;
        double step = points.Count <= 1 ? 0 : (double)(Width - left - 60) / (points.Count - 1);
        var svg = Open(title, Width, height);
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{Width - 10}\" y2=\"{height - bottom}\" stroke=\"#444\"/>"));
        var path = new StringBuilder();
        for (int i = 0; i < points.Count; i++)
        {
            double x = left + 20 + (i * step);
            double y = height - bottom - (points[i].Value / max * plotHeight);
            path.Append(Invariant($"{(i == 0 ? "M" : " L")}{x:0.#},{y:0.#}"));
        }
        if (points.Count > 1)
        {
            svg.Append("<path d=\"").Append(path).Append("\" fill=\"none\" stroke=\"").Append(Palette[0]).Append("\" stroke-width=\"2\"/>");
        }
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            double x = left + 20 + (i * step);
            double y = height - bottom - (p.Value / max * plotHeight);
            string fill = p.Hollow ? "#fff" : Palette[0];
            svg.Append(Invariant($"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"4\" fill=\"{fill}\" stroke=\"{Palette[0]}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{y - 9:0.#}\" text-anchor=\"middle\" class=\"val\">")).Append(Escape(p.Text)).Append("</text>");
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\" class=\"lbl\">")).Append(Escape(p.Label)).Append("</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A standalone SVG file (with the XML declaration) from a chart fragment.</summary>
    public static string AsFile(string chart) => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart + "\n";

    private static StringBuilder Open(string title, int width, int height)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\">"));
        svg.Append("<title>").Append(Escape(title)).Append("</title>");
        svg.Append("<style>.lbl{font-size:12px;fill:#222}.val{font-size:11px;fill:#333}.ttl{font-size:14px;font-weight:bold;fill:#111}</style>");
        svg.Append("<text x=\"0\" y=\"16\" class=\"ttl\">").Append(Escape(title)).Append("</text>");
        return svg;
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<string> series, int x)
    {
        if (series.Count < 2)
        {
            return;
        }
        for (int s = 0; s < series.Count; s++)
        {
            int lx = x + (s * 170);
            svg.Append(Invariant($"<rect x=\"{lx}\" y=\"20\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Count]}\"/>"));
            svg.Append(Invariant($"<text x=\"{lx + 14}\" y=\"29\" class=\"val\">")).Append(Escape(series[s])).Append("</text>");
        }
    }

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
