// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Safeguard.Transparency;

/// <summary>
/// The small-counts rule and display text. In public outputs a count from 1 to threshold − 1 is shown as
/// "&lt;threshold", and a ratio or duration taken over fewer than threshold cases is withheld. Zero is shown as 0.
/// Regulator outputs show every number exactly.
/// </summary>
public sealed class FigureDisplay
{
    private readonly int _threshold;

    public FigureDisplay(ReportVariant variant, TransparencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Variant = variant;
        Options = options;
        _threshold = variant == ReportVariant.Public ? options.SmallCountThreshold : 0;
    }

    public ReportVariant Variant { get; }

    public TransparencyOptions Options { get; }

    /// <summary>The text that replaces a small count, e.g. "&lt;10".</summary>
    public string SmallMarker => string.Create(CultureInfo.InvariantCulture, $"<{_threshold}");

    /// <summary>True when this count must not be published exactly.</summary>
    public bool IsSmall(long count) => count > 0 && count < _threshold;

    /// <summary>True when the figure value must be withheld or masked.</summary>
    public bool IsSuppressed(FigureUnit unit, FigureValue v) => unit switch
    {
        FigureUnit.Count => v.Value is long c && IsSmall(c),
        FigureUnit.Ratio => v.Denominator is long d && IsSmall(d),
        FigureUnit.Seconds => v.Observations is long n && IsSmall(n),
        _ => false,
    };

    /// <summary>A count as published: exact, or the small marker.</summary>
    public string Count(long count, bool thousands = false) =>
        IsSmall(count) ? SmallMarker : count.ToString(thousands ? "N0" : "D", CultureInfo.InvariantCulture);

    /// <summary>Human text for a figure value: "1,234", "85.7 %", "2 h 05 min", "&lt;10", "n/a".</summary>
    public string Text(FigureUnit unit, FigureValue v)
    {
        if (IsSuppressed(unit, v))
        {
            return unit == FigureUnit.Count ? SmallMarker : $"withheld ({SmallMarker} cases)";
        }
        return unit switch
        {
            FigureUnit.Count => Count(v.Value ?? 0, thousands: true),
            FigureUnit.Ratio => v.AsRational is Rational r ? r.Format(1, 100) + " %" : "n/a",
            FigureUnit.Seconds => v.Value is long s ? Duration(s) : "n/a",
            _ => "",
        };
    }

    /// <summary>The change against the previous period, or null when it is undefined or would reveal a small count.</summary>
    public Rational? Change(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return IsSuppressed(figure.Unit, figure.Current) || IsSuppressed(figure.Unit, figure.Previous) ? null : figure.Change;
    }

    /// <summary>Whole seconds as "45 s", "12 min 05 s", "3 h 04 min" or "2 d 05 h".</summary>
    public static string Duration(long seconds)
    {
        var c = CultureInfo.InvariantCulture;
        if (seconds < 60)
        {
            return string.Create(c, $"{seconds} s");
        }
        if (seconds < 3600)
        {
            return string.Create(c, $"{seconds / 60} min {seconds % 60:00} s");
        }
        if (seconds < 86_400)
        {
            return string.Create(c, $"{seconds / 3600} h {seconds % 3600 / 60:00} min");
        }
        return string.Create(c, $"{seconds / 86_400} d {seconds % 86_400 / 3600:00} h");
    }

    internal static string UnitName(FigureUnit unit) => unit switch
    {
        FigureUnit.Count => "count",
        FigureUnit.Ratio => "ratio",
        FigureUnit.Seconds => "seconds",
        _ => "unknown",
    };
}
