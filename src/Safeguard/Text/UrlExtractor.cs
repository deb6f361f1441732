// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
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
        // The rewriting passes copy the text; most text needs neither, so they run only when a
        // cheap vectorised search finds something they could change.
        var chars = baseView.Chars;
        var view = chars.IndexOfAny(s_rewriteTriggers) >= 0
            ? Rewrite(original, baseView)
            : new UView(baseView);
        if (view.Chars.IndexOfAny(s_spacedSeparators) >= 0)
        {
            view = JoinSpacedWords(view);
        }
        Scan(original, view, allowReservedTestDomains, output);
    }

    private static readonly SearchValues<string> s_rewriteTriggers = SearchValues.Create(
        ["\u3002", "[.]", "(.)", "{.}", "[:]", "(:)", "{:}", "[/]", "(/)", "{/}", "[dot]", "(dot)", "{dot}", "hxxp", "h**p", "hxtp", "htxp", "h*tp", "ht*p"],
        StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> s_spacedSeparators = SearchValues.Create([" . ", " : ", " / ", " dot ", " slash "], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<char> s_hostPunctuation = SearchValues.Create(".:");

    /// <summary>Pass 1: ideographic dots, bracketed separators, disguised schemes.</summary>
    private static UView Rewrite(string original, MappedText b)
    {
        int n = b.Length;
        var u = new UView(n + 16);
        for (int i = 0; i < n; i++)
        {
            char c = b[i];
            int start = b.StartOf(i);
            int end = b.EndOf(i);
            var flags = UrlObfuscation.None;
            if (c == '\u3002')
            {
                u.Append('.', start, end, flags | UrlObfuscation.CompatibilityForms);
                continue;
            }
            if (c is '[' or '(' or '{' && TryBracket(b, i, out char replacement, out int consumed))
            {
                u.Append(replacement, start, b.EndOf(i + consumed - 1), flags | UrlObfuscation.BracketedSeparator);
                i += consumed - 1;
                continue;
            }
            if (c is 'h' or 'H' && i + 3 < n && (i == 0 || !char.IsAsciiLetterOrDigit(b[i - 1]))
                && IsDisguiseX(b[i + 1]) && IsDisguiseX(b[i + 2]) && b[i + 3] is 'p' or 'P'
                && !(b[i + 1] is 't' or 'T' && b[i + 2] is 't' or 'T'))
            {
                int next = i + 4 < n && b[i + 4] is 's' or 'S' ? i + 5 : i + 4;
                if (next < n && b[next] is ':' or '[' or '(')
                {
                    u.Append('h', start, end, flags | UrlObfuscation.SchemeDisguised);
                    u.Append('t', b.StartOf(i + 1), b.EndOf(i + 1), flags | UrlObfuscation.SchemeDisguised);
                    u.Append('t', b.StartOf(i + 2), b.EndOf(i + 2), flags | UrlObfuscation.SchemeDisguised);
                    i += 2;
                    continue;
                }
            }
            u.Append(c, start, end, flags);
        }
        return u;
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
    private static UView JoinSpacedWords(UView u)
    {
        var words = new List<(int Start, int End)>();
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

        var output = new UView(u.Length + 16);
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
    private static void Scan(string original, UView u, bool allowTest, List<ExtractedUrl> output)
    {
        var chars = u.Chars;
        int n = u.Length;
        var dots = new List<int>();
        int i = 0;
        while (i < n)
        {
            // Every URL contains '.' or ':'; jump to the next one and back up to the start of its word.
            int next = chars[i..].IndexOfAny(s_hostPunctuation);
            if (next < 0)
            {
                return;
            }
            int at = i + next;
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
        var candidate = new StringBuilder();
        candidate.Append(chars[i..(p + 3)]);
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
        candidate.Append(chars[restStart..stop]);
        end = stop;
        Emit(original, u, i, stop, candidate.ToString(), output);
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
            string tld = chars[(dots[d] + 1)..hostEnd].ToString();
            if (IsAcceptedTld(tld, allowTest))
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

    private static bool IsAcceptedTld(string label, bool allowTest)
    {
        if (label.Length == 0 || label.Length > 63)
        {
            return false;
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

    /// <summary>A de-obfuscated copy of text (or the base view itself, borrowed) with original spans and rewrite flags per char.</summary>
    private sealed class UView
    {
        private char[] _chars;
        public int[] Starts;
        public int[] Ends;
        public UrlObfuscation[]? Flags;

        public UView(int capacity)
        {
            _chars = new char[capacity];
            Starts = new int[capacity];
            Ends = new int[capacity];
            Flags = new UrlObfuscation[capacity];
        }

        /// <summary>Borrows the base view's buffers: nothing rewritten.</summary>
        public UView(MappedText baseView)
        {
            (_chars, Starts, Ends) = baseView.Buffers;
            Length = baseView.Length;
        }

        public int Length { get; private set; }

        public UrlObfuscation FlagsAt(int index) => Flags is null ? UrlObfuscation.None : Flags[index];

        public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

        public void Append(char c, int start, int end, UrlObfuscation flags)
        {
            var flagArray = Flags ?? throw new InvalidOperationException("a borrowed view is read-only");
            if (Length == _chars.Length)
            {
                int size = checked(Length * 2);
                Array.Resize(ref _chars, size);
                Array.Resize(ref Starts, size);
                Array.Resize(ref Ends, size);
                Array.Resize(ref flagArray, size);
                Flags = flagArray;
            }
            _chars[Length] = c;
            Starts[Length] = start;
            Ends[Length] = end;
            flagArray[Length] = flags;
            Length++;
        }
    }
}
