// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Safeguard.Transparency;

/// <summary>Output formats of a transparency report.</summary>
public enum ReportFormat
{
    Json,
    Csv,
    Html,
}

/// <summary>
/// A transparency report as asked for by text (API query, console form, command line): period,
/// format, variant and threshold, parsed with messages naming the field at fault, and the rendering
/// into bytes that every front end shares.
/// </summary>
public sealed record TransparencyRequest(ReportPeriod Period, ReportFormat Format, ReportVariant Variant, TransparencyOptions Options)
{
    /// <summary>Largest threshold accepted.</summary>
    public const int MaxThreshold = 1_000_000;

    /// <summary>Parses the fields; <paramref name="errors"/> gets one message per bad field (keyed by <paramref name="names"/>' spelling).</summary>
    public static TransparencyRequest? TryParse(string? from, string? to, string? format, string? variant, string? threshold, IDictionary<string, string> errors, FieldNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        names ??= FieldNames.Query;
        var start = Time(from, names.From, errors);
        var end = Time(to, names.To, errors);
        if (start is { } s && end is { } e && e <= s)
        {
            errors[names.To] = "must be after from (the period is [from, to))";
        }
        ReportFormat? f = (format ?? "json") switch
        {
            "json" => ReportFormat.Json,
            "csv" => ReportFormat.Csv,
            "html" => ReportFormat.Html,
            _ => null,
        };
        if (f is null)
        {
            errors[names.Format] = "must be json, csv or html";
        }
        ReportVariant? v = (variant ?? "public") switch
        {
            "public" => ReportVariant.Public,
            "regulator" => ReportVariant.Regulator,
            _ => null,
        };
        if (v is null)
        {
            errors[names.Variant] = "must be public or regulator";
        }
        int t = 10;
        if (!string.IsNullOrEmpty(threshold) && !(int.TryParse(threshold, NumberStyles.None, CultureInfo.InvariantCulture, out t) && t <= MaxThreshold))
        {
            errors[names.Threshold] = $"must be a whole number from 0 to {MaxThreshold}";
        }
        return errors.Count > 0 ? null : new TransparencyRequest(new ReportPeriod(start!.Value, end!.Value), f!.Value, v!.Value, new TransparencyOptions { SmallCountThreshold = t });
    }

    /// <summary>A date (<c>2025-04-01</c>, UTC midnight) or a time with a zone; null with an error otherwise.</summary>
    public static DateTimeOffset? Time(string? text, string field, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[field] = "is required: a date (2025-01-01) or a time with a zone (2025-01-01T00:00:00Z)";
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        bool hasZone = text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10;
        if (hasZone && text.Length <= 40 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        errors[field] = "must be a date (2025-01-01) or a time with a zone (2025-01-01T00:00:00Z)";
        return null;
    }

    /// <summary>The media type of <paramref name="format"/>.</summary>
    public static string ContentType(ReportFormat format) => format switch
    {
        ReportFormat.Csv => "text/csv; charset=utf-8",
        ReportFormat.Html => "text/html; charset=utf-8",
        _ => "application/json",
    };

    /// <summary>A file name for downloads: <c>transparency-2025-04-01-2025-07-01-public.csv</c>.</summary>
    public string FileName =>
        string.Create(CultureInfo.InvariantCulture, $"transparency-{Period.From.UtcDateTime:yyyy-MM-dd}-{Period.To.UtcDateTime:yyyy-MM-dd}-{Variant.ToString().ToLowerInvariant()}.{Format.ToString().ToLowerInvariant()}");

    /// <summary>Renders <paramref name="report"/> in <paramref name="format"/> and <paramref name="variant"/>.</summary>
    public static byte[] Render(TransparencyReport report, ReportFormat format, ReportVariant variant, string serviceName = "Safeguard")
    {
        using var buffer = new MemoryStream();
        switch (format)
        {
            case ReportFormat.Csv:
                using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true))
                {
                    TransparencyCsv.Write(writer, report, variant);
                }
                break;
            case ReportFormat.Html:
                return Encoding.UTF8.GetBytes(TransparencyHtml.Render(report, variant, serviceName));
            default:
                TransparencyJson.Write(buffer, report, variant);
                break;
        }
        return buffer.ToArray();
    }

    /// <summary>How the fields are spelt where they came from, for error messages.</summary>
    public sealed record FieldNames(string From, string To, string Format, string Variant, string Threshold)
    {
        public static FieldNames Query { get; } = new("from", "to", "format", "variant", "smallCountThreshold");

        public static FieldNames CommandLine { get; } = new("--from", "--to", "--format", "--variant", "--small-count-threshold");
    }
}
