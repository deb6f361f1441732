// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Safeguard.Transparency;

/// <summary>
/// An exact non-negative-denominator fraction. Figures stay exact until display and are then rounded
/// half away from zero, so two operators computing the same figure print the same digits.
/// </summary>
public readonly record struct Rational
{
    public Rational(long numerator, long denominator)
    {
        if (denominator == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "a rational needs a non-zero denominator");
        }
        if (denominator < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }
        Numerator = numerator;
        Denominator = denominator;
    }

    public long Numerator { get; }

    public long Denominator { get; }

    /// <summary>The nearest double; for machine-readable outputs beside the exact fraction.</summary>
    public double ToDouble() => (double)Numerator / Denominator;

    /// <summary>The exact fraction as text, e.g. <c>225/974</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    /// <summary>
    /// The value scaled by <paramref name="scale"/> (1 for the value itself, 100 for a percentage) and rounded
    /// to <paramref name="decimals"/> places, half away from zero, computed in integers so no binary rounding
    /// can move a midpoint.
    /// </summary>
    public string Format(int decimals, long scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 12);
        Int128 factor = 1;
        for (int i = 0; i < decimals; i++)
        {
            factor *= 10;
        }
        Int128 scaled = (Int128)Numerator * scale * factor;
        Int128 den = Denominator;
        bool negative = scaled < 0;
        Int128 magnitude = negative ? -scaled : scaled;
        Int128 quotient = magnitude / den;
        Int128 remainder = magnitude % den;
        if (remainder * 2 >= den)
        {
            quotient++;
        }
        var digits = quotient.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        if (negative && quotient != 0)
        {
            text.Append('-');
        }
        if (decimals == 0)
        {
            return text.Append(digits).ToString();
        }
        digits = digits.PadLeft(decimals + 1, '0');
        text.Append(digits, 0, digits.Length - decimals).Append('.').Append(digits, digits.Length - decimals, decimals);
        return text.ToString();
    }

    /// <summary>A signed percentage with one decimal, e.g. <c>+23.1 %</c> or <c>-2.6 %</c>.</summary>
    public string FormatSignedPercent(int decimals = 1)
    {
        string body = Format(decimals, 100);
        return body.StartsWith('-') || IsZeroAfterRounding(body) ? body + " %" : "+" + body + " %";

        static bool IsZeroAfterRounding(string s) => s.All(c => c is '0' or '.');
    }

    /// <summary>A decimal for machine-readable outputs, rounded the same way as display text.</summary>
    public decimal ToDecimal(int decimals) => decimal.Parse(Format(decimals), NumberStyles.Float, CultureInfo.InvariantCulture);
}
