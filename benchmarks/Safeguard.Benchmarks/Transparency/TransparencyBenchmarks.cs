// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Benchmarks.Transparency;

/// <summary>
/// Computing a quarter's report from a whole record log (verification included), and verifying the chain alone.
/// Sizes are records in the synthetic history of <see cref="SampleHistory"/> (about 3.4 records per item).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TransparencyBenchmarks
{
    private static readonly ReportPeriod Q2 = new(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
    private List<ChainEntry> _entries = [];

    [Params(3_000, 30_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ChainEntry? prev = null;
        _entries = [];
        foreach (var r in SampleHistory.Generate(1, Items))
        {
            prev = HashChain.Append(prev, r.OccurredAt, r.Kind, RecordCodec.Serialize(r));
            _entries.Add(prev);
        }
    }

    [Benchmark]
    public int ComputeReport() => TransparencyEngine.Compute(_entries, Q2).Figures.Count;

    [Benchmark]
    public bool VerifyChain() => HashChain.Verify(_entries).IsValid;
}
