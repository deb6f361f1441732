// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Tests.Transparency;

/// <summary>Shapes of the JSON, CSV and HTML outputs, and the small-counts rule.</summary>
public class OutputTests
{
    private static readonly DateTimeOffset T = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private static TransparencyReport Report(int threshold = 10)
    {
        ChainEntry? prev = null;
        var entries = new List<ChainEntry>();
        foreach (var r in TransparencyEngineTests.HandScenario())
        {
            prev = HashChain.Append(prev, r.OccurredAt, r.Kind, RecordCodec.Serialize(r));
            entries.Add(prev);
        }
        return TransparencyEngine.Compute(entries, new ReportPeriod(T, T.AddDays(7)), new TransparencyOptions { SmallCountThreshold = threshold });
    }

    private static JsonElement Json(TransparencyReport report, ReportVariant variant)
    {
        using var stream = new MemoryStream();
        TransparencyJson.Write(stream, report, variant);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private static JsonElement FigureOf(JsonElement root, string id) =>
        root.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("id").GetString() == id);

    [Fact]
    public void PublicJson_ShowsSmallCountsAsMarker_RegulatorJsonIsExact()
    {
        var report = Report();
        var pub = Json(report, ReportVariant.Public);
        var reg = Json(report, ReportVariant.Regulator);
        Assert.Equal("public", pub.GetProperty("variant").GetString());
        Assert.True(pub.GetProperty("smallCountsSuppressed").GetBoolean());
        // detections.items is 7 now and 1 before: both below 10.
        var f = FigureOf(pub, "detections.items");
        Assert.Equal("<10", f.GetProperty("current").GetProperty("value").GetString());
        Assert.Equal("<10", f.GetProperty("previous").GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, f.GetProperty("change").ValueKind);
        // Zero is published as 0.
        Assert.Equal(0, FigureOf(pub, "detections.type.classifier").GetProperty("current").GetProperty("value").GetInt64());
        // A rate over fewer than 10 cases is withheld, its parts masked.
        var share = FigureOf(pub, "actions.proactive-share").GetProperty("current");
        Assert.Equal(JsonValueKind.Null, share.GetProperty("value").ValueKind);
        Assert.True(share.GetProperty("suppressed").GetBoolean());
        Assert.Equal("<10", share.GetProperty("denominator").GetString());

        var exact = FigureOf(reg, "detections.items");
        Assert.Equal(7, exact.GetProperty("current").GetProperty("value").GetInt64());
        Assert.Equal(6m, exact.GetProperty("change").GetDecimal());
        Assert.Equal("+600.0 %", exact.GetProperty("changeDisplay").GetString());
        var exactShare = FigureOf(reg, "actions.proactive-share").GetProperty("current");
        Assert.Equal(0.6m, exactShare.GetProperty("value").GetDecimal());
        Assert.Equal(3, exactShare.GetProperty("numerator").GetInt64());
        Assert.Equal(5, exactShare.GetProperty("denominator").GetInt64());
        Assert.Equal("60.0 %", exactShare.GetProperty("display").GetString());
    }

    [Fact]
    public void Threshold_IsConfigurable()
    {
        var pub = Json(Report(threshold: 3), ReportVariant.Public);
        Assert.Equal(7, FigureOf(pub, "detections.items").GetProperty("current").GetProperty("value").GetInt64());
        Assert.Equal("<3", FigureOf(pub, "detections.items").GetProperty("previous").GetProperty("value").GetString());
        var off = Json(Report(threshold: 0), ReportVariant.Public);
        Assert.False(off.GetProperty("smallCountsSuppressed").GetBoolean());
        Assert.Equal(1, FigureOf(off, "detections.items").GetProperty("previous").GetProperty("value").GetInt64());
    }

    [Fact]
    public void Json_TopLevelShape_IsStable()
    {
        var root = Json(Report(), ReportVariant.Regulator);
        Assert.Equal(["format", "version", "variant", "period", "previousPeriod", "watermark", "recordsRead", "smallCountThreshold", "smallCountsSuppressed", "percentileMethod", "skippedRecords", "figures"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("safeguard.transparency-report", root.GetProperty("format").GetString());
        Assert.Equal("2025-03-25T00:00:00.000Z", root.GetProperty("previousPeriod").GetProperty("from").GetString());
        Assert.Equal(["id", "section", "label", "unit", "formula", "current", "previous", "change", "changeDisplay"],
            root.GetProperty("figures")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Csv_HasHeaderAndOneRowPerFigure_WithSixteenCells()
    {
        var report = Report();
        using var text = new StringWriter();
        TransparencyCsv.Write(text, report, ReportVariant.Public);
        var rows = ParseCsv(text.ToString());
        Assert.Equal("period_from,period_to,id,section,label,unit,value,numerator,denominator,observations,previous_value,previous_numerator,previous_denominator,previous_observations,change,formula",
            string.Join(',', rows[0]));
        Assert.Equal(report.Figures.Count + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(16, r.Count));
        var items = rows.Single(r => r[2] == "detections.items");
        Assert.Equal(("2025-04-01T00:00:00.000Z", "count", "<10", "<10"), (items[0], items[5], items[6], items[10]));
        var share = rows.Single(r => r[2] == "actions.proactive-share");
        Assert.Equal("withheld", share[6]);

        using var exact = new StringWriter();
        TransparencyCsv.Write(exact, report, ReportVariant.Regulator);
        var regRows = ParseCsv(exact.ToString());
        var regShare = regRows.Single(r => r[2] == "actions.proactive-share");
        Assert.Equal(("0.6000", "3", "5"), (regShare[6], regShare[7], regShare[8]));
        var median = regRows.Single(r => r[2] == "speed.detection-to-action.median");
        Assert.Equal(("7200", "4"), (median[6], median[9]));
        Assert.Equal("6.0000", regRows.Single(r => r[2] == "detections.items")[14]);
    }

    [Theory]
    [InlineData("=cmd", "'=cmd")]
    [InlineData("-0.2500", "-0.2500")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    public void Csv_Escape_QuotesAndDefusesFormulas(string cell, string expected) =>
        Assert.Equal(expected, TransparencyCsv.Escape(cell));

    [Fact]
    public void Html_IsSelfContained_WithInlineSvgAndPrintRules()
    {
        string html = TransparencyHtml.Render(Report(), ReportVariant.Public, "Example <Service>");
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Example &lt;Service&gt; transparency report", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.True(html.Split("<svg ").Length - 1 >= 6, "one chart per section at least");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("1 April 2025 to 7 April 2025", html, StringComparison.Ordinal);
        Assert.Contains("&lt;10", html, StringComparison.Ordinal);
    }

    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }
        return rows;
    }
}
