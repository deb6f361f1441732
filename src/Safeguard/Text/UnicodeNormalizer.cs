// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Safeguard.Text;

/// <summary>The normalisation forms Safeguard computes itself.</summary>
public enum NormalizationKind
{
    /// <summary>Canonical decomposition (used inside the confusable skeleton).</summary>
    Nfd,

    /// <summary>Compatibility decomposition, then canonical composition.</summary>
    Nfkc,
}

/// <summary>
/// Unicode NFKC and NFD without ICU. The repository builds with <c>InvariantGlobalization</c>,
/// where <see cref="string.Normalize()"/> silently returns its input unchanged, so Safeguard carries
/// the decomposition, combining-class and composition data itself (generated from the Unicode
/// Character Database by <c>scripts/gen-text-tables.py</c>, version in <see cref="UnicodeVersion"/>).
/// Unlike <see cref="string.Normalize()"/>, the mapped overload remembers which original chars
/// each output char came from.
/// </summary>
public static class UnicodeNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> s_tables = new(Tables.Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The Unicode version of the bundled normalisation data.</summary>
    public static string UnicodeVersion => s_tables.Value.Version;

    /// <summary>True when NFD and NFKC leave <paramref name="c"/> alone and it never combines with a neighbour.</summary>
    internal static bool IsInert(char c) => c < '\u00A0' || s_tables.Value.InertBmp[c];

    /// <summary>Returns <paramref name="text"/> in the requested form.</summary>
    public static string Normalize(string text, NormalizationKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsTriviallyNormalized(text))
        {
            return text;
        }
        using var mapped = new MappedText(text.Length + 16);
        AppendNormalized(text, 0, kind, mapped);
        return mapped.ToString();
    }

    /// <summary>True when every char is below U+00A0 and no combining mark follows: nothing to change.</summary>
    private static bool IsTriviallyNormalized(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('\0', '\u009F');

    /// <summary>
    /// Appends the normalised form of <paramref name="text"/> to <paramref name="output"/>; each
    /// appended char carries the span (offset by <paramref name="offset"/>) of the original chars
    /// it came from. Unpaired surrogates pass through unchanged.
    /// </summary>
    /// <param name="text">The text to normalise.</param>
    /// <param name="offset">Added to every reported original position.</param>
    /// <param name="kind">The normalisation form.</param>
    /// <param name="output">Receives the normalised chars with their original spans.</param>
    /// <param name="removeInvisible">Also delete Default_Ignorable code points and turn C0/C1 controls into spaces (keywords.md C.2 step 2).</param>
    // Called once per block with long loops: compiled optimised at once rather than through on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AppendNormalized(ReadOnlySpan<char> text, int offset, NormalizationKind kind, MappedText output, bool removeInvisible = false)
    {
        var tables = s_tables.Value;
        bool compat = kind == NormalizationKind.Nfkc;
        bool compose = kind == NormalizationKind.Nfkc;
        byte copyable = Tables.CopyableMask(kind, removeInvisible);
        var pass = tables.Copyable;
        var segment = new List<Item>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (segment.Count == 0 && (c is >= ' ' and <= '~' || (c >= '\u00A0' && (pass[c] & copyable) != 0)))
            {
                // A run of printable ASCII and other copyable chars maps to itself char for char;
                // its last char is left to the general path below, because a combining mark
                // after it may compose with it.
                int end = i;
                while (true)
                {
                    int ascii = text[end..].IndexOfAnyExceptInRange(' ', '~');
                    end = ascii < 0 ? text.Length : end + ascii;
                    while (end < text.Length && text[end] >= '\u00A0' && (pass[text[end]] & copyable) != 0)
                    {
                        end++;
                    }
                    if (end == text.Length || text[end] is < ' ' or > '~')
                    {
                        break;
                    }
                }
                int copy = end - i - 1;
                if (copy > 0)
                {
                    output.AppendIdentity(text.Slice(i, copy), offset + i);
                    i += copy;
                    c = text[i];
                }
            }
            if ((pass[c] & copyable) != 0 && (i + 1 == text.Length || text[i + 1] < '\u0300' || (pass[text[i + 1]] & copyable) != 0))
            {
                // Nothing to decompose, reorder or compose here: copy (most text takes this path).
                if (segment.Count > 0)
                {
                    Flush(segment, tables, compose, output);
                }
                output.Append(removeInvisible && (c < ' ' || c is >= '\u007F' and < '\u00A0') ? ' ' : c, offset + i, offset + i + 1);
                i++;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                && (tables.CopyablePlane1(char.ConvertToUtf32(c, text[i + 1])) & copyable) != 0
                && (i + 2 == text.Length || text[i + 2] < '\u0300' || (pass[text[i + 2]] & copyable) != 0))
            {
                // An inert supplementary char (emoji and the like): both halves keep the pair's span.
                if (segment.Count > 0)
                {
                    Flush(segment, tables, compose, output);
                }
                output.Append(c, offset + i, offset + i + 2);
                output.Append(text[i + 1], offset + i, offset + i + 2);
                i += 2;
                continue;
            }
            int cp = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }
            if (segment.Count >= 64 && tables.IsInertStarter(cp))
            {
                // Nothing before this char can compose with it or reorder past it: keep the buffer small.
                Flush(segment, tables, compose, output);
            }
            Decompose(cp, offset + i, offset + i + width, compat, tables, segment, removeInvisible);
            i += width;
        }
        if (segment.Count > 0)
        {
            Flush(segment, tables, compose, output);
        }
    }

    private static void Decompose(int cp, int start, int end, bool compat, Tables tables, List<Item> segment, bool removeInvisible)
    {
        if (removeInvisible)
        {
            // Removed before composition, so "c", ZWSP, U+0301 composes to "ć" exactly as "c", U+0301 does.
            if (TextCharacters.IsDefaultIgnorable(cp))
            {
                return;
            }
            if (TextCharacters.IsControl(cp))
            {
                segment.Add(new Item(' ', 0, start, end));
                return;
            }
        }
        if (cp is >= SBase and < SBase + SCount)
        {
            int s = cp - SBase;
            segment.Add(new Item(LBase + (s / NCount), 0, start, end));
            segment.Add(new Item(VBase + (s % NCount / TCount), 0, start, end));
            if (s % TCount != 0)
            {
                segment.Add(new Item(TBase + (s % TCount), 0, start, end));
            }
            return;
        }
        int[]? mapping = null;
        if (compat)
        {
            tables.Compatibility.TryGetValue(cp, out mapping);
        }
        if (mapping is null)
        {
            tables.Canonical.TryGetValue(cp, out mapping);
        }
        if (mapping is null)
        {
            segment.Add(new Item(cp, tables.CombiningClass(cp), start, end));
            return;
        }
        foreach (int m in mapping)
        {
            if (!(removeInvisible && TextCharacters.IsDefaultIgnorable(m)))
            {
                segment.Add(new Item(m, tables.CombiningClass(m), start, end));
            }
        }
    }

    private static void Flush(List<Item> segment, Tables tables, bool compose, MappedText output)
    {
        Reorder(segment);
        int count = compose ? Compose(segment, tables) : segment.Count;
        Span<char> pair = stackalloc char[2];
        for (int k = 0; k < count; k++)
        {
            var item = segment[k];
            if (item.CodePoint < 0x10000)
            {
                output.Append((char)item.CodePoint, item.Start, item.End);
            }
            else
            {
                new Rune(item.CodePoint).EncodeToUtf16(pair);
                output.Append(pair[0], item.Start, item.End);
                output.Append(pair[1], item.Start, item.End);
            }
        }
        segment.Clear();
    }

    /// <summary>Canonical ordering: stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(List<Item> items)
    {
        int k = 0;
        while (k < items.Count)
        {
            if (items[k].Ccc == 0)
            {
                k++;
                continue;
            }
            int runStart = k;
            while (k < items.Count && items[k].Ccc != 0)
            {
                k++;
            }
            int runLength = k - runStart;
            if (runLength < 2)
            {
                continue;
            }
            if (runLength <= 16)
            {
                for (int a = runStart + 1; a < k; a++)
                {
                    var x = items[a];
                    int b = a - 1;
                    while (b >= runStart && items[b].Ccc > x.Ccc)
                    {
                        items[b + 1] = items[b];
                        b--;
                    }
                    items[b + 1] = x;
                }
            }
            else
            {
                // Long runs (hostile "zalgo" text) get an O(n log n) stable sort instead of insertion sort.
                var run = items.GetRange(runStart, runLength);
                var keys = new long[runLength];
                for (int a = 0; a < runLength; a++)
                {
                    keys[a] = ((long)run[a].Ccc << 32) | (uint)a;
                }
                var arr = run.ToArray();
                Array.Sort(keys, arr);
                for (int a = 0; a < runLength; a++)
                {
                    items[runStart + a] = arr[a];
                }
            }
        }
    }

    /// <summary>Canonical composition in place; returns the new length.</summary>
    private static int Compose(List<Item> items, Tables tables)
    {
        int starter = -1;
        int lastCcc = -1;
        int write = 0;
        for (int k = 0; k < items.Count; k++)
        {
            var item = items[k];
            bool blocked = starter < 0 || (lastCcc != -1 && (item.Ccc == 0 || lastCcc >= item.Ccc));
            if (!blocked && TryCompose(items[starter].CodePoint, item.CodePoint, tables, out int composite))
            {
                var s = items[starter];
                items[starter] = new Item(composite, tables.CombiningClass(composite), Math.Min(s.Start, item.Start), Math.Max(s.End, item.End));
                continue;
            }
            if (item.Ccc == 0)
            {
                starter = write;
                lastCcc = -1;
            }
            else
            {
                lastCcc = item.Ccc;
            }
            items[write++] = item;
        }
        return write;
    }

    private static bool TryCompose(int first, int second, Tables tables, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
            return true;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }
        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private readonly record struct Item(int CodePoint, byte Ccc, int Start, int End);

    private sealed class Tables
    {
        public required string Version { get; init; }
        public required Dictionary<int, int[]> Canonical { get; init; }
        public required Dictionary<int, int[]> Compatibility { get; init; }
        public required Dictionary<int, byte> Ccc { get; init; }
        public required Dictionary<long, int> Compositions { get; init; }

        public required HashSet<int> ComposableSeconds { get; init; }

        /// <summary>BMP chars that NFD/NFKC leave alone and that never interact with a neighbour.</summary>
        public bool[] InertBmp { get; } = new bool[0x10000];

        /// <summary>
        /// Per BMP char, the bits of <see cref="CopyableMask"/> under which the char may be copied
        /// unchanged when the next char is below U+0300 or copyable too: it is its own normal form
        /// and neither composes with nor reorders past a neighbour.
        /// </summary>
        public byte[] Copyable { get; } = new byte[0x10000];

        private readonly byte[] _copyablePlane1 = new byte[0x10000];

        private const byte NfdBit = 1, NfdVisibleBit = 2, NfkcBit = 4, NfkcVisibleBit = 8;

        public static byte CopyableMask(NormalizationKind kind, bool removeInvisible) => kind == NormalizationKind.Nfkc
            ? removeInvisible ? NfkcVisibleBit : NfkcBit
            : removeInvisible ? NfdVisibleBit : NfdBit;

        /// <summary>Like <see cref="Copyable"/> for a supplementary code point (plane 1 only; others are never copied directly).</summary>
        public byte CopyablePlane1(int cp) => cp < 0x20000 ? _copyablePlane1[cp - 0x10000] : (byte)0;

        /// <summary>
        /// A precomposed starter that NFKC leaves as it is (é, ñ, Hangul syllables), whose
        /// decomposition starts with a starter that never composes with what precedes it.
        /// </summary>
        private bool IsNfkcStable(int cp, bool removeInvisible)
        {
            if (CombiningClass(cp) != 0 || ComposableSeconds.Contains(cp) || cp is >= VBase and < VBase + VCount or > TBase and < TBase + TCount)
            {
                return false;
            }
            var segment = new List<Item>();
            Decompose(cp, 0, 1, compat: true, this, segment, removeInvisible);
            if (segment.Count == 0 || segment[0].Ccc != 0 || ComposableSeconds.Contains(segment[0].CodePoint))
            {
                return false;
            }
            Reorder(segment);
            return Compose(segment, this) == 1 && segment[0].CodePoint == cp;
        }

        private void BuildCopyable()
        {
            for (int cp = 0; cp < 0x10000; cp++)
            {
                bool ignorable = TextCharacters.IsDefaultIgnorable(cp);
                byte bits = 0;
                if (cp < 0xA0 || InertBmp[cp])
                {
                    bits = ignorable ? (byte)(NfdBit | NfkcBit) : (byte)(NfdBit | NfdVisibleBit | NfkcBit | NfkcVisibleBit);
                }
                else if (!char.IsSurrogate((char)cp))
                {
                    bits |= IsNfkcStable(cp, removeInvisible: false) ? NfkcBit : (byte)0;
                    bits |= !ignorable && IsNfkcStable(cp, removeInvisible: true) ? NfkcVisibleBit : (byte)0;
                }
                Copyable[cp] = bits;
                int plane1 = 0x10000 + cp;
                if (IsInertStarter(plane1))
                {
                    _copyablePlane1[cp] = TextCharacters.IsDefaultIgnorable(plane1) ? (byte)(NfdBit | NfkcBit) : (byte)(NfdBit | NfdVisibleBit | NfkcBit | NfkcVisibleBit);
                }
            }
        }

        public byte CombiningClass(int cp) => cp < 0x300 ? (byte)0 : Ccc.GetValueOrDefault(cp);

        /// <summary>A starter with no decomposition that never composes with what precedes it.</summary>
        public bool IsInertStarter(int cp) =>
            CombiningClass(cp) == 0 && !Canonical.ContainsKey(cp) && !Compatibility.ContainsKey(cp)
            && !ComposableSeconds.Contains(cp) && cp is not (>= VBase and < VBase + VCount) and not (> TBase and < TBase + TCount)
            && cp is not (>= SBase and < SBase + SCount);

        public static Tables Load()
        {
            string version = "unknown";
            var canonical = new Dictionary<int, int[]>();
            var compat = new Dictionary<int, int[]>();
            var ccc = new Dictionary<int, byte>();
            var compositions = new Dictionary<long, int>();
            foreach (string line in EmbeddedData.ReadLines("unicode-normalization.txt"))
            {
                switch (line[0])
                {
                    case 'V':
                        version = line[2..];
                        break;
                    case 'D':
                        var parts = line[2..].Split('|');
                        int cp = Hex(parts[0]);
                        int[]? d = parts[1] == "=" ? null : HexSeq(parts[1]);
                        int[]? k = parts[2] == "=" ? d : HexSeq(parts[2]);
                        if (d is not null)
                        {
                            canonical[cp] = d;
                        }
                        if (k is not null && !ReferenceEquals(k, d))
                        {
                            compat[cp] = k;
                        }
                        break;
                    case 'C':
                        var c = line[2..].Split(' ');
                        ccc[Hex(c[0])] = byte.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case 'P':
                        var p = line[2..].Split(' ');
                        compositions[((long)Hex(p[0]) << 21) | (uint)Hex(p[1])] = Hex(p[2]);
                        break;
                    default:
                        throw new InvalidDataException($"unicode-normalization.txt: unknown record '{line[0]}'");
                }
            }
            var seconds = new HashSet<int>();
            foreach (long key in compositions.Keys)
            {
                seconds.Add((int)(key & 0x1FFFFF));
            }
            var tables = new Tables { Version = version, Canonical = canonical, Compatibility = compat, Ccc = ccc, Compositions = compositions, ComposableSeconds = seconds };
            for (int cp = 0xA0; cp < 0x10000; cp++)
            {
                tables.InertBmp[cp] = !char.IsSurrogate((char)cp) && tables.IsInertStarter(cp);
            }
            tables.BuildCopyable();
            return tables;
        }

        private static int Hex(string s) => int.Parse(s, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

        private static int[] HexSeq(string s) => Array.ConvertAll(s.Split(' '), Hex);
    }
}

/// <summary>Reads the data files embedded from <c>src/Safeguard/Text/Data</c>.</summary>
internal static class EmbeddedData
{
    /// <summary>Non-blank lines that are not <c>#</c> comments.</summary>
    public static IEnumerable<string> ReadLines(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Safeguard.Text.Data." + name)
            ?? throw new InvalidOperationException($"embedded data file '{name}' is missing from the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line;
            }
        }
    }
}
