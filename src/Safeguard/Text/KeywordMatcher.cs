// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Safeguard.Text;

/// <summary>How a keyword candidate was formed from the text's tokens (specs/keywords.md C.2 step 5).</summary>
public enum KeywordCandidateKind
{
    /// <summary>One token as written.</summary>
    Token,

    /// <summary>One token with leading/trailing <c>@ $ | ! +</c> removed.</summary>
    Stripped,

    /// <summary>Three or more one-character tokens joined (separators between single letters).</summary>
    Squeezed,

    /// <summary>Two or three neighbouring tokens joined (a word split by a space, <c>_</c>, <c>.</c>, <c>-</c>).</summary>
    Join,

    /// <summary>An entry marked <c>substring</c> found inside a token.</summary>
    Substring,
}

/// <summary>A compiled keyword entry.</summary>
internal sealed class KeywordEntry(int index, TextListEntry entry, KeywordViews views, bool substring, bool variants)
{
    public int Index { get; } = index;
    public TextListEntry Entry { get; } = entry;
    public KeywordViews Views { get; } = views;
    public bool Substring { get; } = substring;

    /// <summary>Short entries (C.3 rule 4) never match through joins, squeezes or leet.</summary>
    public bool IsShort { get; } = views.Collapsed.Length < KeywordNormalizer.ShortEntryLength;

    /// <summary>The loosest view this entry may match in.</summary>
    public int MaxView { get; } = !variants ? 1 : views.Collapsed.Length < KeywordNormalizer.ShortEntryLength ? 2 : 4;
}

/// <summary>A keyword hit before it is turned into a <see cref="TextHit"/>.</summary>
internal readonly record struct RawKeywordHit(int EntryIndex, int View, KeywordCandidateKind Kind, int Start, int End);

/// <summary>
/// The compiled keyword lexicon. Whole-candidate entries live in a hash table keyed by a
/// polynomial hash of their collapsed view (V4), so one candidate costs one probe however many
/// entries there are; the scanner computes candidate hashes incrementally (joins are combined from
/// token hashes without copying text) and confirms every table hit against <see cref="KeywordNormalizer"/>.
/// Substring entries use one Aho–Corasick automaton per view. Immutable; safe for concurrent scans.
/// </summary>
internal sealed class KeywordMatcher
{
    internal const ulong Prime = 0x9E3779B97F4A7C15UL;
    internal static readonly ulong PrimeInverse = Inverse(Prime);

    private readonly KeywordEntry[] _entries;
    private readonly ulong[] _keys;
    private readonly int[][] _refs;
    private readonly ulong[] _filter;
    private readonly int _keyMask;
    private readonly int _filterMask;
    private readonly ulong[] _heads;
    private readonly int _headMask;
    private readonly AhoCorasick?[] _substring = new AhoCorasick?[5];
    private readonly int[][] _substringEntries = new int[5][];

    public KeywordMatcher(IReadOnlyList<KeywordEntry> entries)
    {
        _entries = [.. entries];
        // Views are nested functions (V2 = f(V1), V3 = g(V2), V4 = h(V3)), so any match in any view
        // implies equal collapsed views: one V4 probe per candidate decides whether to look closer.
        var forms = new Dictionary<ulong, List<int>>();
        var heads = new HashSet<ulong>();
        var substringForms = new List<string>[5];
        var substringIds = new List<int>[5];
        for (int v = 1; v <= 4; v++)
        {
            substringForms[v] = [];
            substringIds[v] = [];
        }
        foreach (var entry in _entries)
        {
            if (entry.Substring)
            {
                for (int view = 1; view <= entry.MaxView; view++)
                {
                    substringForms[view].Add(entry.Views[view]);
                    substringIds[view].Add(entry.Index);
                }
                continue;
            }
            ulong key = Key(HashOf(entry.Views.Collapsed));
            if (!forms.TryGetValue(key, out var list))
            {
                forms[key] = list = [];
            }
            list.Add(entry.Index);
            if (!entry.IsShort)
            {
                // Only long entries match joins, and a join's first part is a prefix of its collapsed view.
                var prefix = ViewHash.Empty;
                foreach (char c in entry.Views.Collapsed)
                {
                    prefix.Append(c);
                    heads.Add(Key(prefix.H));
                }
            }
        }
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, forms.Count * 2));
        _keys = new ulong[capacity];
        _refs = new int[capacity][];
        _keyMask = capacity - 1;
        // About 12 bits per key, four of them set per key in one word: small enough to stay in the
        // first-level cache next to the text, about 0.5 % false positives.
        int filterWords = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, forms.Count * 12 / 64));
        _filter = new ulong[filterWords];
        _filterMask = filterWords - 1;
        foreach (var (key, list) in forms)
        {
            int slot = (int)(key >> 20) & _keyMask;
            while (_keys[slot] != 0)
            {
                slot = (slot + 1) & _keyMask;
            }
            _keys[slot] = key;
            _refs[slot] = [.. list];
            _filter[FilterWord(key, _filterMask)] |= FilterBits(key);
        }
        int headWords = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, heads.Count * 12 / 64));
        _heads = new ulong[headWords];
        _headMask = headWords - 1;
        foreach (ulong key in heads)
        {
            _heads[FilterWord(key, _headMask)] |= FilterBits(key);
        }
        for (int v = 1; v <= 4; v++)
        {
            _substringEntries[v] = [.. substringIds[v]];
            _substring[v] = substringForms[v].Count > 0 ? new AhoCorasick(substringForms[v]) : null;
        }
        HasSubstringEntries = _substring.Any(a => a is not null);
    }

    public int Count => _entries.Length;

    public bool HasSubstringEntries { get; }

    public KeywordEntry this[int index] => _entries[index];

    /// <summary>Approximate bytes held by the lookup structures (not the entry strings).</summary>
    public long LookupBytes => (_keys.Length * 8L) + (_refs.Length * 8L) + (_filter.Length * 8L) + (_heads.Length * 8L);

    internal static ulong HashOf(ReadOnlySpan<char> s)
    {
        var h = ViewHash.Empty;
        foreach (char c in s)
        {
            h.Append(c);
        }
        return h.H;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Key(ulong hash)
    {
        ulong k = hash * 0xD6E8FEB86659FD93UL;
        k ^= k >> 32;
        return k == 0 ? 1 : k;
    }

    /// <summary>The prefilter words and their index mask, for scanners that test it inline (<see cref="FilterMayContain"/>).</summary>
    internal (ulong[] Words, int Mask) Filter => (_filter, _filterMask);

    /// <summary>
    /// The prefilter of join heads: the keys of every prefix of the collapsed view of every long
    /// entry. A join can match only when its first part's key passes (<see cref="FilterMayContain"/>).
    /// </summary>
    internal (ulong[] Words, int Mask) HeadFilter => (_heads, _headMask);

    /// <summary>False when no entry's collapsed view hashes to <paramref name="key"/>; true may be a false positive.</summary>
    internal bool MayContain(ulong key) => FilterMayContain(_filter, _filterMask, key);

    /// <summary>The prefilter test: both of the key's bits set in its word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool FilterMayContain(ulong[] words, int mask, ulong key)
    {
        ulong bits = FilterBits(key);
        return (words[FilterWord(key, mask)] & bits) == bits;
    }

    // Word from bits 40 and up (the table slot uses bits 20 and up of the low half), bits from the
    // low 18 bits and the top 6.
    private static int FilterWord(ulong key, int mask) => (int)(key >> 40) & mask;

    private static ulong FilterBits(ulong key) =>
        (1UL << (int)(key & 63)) | (1UL << (int)((key >> 6) & 63)) | (1UL << (int)((key >> 12) & 63)) | (1UL << (int)(key >> 58));

    /// <summary>Entries whose collapsed view hashes to <paramref name="key"/>, or null.</summary>
    internal int[]? Lookup(ulong key)
    {
        if (!MayContain(key))
        {
            return null;
        }
        int slot = (int)(key >> 20) & _keyMask;
        while (true)
        {
            ulong k = _keys[slot];
            if (k == key)
            {
                return _refs[slot];
            }
            if (k == 0)
            {
                return null;
            }
            slot = (slot + 1) & _keyMask;
        }
    }

    internal void SearchSubstrings(int view, string form, ref SubstringState state)
    {
        _substring[view]?.Search(form, ref state, static (ref SubstringState s, int pattern, int end) => s.Found.Add((s.View, pattern, end)));
    }

    internal int SubstringEntry(int view, int pattern) => _substringEntries[view][pattern];

    internal struct SubstringState
    {
        public int View;
        public List<(int View, int Pattern, int End)> Found;
    }

    private static ulong Inverse(ulong a)
    {
        ulong x = a;
        for (int i = 0; i < 6; i++)
        {
            x *= 2 - (a * x);
        }
        return x;
    }
}

/// <summary>Polynomial hash of a view string, built char by char or combined from two halves.</summary>
internal struct ViewHash
{
    public ulong H;
    public ulong Pow;
    public int Length;
    public char First;
    public char Last;

    public static ViewHash Empty => new() { Pow = 1 };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c)
    {
        H = (H * KeywordMatcher.Prime) + c;
        Pow *= KeywordMatcher.Prime;
        if (Length == 0)
        {
            First = c;
        }
        Last = c;
        Length++;
    }

    /// <summary>Appends unless <paramref name="c"/> repeats the last char (the collapsed view).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendCollapsing(char c)
    {
        if (Length == 0 || Last != c)
        {
            Append(c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ViewHash Concat(in ViewHash a, in ViewHash b) => new()
    {
        H = (a.H * b.Pow) + b.H,
        Pow = a.Pow * b.Pow,
        Length = a.Length + b.Length,
        First = a.Length > 0 ? a.First : b.First,
        Last = b.Length > 0 ? b.Last : a.Last,
    };

    /// <summary>Concatenation in the collapsed view: a run spanning the seam counts once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ViewHash ConcatCollapsing(in ViewHash a, in ViewHash b)
    {
        if (a.Length == 0 || b.Length == 0 || a.Last != b.First)
        {
            return Concat(a, b);
        }
        return ConcatAcrossRun(a, b);
    }

    private static ViewHash ConcatAcrossRun(in ViewHash a, in ViewHash b)
    {
        ulong shorter = b.Pow * KeywordMatcher.PrimeInverse;
        var tail = new ViewHash
        {
            H = b.H - (b.First * shorter),
            Pow = shorter,
            Length = b.Length - 1,
            First = '\0', // never read: the result's first char comes from a
            Last = b.Last,
        };
        return Concat(a, tail);
    }
}
