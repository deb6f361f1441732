// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Safeguard.Text;

/// <summary>Disguises undone while extracting a URL from text (specs/url-lists.md B.8).</summary>
[Flags]
public enum UrlObfuscation
{
    /// <summary>Written plainly.</summary>
    None = 0,

    /// <summary><c>hxxp</c>, <c>hXXp</c>, <c>h**p</c> for http.</summary>
    SchemeDisguised = 1,

    /// <summary><c>[.]</c>, <c>(.)</c>, <c>{.}</c>, <c>[dot]</c>, <c>[:]</c>, <c>[/]</c>.</summary>
    BracketedSeparator = 2,

    /// <summary>The bare word <c>dot</c> (or <c>slash</c>) between labels.</summary>
    WordSeparator = 4,

    /// <summary>Spaces around dots and slashes, or between single characters.</summary>
    Spaced = 8,

    /// <summary>Invisible (Default_Ignorable) characters inside.</summary>
    Invisible = 16,

    /// <summary>Compatibility forms (fullwidth letters, ideographic full stops) folded by NFKC.</summary>
    CompatibilityForms = 32,
}

/// <summary>A URL found in text.</summary>
/// <param name="Start">Start of the URL in the original text (UTF-16 index, inclusive).</param>
/// <param name="End">End in the original text (exclusive).</param>
/// <param name="Text">The original text of the span, as written.</param>
/// <param name="Url">The normalised URL.</param>
/// <param name="Obfuscation">Disguises undone to find it; not <see cref="UrlObfuscation.None"/> means obfuscated=true.</param>
/// <param name="IsShortener">The host is a URL shortener (never expanded).</param>
public sealed record ExtractedUrl(int Start, int End, string Text, NormalizedUrl Url, UrlObfuscation Obfuscation, bool IsShortener)
{
    /// <summary>True when any disguise had to be undone.</summary>
    public bool IsObfuscated => Obfuscation != UrlObfuscation.None;
}

/// <summary>
/// Finds URLs in free text, undoing the disguises of specs/url-lists.md B.8 on a private copy of the
/// text and keeping each URL's span in the original. Every pass is linear in the text.
/// </summary>
internal static class UrlExtractor
{
    /// <summary>Longest URL taken from text; a longer run is cut here.</summary>
    public const int MaxUrlLength = 8 * 1024;

    /// <summary>Extracts URLs from the base view (NFKC, invisible removed) of <paramref name="original"/>.</summary>
    public static void Extract(string original, MappedText baseView, bool allowReservedTestDomains, List<ExtractedUrl> output)
    {
        using var workspace = new Workspace();
        Extract(original, baseView, allowReservedTestDomains, output, workspace);
    }

    /// <summary>
    /// Extracts URLs, reusing the buffers of <paramref name="workspace"/> (one per scan); the search
    /// starts at the first char whose original position is at least <paramref name="resumeAt"/>.
    /// </summary>
    public static void Extract(string original, MappedText baseView, bool allowReservedTestDomains, List<ExtractedUrl> output, Workspace workspace, int resumeAt = 0)
    {
        // The rewriting passes copy the text; most text needs neither, so they run only when a
        // cheap vectorised search finds something they could change.
        var markers = baseView.Chars.Contains('\u3002') ? s_rewriteMarkersAndFullStop : s_rewriteMarkers;
        int trigger = NextRewrite(baseView, 0, markers);
        var view = trigger >= 0
            ? Rewrite(baseView, trigger, markers, workspace.Rewritten)
            : workspace.Borrow(baseView);
        if (view.Chars.IndexOfAny(s_spacedSeparators) >= 0)
        {
            view = JoinSpacedWords(view, workspace);
        }
        Scan(original, view, allowReservedTestDomains, workspace.Dots, output, resumeAt);
    }

    // Every rewrite contains one of these chars: the bracket of "[.]", the x or * of "hxxp" and
    // "h**p", the ideographic full stop. They are rare in text, so a vectorised search for them
    // skips most of it (a search for the trigger strings themselves is several times slower).
    // (An ASCII-only set is searched faster, so the full stop is added only to blocks that hold one.)
    private static readonly SearchValues<char> s_rewriteMarkers = SearchValues.Create("[({xX*");
    private static readonly SearchValues<char> s_rewriteMarkersAndFullStop = SearchValues.Create("[({xX*\u3002");
    private static readonly SearchValues<string> s_spacedSeparators = SearchValues.Create([" . ", " : ", " / ", " dot ", " slash "], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<char> s_hostPunctuation = SearchValues.Create(".:");

    /// <summary>Where the first rewrite at or after <paramref name="from"/> starts, or -1.</summary>
    private static int NextRewrite(MappedText b, int from, SearchValues<char> markers)
    {
        var chars = b.Chars;
        int n = chars.Length;
        int q = from;
        while (q < n)
        {
            int found = chars[q..].IndexOfAny(markers);
            if (found < 0)
            {
                return -1;
            }
            q += found;
            int start = chars[q] switch
            {
                'x' or 'X' or '*' => q - 1 >= from && chars[q - 1] is 'h' or 'H' ? q - 1
                    : q - 2 >= from && chars[q - 2] is 'h' or 'H' && IsDisguiseX(chars[q - 1]) ? q - 2 : -1,
                _ => q,
            };
            if (start >= 0 && RewriteLength(b, start, out _, out _) > 0)
            {
                return start;
            }
            q++;
        }
        return -1;
    }

    /// <summary>
    /// Pass 1: ideographic dots, bracketed separators, disguised schemes. Text between rewrites is
    /// copied in bulk; <paramref name="first"/> is where the first rewrite starts.
    /// </summary>
    private static UView Rewrite(MappedText b, int first, SearchValues<char> markers, UView u)
    {
        int n = b.Length;
        u.Reset(n);
        int i = 0;
        int next = first;
        while (next >= 0)
        {
            u.AppendRange(b, i, next);
            int consumed = RewriteLength(b, next, out char replacement, out var flag);
            if (flag == UrlObfuscation.SchemeDisguised)
            {
                u.Append('h', b.StartOf(next), b.EndOf(next), flag);
                u.Append('t', b.StartOf(next + 1), b.EndOf(next + 1), flag);
                u.Append('t', b.StartOf(next + 2), b.EndOf(next + 2), flag);
            }
            else
            {
                u.Append(replacement, b.StartOf(next), b.EndOf(next + consumed - 1), flag);
            }
            i = next + consumed;
            next = NextRewrite(b, i, markers);
        }
        u.AppendRange(b, i, n);
        return u;
    }

    /// <summary>
    /// How many base-view chars the rewrite starting at <paramref name="i"/> replaces (0: none
    /// starts there), with the replacement char and the disguise it undoes. A disguised scheme
    /// replaces its first three chars by "htt".
    /// </summary>
    private static int RewriteLength(MappedText b, int i, out char replacement, out UrlObfuscation flag)
    {
        int n = b.Length;
        char c = b[i];
        replacement = '\0';
        flag = UrlObfuscation.None;
        if (c == '\u3002')
        {
            replacement = '.';
            flag = UrlObfuscation.CompatibilityForms;
            return 1;
        }
        if (c is '[' or '(' or '{')
        {
            if (!TryBracket(b, i, out replacement, out int consumed))
            {
                return 0;
            }
            flag = UrlObfuscation.BracketedSeparator;
            return consumed;
        }
        if (c is 'h' or 'H' && i + 3 < n && (i == 0 || !char.IsAsciiLetterOrDigit(b[i - 1]))
            && IsDisguiseX(b[i + 1]) && IsDisguiseX(b[i + 2]) && b[i + 3] is 'p' or 'P'
            && !(b[i + 1] is 't' or 'T' && b[i + 2] is 't' or 'T'))
        {
            int next = i + 4 < n && b[i + 4] is 's' or 'S' ? i + 5 : i + 4;
            if (next < n && b[next] is ':' or '[' or '(')
            {
                replacement = 'h';
                flag = UrlObfuscation.SchemeDisguised;
                return 3;
            }
        }
        return 0;
    }

    private static bool IsDisguiseX(char c) => c is 'x' or 'X' or '*' or 't' or 'T';

    /// <summary><c>[.]</c> <c>(.)</c> <c>{.}</c> <c>[dot]</c> <c>(dot)</c> <c>{dot}</c> <c>[:]</c> <c>[/]</c> and friends.</summary>
    private static bool TryBracket(MappedText b, int i, out char replacement, out int consumed)
    {
        replacement = '\0';
        consumed = 0;
        char open = b[i];
        char close = open switch { '[' => ']', '(' => ')', _ => '}' };
        int n = b.Length;
        if (i + 2 < n && b[i + 2] == close && b[i + 1] is '.' or ':' or '/')
        {
            replacement = b[i + 1];
            consumed = 3;
            return true;
        }
        if (i + 4 < n && b[i + 4] == close && b[i + 1] is 'd' or 'D' && b[i + 2] is 'o' or 'O' && b[i + 3] is 't' or 'T')
        {
            replacement = '.';
            consumed = 5;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Pass 2: joins words written with spaces: "e x a m p l e . c o m", "h t t p : / /",
    /// "www . example . org / page", "example dot com".
    /// </summary>
    private static UView JoinSpacedWords(UView u, Workspace workspace)
    {
        var words = workspace.Words;
        words.Clear();
        int i = 0;
        while (i < u.Length)
        {
            while (i < u.Length && IsSpace(u.Chars[i]))
            {
                i++;
            }
            int s = i;
            while (i < u.Length && !IsSpace(u.Chars[i]))
            {
                i++;
            }
            if (i > s)
            {
                words.Add((s, i));
            }
        }
        int w = words.Count;
        // join[k]: the gap after word k is removed; replace[k]: word k is replaced by this char.
        var join = new bool[Math.Max(w, 1)];
        var replace = new char[Math.Max(w, 1)];
        var flag = new UrlObfuscation[Math.Max(w, 1)];

        // Runs of single-character words containing URL punctuation.
        int k = 0;
        while (k < w)
        {
            int r = k;
            bool punct = false;
            while (r < w && words[r].End - words[r].Start == 1)
            {
                punct |= u.Chars[words[r].Start] is '.' or ':' or '/';
                r++;
            }
            if (r - k >= 3 && punct)
            {
                for (int m = k; m < r - 1; m++)
                {
                    join[m] = true;
                    flag[m] |= UrlObfuscation.Spaced;
                }
                flag[r - 1] |= UrlObfuscation.Spaced;
                // "h t t p : / / example.com": the scheme was spaced, the host follows after a space.
                if (r < w && u.Chars[words[r - 1].Start] == '/' && r - k >= 2 && u.Chars[words[r - 2].Start] == '/')
                {
                    join[r - 1] = true;
                }
            }
            k = r > k ? r : k + 1;
        }

        // Lone "." / "dot" between labels, and "/" / "slash" after such a join.
        bool chainSpaced = false;
        for (k = 1; k + 1 < w; k++)
        {
            var (s, e) = words[k];
            bool lone = e - s == 1 && u.Chars[s] == '.';
            bool wordDot = e - s == 3 && IsWord(u, s, "dot");
            bool slash = (e - s == 1 && u.Chars[s] == '/') || (e - s == 5 && IsWord(u, s, "slash"));
            if (!(join[k - 1] || join[k]) && (lone || wordDot) && EndsWithLabel(u, words[k - 1]) && StartsWithLabel(u, words[k + 1]))
            {
                join[k - 1] = join[k] = true;
                replace[k] = wordDot ? '.' : '\0';
                flag[k] |= wordDot ? UrlObfuscation.WordSeparator : UrlObfuscation.Spaced;
                chainSpaced = true;
                continue;
            }
            if (chainSpaced && slash && !(join[k - 1] || join[k]))
            {
                join[k - 1] = join[k] = true;
                replace[k] = e - s == 5 ? '/' : '\0';
                flag[k] |= e - s == 5 ? UrlObfuscation.WordSeparator : UrlObfuscation.Spaced;
                continue;
            }
            if (!join[k - 1])
            {
                chainSpaced = false;
            }
        }

        var output = workspace.Spaced;
        output.Reset(u.Length);
        for (k = 0; k < w; k++)
        {
            var (s, e) = words[k];
            if (replace[k] != '\0')
            {
                output.Append(replace[k], u.Starts[s], u.Ends[e - 1], u.FlagsAt(s) | flag[k]);
            }
            else
            {
                for (int m = s; m < e; m++)
                {
                    output.Append(u.Chars[m], u.Starts[m], u.Ends[m], u.FlagsAt(m) | flag[k]);
                }
            }
            if (k + 1 < w && !join[k])
            {
                output.Append(' ', u.Ends[e - 1], u.Starts[words[k + 1].Start], UrlObfuscation.None);
            }
        }
        return output;
    }

    /// <summary>
    /// The last space at or before <paramref name="limit"/> where URL extraction can start afresh:
    /// between two words of two chars or more, neither "dot" nor "slash", so that no spaced-out
    /// join (runs of single chars, " . ", " dot ", " / ") runs across it. -1 when there is none.
    /// </summary>
    internal static int LastFreshStart(ReadOnlySpan<char> text, int limit)
    {
        for (int p = Math.Min(limit, text.Length - 1); p > 0; p--)
        {
            if (text[p] != ' ')
            {
                continue;
            }
            int rightStart = p;
            while (rightStart < text.Length && IsSpace(text[rightStart]))
            {
                rightStart++;
            }
            int rightEnd = rightStart;
            while (rightEnd < text.Length && !IsSpace(text[rightEnd]))
            {
                rightEnd++;
            }
            int leftEnd = p;
            while (leftEnd > 0 && IsSpace(text[leftEnd - 1]))
            {
                leftEnd--;
            }
            int leftStart = leftEnd;
            while (leftStart > 0 && !IsSpace(text[leftStart - 1]))
            {
                leftStart--;
            }
            if (IsPlainWord(text[leftStart..leftEnd]) && IsPlainWord(text[rightStart..rightEnd]))
            {
                return p;
            }
            p = leftStart; // every space in between borders the same short word
        }
        return -1;

        static bool IsPlainWord(ReadOnlySpan<char> word) =>
            word.Length >= 2 && !word.Equals("dot", StringComparison.OrdinalIgnoreCase) && !word.Equals("slash", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsWord(UView u, int s, string word)
    {
        for (int m = 0; m < word.Length; m++)
        {
            if ((u.Chars[s + m] | 0x20) != word[m])
            {
                return false;
            }
        }
        return true;
    }

    private static bool EndsWithLabel(UView u, (int Start, int End) word)
    {
        int m = word.End - 1;
        int len = 0;
        while (m >= word.Start && u.Chars[m] != '.' && u.Chars[m] != '/')
        {
            if (!IsLabelChar(u.Chars[m]) || ++len > 63)
            {
                return false;
            }
            m--;
        }
        return len > 0;
    }

    private static bool StartsWithLabel(UView u, (int Start, int End) word)
    {
        int len = 0;
        for (int m = word.Start; m < word.End && u.Chars[m] is not ('.' or '/' or ':' or '?'); m++)
        {
            if (!IsLabelChar(u.Chars[m]) || ++len > 63)
            {
                return false;
            }
        }
        return len > 0;
    }

    private static bool IsSpace(char c) => c is ' ' or '\u00A0' || (c > 127 && char.IsWhiteSpace(c));

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c > 127 && char.IsLetterOrDigit(c));

    private static bool IsUrlChar(char c) => c > ' ' && c is not ('<' or '>' or '"' or '`' or '\u007F') && !(c > 127 && char.IsWhiteSpace(c));

    /// <summary>Pass 3: find scheme URLs and bare hosts with a known top-level domain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per block, long loop
    private static void Scan(string original, UView u, bool allowTest, List<int> dots, List<ExtractedUrl> output, int resumeAt)
    {
        var chars = u.Chars;
        int n = u.Length;
        int i = 0;
        while (i < n && u.Starts[i] < resumeAt)
        {
            i++; // already scanned with the previous block
        }
        while (i < n)
        {
            // Every URL contains '.' or ':'; jump to the next one and back up to the start of its word.
            int next = chars[i..].IndexOfAny(s_hostPunctuation);
            if (next < 0)
            {
                return;
            }
            int at = i + next;

            // Most dots end sentences and most colons introduce text: when nothing URL-like can
            // follow (a label char after the dot, "//" after the colon), no URL goes through this
            // one, and any earlier '.' or ':' in its word was already passed.
            char after = at + 1 < n ? chars[at + 1] : '\0';
            if (chars[at] == '.' ? !IsLabelChar(after) : after is not ('/' or '\\'))
            {
                i = at + 1;
                continue;
            }
            int wordStart = at;
            while (wordStart > i && (IsLabelChar(chars[wordStart - 1]) || chars[wordStart - 1] == '.'))
            {
                wordStart--;
            }
            i = wordStart;
            while (i <= at)
            {
                char c = chars[i];
                bool boundary = i == 0 || !(IsLabelChar(chars[i - 1]) || chars[i - 1] is '.' or '@' or '/' or ':' or '%' or '\\');
                if (!boundary || !IsLabelChar(c))
                {
                    i++;
                    continue;
                }
                if (c is 'h' or 'H' && TrySchemeUrl(original, u, i, out int end, output))
                {
                    i = Math.Max(end, i + 1);
                    continue;
                }
                i = Math.Max(TryBareHost(original, u, i, allowTest, dots, output), i + 1);
            }
        }
    }

    private static bool TrySchemeUrl(string original, UView u, int i, out int end, List<ExtractedUrl> output)
    {
        end = i;
        var chars = u.Chars;
        int n = u.Length;
        int p = i + 4;
        if (p > n || !chars.Slice(i, 4).Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (p < n && chars[p] is 's' or 'S')
        {
            p++;
        }
        if (p + 3 > n || chars[p] != ':' || chars[p + 1] is not ('/' or '\\') || chars[p + 2] is not ('/' or '\\'))
        {
            return false;
        }
        var scheme = chars[i..(p + 3)];
        p += 3;
        while (p < n && chars[p] == ' ')
        {
            p++;
        }
        int restStart = p;
        int stop = UrlRunEnd(u, restStart);
        if (stop == restStart)
        {
            end = p;
            return true;
        }
        end = stop;
        Emit(original, u, i, stop, string.Concat(scheme, chars[restStart..stop]), output);
        return true;
    }

    /// <summary>Returns where scanning continues.</summary>
    private static int TryBareHost(string original, UView u, int i, bool allowTest, List<int> dots, List<ExtractedUrl> output)
    {
        var chars = u.Chars;
        int n = u.Length;
        // Labels separated by single dots.
        dots.Clear();
        int p = i;
        int labelLength = 0;
        while (p < n)
        {
            char c = chars[p];
            if (IsLabelChar(c))
            {
                labelLength++;
                p++;
                continue;
            }
            if (c == '.' && labelLength > 0 && p + 1 < n && IsLabelChar(chars[p + 1]))
            {
                dots.Add(p);
                labelLength = 0;
                p++;
                continue;
            }
            break;
        }
        int scanned = p;
        if (dots.Count == 0)
        {
            return scanned;
        }
        // Longest prefix of labels whose last label is a known top-level domain.
        int hostEnd = scanned;
        int d = dots.Count - 1;
        while (d >= 0)
        {
            if (IsAcceptedTld(chars[(dots[d] + 1)..hostEnd], allowTest))
            {
                break;
            }
            hostEnd = dots[d];
            d--;
        }
        if (d < 0)
        {
            return scanned;
        }
        int stop = hostEnd;
        if (hostEnd == scanned && hostEnd < n && chars[hostEnd] is ':' or '/' or '?' or '#')
        {
            stop = UrlRunEnd(u, hostEnd);
            if (chars[hostEnd] == ':' && (hostEnd + 1 >= n || !char.IsAsciiDigit(chars[hostEnd + 1])))
            {
                stop = hostEnd; // "example.com: text" is a host then a colon, not a port
            }
        }
        Emit(original, u, i, stop, chars[i..stop].ToString(), output);
        return Math.Max(stop, hostEnd);
    }

    private static bool IsAcceptedTld(ReadOnlySpan<char> label, bool allowTest)
    {
        if (label.Length == 0 || label.Length > 63)
        {
            return false;
        }
        if (Ascii.IsValid(label))
        {
            // The common case, without allocating: ASCII lower-cases char by char.
            if (!label.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }
            Span<char> lowered = stackalloc char[label.Length];
            Ascii.ToLower(label, lowered, out _);
            return TopLevelDomains.IsKnown(lowered) || (allowTest && TopLevelDomains.IsReservedForTesting(lowered.ToString()));
        }
        string lower = KeywordNormalizer.ToLower(label);
        if (!Ascii.IsValid(lower))
        {
            try
            {
                lower = new IdnMapping().GetAscii(lower);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
        else if (!lower.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }
        return TopLevelDomains.IsKnown(lower) || (allowTest && TopLevelDomains.IsReservedForTesting(lower));
    }

    /// <summary>End of the URL run starting at <paramref name="p"/>, trailing sentence punctuation removed.</summary>
    private static int UrlRunEnd(UView u, int p)
    {
        var chars = u.Chars;
        int limit = Math.Min(u.Length, p + MaxUrlLength);
        int e = p;
        int parens = 0, brackets = 0;
        while (e < limit && IsUrlChar(chars[e]))
        {
            switch (chars[e])
            {
                case '(':
                    parens++;
                    break;
                case ')':
                    parens--;
                    break;
                case '[':
                    brackets++;
                    break;
                case ']':
                    brackets--;
                    break;
            }
            e++;
        }
        while (e > p)
        {
            char last = chars[e - 1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '*')
            {
                e--;
            }
            else if (last == ')' && parens < 0)
            {
                parens++;
                e--;
            }
            else if (last == ']' && brackets < 0)
            {
                brackets++;
                e--;
            }
            else
            {
                break;
            }
        }
        return e;
    }

    private static void Emit(string original, UView u, int from, int to, string candidate, List<ExtractedUrl> output)
    {
        if (to <= from || !UrlNormalizer.TryNormalize(candidate, out var url, out _))
        {
            return;
        }
        var flags = UrlObfuscation.None;
        for (int k = from; k < to; k++)
        {
            var rewritten = u.FlagsAt(k);
            flags |= rewritten;
            int s = u.Starts[k];
            int e = u.Ends[k];
            if (rewritten == UrlObfuscation.None && (e - s != 1 || original[s] != u.Chars[k]))
            {
                flags |= UrlObfuscation.CompatibilityForms;
            }
            if (k > from && s > u.Ends[k - 1] && ContainsInvisible(original.AsSpan(u.Ends[k - 1], s - u.Ends[k - 1])))
            {
                flags |= UrlObfuscation.Invisible;
            }
        }
        int start = u.Starts[from];
        int end = u.Ends[to - 1];
        output.Add(new ExtractedUrl(start, end, original[start..end], url, flags, TopLevelDomains.IsShortener(url.HostKey)));
    }

    private static bool ContainsInvisible(ReadOnlySpan<char> gap)
    {
        foreach (var rune in gap.EnumerateRunes())
        {
            if (TextCharacters.IsDefaultIgnorable(rune.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Buffers one scan's URL passes reuse from block to block; rented from the shared pool, returned on dispose.</summary>
    internal sealed class Workspace : IDisposable
    {
        private readonly UView _borrowed = new();

        public UView Rewritten { get; } = new();

        public UView Spaced { get; } = new();

        public List<(int Start, int End)> Words { get; } = [];

        public List<int> Dots { get; } = [];

        public UView Borrow(MappedText baseView)
        {
            _borrowed.Borrow(baseView);
            return _borrowed;
        }

        public void Dispose()
        {
            Rewritten.Dispose();
            Spaced.Dispose();
        }
    }

    /// <summary>A de-obfuscated copy of text (or the base view itself, borrowed) with original spans and rewrite flags per char.</summary>
    internal sealed class UView : IDisposable
    {
        private char[] _chars = [];
        public int[] Starts = [];
        public int[] Ends = [];
        // One byte per char: every UrlObfuscation value fits.
        public byte[]? Flags;
        private bool _rented;

        /// <summary>Borrows the base view's buffers: nothing rewritten, read-only.</summary>
        public void Borrow(MappedText baseView)
        {
            Dispose();
            (_chars, Starts, Ends) = baseView.Buffers;
            Flags = null;
            Length = baseView.Length;
        }

        /// <summary>Empties the view and makes room for about <paramref name="capacity"/> chars.</summary>
        public void Reset(int capacity)
        {
            if (Flags is null || _chars.Length < capacity)
            {
                Dispose();
                capacity = Math.Max(capacity, 16);
                _chars = ArrayPool<char>.Shared.Rent(capacity);
                Starts = ArrayPool<int>.Shared.Rent(capacity);
                Ends = ArrayPool<int>.Shared.Rent(capacity);
                Flags = ArrayPool<byte>.Shared.Rent(capacity);
                _rented = true;
            }
            Length = 0;
        }

        public int Length { get; private set; }

        public UrlObfuscation FlagsAt(int index) => Flags is null ? UrlObfuscation.None : (UrlObfuscation)Flags[index];

        public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

        public void Append(char c, int start, int end, UrlObfuscation flags)
        {
            var flagArray = Flags ?? throw new InvalidOperationException("a borrowed view is read-only");
            if (Length == _chars.Length)
            {
                Grow(Length + 1);
                flagArray = Flags!;
            }
            _chars[Length] = c;
            Starts[Length] = start;
            Ends[Length] = end;
            flagArray[Length] = (byte)flags;
            Length++;
        }

        /// <summary>Appends the base-view chars [<paramref name="from"/>, <paramref name="to"/>) unchanged.</summary>
        public void AppendRange(MappedText b, int from, int to)
        {
            int count = to - from;
            if (count <= 0)
            {
                return;
            }
            var flagArray = Flags ?? throw new InvalidOperationException("a borrowed view is read-only");
            if (Length + count > _chars.Length)
            {
                Grow(Length + count);
                flagArray = Flags!;
            }
            var (chars, starts, ends) = b.Buffers;
            chars.AsSpan(from, count).CopyTo(_chars.AsSpan(Length));
            starts.AsSpan(from, count).CopyTo(Starts.AsSpan(Length));
            ends.AsSpan(from, count).CopyTo(Ends.AsSpan(Length));
            flagArray.AsSpan(Length, count).Clear();
            Length += count;
        }

        private void Grow(int needed)
        {
            int size = Math.Max(needed, checked(_chars.Length * 2));
            var chars = ArrayPool<char>.Shared.Rent(size);
            var starts = ArrayPool<int>.Shared.Rent(size);
            var ends = ArrayPool<int>.Shared.Rent(size);
            var flags = ArrayPool<byte>.Shared.Rent(size);
            _chars.AsSpan(0, Length).CopyTo(chars);
            Starts.AsSpan(0, Length).CopyTo(starts);
            Ends.AsSpan(0, Length).CopyTo(ends);
            Flags!.AsSpan(0, Length).CopyTo(flags);
            int length = Length;
            Dispose();
            (_chars, Starts, Ends, Flags, _rented, Length) = (chars, starts, ends, flags, true, length);
        }

        public void Dispose()
        {
            if (_rented)
            {
                ArrayPool<char>.Shared.Return(_chars);
                ArrayPool<int>.Shared.Return(Starts);
                ArrayPool<int>.Shared.Return(Ends);
                ArrayPool<byte>.Shared.Return(Flags!);
            }
            (_chars, Starts, Ends, Flags, _rented, Length) = ([], [], [], null, false, 0);
        }
    }
}
