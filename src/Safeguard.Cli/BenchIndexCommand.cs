// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard bench index --count N --radius R --queries Q [--clustered]</c>: builds a synthetic
/// bank and measures build time, memory, and query latency on one thread.
/// </summary>
internal static class BenchIndexCommand
{
    /// <summary>Adds <c>index</c> under the shared <c>bench</c> command, creating that if no other area has.</summary>
    public static void AddTo(RootCommand root)
    {
        var bench = root.Subcommands.FirstOrDefault(c => c.Name == "bench");
        if (bench is null)
        {
            bench = new Command("bench", "Measure speed and memory (benchmarks, not tests).");
            root.Subcommands.Add(bench);
        }
        bench.Subcommands.Add(Create());
    }

    private static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Bank size.", DefaultValueFactory = _ => 1_000_000 };
        var radius = new Option<int>("--radius") { Description = "Query radius (0–256).", DefaultValueFactory = _ => 31 };
        var queries = new Option<int>("--queries") { Description = "Number of queries; 10 % are planted near a bank entry.", DefaultValueFactory = _ => 10_000 };
        var clustered = new Option<bool>("--clustered") { Description = "Put 10 % of the bank in families of 50 within distance 20 of their first member." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var buildThreads = new Option<int>("--build-threads") { Description = "Threads that build the tables.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verify = new Option<int>("--verify") { Description = "Check this many queries against a brute-force scan.", DefaultValueFactory = _ => 100 };
        var export = new Option<string?>("--export") { Description = "Directory to write bank.u8, queries.u8 (32 bytes per hash, Word0 first, little-endian) and results.txt (per query: sorted bank positions) for benchmarks/index-vs-faiss.py." };
        var snapshot = new Option<string?>("--snapshot") { Description = "Save the index to this file, load it back and report the load time." };
        var command = new Command("index", "Benchmark the PDQ match index on a synthetic bank.")
        {
            count, radius, queries, clustered, seed, buildThreads, verify, export, snapshot,
        };
        command.SetAction(parse => Run(new Settings(
            parse.GetValue(count), parse.GetValue(radius), parse.GetValue(queries), parse.GetValue(clustered), parse.GetValue(seed),
            parse.GetValue(buildThreads), parse.GetValue(verify), parse.GetValue(export), parse.GetValue(snapshot))));
        return command;
    }

    private sealed record Settings(int Count, int Radius, int Queries, bool Clustered, int Seed, int BuildThreads, int Verify, string? Export, string? Snapshot);

    private static int Run(Settings s)
    {
        if (s.Count < 1 || s.Queries < 1 || s.Radius is < 0 or > 256 || s.BuildThreads < 1 || s.Verify < 0)
        {
            throw new UsageException("--count, --queries and --build-threads must be positive, --verify not negative, and --radius 0 to 256");
        }
        var random = new Random(s.Seed);
        var bank = MakeBank(random, s.Count, s.Clustered);
        var (queries, planted) = MakeQueries(random, bank, s.Queries, s.Radius);
        var ids = new long[bank.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }
        var options = new PdqIndexOptions { ScanThreads = 1, BuildThreads = s.BuildThreads, BackgroundCompaction = false };

        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var index = PdqRadiusIndex.Build(bank, ids, options);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var stats = index.GetStatistics();

        Console.WriteLine($"bank: {s.Count:N0} hashes, {(s.Clustered ? "clustered (10 % in families within distance 20)" : "uniform random")}, seed {s.Seed}");
        Console.WriteLine($"machine: {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}");
        foreach (var seg in stats.Segments)
        {
            Console.WriteLine($"segment: {seg.Entries:N0} entries, {seg.DistinctCodes:N0} distinct, m = {seg.Tables} (pieces {string.Join('/', seg.PieceLengths.Distinct())} bits), largest bucket {seg.MaxBucket}, p99 bucket {seg.P99Bucket}");
        }
        Console.WriteLine($"build: {buildSeconds:F2} s with {s.BuildThreads} thread(s)");
        Console.WriteLine($"memory: {(double)stats.Bytes / s.Count:F1} bytes/hash in index arrays (codes, ids, directories, tables); managed heap grew {(double)(heapAfter - heapBefore) / s.Count:F1} bytes/hash");

        var latencies = new double[queries.Length];
        var results = new List<IndexMatch>[queries.Length];
        long matches = 0;
        int plantedFound = 0;
        MatchCounters.Reset();
        var total = Stopwatch.StartNew();
        for (int k = 0; k < queries.Length; k++)
        {
            var list = new List<IndexMatch>();
            long start = Stopwatch.GetTimestamp();
            index.Search(queries[k], s.Radius, list);
            latencies[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            results[k] = list;
            matches += list.Count;
            if (planted[k] >= 0 && list.Exists(m => m.Id == planted[k]))
            {
                plantedFound++;
            }
        }
        double seconds = total.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine($"queries: {queries.Length:N0} at radius {s.Radius}, one thread: {queries.Length / seconds:N0} queries/s; latency p50 {Percentile(sorted, 0.50):F3} ms, p99 {Percentile(sorted, 0.99):F3} ms, max {sorted[^1]:F3} ms");
        Console.WriteLine($"work per query: {(double)MatchCounters.Probes / queries.Length:N0} probes, {(double)MatchCounters.Candidates / queries.Length:N0} candidates, {(double)MatchCounters.Scanned / queries.Length:N0} codes scanned");
        Console.WriteLine($"matches: {matches:N0} in total; planted near-duplicates found {plantedFound:N0} of {planted.Count(p => p >= 0):N0}");

        bool ok = Verify(index, queries, results, s.Radius, Math.Min(s.Verify, queries.Length));
        if (s.Export is not null)
        {
            Export(s.Export, bank, queries, results);
        }
        if (s.Snapshot is not null)
        {
            clock.Restart();
            index.Save(s.Snapshot);
            double saveSeconds = clock.Elapsed.TotalSeconds;
            index = null!;
            GC.Collect();
            clock.Restart();
            var loaded = PdqRadiusIndex.Load(s.Snapshot, options);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            bool same = Enumerable.Range(0, Math.Min(200, queries.Length)).All(k => loaded.Search(queries[k], s.Radius).SequenceEqual(results[k]));
            Console.WriteLine($"snapshot: {new FileInfo(s.Snapshot).Length / 1e6:N0} MB, save {saveSeconds:F2} s, load {loadSeconds:F2} s, answers after load {(same ? "identical" : "DIFFERENT")}");
            ok &= same;
        }
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB");
        return ok ? CliApp.ExitOk : CliApp.ExitSomeFailed;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static bool Verify(PdqRadiusIndex index, Hash256[] queries, List<IndexMatch>[] results, int radius, int count)
    {
        if (count == 0)
        {
            return true;
        }
        var stats = index.GetStatistics();
        int bad = 0;
        var full = new List<IndexMatch>();
        for (int k = 0; k < count; k++)
        {
            full.Clear();
            index.SearchByScan(queries[k], radius, full);
            if (!full.SequenceEqual(results[k]))
            {
                bad++;
            }
        }
        Console.WriteLine($"verify: {count - bad} of {count} queries identical to a full scan ({stats.Count:N0} entries)");
        return bad == 0;
    }

    private static Hash256[] MakeBank(Random random, int count, bool clustered)
    {
        var bank = new Hash256[count];
        const int FamilySize = 50;
        int inFamilies = clustered ? count / 10 : 0;
        int i = 0;
        while (i < inFamilies)
        {
            var root = RandomHash(random);
            bank[i++] = root;
            for (int f = 1; f < FamilySize && i < inFamilies; f++)
            {
                bank[i++] = Flip(root, random.Next(21), random);
            }
        }
        for (; i < count; i++)
        {
            bank[i] = RandomHash(random);
        }
        random.Shuffle(bank);
        return bank;
    }

    /// <summary>10 % planted within the radius of a bank entry (its position returned), the rest random.</summary>
    private static (Hash256[] Queries, long[] Planted) MakeQueries(Random random, Hash256[] bank, int count, int radius)
    {
        var queries = new Hash256[count];
        var planted = new long[count];
        for (int k = 0; k < count; k++)
        {
            if (k % 10 == 0)
            {
                int target = random.Next(bank.Length);
                queries[k] = Flip(bank[target], random.Next(radius + 1), random);
                planted[k] = target;
            }
            else
            {
                queries[k] = RandomHash(random);
                planted[k] = -1;
            }
        }
        return (queries, planted);
    }

    private static Hash256 RandomHash(Random random)
    {
        Span<ulong> w = stackalloc ulong[4];
        random.NextBytes(MemoryMarshal.AsBytes(w));
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    private static Hash256 Flip(Hash256 hash, int bits, Random random)
    {
        Span<ulong> w = [hash.Word0, hash.Word1, hash.Word2, hash.Word3];
        int flipped = 0;
        while (flipped < bits)
        {
            int k = random.Next(256);
            ulong mask = 1UL << (k & 63);
            if ((w[k >> 6] & mask) == (hash.GetBit(k) ? mask : 0))
            {
                w[k >> 6] ^= mask;
                flipped++;
            }
        }
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    private static void Export(string directory, Hash256[] bank, Hash256[] queries, List<IndexMatch>[] results)
    {
        Directory.CreateDirectory(directory);
        WriteCodes(Path.Combine(directory, "bank.u8"), bank);
        WriteCodes(Path.Combine(directory, "queries.u8"), queries);
        using var text = new StreamWriter(Path.Combine(directory, "results.txt"));
        foreach (var list in results)
        {
            text.Write(string.Join(' ', list.Select(m => m.Id).Order().Select(id => id.ToString(CultureInfo.InvariantCulture))));
            text.Write('\n');
        }
        Console.WriteLine($"exported bank, queries and results to {directory}");

        static void WriteCodes(string path, Hash256[] hashes)
        {
            var words = new ulong[hashes.Length * 4];
            for (int i = 0; i < hashes.Length; i++)
            {
                words[i * 4] = hashes[i].Word0;
                words[(i * 4) + 1] = hashes[i].Word1;
                words[(i * 4) + 2] = hashes[i].Word2;
                words[(i * 4) + 3] = hashes[i].Word3;
            }
            File.WriteAllBytes(path, MemoryMarshal.AsBytes(words.AsSpan()).ToArray());
        }
    }
}
