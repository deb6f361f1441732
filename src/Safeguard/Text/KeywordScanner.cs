// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;
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

    private readonly KeywordMatcher _matcher;
    private readonly List<RawKeywordHit> _hits;
    private readonly HashSet<(int Entry, int Start, int End)> _seen = [];
    private readonly List<(int Entry, int View)> _candidateMatches = [];

    // The current token: lower-cased V1 chars and each char's original span.
    private char[] _chars = new char[64];
    private int[] _starts = new int[64];
    private int[] _ends = new int[64];
    private int _length;
    private bool _ascii = true;
    private int _codePoints;

    // The current token's summary, then the two previous tokens, newest first.
    private TokenInfo _current;
    private TokenInfo _prev1;
    private TokenInfo _prev2;
    private int _previousCount;

    // The current run of one-character tokens.
    private readonly StringBuilder _run = new();
    private CandidateHash _runHashes = CandidateHash.Empty;
    private int _runCount;
    private int _runStart;
    private int _runEnd;

    public KeywordScanner(KeywordMatcher matcher, List<RawKeywordHit> hits)
    {
        _matcher = matcher;
        _hits = hits;
    }

    /// <summary>Feeds the next block of the base view (case not yet folded).</summary>
    public void Feed(MappedText baseView)
    {
        var table = s_ascii;
        int n = baseView.Length;
        var chars = baseView.Chars;
        for (int i = 0; i < n; i++)
        {
            char c = chars[i];
            if (c < 128)
            {
                if (table.IsToken[c])
                {
                    AppendTokenChar(table.Lower[c], baseView.StartOf(i), baseView.EndOf(i));
                    _codePoints++;
                }
                else if (_length > 0)
                {
                    EndToken();
                }
                continue;
            }
            int width = char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            var rune = width == 2 ? new Rune(c, chars[i + 1]) : Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
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
                _ascii = false;
                _codePoints++;
            }
            else if (_length > 0)
            {
                EndToken();
            }
            i += width - 1;
        }
    }

    /// <summary>Ends the scan: flushes the last token and run.</summary>
    public void Finish()
    {
        if (_length > 0)
        {
            EndToken();
        }
        EndRun();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendTokenChar(char c, int start, int end)
    {
        if (_length == _chars.Length)
        {
            Array.Resize(ref _chars, _length * 2);
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

    private void EndToken()
    {
        var span = _chars.AsSpan(0, _length);
        ref var token = ref _current;
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
        token.InnerFrom = innerFrom;
        token.InnerTo = innerTo;
        token.HasEdges = innerFrom > 0 || innerTo < _length;
        if (token.HasEdges)
        {
            token.Inner = ComputeHash(span[innerFrom..innerTo], _ascii);
            token.InnerStart = innerTo > innerFrom ? _starts[innerFrom] : token.Start;
            token.InnerEnd = innerTo > innerFrom ? _ends[innerTo - 1] : token.Start;
        }
        else
        {
            token.Inner = token.Full;
            token.InnerStart = token.Start;
            token.InnerEnd = token.End;
        }

        // Candidates that are the token itself.
        Probe(token.Full, KeywordCandidateKind.Token, token.Start, token.End, parts: 1, inner: false);
        if (token.HasEdges && token.Inner.Length1 > 0)
        {
            Probe(token.Inner, KeywordCandidateKind.Stripped, token.InnerStart, token.InnerEnd, parts: 1, inner: true);
        }
        if (_matcher.HasSubstringEntries)
        {
            SearchSubstrings();
        }

        // Joins with the previous one or two tokens.
        if (_previousCount >= 1)
        {
            var join2 = CandidateHash.Concat(_prev1.Full, token.Full);
            Probe(join2, KeywordCandidateKind.Join, _prev1.Start, token.End, parts: 2, inner: false);
            if (_prev1.HasEdges || token.HasEdges)
            {
                var inner2 = CandidateHash.Concat(_prev1.Inner, token.Inner);
                Probe(inner2, KeywordCandidateKind.Join, _prev1.InnerStart, token.InnerEnd, parts: 2, inner: true);
            }
            if (_previousCount >= 2)
            {
                var join3 = CandidateHash.Concat(_prev2.Full, join2);
                Probe(join3, KeywordCandidateKind.Join, _prev2.Start, token.End, parts: 3, inner: false);
                if (_prev2.HasEdges || token.HasEdges)
                {
                    var inner3 = CandidateHash.Concat(CandidateHash.Concat(_prev2.Inner, _prev1.Full), token.Inner);
                    Probe(inner3, KeywordCandidateKind.Join, _prev2.InnerStart, token.InnerEnd, parts: 3, inner: true);
                }
            }
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
        else
        {
            EndRun();
        }

        // Rotate: the current token becomes the previous one, reusing the oldest char buffer.
        var recycled = _prev2.Chars;
        _prev2 = _prev1;
        _prev1 = _current;
        _prev1.Chars = _chars;
        _chars = recycled is { Length: >= 64 } ? recycled : new char[64];
        _current = default;
        _previousCount = Math.Min(_previousCount + 1, 2);
        _length = 0;
        _codePoints = 0;
        _ascii = true;
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
    private void Probe(in CandidateHash hash, KeywordCandidateKind kind, int start, int end, int parts, bool inner)
    {
        bool composite = parts != 1;
        if (composite && hash.Length1 < KeywordNormalizer.ShortEntryLength)
        {
            return; // only long entries match composites, and their V1 is at least that long
        }
        var refs = _matcher.Lookup(KeywordMatcher.Key(hash.V4.H));
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
        string current = inner ? Slice(_chars, _current.InnerFrom, _current.InnerTo) : new string(_chars, 0, _current.Length);
        return parts switch
        {
            1 => current,
            2 => Text(_prev1, inner) + current,
            _ => Text(_prev2, inner) + new string(_prev1.Chars, 0, _prev1.Length) + current,
        };

        static string Text(in TokenInfo t, bool inner) =>
            inner ? Slice(t.Chars, t.InnerFrom, t.InnerTo) : new string(t.Chars, 0, t.Length);

        static string Slice(char[] chars, int from, int to) => to > from ? new string(chars, from, to - from) : "";
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
        ref var token = ref _current;
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
                return h;
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
        return h;
    }

    /// <summary>What a candidate needs for its table probe: the collapsed-view hash and the base-view length.</summary>
    private struct CandidateHash
    {
        public ViewHash V4;
        public int Length1;

        public static CandidateHash Empty => new() { V4 = ViewHash.Empty };

        public static CandidateHash Concat(in CandidateHash a, in CandidateHash b) => new()
        {
            V4 = ViewHash.ConcatCollapsing(a.V4, b.V4),
            Length1 = a.Length1 + b.Length1,
        };
    }

    private struct TokenInfo
    {
        public int Start, End, InnerStart, InnerEnd, Length, InnerFrom, InnerTo;
        public bool HasEdges;
        public CandidateHash Full, Inner;
        public char[] Chars;
    }

    /// <summary>Per-ASCII-char tables for the fast path: token class, lower case, skeleton, leet.</summary>
    private sealed class AsciiTables
    {
        public readonly bool[] IsToken = new bool[128];
        public readonly char[] Lower = new char[128];

        // The leet representative of each char of the ASCII char's skeleton (at most two chars).
        public readonly char[] Final1 = new char[128];
        public readonly char[] Final2 = new char[128];

        public AsciiTables()
        {
            for (int i = 0; i < 128; i++)
            {
                char c = (char)i;
                IsToken[i] = KeywordNormalizer.IsAsciiTokenChar(c);
                Lower[i] = char.ToLowerInvariant(c);
                string? sk = KeywordNormalizer.AsciiSkeleton(c);
                Final1[i] = KeywordNormalizer.LeetOf(sk is null ? c : sk[0]);
                Final2[i] = sk is { Length: > 1 } ? KeywordNormalizer.LeetOf(sk[1]) : '\0';
                if (sk is { Length: > 2 } || (sk is not null && sk.Any(ch => ch >= 128)))
                {
                    throw new InvalidDataException("confusables.txt: the fast path expects ASCII targets of at most two chars for ASCII sources");
                }
            }
        }
    }
}
