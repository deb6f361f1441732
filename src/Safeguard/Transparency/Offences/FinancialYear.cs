// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Safeguard.Transparency.Offences;

/// <summary>
/// A UK financial year: 1 April <see cref="StartYear"/> to 31 March the year after. It has 366 days when
/// 29 February of its second calendar year exists.
/// </summary>
public readonly record struct FinancialYear(int StartYear) : IComparable<FinancialYear>
{
    public const int MinutesPerDay = 1440;

    /// <summary>Days in the year: 365, or 366 when it contains 29 February.</summary>
    public int Days => DateTime.IsLeapYear(StartYear + 1) ? 366 : 365;

    /// <summary>Minutes in the year: 525,600 or 527,040.</summary>
    public long Minutes => (long)Days * MinutesPerDay;

    public FinancialYear Previous => new(StartYear - 1);

    /// <summary>Days in quarter 1–4 (Q1 = April–June): 91, 92, 92, and 90 or 91.</summary>
    public int QuarterDays(int quarter) => quarter switch
    {
        1 => 91,
        2 => 92,
        3 => 92,
        4 => DateTime.IsLeapYear(StartYear + 1) ? 91 : 90,
        _ => throw new ArgumentOutOfRangeException(nameof(quarter), "a financial quarter is 1 to 4"),
    };

    /// <summary>Accepts 2017/18, 2017-18, 2017_18 and 2017/2018.</summary>
    public static bool TryParse(string? text, out FinancialYear year)
    {
        year = default;
        if (text is null)
        {
            return false;
        }
        var parts = text.Trim().Split('/', '-', '_');
        if (parts.Length != 2 || parts[0].Length != 4 || (parts[1].Length != 2 && parts[1].Length != 4)
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int start)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int end)
            || start < 1900 || start > 9998)
        {
            return false;
        }
        bool follows = parts[1].Length == 2 ? end == (start + 1) % 100 : end == start + 1;
        if (!follows)
        {
            return false;
        }
        year = new FinancialYear(start);
        return true;
    }

    public int CompareTo(FinancialYear other) => StartYear.CompareTo(other.StartYear);

    /// <summary>The Home Office style label, e.g. <c>2017/18</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{StartYear}/{(StartYear + 1) % 100:00}");

    public static bool operator <(FinancialYear left, FinancialYear right) => left.CompareTo(right) < 0;

    public static bool operator >(FinancialYear left, FinancialYear right) => left.CompareTo(right) > 0;

    public static bool operator <=(FinancialYear left, FinancialYear right) => left.CompareTo(right) <= 0;

    public static bool operator >=(FinancialYear left, FinancialYear right) => left.CompareTo(right) >= 0;
}
