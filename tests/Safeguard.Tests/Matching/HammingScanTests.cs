// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;
using static Safeguard.Tests.Matching.IndexTestBanks;

namespace Safeguard.Tests.Matching;

public class HammingScanTests
{
    private struct Collect : HammingScan.IHitSink
    {
        public List<(int Index, int Distance)> Hits;

        public readonly void Hit(int index, int distance) => Hits.Add((index, distance));
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    public void EveryKernel_ReportsExactlyTheCodesWithinRadius(string kernelName)
    {
        var kernel = Enum.Parse<ScanKernel>(kernelName);
        var random = new Random(17);
        var query = RandomHash(random);
        // Distances 0..256 in turn, and a count that is not a multiple of the 4-code step.
        var bank = Enumerable.Range(0, 1031).Select(i => i % 7 == 0 ? (i % 2 == 0 ? Hash256.Zero : AllOnes) : Flip(query, i % 257, random)).ToArray();
        var codes = bank.SelectMany(h => new[] { h.Word0, h.Word1, h.Word2, h.Word3 }).ToArray();
        var q = new QueryWords(query);
        foreach (int radius in new[] { 0, 1, 31, 32, 64, 127, 128, 255, 256 })
        {
            var sink = new Collect { Hits = [] };
            HammingScan.Scan(codes, q, radius, ref sink, kernel);
            // Independent distance: bit by bit.
            var expected = bank.Select((h, i) => (i, Enumerable.Range(0, 256).Count(k => h.GetBit(k) != query.GetBit(k))))
                .Where(x => x.Item2 <= radius).ToList();
            Assert.Equal(expected, sink.Hits);
        }
    }

    [Fact]
    public void Resolve_FallsBackToWhatTheCpuHas()
    {
        Assert.Equal(ScanKernel.Scalar, HammingScan.Resolve(ScanKernel.Scalar));
        var auto = HammingScan.Resolve(ScanKernel.Auto);
        Assert.NotEqual(ScanKernel.Auto, auto);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, HammingScan.Resolve(ScanKernel.Vector256) == ScanKernel.Vector256);
    }
}
