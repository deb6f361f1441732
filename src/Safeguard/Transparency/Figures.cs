// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>What a figure measures.</summary>
public enum FigureUnit
{
    /// <summary>An integer count.</summary>
    Count,

    /// <summary>An exact ratio numerator / denominator.</summary>
    Ratio,

    /// <summary>A duration in whole seconds, with the number of observations it was taken over.</summary>
    Seconds,
}

/// <summary>
/// The exact value of a figure for one period. Counts use <see cref="Value"/>; ratios use
/// <see cref="Numerator"/> and <see cref="Denominator"/>; durations use <see cref="Value"/> (null when there
/// were no observations) and <see cref="Observations"/>.
/// </summary>
public readonly record struct FigureValue(long? Value, long? Numerator, long? Denominator, long? Observations)
{
    public static FigureValue Count(long count) => new(count, null, null, null);

    public static FigureValue Ratio(long numerator, long denominator) => new(null, numerator, denominator, null);

    public static FigureValue Seconds(long? seconds, long observations) => new(seconds, null, null, observations);

    /// <summary>The exact ratio, or null when the denominator is 0 or this is not a ratio.</summary>
    public Rational? AsRational => Numerator is long n && Denominator is long d && d != 0 ? new Rational(n, d) : null;
}

/// <summary>A [from, to) reporting period in UTC.</summary>
public sealed record ReportPeriod
{
    public ReportPeriod(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ArgumentException("the period must end after it starts", nameof(to));
        }
        From = from.ToUniversalTime();
        To = to.ToUniversalTime();
    }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    /// <summary>The period of equal length that ends where this one starts.</summary>
    public ReportPeriod Previous => new(From - (To - From), From);

    public bool Contains(DateTimeOffset t) => t >= From && t < To;

    public override string ToString() => $"[{HashChain.FormatTime(From)}, {HashChain.FormatTime(To)})";
}

/// <summary>One published figure with its current and previous-period values and the formula that produced it.</summary>
public sealed record Figure(string Id, string Section, string Label, FigureUnit Unit, string Formula, FigureValue Current, FigureValue Previous)
{
    /// <summary>(current − previous) / previous for counts; null for other units or when previous is 0.</summary>
    public Rational? Change =>
        Unit == FigureUnit.Count && Current.Value is long c && Previous.Value is long p && p != 0 ? new Rational(c - p, p) : null;
}

/// <summary>Options that shape the figures and their display.</summary>
public sealed record TransparencyOptions
{
    /// <summary>Counts from 1 to this − 1 are shown as "&lt;threshold" in public outputs. 0 or 1 turns suppression off.</summary>
    public int SmallCountThreshold { get; init; } = 10;

    /// <summary>Decimal places of ratios in machine-readable outputs (display shows percentages with one decimal).</summary>
    public int RatioDecimals { get; init; } = 4;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (SmallCountThreshold is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(SmallCountThreshold), "the small-count threshold must be between 0 and 1000000");
        }
        if (RatioDecimals is < 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(RatioDecimals), "ratio decimals must be between 0 and 8");
        }
    }
}

/// <summary>Who an output is for. Public outputs suppress small counts; regulator outputs keep exact numbers.</summary>
public enum ReportVariant
{
    Public,
    Regulator,
}

/// <summary>A computed transparency report: the figures for a period and the chain watermark they were computed at.</summary>
public sealed record TransparencyReport(ReportPeriod Period, ChainHead Watermark, long RecordsRead, TransparencyOptions Options, IReadOnlyList<Figure> Figures)
{
    public ReportPeriod PreviousPeriod => Period.Previous;

    /// <summary>Records left out of the figures (unreadable payloads, repeated event ids), by sequence.</summary>
    public IReadOnlyList<SkippedRecord> Skipped { get; init; } = [];

    /// <summary>The figure with this id, or null.</summary>
    public Figure? Find(string id) => Figures.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));
}

/// <summary>Nearest-rank percentiles over whole seconds.</summary>
public static class Percentile
{
    /// <summary>
    /// The nearest-rank <paramref name="percent"/>-th percentile of ascending <paramref name="sorted"/>:
    /// the value at 1-based rank k = ⌈percent × n / 100⌉ (k ≥ 1). The median is the 50th percentile by the same
    /// rule, so with an even count it is the lower of the two middle values and always an observed duration.
    /// </summary>
    public static long? NearestRank(IReadOnlyList<long> sorted, int percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sorted.Count == 0)
        {
            return null;
        }
        long n = sorted.Count;
        long rank = ((percent * n) + 99) / 100;
        return sorted[(int)Math.Max(rank, 1) - 1];
    }

    /// <summary>Whole seconds from <paramref name="start"/> to <paramref name="end"/>, truncated (both are stored to the millisecond).</summary>
    public static long WholeSeconds(DateTimeOffset start, DateTimeOffset end) =>
        (end.ToUnixTimeMilliseconds() - start.ToUnixTimeMilliseconds()) / 1000;

    internal static string Describe(int percent) =>
        string.Create(CultureInfo.InvariantCulture, $"nearest-rank {percent}th percentile: sorted ascending, value at rank ceil({percent}*n/100)");
}
