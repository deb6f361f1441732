// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Safeguard.Text;

/// <summary>
/// One keyword scan: consumes the base view (NFKC, invisible characters removed) block by block,
/// lower-cases, tokenises, forms candidates (token, stripped, joins of 2–3 neighbours, squeezed runs
/// of single characters) and looks each candidate's four view hashes up. Work per char and per token
/// is constant, so a scan is linear in the text. Not thread-safe: one instance per scan.
/// </summary>
internal sealed class KeywordScanner
{
    private static readonly AsciiTables s_ascii = new();
    private static readonly ulong[] s_powers = BuildPowers(64);

    // V4 hashes of tokens that leave ASCII, by lower-cased V1 text: the same words recur, and
    // their skeleton needs the full normaliser. Per thread, bounded, and independent of the lists.
    [ThreadStatic]
    private static Dictionary<string, ViewHash>? t_tokenHashes;

    private const int TokenHashCacheLimit = 4096;
    private const int TokenHashCacheMaxLength = 48;

    private readonly KeywordMatcher _matcher;
    private readonly ulong[] _filter;
    private readonly int _filterMask;
    private readonly ulong[] _heads;
    private readonly int _headMask;
    private readonly bool _hasSubstringEntries;
    private readonly List<RawKeywordHit> _hits;
    private readonly HashSet<(int Entry, int Start, int End)> _seen = [];
    private readonly List<(int Entry, int View)> _candidateMatches = [];

    // The current token and the two previous ones, in a ring: slots _current, _current - 1, _current - 2.
    // Each slot owns the buffer of its token's lower-cased V1 chars.
    private readonly TokenInfo[] _tokens = [new() { Chars = new char[64] }, new() { Chars = new char[64] }, new() { Chars = new char[64] }];
    private int _current;
    private int _previousCount;

    // A token being built char by char (one with non-ASCII chars, or one that reached the end of
    // a block): its chars in the current slot's buffer (_chars) and each char's original span.
    private bool _slow;
    private char[] _chars;
    private int[] _starts = new int[64];
    private int[] _ends = new int[64];
    private int _length;
    private bool _ascii = true;
    private int _codePoints;

    // The current run of one-character tokens.
    private readonly StringBuilder _run = new();
    private CandidateHash _runHashes = CandidateHash.Empty;
    private int _runCount;
    private int _runStart;
    private int _runEnd;

    public KeywordScanner(KeywordMatcher matcher, List<RawKeywordHit> hits)
    {
        _matcher = matcher;
        (_filter, _filterMask) = matcher.Filter;
        (_heads, _headMask) = matcher.HeadFilter;
        _hasSubstringEntries = matcher.HasSubstringEntries;
        _hits = hits;
        _chars = _tokens[0].Chars;
    }

    /// <summary>
    /// Feeds the next block of the base view (case not yet folded). Tokens of ASCII letters,
    /// digits and look-alike symbols (most text) take a fast path: lower-cased and hashed in one
    /// pass, with no per-char bookkeeping. A token with other chars, or one still open at the end
    /// of the block, is built char by char and hashed when it ends.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per block, long loop: no on-stack replacement
    public void Feed(MappedText baseView, int offset = 0)
    {
        var chars = baseView.Chars;
        int n = chars.Length;
        ref uint table = ref MemoryMarshal.GetArrayDataReference(s_ascii.Packed);
        bool slow = _slow;
        int i = offset;
        while (i < n)
        {
            uint c = chars[i];
            if (c < 128)
            {
                // In range: the table has 128 entries.
                uint entry = Unsafe.Add(ref table, (int)c);
                if ((entry & AsciiTables.TokenBit) == 0)
                {
                    if (slow)
                    {
                        EndToken();
                        slow = false;
                    }
                    i++;
                    continue;
                }
                if (slow)
                {
                    AppendTokenChar((char)(entry & 0xFF), baseView.StartOf(i), baseView.EndOf(i));
                    _codePoints++;
                    i++;
                    continue;
                }

                // The fast path: lower-case and hash the collapsed view in one tight loop.
                var buffer = _chars;
                int from = i;
                int limit = Math.Min(n, i + buffer.Length);
                int length = 0;
                ulong hash = 0;
                int length4 = 0;
                uint last = uint.MaxValue;
                while (true)
                {
                    buffer[length++] = (char)(entry & 0xFF);
                    uint f = (entry >> 8) & 0xFF;
                    if (f != last)
                    {
                        hash = (hash * KeywordMatcher.Prime) + f;
                        length4++;
                        last = f;
                    }
                    f = (entry >> 16) & 0xFF;
                    if (f != 0 && f != last)
                    {
                        hash = (hash * KeywordMatcher.Prime) + f;
                        length4++;
                        last = f;
                    }
                    if (++i >= limit || (c = chars[i]) >= 128)
                    {
                        break;
                    }
                    entry = Unsafe.Add(ref table, (int)c);
                    if ((entry & AsciiTables.TokenBit) == 0)
                    {
                        break;
                    }
                }
                if (i < n && c < 128 && (entry & AsciiTables.TokenBit) == 0)
                {
                    uint firstEntry = Unsafe.Add(ref table, (int)chars[from]);
                    char first = (char)((firstEntry >> 8) & 0xFF);
                    if (length > 1 && ((firstEntry | Unsafe.Add(ref table, (int)chars[i - 1])) & AsciiTables.EdgeBit) == 0 && !_hasSubstringEntries)
                    {
                        CompletePlainToken(baseView, from, i, hash, length4, first, (char)last);
                    }
                    else
                    {
                        EndFastToken(baseView, from, i, new ViewHash { H = hash, Pow = PowerOf(length4), Length = length4, First = first, Last = (char)last });
                    }
                    i++; // the separator only ends the token
                }
                else
                {
                    // The end of the block, a non-ASCII char or a very long token: it may go on,
                    // so it continues char by char (and is hashed again when it ends).
                    SwitchToSlow(baseView, from, length);
                    slow = true;
                }
                continue;
            }
            int width = char.IsHighSurrogate((char)c) && i + 1 < n && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            var rune = width == 2 ? new Rune((char)c, chars[i + 1]) : Rune.IsValid((int)c) ? new Rune((int)c) : Rune.ReplacementChar;
            if (KeywordNormalizer.IsTokenRune(rune))
            {
                var lower = Rune.ToLowerInvariant(rune);
                int start = baseView.StartOf(i);
                int end = baseView.EndOf(i + width - 1);
                if (lower.IsBmp)
                {
                    AppendTokenChar((char)lower.Value, start, end);
                }
                else
                {
                    string pair = lower.ToString();
                    AppendTokenChar(pair[0], start, end);
                    AppendTokenChar(pair[1], start, end);
                }
                slow = true;
                _ascii = false;
                _codePoints++;
            }
            else if (slow)
            {
                EndToken();
                slow = false;
            }
            i += width;
        }
        _slow = slow;
    }

    /// <summary>Ends the scan: flushes the last token and run.</summary>
    public void Finish()
    {
        if (_slow)
        {
            EndToken();
            _slow = false;
        }
        EndRun();
    }

    /// <summary>Hands a fast token's first <paramref name="length"/> chars (already in the buffer) to the char-by-char path.</summary>
    private void SwitchToSlow(MappedText baseView, int from, int length)
    {
        FillSpans(baseView, from, length);
        _length = length;
        _codePoints = length;
        _ascii = true;
    }

    private void FillSpans(MappedText baseView, int from, int length)
    {
        while (_starts.Length < length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
            Array.Resize(ref _ends, _ends.Length * 2);
        }
        for (int k = 0; k < length; k++)
        {
            _starts[k] = baseView.StartOf(from + k);
            _ends[k] = baseView.EndOf(from + k);
        }
    }

    private char[] GrowCurrentBuffer()
    {
        Array.Resize(ref _chars, _chars.Length * 2);
        _tokens[_current].Chars = _chars;
        return _chars;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendTokenChar(char c, int start, int end)
    {
        if (_length == _chars.Length)
        {
            GrowCurrentBuffer();
        }
        if (_length == _starts.Length)
        {
            Array.Resize(ref _starts, _length * 2);
            Array.Resize(ref _ends, _length * 2);
        }
        _chars[_length] = c;
        _starts[_length] = start;
        _ends[_length] = end;
        _length++;
    }

    private static ulong[] BuildPowers(int count)
    {
        var powers = new ulong[count];
        ulong p = 1;
        for (int k = 0; k < count; k++)
        {
            powers[k] = p;
            p *= KeywordMatcher.Prime;
        }
        return powers;
    }

    /// <summary>Prime to the power <paramref name="length"/>: what a hash of that length is multiplied by when something is put before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PowerOf(int length) => length < 64 ? s_powers[length] : SlowPowerOf(length);

    private static ulong SlowPowerOf(int length)
    {
        ulong p = s_powers[^1];
        for (int k = s_powers.Length - 1; k < length; k++)
        {
            p *= KeywordMatcher.Prime;
        }
        return p;
    }

    /// <summary>
    /// Completes the commonest token: ASCII, two chars or more, no look-alike symbol at its edges
    /// (so no stripped form), no substring entries. The same candidates as <see cref="CompleteToken"/>,
    /// with the hashes combined in scalar locals; a table hit goes to <see cref="Confirm"/>.
    /// </summary>
    private void CompletePlainToken(MappedText baseView, int from, int to, ulong hash, int length4, char first, char last)
    {
        int length = to - from;
        var tokens = _tokens;
        int current = _current;
        ref var token = ref tokens[current];
        int start = baseView.StartOf(from);
        int end = baseView.EndOf(to - 1);
        ulong power = PowerOf(length4);
        token.Start = start;
        token.End = end;
        token.Length = length;
        token.HasEdges = false;
        token.Full = new CandidateHash { V4 = new ViewHash { H = hash, Pow = power, Length = length4, First = first, Last = last }, Length1 = length };
        ulong key = KeywordMatcher.Key(hash);
        token.FullHead = KeywordMatcher.FilterMayContain(_heads, _headMask, key);
        _length = length;
        _codePoints = length;

        var filter = _filter;
        int filterMask = _filterMask;
        if (KeywordMatcher.FilterMayContain(filter, filterMask, key))
        {
            Confirm(key, KeywordCandidateKind.Token, start, end, parts: 1, inner: false);
        }
        if (_previousCount >= 1)
        {
            ref var prev1 = ref tokens[current == 0 ? 2 : current - 1];
            ref var prev2 = ref tokens[current == 2 ? 0 : current + 1];
            if (prev1.HasEdges || (_previousCount >= 2 && prev2.HasEdges))
            {
                ProbeJoins();
            }
            else if (prev1.FullHead || (_previousCount >= 2 && prev2.FullHead))
            {
                // join2 = prev1 + token in the collapsed view: a run across the seam counts once.
                ulong tailHash = hash;
                ulong tailPower = power;
                if (prev1.Full.V4.Last == first)
                {
                    tailPower *= KeywordMatcher.PrimeInverse;
                    tailHash -= first * tailPower;
                }
                ulong join2 = (prev1.Full.V4.H * tailPower) + tailHash;
                int join2Length = prev1.Full.Length1 + length;
                if (prev1.FullHead && join2Length >= KeywordNormalizer.ShortEntryLength)
                {
                    key = KeywordMatcher.Key(join2);
                    if (KeywordMatcher.FilterMayContain(filter, filterMask, key))
                    {
                        Confirm(key, KeywordCandidateKind.Join, prev1.Start, end, parts: 2, inner: false);
                    }
                }
                if (_previousCount >= 2 && prev2.FullHead)
                {
                    // join3 = prev2 + join2; join2 starts with prev1's first char.
                    ulong join2Power = prev1.Full.V4.Pow * tailPower;
                    char join2First = prev1.Full.V4.First;
                    if (prev2.Full.V4.Last == join2First)
                    {
                        join2Power *= KeywordMatcher.PrimeInverse;
                        join2 -= join2First * join2Power;
                    }
                    ulong join3 = (prev2.Full.V4.H * join2Power) + join2;
                    if (prev2.Full.Length1 + join2Length >= KeywordNormalizer.ShortEntryLength)
                    {
                        key = KeywordMatcher.Key(join3);
                        if (KeywordMatcher.FilterMayContain(filter, filterMask, key))
                        {
                            Confirm(key, KeywordCandidateKind.Join, prev2.Start, end, parts: 3, inner: false);
                        }
                    }
                }
            }
        }
        if (_runCount > 0)
        {
            EndRun();
        }
        Rotate();
    }

    /// <summary>Ends a fast-path token: base-view chars [<paramref name="from"/>, <paramref name="to"/>), collapsed-view hash <paramref name="full"/>.</summary>
    private void EndFastToken(MappedText baseView, int from, int to, ViewHash full)
    {
        int length = to - from;
        var span = _chars.AsSpan(0, length);
        ref var token = ref _tokens[_current];
        token.Start = baseView.StartOf(from);
        token.End = baseView.EndOf(to - 1);
        token.Length = length;
        token.Full = new CandidateHash { V4 = full, Length1 = length };
        if (KeywordNormalizer.IsEdgeSymbol(span[0]) || KeywordNormalizer.IsEdgeSymbol(span[^1]))
        {
            int innerFrom = 0;
            int innerTo = length;
            while (innerFrom < innerTo && KeywordNormalizer.IsEdgeSymbol(span[innerFrom]))
            {
                innerFrom++;
            }
            while (innerTo > innerFrom && KeywordNormalizer.IsEdgeSymbol(span[innerTo - 1]))
            {
                innerTo--;
            }
            token.StrippedFrom = innerFrom;
            token.StrippedTo = innerTo;
            token.HasEdges = true;
            token.Stripped = ComputeHash(span[innerFrom..innerTo], ascii: true);
            token.StrippedStart = innerTo > innerFrom ? baseView.StartOf(from + innerFrom) : token.Start;
            token.StrippedEnd = innerTo > innerFrom ? baseView.EndOf(from + innerTo - 1) : token.Start;
        }
        else
        {
            token.HasEdges = false;
        }
        if (_hasSubstringEntries)
        {
            FillSpans(baseView, from, length);
        }
        _length = length;
        _codePoints = length;
        CompleteToken(span);
    }

    /// <summary>Ends a token built char by char: summarises it from the per-char buffers.</summary>
    private void EndToken()
    {
        var span = _chars.AsSpan(0, _length);
        ref var token = ref _tokens[_current];
        token.Start = _starts[0];
        token.End = _ends[_length - 1];
        token.Full = ComputeHash(span, _ascii);
        token.Length = _length;
        int innerFrom = 0;
        int innerTo = _length;
        while (innerFrom < innerTo && KeywordNormalizer.IsEdgeSymbol(span[innerFrom]))
        {
            innerFrom++;
        }
        while (innerTo > innerFrom && KeywordNormalizer.IsEdgeSymbol(span[innerTo - 1]))
        {
            innerTo--;
        }
        token.HasEdges = innerFrom > 0 || innerTo < _length;
        if (token.HasEdges)
        {
            token.StrippedFrom = innerFrom;
            token.StrippedTo = innerTo;
            token.Stripped = ComputeHash(span[innerFrom..innerTo], _ascii);
            token.StrippedStart = innerTo > innerFrom ? _starts[innerFrom] : token.Start;
            token.StrippedEnd = innerTo > innerFrom ? _ends[innerTo - 1] : token.Start;
        }
        CompleteToken(span);
    }

    /// <summary>Probes the candidates the current (summarised) token forms, then makes it the previous token.</summary>
    private void CompleteToken(ReadOnlySpan<char> span)
    {
        ref var token = ref _tokens[_current];
        token.FullHead = IsHead(token.Full.V4);
        if (token.HasEdges)
        {
            token.StrippedHead = IsHead(token.Stripped.V4);
        }

        // Candidates that are the token itself.
        Probe(token.Full, KeywordCandidateKind.Token, token.Start, token.End, parts: 1, inner: false);
        if (token.HasEdges && token.Stripped.Length1 > 0)
        {
            Probe(token.Stripped, KeywordCandidateKind.Stripped, token.StrippedStart, token.StrippedEnd, parts: 1, inner: true);
        }
        if (_hasSubstringEntries)
        {
            SearchSubstrings();
        }

        // Joins with the previous one or two tokens.
        if (_previousCount >= 1)
        {
            ProbeJoins();
        }

        // Runs of one-character tokens.
        if (_codePoints == 1)
        {
            if (_runCount == 0)
            {
                _runStart = token.Start;
                _run.Clear();
                _runHashes = CandidateHash.Empty;
            }
            _runHashes = CandidateHash.Concat(_runHashes, token.Full);
            _run.Append(span);
            _runEnd = token.End;
            _runCount++;
        }
        else if (_runCount > 0)
        {
            EndRun();
        }

        Rotate();
    }

    /// <summary>The oldest slot, with its char buffer, becomes the current token.</summary>
    private void Rotate()
    {
        _current = _current == 2 ? 0 : _current + 1;
        _chars = _tokens[_current].Chars;
        _previousCount = Math.Min(_previousCount + 1, 2);
        _length = 0;
        _codePoints = 0;
        _ascii = true;
    }

    /// <summary>Whether a join that starts with this part can match: it must be a prefix of a long entry (an empty part always is).</summary>
    private bool IsHead(in ViewHash part) => part.Length == 0 || KeywordMatcher.FilterMayContain(_heads, _headMask, KeywordMatcher.Key(part.H));

    /// <summary>Probes the joins of the current token with the previous one and two (full and stripped forms).</summary>
    private void ProbeJoins()
    {
        var tokens = _tokens;
        int current = _current;
        ref var token = ref tokens[current];
        ref var prev1 = ref tokens[current == 0 ? 2 : current - 1];
        ref var prev2 = ref tokens[current == 2 ? 0 : current + 1];

        // Hashes are combined through references: copying a token's just-written fields as one
        // block would stall on store forwarding.
        var join2 = CandidateHash.Concat(prev1.Full, token.Full);
        if (prev1.FullHead)
        {
            Probe(join2, KeywordCandidateKind.Join, prev1.Start, token.End, parts: 2, inner: false);
        }
        if ((prev1.HasEdges || token.HasEdges) && prev1.InnerHead)
        {
            var inner2 = CandidateHash.Concat(prev1.HasEdges ? ref prev1.Stripped : ref prev1.Full, token.HasEdges ? ref token.Stripped : ref token.Full);
            Probe(inner2, KeywordCandidateKind.Join, prev1.InnerStart, token.InnerEnd, parts: 2, inner: true);
        }
        if (_previousCount >= 2)
        {
            if (prev2.FullHead)
            {
                var join3 = CandidateHash.Concat(prev2.Full, join2);
                Probe(join3, KeywordCandidateKind.Join, prev2.Start, token.End, parts: 3, inner: false);
            }
            if ((prev2.HasEdges || token.HasEdges) && prev2.InnerHead)
            {
                var head = CandidateHash.Concat(prev2.HasEdges ? ref prev2.Stripped : ref prev2.Full, prev1.Full);
                var inner3 = CandidateHash.Concat(head, token.HasEdges ? ref token.Stripped : ref token.Full);
                Probe(inner3, KeywordCandidateKind.Join, prev2.InnerStart, token.InnerEnd, parts: 3, inner: true);
            }
        }
    }

    private void EndRun()
    {
        if (_runCount >= 3)
        {
            Probe(_runHashes, KeywordCandidateKind.Squeezed, _runStart, _runEnd, parts: 0, inner: false);
        }
        _runCount = 0;
    }

    // parts: 1–3 for the current token and its predecessors; 0 for the squeezed run.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Probe(in CandidateHash hash, KeywordCandidateKind kind, int start, int end, int parts, bool inner)
    {
        if (parts != 1 && hash.Length1 < KeywordNormalizer.ShortEntryLength)
        {
            return; // only long entries match composites, and their V1 is at least that long
        }
        ulong key = KeywordMatcher.Key(hash.V4.H);
        if (KeywordMatcher.FilterMayContain(_filter, _filterMask, key))
        {
            Confirm(key, kind, start, end, parts, inner);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Confirm(ulong key, KeywordCandidateKind kind, int start, int end, int parts, bool inner)
    {
        bool composite = parts != 1;
        var refs = _matcher.Lookup(key);
        if (refs is null)
        {
            return;
        }
        // The collapsed views agree; the reference pipeline finds the strictest view that matches.
        var views = KeywordNormalizer.ViewsOfBase(CandidateText(parts, inner));
        foreach (int index in refs)
        {
            var entry = _matcher[index];
            if (composite && entry.IsShort)
            {
                continue;
            }
            for (int view = 1; view <= entry.MaxView; view++)
            {
                if (string.Equals(views[view], entry.Views[view], StringComparison.Ordinal))
                {
                    _candidateMatches.Add((entry.Index, view));
                    break;
                }
            }
        }
        if (_candidateMatches.Count > 0)
        {
            Report(kind, start, end);
        }
    }

    private string CandidateText(int parts, bool inner)
    {
        if (parts == 0)
        {
            return _run.ToString();
        }
        ref var token = ref _tokens[_current];
        string current = Text(token, inner);
        return parts switch
        {
            1 => current,
            2 => Text(_tokens[_current == 0 ? 2 : _current - 1], inner) + current,
            _ => Text(_tokens[_current == 2 ? 0 : _current + 1], inner) + Text(_tokens[_current == 0 ? 2 : _current - 1], inner: false) + current,
        };

        static string Text(in TokenInfo t, bool inner) =>
            inner ? (t.InnerTo > t.InnerFrom ? new string(t.Chars, t.InnerFrom, t.InnerTo - t.InnerFrom) : "") : new string(t.Chars, 0, t.Length);
    }

    private void Report(KeywordCandidateKind kind, int start, int end)
    {
        foreach (var (entry, view) in _candidateMatches)
        {
            if (_seen.Add((entry, start, end)))
            {
                _hits.Add(new RawKeywordHit(entry, view, kind, start, end));
            }
        }
        _candidateMatches.Clear();
    }

    private void SearchSubstrings()
    {
        ref var token = ref _tokens[_current];
        var views = KeywordNormalizer.ViewsOfBase(new string(_chars, 0, _length));
        var state = new KeywordMatcher.SubstringState { Found = [] };
        for (int view = 1; view <= 4; view++)
        {
            state.View = view;
            _matcher.SearchSubstrings(view, views[view], ref state);
        }
        var best = new Dictionary<(int Entry, int Start, int End), int>();
        foreach (var (view, pattern, end) in state.Found)
        {
            var entry = _matcher[_matcher.SubstringEntry(view, pattern)];
            int start = token.Start, stop = token.End;
            if (view == 1)
            {
                // V1 chars map one-to-one to the token's chars, so the span can be exact.
                int first = end - entry.Views.Base.Length;
                start = _starts[first];
                stop = _ends[end - 1];
            }
            var key = (entry.Index, start, stop);
            if (!best.TryGetValue(key, out int seenView) || view < seenView)
            {
                best[key] = view;
            }
        }
        // Within one token, an entry is reported at its strictest view only.
        var strictest = new Dictionary<int, int>();
        foreach (var ((entry, _, _), view) in best)
        {
            strictest[entry] = Math.Min(view, strictest.GetValueOrDefault(entry, int.MaxValue));
        }
        foreach (var ((entry, start, stop), view) in best)
        {
            if (view != strictest[entry])
            {
                continue;
            }
            if (_seen.Add((entry, start, stop)))
            {
                _hits.Add(new RawKeywordHit(entry, view, KeywordCandidateKind.Substring, start, stop));
            }
        }
    }

    /// <summary>The collapsed-view hash and base-view length of a lower-cased V1 string.</summary>
    private static CandidateHash ComputeHash(ReadOnlySpan<char> v1, bool ascii)
    {
        var h = CandidateHash.Empty;
        h.Length1 = v1.Length;
        if (ascii)
        {
            var t = s_ascii;
            foreach (char c in v1)
            {
                h.V4.AppendCollapsing(t.Final1[c]);
                char second = t.Final2[c];
                if (second != '\0')
                {
                    h.V4.AppendCollapsing(second);
                }
            }
            return h;
        }
        var cache = t_tokenHashes ??= new Dictionary<string, ViewHash>(StringComparer.Ordinal);
        var cached = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (cached.TryGetValue(v1, out var known))
        {
            h.V4 = known;
            return h;
        }
        h.V4 = NonAsciiHash(v1);
        if (v1.Length <= TokenHashCacheMaxLength)
        {
            if (cache.Count >= TokenHashCacheLimit)
            {
                cache.Clear();
            }
            cached[v1] = h.V4;
        }
        return h;
    }

    /// <summary>The collapsed-view hash of a lower-cased V1 string that is not all ASCII.</summary>
    private static ViewHash NonAsciiHash(ReadOnlySpan<char> v1)
    {
        var h = CandidateHash.Empty;
        // Letters of other scripts: without decompositions, the skeleton maps char by char.
        var fallback = h;
        foreach (char c in v1)
        {
            if (c < 128)
            {
                h.V4.AppendCollapsing(s_ascii.Final1[c]);
                if (s_ascii.Final2[c] != '\0')
                {
                    h.V4.AppendCollapsing(s_ascii.Final2[c]);
                }
                continue;
            }
            if (!UnicodeNormalizer.IsInert(c) || !KeywordNormalizer.TrySkeletonOfInert(c, out string? target))
            {
                h = fallback;
                foreach (char f in KeywordNormalizer.ViewsOfBase(new string(v1)).Collapsed)
                {
                    h.V4.Append(f);
                }
                return h.V4;
            }
            if (target is null)
            {
                h.V4.AppendCollapsing(c);
                continue;
            }
            foreach (char t in target)
            {
                h.V4.AppendCollapsing(KeywordNormalizer.LeetOf(t));
            }
        }
        return h.V4;
    }

    /// <summary>What a candidate needs for its table probe: the collapsed-view hash and the base-view length.</summary>
    private struct CandidateHash
    {
        public ViewHash V4;
        public int Length1;

        public static CandidateHash Empty => new() { V4 = ViewHash.Empty };

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static CandidateHash Concat(in CandidateHash a, in CandidateHash b) => new()
        {
            V4 = ViewHash.ConcatCollapsing(a.V4, b.V4),
            Length1 = a.Length1 + b.Length1,
        };
    }

    private struct TokenInfo
    {
        public int Start, End, Length;
        public CandidateHash Full;
        public bool HasEdges;

        // Whether joins that start with this token (or its stripped form) can match at all.
        public bool FullHead, StrippedHead;

        // The token without its leading and trailing look-alike symbols; set only when HasEdges.
        public CandidateHash Stripped;
        public int StrippedStart, StrippedEnd, StrippedFrom, StrippedTo;

        public char[] Chars;

        // The token as joins see it with edges stripped (itself when it has none).
        public readonly bool InnerHead => HasEdges ? StrippedHead : FullHead;

        public readonly int InnerStart => HasEdges ? StrippedStart : Start;

        public readonly int InnerEnd => HasEdges ? StrippedEnd : End;

        public readonly int InnerFrom => HasEdges ? StrippedFrom : 0;

        public readonly int InnerTo => HasEdges ? StrippedTo : Length;
    }

    /// <summary>Per-ASCII-char tables for the fast path: token class, lower case, skeleton, leet.</summary>
    private sealed class AsciiTables
    {
        public readonly bool[] IsToken = new bool[128];
        public readonly char[] Lower = new char[128];

        // The leet representative of each char of the skeleton of the lower-cased ASCII char (at
        // most two chars; '\0' when there is no second), indexed by the char before lower-casing.
        public readonly char[] Final1 = new char[128];
        public readonly char[] Final2 = new char[128];

        // All of the above in one word per char for the token loop: lower | Final1 << 8 | Final2 << 16 | TokenBit.
        public const uint TokenBit = 1u << 31;
        public const uint EdgeBit = 1u << 30;
        public readonly uint[] Packed = new uint[128];

        public AsciiTables()
        {
            for (int i = 0; i < 128; i++)
            {
                IsToken[i] = KeywordNormalizer.IsAsciiTokenChar((char)i);
                char c = Lower[i] = char.ToLowerInvariant((char)i);
                string? sk = KeywordNormalizer.AsciiSkeleton(c);
                Final1[i] = KeywordNormalizer.LeetOf(sk is null ? c : sk[0]);
                Final2[i] = sk is { Length: > 1 } ? KeywordNormalizer.LeetOf(sk[1]) : '\0';
                Packed[i] = (IsToken[i] ? TokenBit : 0) | (KeywordNormalizer.IsEdgeSymbol((char)i) ? EdgeBit : 0) | Lower[i] | ((uint)Final1[i] << 8) | ((uint)Final2[i] << 16);
                if (sk is { Length: > 2 } || (sk is not null && sk.Any(ch => ch >= 128)))
                {
                    throw new InvalidDataException("confusables.txt: the fast path expects ASCII targets of at most two chars for ASCII sources");
                }
            }
        }
    }
}
