// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// The seam between the grooming detectors and text normalisation. It produces the base view (keywords spec C.2,
/// steps 1–3) with a map back to the original text; the detectors derive their leet and collapsed views from it.
/// Swap the implementation (for example to <c>Safeguard.Text</c>'s normaliser) in <c>ChildSafetyTextNormalisers.Current</c> alone.
/// </summary>
internal interface IChildSafetyTextNormaliser
{
    NormalisedText Normalise(string original);
}

/// <summary>Normalised text, plus for every character the original span it came from.</summary>
internal sealed class NormalisedText(string text, int[] originalStart, int[] originalLength)
{
    public string Text { get; } = text;

    /// <summary>Maps the normalised span [start, start + length) to its span in the original text.</summary>
    public (int Start, int Length) ToOriginal(int start, int length)
    {
        var first = originalStart[start];
        var last = start + length - 1;
        return (first, originalStart[last] + originalLength[last] - first);
    }
}

internal static class ChildSafetyTextNormalisers
{
    /// <summary>
    /// The normaliser the detectors use: Safeguard.Text's keyword base view (V1), which gives the same or better
    /// figures on the evaluation set (docs/child-safety.md, "Normaliser"). <see cref="MinimalTextNormaliser"/> stays as the fallback.
    /// </summary>
    public static IChildSafetyTextNormaliser Current { get; } = new KeywordBaseViewNormaliser();
}

/// <summary>
/// The keywords spec's V1 view from <c>Safeguard.Text</c> (<see cref="Text.KeywordNormalizer.BaseView"/>): table-driven NFKC
/// from the Unicode Character Database (not dependent on ICU), Default_Ignorable code points removed, controls to spaces,
/// lower-cased per code point. Every char keeps the original span it came from.
/// </summary>
internal sealed class KeywordBaseViewNormaliser : IChildSafetyTextNormaliser
{
    public NormalisedText Normalise(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        using var mapped = new Text.MappedText(original.Length + 16);
        Text.UnicodeNormalizer.AppendNormalized(original, 0, Text.NormalizationKind.Nfkc, mapped, removeInvisible: true);
        var builder = new StringBuilder(mapped.Length);
        var starts = new List<int>(mapped.Length);
        var lengths = new List<int>(mapped.Length);
        Span<char> buffer = stackalloc char[2];
        var chars = mapped.Chars;
        int i = 0;
        while (i < chars.Length)
        {
            int width = Rune.DecodeFromUtf16(chars[i..], out var rune, out int consumed) == System.Buffers.OperationStatus.Done ? consumed : 1;
            if (width == 1 && char.IsSurrogate(chars[i]))
            {
                rune = new Rune(' ');
            }
            int start = mapped.StartOf(i), end = mapped.EndOf(i + width - 1);
            int written = Rune.ToLowerInvariant(rune).EncodeToUtf16(buffer);
            for (int k = 0; k < written; k++)
            {
                builder.Append(buffer[k]);
                starts.Add(start);
                lengths.Add(end - start);
            }
            i += width;
        }
        return new NormalisedText(builder.ToString(), [.. starts], [.. lengths]);
    }
}

/// <summary>
/// Minimal base view: NFKC per grapheme (plus the hand-made folds of <see cref="FoldCompatibility"/>), Default_Ignorable code points removed, controls to spaces,
/// <see cref="string.ToLowerInvariant()"/> (a simple case mapping: "ß" stays "ß", as keywords spec C.2 notes).
/// No confusable skeleton: that belongs to the shared normaliser.
/// </summary>
internal sealed class MinimalTextNormaliser : IChildSafetyTextNormaliser
{
    public NormalisedText Normalise(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        var builder = new StringBuilder(original.Length);
        var starts = new List<int>(original.Length);
        var lengths = new List<int>(original.Length);
        var elements = StringInfo.GetTextElementEnumerator(original);
        Span<char> buffer = stackalloc char[2];
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var start = elements.ElementIndex;
            string folded;
            try
            {
                folded = element.Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                // A lone surrogate cannot be normalised; it carries no letters, so it separates tokens.
                folded = " ";
            }
            foreach (var source in folded.EnumerateRunes())
            {
                if (IsDefaultIgnorable(source.Value))
                {
                    continue;
                }
                var rune = FoldCompatibility(source);
                var mapped = Rune.IsControl(rune) ? new Rune(' ') : Rune.ToLowerInvariant(rune);
                var written = mapped.EncodeToUtf16(buffer);
                for (var i = 0; i < written; i++)
                {
                    builder.Append(buffer[i]);
                    starts.Add(start);
                    lengths.Add(element.Length);
                }
            }
        }
        return new NormalisedText(builder.ToString(), [.. starts], [.. lengths]);
    }

    /// <summary>
    /// The compatibility folds disguises use most, done by hand because with <c>InvariantGlobalization</c> (set for the
    /// whole repository) <see cref="string.Normalize(NormalizationForm)"/> leaves non-ASCII text unchanged: fullwidth
    /// ASCII, mathematical alphanumeric letters and digits, and the ideographic space.
    /// </summary>
    internal static Rune FoldCompatibility(Rune rune)
    {
        var c = rune.Value;
        if (c is >= 0xFF01 and <= 0xFF5E)
        {
            return new Rune(c - 0xFF01 + 0x21);
        }
        if (c is >= 0x1D400 and <= 0x1D6A3)
        {
            var letter = (c - 0x1D400) % 52;
            return new Rune(letter < 26 ? 'A' + letter : 'a' + letter - 26);
        }
        if (c is >= 0x1D7CE and <= 0x1D7FF)
        {
            return new Rune('0' + (c - 0x1D7CE) % 10);
        }
        return c == 0x3000 ? new Rune(' ') : rune;
    }

    /// <summary>Default_Ignorable_Code_Point for Unicode 15, as listed in keywords spec C.2.</summary>
    internal static bool IsDefaultIgnorable(int c) =>
        c == 0x00AD || c == 0x034F || c == 0x061C || c is >= 0x115F and <= 0x1160 || c is >= 0x17B4 and <= 0x17B5
        || c is >= 0x180B and <= 0x180F || c is >= 0x200B and <= 0x200F || c is >= 0x202A and <= 0x202E
        || c is >= 0x2060 and <= 0x206F || c == 0x3164 || c is >= 0xFE00 and <= 0xFE0F || c == 0xFEFF || c == 0xFFA0
        || c is >= 0xFFF0 and <= 0xFFF8 || c is >= 0x1BCA0 and <= 0x1BCA3 || c is >= 0x1D173 and <= 0x1D17A
        || c is >= 0xE0000 and <= 0xE0FFF;
}
