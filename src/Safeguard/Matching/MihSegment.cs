// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Matching;

/// <summary>
/// An immutable multi-index-hashing segment (spec §7.1): flat arrays only. Local index i holds
/// code <c>codes[4i..4i+4)</c> and bank id <c>ids[i]</c>; ids are unique and ascending, so an id
/// is found by binary search. Identical codes are stored once in the tables: the first (the
/// "head") stands for the others, listed in <see cref="_groups"/>. Only the tombstone bits change
/// after construction.
/// </summary>
internal sealed class MihSegment
{
    private readonly ulong[] _codes;
    private readonly long[] _ids;
    private readonly ulong[] _tombstones;
    private readonly uint[][] _directories;
    private readonly uint[][] _tableIds;
    private readonly byte[]?[] _residuals;
    private readonly Dictionary<int, int[]> _groups;
    private int _live;

    internal MihSegment(ulong[] codes, long[] ids, ulong[] tombstones, MihLayout layout, uint[][] directories, uint[][] tableIds, byte[]?[] residuals, Dictionary<int, int[]> groups, int heads)
    {
        _codes = codes;
        _ids = ids;
        _tombstones = tombstones;
        Layout = layout;
        _directories = directories;
        _tableIds = tableIds;
        _residuals = residuals;
        _groups = groups;
        Heads = heads;
        int dead = 0;
        foreach (ulong w in tombstones)
        {
            dead += BitOperations.PopCount(w);
        }
        _live = ids.Length - dead;
    }

    public MihLayout Layout { get; }

    /// <summary>Entries, live or removed.</summary>
    public int Count => _ids.Length;

    /// <summary>Distinct codes (entries in each table).</summary>
    public int Heads { get; }

    /// <summary>Entries not removed. Changed only under the index's write lock.</summary>
    public int Live => Volatile.Read(ref _live);

    internal ReadOnlySpan<ulong> Codes => _codes;

    internal ReadOnlySpan<long> Ids => _ids;

    internal ReadOnlySpan<ulong> Tombstones => _tombstones;

    internal uint[][] Directories => _directories;

    internal uint[][] TableIds => _tableIds;

    internal byte[]?[] Residuals => _residuals;

    internal IReadOnlyDictionary<int, int[]> Groups => _groups;

    /// <summary>Approximate bytes held by the segment's arrays.</summary>
    public long Bytes
    {
        get
        {
            long total = (_codes.Length * 8L) + (_ids.Length * 8L) + (_tombstones.Length * 8L);
            for (int j = 0; j < Layout.Tables; j++)
            {
                total += (_directories[j].Length * 4L) + (_tableIds[j].Length * 4L) + (_residuals[j]?.Length ?? 0);
            }
            foreach (var group in _groups.Values)
            {
                total += 48 + (group.Length * 4L);
            }
            return total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsRemoved(int local) => ((Volatile.Read(ref _tombstones[local >> 6]) >> (local & 63)) & 1) != 0;

    /// <summary>Local index of <paramref name="id"/>, or −1.</summary>
    public int Find(long id) => Math.Max(-1, Array.BinarySearch(_ids, id));

    /// <summary>Marks <paramref name="local"/> removed. Caller holds the index's write lock.</summary>
    public bool Tombstone(int local)
    {
        ulong bit = 1UL << (local & 63);
        ulong before = Interlocked.Or(ref _tombstones[local >> 6], bit);
        if ((before & bit) != 0)
        {
            return false;
        }
        Volatile.Write(ref _live, _live - 1);
        return true;
    }

    /// <summary>Builds a segment from codes and ids already sorted by id with no id twice.</summary>
    public static MihSegment Build(ulong[] codes, long[] ids, MatchCostModel model, int parallelism)
    {
        int n = ids.Length;
        var (heads, groups) = FindHeads(codes, n);
        var layout = MihLayout.Create(model.ChooseTables(heads.Length), heads.Length);
        int m = layout.Tables;
        var directories = new uint[m][];
        var tableIds = new uint[m][];
        var residuals = new byte[]?[m];
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, j =>
        {
            BuildTable(codes, heads, layout, j, out directories[j], out tableIds[j], out residuals[j]);
        });
        return new MihSegment(codes, ids, new ulong[(n + 63) / 64], layout, directories, tableIds, residuals, groups, heads.Length);
    }

    /// <summary>Finds identical codes with an open-addressing table; returns the first of each as heads.</summary>
    private static (int[] Heads, Dictionary<int, int[]> Groups) FindHeads(ulong[] codes, int n)
    {
        var groupLists = new Dictionary<int, List<int>>();
        if (n == 0)
        {
            return ([], []);
        }
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, n * 2));
        int mask = capacity - 1;
        var slots = new int[capacity];
        var heads = new int[n];
        int headCount = 0;
        for (int i = 0; i < n; i++)
        {
            int b = i * 4;
            ulong mix = (codes[b] * 0x9E3779B97F4A7C15UL) ^ (codes[b + 1] * 0xC2B2AE3D27D4EB4FUL) ^ (codes[b + 2] * 0x165667B19E3779F9UL) ^ (codes[b + 3] * 0xD6E8FEB86659FD93UL);
            int slot = (int)((mix ^ (mix >> 29)) >> 32) & mask;
            while (true)
            {
                int occupant = slots[slot] - 1;
                if (occupant < 0)
                {
                    slots[slot] = i + 1;
                    heads[headCount++] = i;
                    break;
                }
                int o = occupant * 4;
                if (codes[o] == codes[b] && codes[o + 1] == codes[b + 1] && codes[o + 2] == codes[b + 2] && codes[o + 3] == codes[b + 3])
                {
                    if (!groupLists.TryGetValue(occupant, out var list))
                    {
                        groupLists[occupant] = list = [];
                    }
                    list.Add(i);
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        Array.Resize(ref heads, headCount);
        var groups = new Dictionary<int, int[]>(groupLists.Count);
        foreach (var (head, list) in groupLists)
        {
            groups[head] = [.. list];
        }
        return (heads, groups);
    }

    /// <summary>
    /// Sorts the heads by piece prefix and fills the directory, table ids and residual bytes. Each
    /// head becomes a 64-bit key (prefix in bits 40–63, residual byte in 32–39, local index in 0–31)
    /// sorted by a stable LSD radix sort of at most 12 bits per pass: sequential streams instead
    /// of one random write per entry into a directory-sized counter array.
    /// </summary>
    private static void BuildTable(ulong[] codes, int[] heads, MihLayout layout, int j, out uint[] directory, out uint[] ids, out byte[]? residual)
    {
        int offset = layout.Offset(j);
        int length = layout.Length(j);
        int dirBits = layout.DirectoryBits(j);
        int shift = length - dirBits;
        int residualBits = layout.ResidualBits(j);
        int residualShift = shift - residualBits;
        ulong residualMask = (1UL << residualBits) - 1;
        int n = heads.Length;
        var keys = GC.AllocateUninitializedArray<ulong>(n);
        for (int k = 0; k < n; k++)
        {
            int b = heads[k] * 4;
            ulong piece = MihLayout.Extract(codes[b], codes[b + 1], codes[b + 2], codes[b + 3], offset, length);
            keys[k] = ((piece >> shift) << 40) | (((piece >> residualShift) & residualMask) << 32) | (uint)heads[k];
        }
        int passes = (dirBits + 11) / 12;
        int digitBits = (dirBits + passes - 1) / passes;
        var spare = GC.AllocateUninitializedArray<ulong>(n);
        var counts = new int[1 << digitBits];
        for (int pass = 0; pass < passes; pass++)
        {
            int digitShift = 40 + (pass * digitBits);
            ulong digitMask = (ulong)counts.Length - 1;
            Array.Clear(counts);
            foreach (ulong key in keys)
            {
                counts[(int)((key >> digitShift) & digitMask)]++;
            }
            int sum = 0;
            for (int d = 0; d < counts.Length; d++)
            {
                (counts[d], sum) = (sum, sum + counts[d]);
            }
            foreach (ulong key in keys)
            {
                spare[counts[(int)((key >> digitShift) & digitMask)]++] = key;
            }
            (keys, spare) = (spare, keys);
        }
        directory = new uint[(1 << dirBits) + 1];
        ids = GC.AllocateUninitializedArray<uint>(n);
        residual = residualBits > 0 ? GC.AllocateUninitializedArray<byte>(n) : null;
        for (int k = 0; k < n; k++)
        {
            ulong key = keys[k];
            directory[(key >> 40) + 1]++;
            ids[k] = (uint)key;
            if (residual is not null)
            {
                residual[k] = (byte)(key >> 32);
            }
        }
        for (int p = 1; p < directory.Length; p++)
        {
            directory[p] += directory[p - 1];
        }
    }

    /// <summary>Cost of a multi-index search at <paramref name="radius"/> by the model; +∞ without tables.</summary>
    public double MihCost(MatchCostModel model, int radius) =>
        Layout.Tables == 0 ? double.PositiveInfinity : model.MihCost(Layout, Heads, radius);

    /// <summary>
    /// Multi-index search (spec §7.2–7.3). Gives up, returning false with <paramref name="results"/>
    /// unchanged, once its work passes <paramref name="budgetNs"/> (a hot bucket): the caller scans instead.
    /// </summary>
    public bool TrySearchMih(in QueryWords q, int radius, List<IndexMatch> results, MatchCostModel model, double budgetNs)
    {
        int start = results.Count;
        int m = Layout.Tables;
        Span<int> pieceRadius = stackalloc int[m];
        int maxRadius = 0;
        for (int j = 0; j < m; j++)
        {
            pieceRadius[j] = Layout.PieceRadius(j, radius);
            maxRadius = Math.Max(maxRadius, pieceRadius[j]);
        }
        Span<int> positions = stackalloc int[Math.Max(1, maxRadius)];
        Span<ulong> flips = stackalloc ulong[TableProbe.BatchSize];
        var scratch = new TableProbe.Scratch(stackalloc int[TableProbe.BatchSize], stackalloc int[TableProbe.BatchSize], stackalloc int[TableProbe.BatchSize], stackalloc ulong[TableProbe.BatchSize]);
        int pending = 0;
        double probes = 0;
        double candidates = 0;
        ReadOnlySpan<ulong> codes = _codes;
        for (int j = 0; j < m; j++)
        {
            int rho = pieceRadius[j];
            if (rho < 0)
            {
                continue;
            }
            var table = new TableProbe(this, j, q);
            int length = Layout.Length(j);
            rho = Math.Min(rho, length);
            for (int t = 0; t <= rho; t++)
            {
                for (int i = 0; i < t; i++)
                {
                    positions[i] = i;
                }
                while (true)
                {
                    ulong flip = 0;
                    for (int i = 0; i < t; i++)
                    {
                        flip |= 1UL << positions[i];
                    }
                    flips[pending++] = flip;
                    if (pending == flips.Length)
                    {
                        probes += pending;
                        candidates += table.ProbeBatch(flips, codes, q, radius, pieceRadius, results, scratch);
                        pending = 0;
                        if (OverBudget(probes, candidates, model, budgetNs))
                        {
                            return Abandon(results, start, probes, candidates);
                        }
                    }
                    int k = t - 1;
                    while (k >= 0 && positions[k] == length - t + k)
                    {
                        k--;
                    }
                    if (k < 0)
                    {
                        break;
                    }
                    positions[k]++;
                    for (int i = k + 1; i < t; i++)
                    {
                        positions[i] = positions[i - 1] + 1;
                    }
                }
            }
            if (pending > 0)
            {
                probes += pending;
                candidates += table.ProbeBatch(flips[..pending], codes, q, radius, pieceRadius, results, scratch);
                pending = 0;
                if (OverBudget(probes, candidates, model, budgetNs))
                {
                    return Abandon(results, start, probes, candidates);
                }
            }
        }
        MatchCounters.Add((long)probes, (long)candidates, 0);
        return true;
    }

    private static bool OverBudget(double probes, double candidates, MatchCostModel model, double budgetNs) =>
        (probes * model.ProbeNs) + (candidates * model.CandidateNs) > budgetNs;

    private static bool Abandon(List<IndexMatch> results, int start, double probes, double candidates)
    {
        results.RemoveRange(start, results.Count - start);
        MatchCounters.Add((long)probes, (long)candidates, 0);
        return false;
    }

    /// <summary>The probes of one table for one query.</summary>
    private readonly ref struct TableProbe
    {
        private readonly MihSegment _segment;
        private readonly int _table;
        private readonly ulong _queryPiece;
        private readonly int _shift;
        private readonly int _residualShift;
        private readonly ulong _residualMask;
        private readonly bool _exact;
        private readonly ReadOnlySpan<uint> _directory;
        private readonly ReadOnlySpan<uint> _ids;
        private readonly ReadOnlySpan<byte> _residual;

        public TableProbe(MihSegment segment, int table, in QueryWords q)
        {
            var layout = segment.Layout;
            _segment = segment;
            _table = table;
            _queryPiece = MihLayout.Extract(q.W0, q.W1, q.W2, q.W3, layout.Offset(table), layout.Length(table));
            _shift = layout.Length(table) - layout.DirectoryBits(table);
            int residualBits = layout.ResidualBits(table);
            _residualShift = _shift - residualBits;
            _residualMask = (1UL << residualBits) - 1;
            _exact = layout.ResidualIsExact(table);
            _directory = segment._directories[table];
            _ids = segment._tableIds[table];
            _residual = segment._residuals[table];
        }

        /// <summary>Keys probed together, so their memory reads overlap (spec §7.4).</summary>
        public const int BatchSize = 128;

        /// <summary>Per-batch working space on the caller's stack.</summary>
        public readonly ref struct Scratch(Span<int> lo, Span<int> hi, Span<int> candidates, Span<ulong> candidateFlips)
        {
            public readonly Span<int> Lo = lo;
            public readonly Span<int> Hi = hi;
            public readonly Span<int> Candidates = candidates;

            /// <summary>The key offset each candidate was found under.</summary>
            public readonly Span<ulong> CandidateFlips = candidateFlips;
        }

        /// <summary>
        /// Probes the keys that differ from the query's piece in <paramref name="flips"/>, in three
        /// passes that each prefetch what the next reads: directory slots, then bucket starts, then
        /// codes. Returns the table entries visited.
        /// </summary>
        public unsafe int ProbeBatch(ReadOnlySpan<ulong> flips, ReadOnlySpan<ulong> codes, in QueryWords q, int radius, ReadOnlySpan<int> pieceRadius, List<IndexMatch> results, Scratch scratch)
        {
            bool prefetch = Sse.IsSupported;
            ref uint dir = ref MemoryMarshal.GetReference(_directory);
            for (int i = 0; prefetch && i < flips.Length; i++)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref dir, (int)((_queryPiece ^ flips[i]) >> _shift))));
            }
            bool filter = !_residual.IsEmpty;
            for (int i = 0; i < flips.Length; i++)
            {
                int prefix = (int)((_queryPiece ^ flips[i]) >> _shift);
                int lo = (int)Unsafe.Add(ref dir, prefix);
                scratch.Lo[i] = lo;
                scratch.Hi[i] = (int)Unsafe.Add(ref dir, prefix + 1);
                if (prefetch && scratch.Hi[i] > lo)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in _ids[lo])));
                    if (filter)
                    {
                        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in _residual[lo])));
                    }
                }
            }
            int visited = 0;
            int pending = 0;
            var candidates = scratch.Candidates;
            for (int i = 0; i < flips.Length; i++)
            {
                int lo = scratch.Lo[i], hi = scratch.Hi[i];
                visited += hi - lo;
                byte wanted = (byte)(((_queryPiece ^ flips[i]) >> _residualShift) & _residualMask);
                for (int k = lo; k < hi; k++)
                {
                    if (filter && _residual[k] != wanted)
                    {
                        continue;
                    }
                    int local = (int)_ids[k];
                    if (prefetch)
                    {
                        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in codes[local * 4])));
                    }
                    candidates[pending] = local;
                    scratch.CandidateFlips[pending] = flips[i];
                    if (++pending == candidates.Length)
                    {
                        Verify(candidates, scratch.CandidateFlips, codes, q, radius, pieceRadius, results);
                        pending = 0;
                    }
                }
            }
            Verify(candidates[..pending], scratch.CandidateFlips, codes, q, radius, pieceRadius, results);
            return visited;
        }

        private void Verify(ReadOnlySpan<int> locals, ReadOnlySpan<ulong> flips, ReadOnlySpan<ulong> codes, in QueryWords q, int radius, ReadOnlySpan<int> pieceRadius, List<IndexMatch> results)
        {
            var layout = _segment.Layout;
            for (int n = 0; n < locals.Length; n++)
            {
                int local = locals[n];
                ref ulong c = ref Unsafe.Add(ref MemoryMarshal.GetReference(codes), local * 4);
                ulong x0 = c ^ q.W0, x1 = Unsafe.Add(ref c, 1) ^ q.W1, x2 = Unsafe.Add(ref c, 2) ^ q.W2, x3 = Unsafe.Add(ref c, 3) ^ q.W3;
                int d = BitOperations.PopCount(x0) + BitOperations.PopCount(x1) + BitOperations.PopCount(x2) + BitOperations.PopCount(x3);
                if (d > radius)
                {
                    continue;
                }
                // Another key of this table that shares directory and residual bits reaches the same id:
                // report it only under the key that is its exact piece value.
                if (!_exact && MihLayout.Extract(x0, x1, x2, x3, layout.Offset(_table), layout.Length(_table)) != flips[n])
                {
                    continue;
                }
                if (FoundByEarlierTable(x0, x1, x2, x3, layout, pieceRadius))
                {
                    continue;
                }
                _segment.Emit(local, d, results);
            }
        }

        /// <summary>The first-admitting-table rule (spec §7.3): report a match only from the first table that admits it.</summary>
        private bool FoundByEarlierTable(ulong x0, ulong x1, ulong x2, ulong x3, MihLayout layout, ReadOnlySpan<int> pieceRadius)
        {
            for (int i = 0; i < _table; i++)
            {
                if (pieceRadius[i] >= 0 &&
                    BitOperations.PopCount(MihLayout.Extract(x0, x1, x2, x3, layout.Offset(i), layout.Length(i))) <= pieceRadius[i])
                {
                    return true;
                }
            }
            return false;
        }
    }

    private void Emit(int head, int distance, List<IndexMatch> results)
    {
        if (!IsRemoved(head))
        {
            results.Add(new IndexMatch(_ids[head], distance));
        }
        if (_groups.Count > 0 && _groups.TryGetValue(head, out var members))
        {
            foreach (int member in members)
            {
                if (!IsRemoved(member))
                {
                    results.Add(new IndexMatch(_ids[member], distance));
                }
            }
        }
    }

    /// <summary>Linear scan of the whole segment, split over <paramref name="threads"/> when it is large.</summary>
    public void Scan(in QueryWords q, int radius, List<IndexMatch> results, int threads)
    {
        const int MinCodesPerThread = 1 << 18;
        int n = _ids.Length;
        int parts = Math.Clamp(n / MinCodesPerThread, 1, Math.Max(1, threads));
        if (parts == 1)
        {
            ScanRange(0, n, q, radius, results);
            return;
        }
        var partial = new List<IndexMatch>[parts];
        var query = q;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            var local = new List<IndexMatch>();
            long from = (long)n * p / parts;
            long to = (long)n * (p + 1) / parts;
            ScanRange((int)from, (int)to, query, radius, local);
            partial[p] = local;
        });
        foreach (var part in partial)
        {
            results.AddRange(part);
        }
    }

    private void ScanRange(int from, int to, in QueryWords q, int radius, List<IndexMatch> results)
    {
        MatchCounters.Add(0, 0, to - from);
        var sink = new LiveSink(_ids, _tombstones, from, results);
        HammingScan.Scan(_codes.AsSpan(from * 4, (to - from) * 4), q, radius, ref sink);
    }

    /// <summary>Cache-blocked scan for several queries; reports (query index, match) pairs.</summary>
    public void ScanMany(ReadOnlySpan<QueryWords> queries, int radius, List<IndexMatch>[] results)
    {
        const int BlockCodes = 2048;
        int n = _ids.Length;
        for (int from = 0; from < n; from += BlockCodes)
        {
            int to = Math.Min(n, from + BlockCodes);
            for (int k = 0; k < queries.Length; k++)
            {
                ScanRange(from, to, queries[k], radius, results[k]);
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every live entry.</summary>
    public void ForEachLive(Action<int> visit)
    {
        for (int i = 0; i < _ids.Length; i++)
        {
            if (!IsRemoved(i))
            {
                visit(i);
            }
        }
    }

    /// <summary>Largest and 99th-percentile bucket (entries under one directory slot) of table j.</summary>
    public (int Max, int P99) BucketSizes(int j)
    {
        var dir = _directories[j];
        var sizes = new int[dir.Length - 1];
        for (int p = 0; p < sizes.Length; p++)
        {
            sizes[p] = (int)(dir[p + 1] - dir[p]);
        }
        Array.Sort(sizes);
        return sizes.Length == 0 ? (0, 0) : (sizes[^1], sizes[(int)(sizes.Length * 0.99)]);
    }
}

/// <summary>Turns scan hits into matches, skipping removed entries.</summary>
internal struct LiveSink : HammingScan.IHitSink
{
    private readonly long[] _ids;
    private readonly ulong[] _tombstones;
    private readonly int _base;
    private readonly List<IndexMatch> _results;

    public LiveSink(long[] ids, ulong[] tombstones, int baseIndex, List<IndexMatch> results)
    {
        _ids = ids;
        _tombstones = tombstones;
        _base = baseIndex;
        _results = results;
    }

    public readonly void Hit(int index, int distance)
    {
        int local = _base + index;
        if (((Volatile.Read(ref _tombstones[local >> 6]) >> (local & 63)) & 1) == 0)
        {
            _results.Add(new IndexMatch(_ids[local], distance));
        }
    }
}
