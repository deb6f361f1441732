// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Safeguard.Text;

/// <summary>The four views of a keyword or text token (specs/keywords.md C.2), strictest first.</summary>
/// <param name="Base">V1: NFKC, invisible characters removed, lower-cased.</param>
/// <param name="Skeleton">V2: V1 mapped to confusable prototypes.</param>
/// <param name="Leet">V3: V2 with each character replaced by its leet-class representative.</param>
/// <param name="Collapsed">V4: V3 with every run of one character reduced to one.</param>
public sealed record KeywordViews(string Base, string Skeleton, string Leet, string Collapsed)
{
    /// <summary>The view with 1-based index <paramref name="view"/> (1 = base … 4 = collapsed).</summary>
    public string this[int view] => view switch
    {
        1 => Base,
        2 => Skeleton,
        3 => Leet,
        4 => Collapsed,
        _ => throw new ArgumentOutOfRangeException(nameof(view), view, "views are numbered 1 to 4"),
    };
}

/// <summary>
/// The keyword normalisation pipeline of specs/keywords.md C.2 as plain string functions. Lexicon
/// entries are compiled with these, and the fast scanner in <see cref="KeywordMatcher"/> confirms
/// every candidate against them, so this class is the definition of a keyword match.
/// </summary>
/// <remarks>
/// Case folding is <see cref="string.ToLowerInvariant()"/>: a one-to-one mapping, so <c>ß</c> stays
/// <c>ß</c> and U+0130 stays unchanged (accepted gaps, as the spec allows). The skeleton uses the
/// bundled curated confusables table (Data/confusables.txt), never ICU, so V2 behaves the same on
/// every host, including invariant-globalization containers.
/// </remarks>
public static class KeywordNormalizer
{
    /// <summary>Version of this pipeline; recorded with every keyword match.</summary>
    public const string PipelineVersion = "kw-1";

    /// <summary>Entries whose collapsed view is shorter than this match only in V1/V2 and only as whole tokens.</summary>
    public const int ShortEntryLength = 5;

    private static readonly Lazy<FrozenDictionary<int, string>> s_confusables = new(LoadConfusables);
    private static readonly Lazy<char[]> s_leet = new(LoadLeet);

    /// <summary>V1 of a whole text: NFKC, Default_Ignorable removed, controls to spaces, lower-cased.</summary>
    public static string BaseView(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var mapped = new MappedText(text.Length + 16);
        UnicodeNormalizer.AppendNormalized(text, 0, NormalizationKind.Nfkc, mapped, removeInvisible: true);
        return ToLower(mapped.Chars);
    }

    /// <summary>Compiles a lexicon entry (C.3 rule 1): V1, tokens concatenated, then V2–V4.</summary>
    public static KeywordViews CompileEntry(string term)
    {
        string v1 = BaseView(term);
        var joined = new StringBuilder(v1.Length);
        foreach (var (start, length) in Tokenize(v1))
        {
            joined.Append(v1, start, length);
        }
        return ViewsOfBase(joined.ToString());
    }

    /// <summary>V2–V4 of a V1 string (one token or a joined candidate).</summary>
    public static KeywordViews ViewsOfBase(string v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        if (Ascii.IsValid(v1))
        {
            return ViewsOfAsciiBase(v1);
        }
        string v2 = Skeleton(v1);
        string v3 = Leet(v2);
        return new KeywordViews(v1, v2, v3, Collapse(v3));
    }

    /// <summary>
    /// <see cref="ViewsOfBase"/> for ASCII text, without the general pipeline: ASCII is its own NFD,
    /// and the prototypes of ASCII chars are ASCII (checked when the table loads), so the skeleton
    /// is the char-by-char mapping, lower-cased.
    /// </summary>
    private static KeywordViews ViewsOfAsciiBase(string v1)
    {
        var skeletons = s_asciiSkeletons.Value;
        var leet = s_leet.Value;
        int length = 0;
        foreach (char c in v1)
        {
            length += skeletons[c].Length;
        }
        Span<char> v2 = length <= 256 ? stackalloc char[length] : new char[length];
        int k = 0;
        foreach (char c in v1)
        {
            foreach (char t in skeletons[c])
            {
                v2[k++] = t;
            }
        }
        string skeleton = v2.SequenceEqual(v1) ? v1 : new string(v2);
        for (k = 0; k < v2.Length; k++)
        {
            v2[k] = leet[v2[k]];
        }
        string leetView = v2.SequenceEqual(skeleton) ? skeleton : new string(v2);
        int collapsed = 0;
        for (k = 0; k < v2.Length; k++)
        {
            if (k == 0 || v2[k] != v2[k - 1])
            {
                v2[collapsed++] = v2[k];
            }
        }
        string collapsedView = collapsed == leetView.Length ? leetView : new string(v2[..collapsed]);
        return new KeywordViews(v1, skeleton, leetView, collapsedView);
    }

    /// <summary>The skeleton of each ASCII char on its own (lower-cased prototype, or the char lower-cased).</summary>
    private static readonly Lazy<string[]> s_asciiSkeletons = new(() =>
    {
        var table = new string[128];
        for (int c = 0; c < 128; c++)
        {
            string single = ((char)c).ToString();
            table[c] = Skeleton(single);
            if (!Ascii.IsValid(table[c]))
            {
                throw new InvalidDataException("confusables.txt: an ASCII char must map to ASCII");
            }
        }
        return table;
    });

    /// <summary>UTS #39 skeleton (NFD, map to prototypes, NFD) followed by lower-casing.</summary>
    public static string Skeleton(string v1)
    {
        var confusables = s_confusables.Value;
        string nfd = UnicodeNormalizer.Normalize(v1, NormalizationKind.Nfd);
        var mapped = new StringBuilder(nfd.Length + 8);
        foreach (var rune in nfd.EnumerateRunes())
        {
            if (confusables.TryGetValue(rune.Value, out string? target))
            {
                mapped.Append(target);
            }
            else
            {
                mapped.Append(rune.ToString());
            }
        }
        return ToLower(UnicodeNormalizer.Normalize(mapped.ToString(), NormalizationKind.Nfd));
    }

    /// <summary>Maps every char to its leet-class representative (C.2 step 7).</summary>
    public static string Leet(string v2)
    {
        var table = s_leet.Value;
        return string.Create(v2.Length, (v2, table), static (span, state) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                char c = state.v2[i];
                span[i] = c < 128 ? state.table[c] : c;
            }
        });
    }

    /// <summary>Reduces every run of one char to a single char (C.2 step 8).</summary>
    public static string Collapse(string v3)
    {
        var sb = new StringBuilder(v3.Length);
        for (int i = 0; i < v3.Length; i++)
        {
            if (i == 0 || v3[i] != v3[i - 1])
            {
                sb.Append(v3[i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Token boundaries of a V1 string (C.2 step 4): (start, length) pairs.</summary>
    public static IEnumerable<(int Start, int Length)> Tokenize(string v1)
    {
        int start = -1;
        int i = 0;
        while (i < v1.Length)
        {
            var rune = Rune.GetRuneAt(v1, i) is var r && Rune.IsValid(r.Value) ? r : Rune.ReplacementChar;
            int width = char.IsSurrogatePair(v1, i) ? 2 : 1;
            if (IsTokenRune(rune))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
            i += width;
        }
        if (start >= 0)
        {
            yield return (start, v1.Length - start);
        }
    }

    /// <summary>True for letters, digits, combining marks and the look-alike symbols <c>@ $ | ! +</c>.</summary>
    public static bool IsTokenRune(Rune rune)
    {
        if (rune.IsAscii)
        {
            return IsAsciiTokenChar((char)rune.Value);
        }
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
            _ => false,
        };
    }

    internal static bool IsAsciiTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || IsEdgeSymbol(c);

    /// <summary>The five look-alike symbols that belong to tokens but are stripped from token edges.</summary>
    internal static bool IsEdgeSymbol(char c) => c is '@' or '$' or '|' or '!' or '+';

    internal static string ToLower(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            sb.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return sb.ToString();
    }

    /// <summary>The ASCII part of the skeleton table (char → prototype), for the scanner's fast path.</summary>
    internal static string? AsciiSkeleton(char c) => c < 128 && s_confusables.Value.TryGetValue(c, out var t) ? t : null;

    /// <summary>
    /// Skeleton of a lower-case char that normalisation leaves alone: true with its prototype (null
    /// when the char is its own prototype); false when the prototype would need normalising again.
    /// </summary>
    internal static bool TrySkeletonOfInert(char c, out string? target)
    {
        if (!s_confusables.Value.TryGetValue(c, out target))
        {
            return true;
        }
        foreach (char t in target)
        {
            if (!UnicodeNormalizer.IsInert(t) || char.IsUpper(t))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The leet representative of an ASCII char (itself when it has no class).</summary>
    internal static char LeetOf(char c) => c < 128 ? s_leet.Value[c] : c;

    private static FrozenDictionary<int, string> LoadConfusables()
    {
        var map = new Dictionary<int, string>();
        foreach (string line in EmbeddedData.ReadLines("confusables.txt"))
        {
            string data = line.Split('#')[0];
            var parts = data.Split(';', StringSplitOptions.TrimEntries);
            int source = int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var target = new StringBuilder();
            foreach (string hex in parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                target.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            map[source] = target.ToString();
        }
        return map.ToFrozenDictionary();
    }

    private static char[] LoadLeet()
    {
        var table = new char[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = (char)c;
        }
        foreach (string line in EmbeddedData.ReadLines("leet-classes.txt"))
        {
            var members = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            char representative = members[0][0];
            foreach (string member in members)
            {
                table[member[0]] = representative;
            }
        }
        return table;
    }
}
