// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Text;

/// <summary>A URL list entry that matched a URL.</summary>
public sealed record UrlListMatch(TextListEntry Entry, UrlMatchRule Rule);

/// <summary>
/// An immutable, thread-safe set of URL and keyword lists, built once by
/// <see cref="TextListBuilder"/>. Any number of threads may call <see cref="Scan(string, TextScanOptions?)"/> at once; a
/// reload builds a new snapshot and swaps it in (see <see cref="TextListHolder"/>), so scans never wait.
/// </summary>
public sealed class TextListSnapshot
{
    /// <summary>Text is normalised and scanned in blocks of about this many chars, cut at white space.</summary>
    internal const int BlockSize = 1 << 20;

    /// <summary>Chars at the end of a block scanned again for URLs with the next block (longer than any URL taken from text).</summary>
    internal const int UrlOverlap = 4 * UrlExtractor.MaxUrlLength;

    private readonly UrlGroup[] _pageGroups;
    private readonly FrozenDictionary<string, TextListEntry[]> _domains;
    private readonly FrozenDictionary<string, TextListEntry[]> _domainDigests;
    private readonly FrozenDictionary<TextListEntry, string> _normalizedPageUrls;
    private readonly KeywordMatcher _keywords;

    internal TextListSnapshot(TextListBuilder builder, long version)
    {
        Version = version;
        var groups = new Dictionary<UrlListOptions, (Dictionary<string, List<TextListEntry>> Plain, Dictionary<string, List<TextListEntry>> Digest)>();
        var domains = new Dictionary<string, List<TextListEntry>>(StringComparer.Ordinal);
        var domainDigests = new Dictionary<string, List<TextListEntry>>(StringComparer.Ordinal);
        var normalized = new Dictionary<TextListEntry, string>(ReferenceEqualityComparer.Instance);
        foreach (var pending in builder.UrlEntries)
        {
            var entry = pending.Entry;
            if (entry.Kind == TextEntryKind.Domain)
            {
                Add(pending.Digest is null ? domains : domainDigests, pending.Key ?? pending.Digest!, entry);
                continue;
            }
            var options = entry.List.EffectiveUrlOptions;
            if (!groups.TryGetValue(options, out var group))
            {
                groups[options] = group = (new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            }
            Add(pending.Digest is null ? group.Plain : group.Digest, pending.Key ?? pending.Digest!, entry);
            if (pending.NormalizedUrl is not null)
            {
                normalized[entry] = pending.NormalizedUrl;
            }
        }
        _pageGroups = [.. groups.Select(g => new UrlGroup(g.Key, Freeze(g.Value.Plain), Freeze(g.Value.Digest)))];
        _domains = Freeze(domains);
        _domainDigests = Freeze(domainDigests);
        _normalizedPageUrls = normalized.ToFrozenDictionary(ReferenceEqualityComparer.Instance);
        var keywordEntries = new List<KeywordEntry>(builder.KeywordEntries.Count);
        foreach (var (entry, views, options) in builder.KeywordEntries)
        {
            keywordEntries.Add(new KeywordEntry(keywordEntries.Count, entry, views, options.Substring, options.Variants));
        }
        _keywords = new KeywordMatcher(keywordEntries);
        UrlEntryCount = builder.UrlEntries.Count;
        Lists = [.. builder.UrlEntries.Select(e => e.Entry.List).Concat(builder.KeywordEntries.Select(e => e.Entry.List)).Distinct()];

        static void Add(Dictionary<string, List<TextListEntry>> map, string key, TextListEntry entry)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }
            list.Add(entry);
        }

        static FrozenDictionary<string, TextListEntry[]> Freeze(Dictionary<string, List<TextListEntry>> map) =>
            map.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>An empty snapshot: scans find URLs but match nothing.</summary>
    public static TextListSnapshot Empty { get; } = new TextListBuilder().Build();

    /// <summary>Unique per built snapshot, increasing; recorded with scan results.</summary>
    public long Version { get; }

    /// <summary>Number of URL entries (page and domain, plaintext and hashed).</summary>
    public int UrlEntryCount { get; }

    /// <summary>Number of keyword entries.</summary>
    public int KeywordEntryCount => _keywords.Count;

    /// <summary>The lists that have at least one entry.</summary>
    public IReadOnlyList<TextListInfo> Lists { get; }

    /// <summary>
    /// Finds every URL and keyword list entry in <paramref name="text"/>. Spans refer to the original
    /// text. Linear in the text; any input, however hostile, returns.
    /// </summary>
    public TextScanResult Scan(string text, TextScanOptions? options = null) => Scan(text, options, BlockSize, UrlOverlap);

    /// <summary>
    /// <see cref="Scan(string, TextScanOptions?)"/> with a given block size and URL overlap (tests
    /// use small ones to exercise the block boundaries).
    /// </summary>
    internal TextScanResult Scan(string text, TextScanOptions? options, int blockSize, int urlOverlap)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= TextScanOptions.Default;
        var hits = new List<TextHit>();
        var urls = new List<ExtractedUrl>();
        bool keywords = options.Keywords && _keywords.Count > 0;
        if (!keywords && !options.Urls)
        {
            return new TextScanResult(hits, urls, Version);
        }
        var raw = new List<RawKeywordHit>();
        var scanner = keywords ? new KeywordScanner(_keywords, raw) : null;
        bool blocks = text.Length > blockSize;
        using var baseView = new MappedText(Math.Min(text.Length, blockSize) + (blocks ? urlOverlap : 0) + 64);
        using var urlWorkspace = options.Urls ? new UrlExtractor.Workspace() : null;
        using var overlap = options.Urls && blocks ? new MappedText(urlOverlap + 64) : null;
        int position = 0;
        int resumeAt = 0;
        while (position < text.Length)
        {
            int end = NextCut(text, position, blockSize);
            baseView.Clear();
            if (overlap is not null)
            {
                baseView.AppendFrom(overlap, 0, overlap.Length);
            }
            int fresh = baseView.Length;
            UnicodeNormalizer.AppendNormalized(text.AsSpan(position, end - position), position, NormalizationKind.Nfkc, baseView, removeInvisible: true);
            scanner?.Feed(baseView, fresh);
            if (options.Urls)
            {
                ExtractUrls(text, baseView, options.AllowReservedTestDomains, last: end == text.Length, urlOverlap, urls, urlWorkspace!, overlap, ref resumeAt);
            }
            position = end;
        }
        scanner?.Finish();
        var matches = new List<UrlListMatch>();
        foreach (var url in urls)
        {
            matches.Clear();
            MatchUrl(url.Url, matches);
            foreach (var match in matches)
            {
                hits.Add(new TextHit(TextHitKind.Url, match.Entry, url.Start, url.End, url.Text,
                    Url: new UrlHitDetail(url.Url, match.Rule, url.Obfuscation, url.IsShortener)));
            }
        }
        foreach (var hit in raw)
        {
            var entry = _keywords[hit.EntryIndex];
            hits.Add(new TextHit(TextHitKind.Keyword, entry.Entry, hit.Start, hit.End, text[hit.Start..hit.End],
                Keyword: new KeywordHitDetail(hit.View, hit.Kind)));
        }
        hits.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return new TextScanResult(hits, urls, Version);
    }

    /// <summary>
    /// URLs of one block. A URL may run across the cut into the next block, so the last
    /// <paramref name="urlOverlap"/> chars of the base view (from a space) are kept in
    /// <paramref name="overlap"/> and scanned again at the start of the next block: URLs that start
    /// in that tail are left to the next block, which resumes after the last URL kept here. Any URL
    /// shorter than the overlap is therefore found whole, wherever the cuts fall.
    /// </summary>
    private static void ExtractUrls(string text, MappedText view, bool allowTest, bool last, int urlOverlap, List<ExtractedUrl> urls,
        UrlExtractor.Workspace workspace, MappedText? overlap, ref int resumeAt)
    {
        int tail = view.Length;
        int acceptBefore = int.MaxValue;
        if (!last && overlap is not null)
        {
            // With no such place, everything waits for the next block, up to a bound: text without
            // one in four overlaps (a megabyte of single letters) is cut anyway, where a spaced-out
            // URL across the cut may be missed.
            int limit = Math.Max(0, view.Length - urlOverlap);
            int fresh = UrlExtractor.LastFreshStart(view.Chars, limit);
            tail = fresh >= 0 ? fresh : view.Length > 4 * urlOverlap ? limit : 0;
            acceptBefore = tail < view.Length ? view.StartOf(tail) : int.MaxValue;
        }
        int before = urls.Count;
        UrlExtractor.Extract(text, view, allowTest, urls, workspace, resumeAt);
        int kept = before;
        while (kept < urls.Count && urls[kept].Start < acceptBefore)
        {
            kept++;
        }
        urls.RemoveRange(kept, urls.Count - kept);
        if (kept > before)
        {
            resumeAt = urls[kept - 1].End;
        }
        if (overlap is not null)
        {
            overlap.Clear();
            overlap.AppendFrom(view, tail, view.Length - tail);
        }
    }

    /// <summary>Matches one URL (e.g. a link field) against the URL lists.</summary>
    public IReadOnlyList<UrlListMatch> MatchUrl(NormalizedUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var matches = new List<UrlListMatch>();
        MatchUrl(url, matches);
        return matches;
    }

    /// <summary>Adds the entries <paramref name="url"/> matches to <paramref name="matches"/>; keys are built and looked up without allocating.</summary>
    private void MatchUrl(NormalizedUrl url, List<UrlListMatch> matches)
    {
        int keyLength = 0;
        foreach (var group in _pageGroups)
        {
            keyLength = Math.Max(keyLength, url.MatchKeyLength(group.Options));
        }
        char[]? rented = keyLength > 512 ? ArrayPool<char>.Shared.Rent(keyLength) : null;
        Span<char> buffer = rented ?? stackalloc char[512];
        foreach (var group in _pageGroups)
        {
            var key = buffer[..url.WriteMatchKey(group.Options, buffer)];
            if (group.Plain.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var entries))
            {
                string full = url.ToString();
                foreach (var entry in entries)
                {
                    var rule = _normalizedPageUrls.TryGetValue(entry, out string? listed) && listed == full ? UrlMatchRule.Exact : UrlMatchRule.ExactAfterEquivalence;
                    matches.Add(new UrlListMatch(entry, rule));
                }
            }
            if (group.Digest.Count > 0 && group.Digest.TryGetValue(TextListBuilder.DigestOf(key.ToString()), out entries))
            {
                AddAll(matches, entries, UrlMatchRule.ExactAfterEquivalence);
            }
        }
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        if (_domains.Count > 0 || _domainDigests.Count > 0)
        {
            // The host and its suffixes with at least two labels, longest first (B.4); IP literals only whole.
            string hostKey = url.HostKey;
            MatchDomain(hostKey, matches);
            if (!hostKey.StartsWith('[') && !(hostKey.Length > 0 && char.IsAsciiDigit(hostKey[^1])))
            {
                int dot = hostKey.IndexOf('.', StringComparison.Ordinal);
                while (dot >= 0)
                {
                    var rest = hostKey.AsSpan(dot + 1);
                    if (!rest.Contains('.'))
                    {
                        break;
                    }
                    MatchDomain(rest, matches);
                    dot = hostKey.IndexOf('.', dot + 1);
                }
            }
        }
    }

    private void MatchDomain(ReadOnlySpan<char> suffix, List<UrlListMatch> matches)
    {
        if (_domains.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(suffix, out var entries))
        {
            AddAll(matches, entries, UrlMatchRule.Domain);
        }
        if (_domainDigests.Count > 0 && _domainDigests.TryGetValue(TextListBuilder.DigestOf(suffix.ToString()), out entries))
        {
            AddAll(matches, entries, UrlMatchRule.Domain);
        }
    }

    private static void AddAll(List<UrlListMatch> matches, TextListEntry[] entries, UrlMatchRule rule)
    {
        foreach (var entry in entries)
        {
            matches.Add(new UrlListMatch(entry, rule));
        }
    }

    /// <summary>Where the block starting at <paramref name="position"/> ends: at a newline or space, never inside a combining sequence.</summary>
    private static int NextCut(string text, int position, int blockSize)
    {
        if (text.Length - position <= blockSize)
        {
            return text.Length;
        }
        int target = position + blockSize;
        int floor = target - (blockSize / 4);
        foreach (char wanted in "\n ")
        {
            int at = text.LastIndexOf(wanted, target - 1, target - floor);
            if (at > floor && text[at + 1] < '\u0300')
            {
                return at + 1;
            }
        }
        while (target > floor && (char.IsLowSurrogate(text[target]) || text[target] >= '\u0300'))
        {
            target--;
        }
        return target;
    }

    private sealed record UrlGroup(UrlListOptions Options, FrozenDictionary<string, TextListEntry[]> Plain, FrozenDictionary<string, TextListEntry[]> Digest);
}

/// <summary>
/// Holds the current <see cref="TextListSnapshot"/> and swaps in a new one atomically: a reload
/// never blocks a scan, and a scan uses one snapshot from start to end.
/// </summary>
public sealed class TextListHolder(TextListSnapshot initial)
{
    private TextListSnapshot _current = initial ?? throw new ArgumentNullException(nameof(initial));

    /// <summary>The snapshot new scans use.</summary>
    public TextListSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Makes <paramref name="next"/> current; returns the previous snapshot.</summary>
    public TextListSnapshot Swap(TextListSnapshot next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }

    /// <summary>Scans with the current snapshot.</summary>
    public TextScanResult Scan(string text, TextScanOptions? options = null) => Current.Scan(text, options);
}
