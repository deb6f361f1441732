// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;
using static Safeguard.Tests.Matching.IndexTestBanks;

namespace Safeguard.Tests.Matching;

public class PdqRadiusIndexTests
{
    /// <summary>How a test pins the search path: the cost model makes the other path look ruinous.</summary>
    public enum Path
    {
        Auto,
        MultiIndex,
        Scan,
    }

    private static PdqIndexOptions Options(Path path, int fixedTables = 0, int scanThreads = 1) => new()
    {
        ScanThreads = scanThreads,
        BackgroundCompaction = false,
        CostModel = path switch
        {
            Path.MultiIndex => new MatchCostModel { ScanNsPerCode = 1e9, MinCodesForTables = 1, FixedTables = fixedTables },
            Path.Scan => new MatchCostModel { ProbeNs = 1e12, FixedTables = fixedTables },
            _ => new MatchCostModel { FixedTables = fixedTables },
        },
    };

    private static Pair BuildPair(IReadOnlyList<Hash256> bank, PdqIndexOptions options)
    {
        var ids = Enumerable.Range(0, bank.Count).Select(i => (long)i * 3).ToArray();
        var pair = new Pair(PdqRadiusIndex.Build(bank.ToArray(), ids, options));
        for (int i = 0; i < bank.Count; i++)
        {
            pair.Oracle.Add(bank[i], ids[i]);
        }
        return pair;
    }

    [Theory]
    [InlineData(Path.Auto)]
    [InlineData(Path.MultiIndex)]
    [InlineData(Path.Scan)]
    public void RandomBank_EqualsOracle_AtEveryRadius(Path path)
    {
        var random = new Random(7);
        var bank = PlantedBank(random, 6000);
        var pair = BuildPair(bank, Options(path));
        Assert.Equal(6000, pair.Index.Count);
        foreach (int radius in new[] { 0, 1, 15, 31, 32, 47, 64 })
        {
            foreach (var q in Queries(bank, radius, random, 24))
            {
                pair.Check(q, radius);
            }
        }
    }

    [Theory]
    [InlineData(70)]
    [InlineData(128)]
    [InlineData(256)]
    public void LargeRadius_EqualsOracle(int radius)
    {
        var random = new Random(radius);
        var bank = PlantedBank(random, 5000);
        var pair = BuildPair(bank, Options(Path.Auto));
        foreach (var q in Queries(bank, radius, random, 8))
        {
            pair.Check(q, radius);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(33)]
    public void EveryPieceCount_EqualsOracle(int tables)
    {
        // m = 4 gives 64-bit pieces whose residual byte does not cover the piece: the exact-key check matters.
        var random = new Random(tables);
        var bank = PlantedBank(random, 3000);
        var pair = BuildPair(bank, Options(Path.MultiIndex, tables));
        // Probes grow as (piece bits)^(r / m): keep 64-bit pieces to small radii.
        foreach (int radius in tables == 4 ? new[] { 0, 3, 10 } : new[] { 0, 3, 10, 31, 32 })
        {
            foreach (var q in Queries(bank, radius, random, 16))
            {
                pair.Check(q, radius);
            }
        }
    }

    [Theory]
    [InlineData(Path.Auto)]
    [InlineData(Path.MultiIndex)]
    [InlineData(Path.Scan)]
    public void HostileBank_EqualsOracle(Path path)
    {
        var random = new Random(11);
        var bank = HostileBank(random, flatRepeats: 100_000, familySize: 2000, filler: 4000);
        var pair = BuildPair(bank, Options(path));
        var flat = bank[3];
        var queries = new List<Hash256> { Hash256.Zero, AllOnes, flat, Flip(flat, 31, random), Flip(flat, 32, random), Flip(Hash256.Zero, 64, random) };
        queries.AddRange(Queries(bank.Skip(100_003).ToList(), 31, random, 12));
        foreach (int radius in new[] { 0, 31, 32, 64 })
        {
            foreach (var q in queries)
            {
                pair.Check(q, radius);
            }
        }
    }

    [Fact]
    public void RepeatedFlatHash_IsStoredOnceInTheTables()
    {
        var bank = Enumerable.Repeat(new Hash256(1, 2, 3, 4), 100_000).Append(Hash256.Zero).ToArray();
        var index = PdqRadiusIndex.Build(bank, Enumerable.Range(0, bank.Length).Select(i => (long)i).ToArray(), Options(Path.MultiIndex));
        var stats = index.GetStatistics();
        Assert.Equal(2, stats.Segments[0].DistinctCodes);
        Assert.Equal(100_000, index.Search(new Hash256(1, 2, 3, 4), 0).Count);
    }

    [Fact]
    public void Build_RepeatedId_KeepsTheLastHash()
    {
        var a = new Hash256(1, 0, 0, 0);
        var b = new Hash256(0, 0, 0, 1UL << 63);
        var index = PdqRadiusIndex.Build([a, b, a], [5, 5, 6], Options(Path.Auto));
        Assert.Equal(2, index.Count);
        Assert.Equal([new IndexMatch(5, 0)], index.Search(b, 0));
        Assert.Equal([new IndexMatch(6, 0)], index.Search(a, 0));
    }

    [Fact]
    public void Search_BadRadius_IsRejected()
    {
        var index = new PdqRadiusIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, 257));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterleavedAddsRemovesAndQueries_EqualOracle(bool background)
    {
        var random = new Random(background ? 21 : 22);
        var options = Options(Path.Auto) with
        {
            AppendThreshold = 700,
            BackgroundCompaction = background,
            MaxSegments = 3,
            CostModel = new MatchCostModel { MinCodesForTables = 200 },
        };
        var bank = PlantedBank(random, 3000);
        var index = PdqRadiusIndex.Build(bank.ToArray(), Enumerable.Range(0, bank.Count).Select(i => (long)i).ToArray(), options);
        var pair = new Pair(index);
        var live = new List<(Hash256 Hash, long Id)>();
        for (int i = 0; i < bank.Count; i++)
        {
            pair.Oracle.Add(bank[i], i);
            live.Add((bank[i], i));
        }
        long nextId = 10_000;
        for (int step = 0; step < 4000; step++)
        {
            int op = random.Next(10);
            if (op < 5)
            {
                var h = live.Count > 0 && random.Next(3) == 0 ? Flip(live[random.Next(live.Count)].Hash, random.Next(33), random) : RandomHash(random);
                long id = random.Next(8) == 0 && live.Count > 0 ? live[random.Next(live.Count)].Id : nextId++;
                pair.Add(h, id);
                live.RemoveAll(e => e.Id == id);
                live.Add((h, id));
            }
            else if (op < 8 && live.Count > 0)
            {
                int k = random.Next(live.Count);
                pair.Remove(live[k].Id);
                live.RemoveAt(k);
            }
            else if (live.Count > 0)
            {
                var q = Flip(live[random.Next(live.Count)].Hash, random.Next(40), random);
                pair.Check(q, random.Next(4) == 0 ? 64 : 31);
            }
            if (step % 1000 == 999)
            {
                Assert.Equal(pair.Oracle.Count, pair.Index.Count);
            }
        }
        Assert.False(pair.Index.Remove(-12345));
        index.WaitForBackgroundMerges();
        if (!background)
        {
            index.Compact();
        }
        Assert.True(index.GetStatistics().Segments.Count <= options.MaxSegments + 1);
        foreach (var (h, _) in live.Take(200))
        {
            pair.Check(h, 31);
        }
        index.Compact();
        var stats = index.GetStatistics();
        Assert.Single(stats.Segments);
        Assert.Equal(0, stats.AppendEntries);
        Assert.Equal(pair.Oracle.Count, stats.Segments[0].Entries);
        foreach (var (h, _) in live.Take(200))
        {
            pair.Check(h, 31);
        }
    }

    [Fact]
    public void ManyChanges_MergeKeepsFewSegments()
    {
        var options = new PdqIndexOptions { AppendThreshold = 500, MaxSegments = 3, ScanThreads = 1, CostModel = new MatchCostModel { MinCodesForTables = 100 } };
        var index = new PdqRadiusIndex(options);
        var random = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            index.Add(RandomHash(random), i);
            if (i % 3 == 0)
            {
                index.Remove(i / 2);
            }
        }
        index.WaitForBackgroundMerges();
        var stats = index.GetStatistics();
        Assert.InRange(stats.Segments.Count, 1, 3);
        Assert.True(stats.AppendEntries < 500, $"{stats.AppendEntries} entries still waiting in append segments");
        Assert.All(stats.Segments, s => Assert.True(s.Entries - s.Live <= Math.Max(64, s.Entries * 0.25)));
        Assert.Equal(index.Count, stats.Segments.Sum(s => s.Live) + stats.AppendEntries);
    }

    [Fact]
    public async Task ConcurrentReaders_WithAWriter_SeeStableEntriesAndNeverARemovedOne()
    {
        var random = new Random(5);
        var stable = Enumerable.Range(0, 2000).Select(_ => RandomHash(random)).ToArray();
        var options = new PdqIndexOptions { AppendThreshold = 300, MaxSegments = 2, ScanThreads = 1, CostModel = new MatchCostModel { MinCodesForTables = 100 } };
        var index = PdqRadiusIndex.Build(stable, Enumerable.Range(0, stable.Length).Select(i => (long)i).ToArray(), options);
        var churn = Enumerable.Range(0, 3000).Select(_ => RandomHash(random)).ToArray();
        long removedThrough = -1; // ids 1_000_000 + k for k ≤ this are removed for good
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var rnd = new Random(100 + r);
            while (!stop.IsCancellationRequested)
            {
                long removed = Interlocked.Read(ref removedThrough);
                int s = rnd.Next(stable.Length);
                var found = index.Search(stable[s], 31);
                if (!found.Contains(new IndexMatch(s, 0)))
                {
                    failures.Enqueue($"stable entry {s} missing");
                }
                int c = rnd.Next((int)Math.Max(1, removed + 1));
                if (removed >= 0 && index.Search(churn[c], 0).Exists(m => m.Id == 1_000_000 + c))
                {
                    failures.Enqueue($"removed entry {c} returned");
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();

        for (int k = 0; k < churn.Length; k++)
        {
            index.Add(churn[k], 1_000_000 + k);
            if (!index.Search(churn[k], 0).Contains(new IndexMatch(1_000_000 + k, 0)))
            {
                failures.Enqueue($"added entry {k} not found by the next query");
            }
            Assert.True(index.Remove(1_000_000 + k));
            Interlocked.Exchange(ref removedThrough, k);
        }
        stop.Cancel();
        await Task.WhenAll(readers);
        index.WaitForBackgroundMerges();
        Assert.Empty(failures);
        Assert.Equal(stable.Length, index.Count);
    }

    [Fact]
    public void SearchAny_IsTheUnionWithSmallestDistance()
    {
        var random = new Random(9);
        var bank = PlantedBank(random, 5000);
        var pair = BuildPair(bank, Options(Path.Auto));
        foreach (var path in new[] { Path.MultiIndex, Path.Scan })
        {
            var index = PdqRadiusIndex.Build(bank.ToArray(), Enumerable.Range(0, bank.Count).Select(i => (long)i * 3).ToArray(), Options(path));
            var queries = Enumerable.Range(0, 8).Select(i => Flip(bank[random.Next(bank.Count)], 20 + i, random)).ToArray();
            var expected = new List<IndexMatch>();
            ((IPdqMatchIndex)pair.Oracle).SearchAny(queries, 31, expected);
            var byHand = queries.SelectMany(q => pair.Oracle.Search(q, 31)).GroupBy(m => m.Id)
                .Select(g => new IndexMatch(g.Key, g.Min(m => m.Distance))).OrderBy(m => m.Distance).ThenBy(m => m.Id).ToList();
            Assert.Equal(byHand, expected);
            var actual = new List<IndexMatch>();
            index.SearchAny(queries, 31, actual);
            Assert.Equal(expected, actual);
            Assert.NotEmpty(actual);
        }
    }

    [Fact]
    public void SearchBatch_EqualsOneQueryAtATime()
    {
        var random = new Random(13);
        var bank = PlantedBank(random, 5000);
        foreach (var path in new[] { Path.MultiIndex, Path.Scan })
        {
            var pair = BuildPair(bank, Options(path));
            var queries = Queries(bank, 31, random, 40).ToArray();
            var results = new List<IndexMatch>[queries.Length];
            ((PdqRadiusIndex)pair.Index).SearchBatch(queries, 31, results);
            for (int k = 0; k < queries.Length; k++)
            {
                Assert.Equal(pair.Oracle.Search(queries[k], 31), results[k]);
            }
        }
    }

    [Fact]
    public void ReferenceHaystack_NeedlesMatchAsTheOracleSays()
    {
        var dir = System.IO.Path.Combine(AppContext.BaseDirectory, "data", "pdq", "reg-test-input");
        var haystack = ReadHashes(System.IO.Path.Combine(dir, "haystack.txt"));
        var needles = ReadHashes(System.IO.Path.Combine(dir, "needles.txt"));
        Assert.Equal(1350, haystack.Count);
        Assert.Equal(100, needles.Count);
        foreach (var path in new[] { Path.MultiIndex, Path.Scan })
        {
            var pair = BuildPair(haystack, Options(path));
            int matched = 0;
            foreach (var needle in needles)
            {
                pair.Check(needle, 31);
                matched += pair.Index.Search(needle, 31).Count > 0 ? 1 : 0;
            }
            Assert.True(matched > 0, "the reference needles are drawn from the haystack's images");
        }

        static List<Hash256> ReadHashes(string file) =>
            File.ReadLines(file).Where(l => l.Length >= 64).Select(l => Hash256.Parse(l.AsSpan(0, 64))).ToList();
    }

    [Fact]
    public void CreateDefault_IsTheRadiusIndex() => Assert.IsType<PdqRadiusIndex>(PdqMatchIndex.CreateDefault());
}
