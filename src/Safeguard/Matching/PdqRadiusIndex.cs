// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Matching;

/// <summary>Tuning of a <see cref="PdqRadiusIndex"/>. The defaults suit banks of any size.</summary>
public sealed record PdqIndexOptions
{
    /// <summary>The defaults.</summary>
    public static PdqIndexOptions Default { get; } = new();

    /// <summary>Unit costs that choose the piece count per segment and the search path per query.</summary>
    public MatchCostModel CostModel { get; init; } = MatchCostModel.Default;

    /// <summary>Threads one scan of a large segment may use (a query on the scan path). 1 keeps each query on its caller's thread.</summary>
    public int ScanThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Threads that build the tables of one segment.</summary>
    public int BuildThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Whether merges run on a background thread after writes (otherwise only on <see cref="PdqRadiusIndex.Compact"/>).</summary>
    public bool BackgroundCompaction { get; init; } = true;

    /// <summary>Entries in the append segment that trigger a merge into a table segment; 0: 1/32 of the bank, between 4,096 and 1,048,576.</summary>
    public int AppendThreshold { get; init; }

    /// <summary>Share of removed entries at which a segment is rebuilt.</summary>
    public double RebuildRemovedFraction { get; init; } = 0.25;

    /// <summary>Most table segments kept before the smallest are merged (every segment pays the full probe count).</summary>
    public int MaxSegments { get; init; } = 4;
}

/// <summary>Shape and health of an index, for metrics and the bench command.</summary>
/// <param name="Count">Live entries.</param>
/// <param name="Segments">Per table segment: entries, live entries, distinct codes, piece count m, and the largest bucket over its tables.</param>
/// <param name="AppendEntries">Entries waiting in append segments (scanned linearly).</param>
/// <param name="Bytes">Bytes held by the index's arrays.</param>
public sealed record PdqIndexStatistics(int Count, IReadOnlyList<SegmentStatistics> Segments, int AppendEntries, long Bytes);

/// <summary>One table segment's statistics.</summary>
/// <param name="Entries">Entries, live or removed.</param>
/// <param name="Live">Entries not removed.</param>
/// <param name="DistinctCodes">Distinct codes (entries per table).</param>
/// <param name="Tables">Piece count m (0: scan only).</param>
/// <param name="PieceLengths">Bits per piece.</param>
/// <param name="MaxBucket">Largest directory bucket over all tables.</param>
/// <param name="P99Bucket">Largest 99th-percentile bucket size over all tables.</param>
public sealed record SegmentStatistics(int Entries, int Live, int DistinctCodes, int Tables, IReadOnlyList<int> PieceLengths, int MaxBucket, int P99Bucket);

/// <summary>
/// Safeguard's radius index over 256-bit PDQ hashes (specs/match-index.md): immutable
/// multi-index-hashing segments plus an append segment, published together as one snapshot
/// that readers take without a lock. Each query picks multi-index probing or a vectorised scan
/// per segment by a cost model. Writers serialise on one lock; removals set tombstone bits;
/// merges run in the background and swap a new snapshot in.
/// </summary>
public sealed partial class PdqRadiusIndex : IPdqMatchIndex
{
    private sealed record State(MihSegment[] Segments, AppendBuffer[] Frozen, AppendBuffer Append);

    private const int InitialAppendCapacity = 1024;

    private readonly PdqIndexOptions _options;
    private readonly Lock _write = new();
    private readonly SemaphoreSlim _compactionGate = new(1, 1);
    private State _state;
    private int _count;
    private List<long>? _removedDuringMerge;
    private bool _mergeScheduled;
    private Task _background = Task.CompletedTask;

    /// <summary>An empty index.</summary>
    public PdqRadiusIndex(PdqIndexOptions? options = null)
        : this(options ?? PdqIndexOptions.Default, [], null)
    {
    }

    private PdqRadiusIndex(PdqIndexOptions options, MihSegment[] segments, AppendBuffer? append)
    {
        _options = options;
        _state = new State(segments, [], append ?? new AppendBuffer(InitialAppendCapacity));
        _count = _state.Append.Live;
        foreach (var s in segments)
        {
            _count += s.Live;
        }
    }

    /// <summary>The options this index runs with.</summary>
    public PdqIndexOptions Options => _options;

    /// <inheritdoc/>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Builds an index over <paramref name="hashes"/> with matching <paramref name="ids"/> in one pass; a repeated id keeps its last hash.</summary>
    public static PdqRadiusIndex Build(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<long> ids, PdqIndexOptions? options = null)
    {
        if (hashes.Length != ids.Length)
        {
            throw new ArgumentException($"{hashes.Length} hashes but {ids.Length} ids");
        }
        options ??= PdqIndexOptions.Default;
        var codes = GC.AllocateUninitializedArray<ulong>(hashes.Length * 4);
        for (int i = 0; i < hashes.Length; i++)
        {
            codes[i * 4] = hashes[i].Word0;
            codes[(i * 4) + 1] = hashes[i].Word1;
            codes[(i * 4) + 2] = hashes[i].Word2;
            codes[(i * 4) + 3] = hashes[i].Word3;
        }
        var segment = BuildSegment(codes, ids.ToArray(), options);
        return new PdqRadiusIndex(options, segment.Count == 0 ? [] : [segment], null);
    }

    /// <summary>Sorts entries by id (a repeated id keeps its last entry) and builds a segment.</summary>
    private static MihSegment BuildSegment(ulong[] codes, long[] ids, PdqIndexOptions options)
    {
        int n = ids.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        if (!IsStrictlyAscending(ids))
        {
            Array.Sort(ids, order);
        }
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            // Equal ids sit together after the sort; the latest input position wins.
            if (kept > 0 && ids[kept - 1] == ids[i])
            {
                order[kept - 1] = Math.Max(order[kept - 1], order[i]);
                continue;
            }
            ids[kept] = ids[i];
            order[kept] = order[i];
            kept++;
        }
        bool identity = kept == n;
        for (int i = 0; identity && i < n; i++)
        {
            identity = order[i] == i;
        }
        ulong[] sortedCodes = codes;
        if (!identity)
        {
            sortedCodes = GC.AllocateUninitializedArray<ulong>(kept * 4);
            for (int i = 0; i < kept; i++)
            {
                Array.Copy(codes, order[i] * 4L, sortedCodes, i * 4L, 4);
            }
            Array.Resize(ref ids, kept);
        }
        return MihSegment.Build(sortedCodes, ids, options.CostModel, options.BuildThreads);
    }

    private static bool IsStrictlyAscending(long[] ids)
    {
        for (int i = 1; i < ids.Length; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public void Add(in Hash256 hash, long id)
    {
        lock (_write)
        {
            RemoveLocked(id);
            var state = _state;
            var append = state.Append;
            if (!append.TryAppend(hash.Word0, hash.Word1, hash.Word2, hash.Word3, id))
            {
                append = append.Grow();
                append.TryAppend(hash.Word0, hash.Word1, hash.Word2, hash.Word3, id);
                Volatile.Write(ref _state, state with { Append = append });
            }
            Volatile.Write(ref _count, _count + 1);
            MaybeScheduleMergeLocked();
        }
    }

    /// <inheritdoc/>
    public bool Remove(long id)
    {
        lock (_write)
        {
            return RemoveLocked(id);
        }
    }

    private bool RemoveLocked(long id)
    {
        var state = _state;
        bool removed = state.Append.Remove(id);
        for (int f = 0; !removed && f < state.Frozen.Length; f++)
        {
            removed = state.Frozen[f].Remove(id);
        }
        for (int s = 0; !removed && s < state.Segments.Length; s++)
        {
            int local = state.Segments[s].Find(id);
            removed = local >= 0 && state.Segments[s].Tombstone(local);
        }
        if (removed)
        {
            Volatile.Write(ref _count, _count - 1);
            _removedDuringMerge?.Add(id);
            MaybeScheduleMergeLocked();
        }
        return removed;
    }

    /// <inheritdoc/>
    public void Search(in Hash256 query, int radius, List<IndexMatch> results) => SearchAll(query, radius, results, scanOnly: false);

    /// <summary>Like <see cref="Search(in Hash256, int, List{IndexMatch})"/> but scans every segment in full: the brute force that benchmarks check against.</summary>
    public void SearchByScan(in Hash256 query, int radius, List<IndexMatch> results) => SearchAll(query, radius, results, scanOnly: true);

    private void SearchAll(in Hash256 query, int radius, List<IndexMatch> results, bool scanOnly)
    {
        ArgumentNullException.ThrowIfNull(results);
        CheckRadius(radius);
        int start = results.Count;
        var state = Volatile.Read(ref _state);
        var q = new QueryWords(query);
        foreach (var segment in state.Segments)
        {
            if (scanOnly)
            {
                segment.Scan(q, radius, results, _options.ScanThreads);
            }
            else
            {
                SearchSegment(segment, q, radius, results);
            }
        }
        foreach (var frozen in state.Frozen)
        {
            frozen.Scan(q, radius, results);
        }
        state.Append.Scan(q, radius, results);
        results.Sort(start, results.Count - start, IndexMatchOrder.Instance);
    }

    /// <summary>
    /// Appends every entry within <paramref name="radius"/> of any of <paramref name="queries"/>
    /// (for example the 8 dihedral hashes of one image), once each, with its smallest distance;
    /// sorted by distance then id.
    /// </summary>
    public void SearchAny(ReadOnlySpan<Hash256> queries, int radius, List<IndexMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var perQuery = new List<IndexMatch>[queries.Length];
        SearchBatch(queries, radius, perQuery);
        var all = new List<IndexMatch>();
        foreach (var list in perQuery)
        {
            all.AddRange(list);
        }
        MatchMerge.AppendSmallestPerId(all, results);
    }

    /// <summary>
    /// Searches many queries at once (bulk jobs); <paramref name="results"/>[k] receives query k's
    /// matches, sorted. Segments on the scan path are read once per block for all queries.
    /// </summary>
    public void SearchBatch(ReadOnlySpan<Hash256> queries, int radius, List<IndexMatch>[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        CheckRadius(radius);
        if (results.Length != queries.Length)
        {
            throw new ArgumentException($"{queries.Length} queries but {results.Length} result lists");
        }
        var words = new QueryWords[queries.Length];
        for (int k = 0; k < queries.Length; k++)
        {
            words[k] = new QueryWords(queries[k]);
            results[k] ??= [];
        }
        var starts = new int[queries.Length];
        for (int k = 0; k < queries.Length; k++)
        {
            starts[k] = results[k].Count;
        }
        var state = Volatile.Read(ref _state);
        var model = _options.CostModel;
        foreach (var segment in state.Segments)
        {
            double scanCost = model.ScanCost(segment.Count);
            if (segment.MihCost(model, radius) * queries.Length < scanCost)
            {
                for (int k = 0; k < words.Length; k++)
                {
                    SearchSegment(segment, words[k], radius, results[k]);
                }
            }
            else
            {
                segment.ScanMany(words, radius, results);
            }
        }
        for (int k = 0; k < words.Length; k++)
        {
            foreach (var frozen in state.Frozen)
            {
                frozen.Scan(words[k], radius, results[k]);
            }
            state.Append.Scan(words[k], radius, results[k]);
            results[k].Sort(starts[k], results[k].Count - starts[k], IndexMatchOrder.Instance);
        }
    }

    private void SearchSegment(MihSegment segment, in QueryWords q, int radius, List<IndexMatch> results)
    {
        var model = _options.CostModel;
        double scanCost = model.ScanCost(segment.Count);
        if (segment.MihCost(model, radius) < scanCost && segment.TrySearchMih(q, radius, results, model, scanCost))
        {
            return;
        }
        segment.Scan(q, radius, results, _options.ScanThreads);
    }

    private static void CheckRadius(int radius)
    {
        if (radius is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "the radius is a Hamming distance, 0 to 256");
        }
    }

    /// <summary>Shape, size and bucket health.</summary>
    public PdqIndexStatistics GetStatistics()
    {
        var state = Volatile.Read(ref _state);
        var segments = new List<SegmentStatistics>();
        long bytes = state.Append.Bytes;
        int appendEntries = state.Append.Live;
        foreach (var frozen in state.Frozen)
        {
            bytes += frozen.Bytes;
            appendEntries += frozen.Live;
        }
        foreach (var s in state.Segments)
        {
            bytes += s.Bytes;
            int max = 0, p99 = 0;
            var lengths = new int[s.Layout.Tables];
            for (int j = 0; j < s.Layout.Tables; j++)
            {
                lengths[j] = s.Layout.Length(j);
                var (tableMax, tableP99) = s.BucketSizes(j);
                max = Math.Max(max, tableMax);
                p99 = Math.Max(p99, tableP99);
            }
            segments.Add(new SegmentStatistics(s.Count, s.Live, s.Heads, s.Layout.Tables, lengths, max, p99));
        }
        return new PdqIndexStatistics(Count, segments, appendEntries, bytes);
    }
}

/// <summary>Result-list helpers shared by the indexes.</summary>
internal static class MatchMerge
{
    /// <summary>Appends one match per id from <paramref name="all"/> (its smallest distance), sorted by distance then id.</summary>
    public static void AppendSmallestPerId(List<IndexMatch> all, List<IndexMatch> results)
    {
        all.Sort(static (a, b) => a.Id != b.Id ? a.Id.CompareTo(b.Id) : a.Distance.CompareTo(b.Distance));
        int start = results.Count;
        for (int i = 0; i < all.Count; i++)
        {
            if (i == 0 || all[i].Id != all[i - 1].Id)
            {
                results.Add(all[i]);
            }
        }
        results.Sort(start, results.Count - start, IndexMatchOrder.Instance);
    }
}
