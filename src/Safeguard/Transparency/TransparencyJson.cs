// SPDX-License-Identifier: Apache-2.0
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>
/// Writes a report as JSON (format "safeguard.transparency-report" version 1, docs/transparency.md). The public
/// variant replaces small counts with a string such as "&lt;10"; the regulator variant keeps every number exact.
/// </summary>
public static class TransparencyJson
{
    public const string Format = "safeguard.transparency-report";
    public const int Version = 1;

    public static void Write(Stream output, TransparencyReport report, ReportVariant variant)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var display = new FigureDisplay(variant, report.Options);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", Version);
        w.WriteString("variant", variant == ReportVariant.Public ? "public" : "regulator");
        WritePeriod(w, "period", report.Period);
        WritePeriod(w, "previousPeriod", report.PreviousPeriod);
        WriteHead(w, "watermark", report.Watermark);
        w.WriteNumber("recordsRead", report.RecordsRead);
        w.WriteNumber("smallCountThreshold", report.Options.SmallCountThreshold);
        w.WriteBoolean("smallCountsSuppressed", variant == ReportVariant.Public && report.Options.SmallCountThreshold > 1);
        w.WriteString("percentileMethod", "nearest-rank");
        WriteSkipped(w, report.Skipped);
        w.WriteStartArray("figures");
        foreach (var f in report.Figures)
        {
            WriteFigure(w, f, display);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WritePeriod(Utf8JsonWriter w, string name, ReportPeriod p)
    {
        w.WriteStartObject(name);
        w.WriteString("from", HashChain.FormatTime(p.From));
        w.WriteString("to", HashChain.FormatTime(p.To));
        w.WriteEndObject();
    }

    internal static void WriteHead(Utf8JsonWriter w, string name, ChainHead head)
    {
        w.WriteStartObject(name);
        w.WriteNumber("sequence", head.Sequence);
        w.WriteString("hash", head.HashHex);
        w.WriteEndObject();
    }

    internal static void WriteSkipped(Utf8JsonWriter w, IReadOnlyList<SkippedRecord> skipped)
    {
        w.WriteStartArray("skippedRecords");
        foreach (var s in skipped)
        {
            w.WriteStartObject();
            w.WriteNumber("sequence", s.Sequence);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static void WriteFigure(Utf8JsonWriter w, Figure f, FigureDisplay display)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("section", f.Section);
        w.WriteString("label", f.Label);
        w.WriteString("unit", FigureDisplay.UnitName(f.Unit));
        w.WriteString("formula", f.Formula);
        WriteValue(w, "current", f.Unit, f.Current, display);
        WriteValue(w, "previous", f.Unit, f.Previous, display);
        if (display.Change(f) is Rational change)
        {
            w.WriteNumber("change", change.ToDecimal(display.Options.RatioDecimals));
            w.WriteString("changeDisplay", change.FormatSignedPercent());
        }
        else
        {
            w.WriteNull("change");
            w.WriteNull("changeDisplay");
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, string name, FigureUnit unit, FigureValue v, FigureDisplay display)
    {
        w.WriteStartObject(name);
        bool suppressed = display.IsSuppressed(unit, v);
        switch (unit)
        {
            case FigureUnit.Count:
                Count(w, "value", v.Value ?? 0, display);
                break;
            case FigureUnit.Ratio:
                if (!suppressed && v.AsRational is Rational r)
                {
                    w.WriteNumber("value", r.ToDecimal(display.Options.RatioDecimals));
                }
                else
                {
                    w.WriteNull("value");
                }
                Count(w, "numerator", v.Numerator ?? 0, display);
                Count(w, "denominator", v.Denominator ?? 0, display);
                break;
            case FigureUnit.Seconds:
                if (!suppressed && v.Value is long s)
                {
                    w.WriteNumber("value", s);
                }
                else
                {
                    w.WriteNull("value");
                }
                Count(w, "observations", v.Observations ?? 0, display);
                break;
        }
        w.WriteBoolean("suppressed", suppressed);
        w.WriteString("display", display.Text(unit, v));
        w.WriteEndObject();

        static void Count(Utf8JsonWriter w, string name, long value, FigureDisplay display)
        {
            if (display.IsSmall(value))
            {
                w.WriteString(name, display.SmallMarker);
            }
            else
            {
                w.WriteNumber(name, value);
            }
        }
    }
}
