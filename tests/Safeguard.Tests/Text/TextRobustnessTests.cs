// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>
/// Hostile input never crashes or hangs, and work stays linear. Inputs are large enough that a
/// quadratic pass would run for many minutes; the timeouts only guard against a hang and are far
/// above the linear running time (no speed is asserted here: see the benchmarks).
/// </summary>
public class TextRobustnessTests
{
    private static readonly TextListSnapshot s_lists = BuildLists();

    private static TextListSnapshot BuildLists()
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("l", "test", "v1"));
        builder.AddKeyword("l", "k1", "bluecanary").AddKeyword("l", "k2", "silver kite")
            .AddKeyword("l", "k3", "pinecone", new KeywordEntryOptions(Substring: true))
            .AddUrl("l", "u1", "http://example.com/gallery/photo1.jpg").AddDomain("l", "d1", "files.example.org");
        return builder.Build();
    }

    public static TheoryData<string, string> Hostile()
    {
        var data = new TheoryData<string, string>
        {
            { "thousands of dots", "http://" + string.Concat(Enumerable.Repeat("a.", 50_000)) + "com/" },
            { "bare dots", string.Concat(Enumerable.Repeat("a.", 200_000)) + "com" },
            { "only dots", new string('.', 500_000) },
            { "malformed IPv6", "http://[" + string.Concat(Enumerable.Repeat("1:", 50_000)) + "/x http://[::1 http://[zz::]/ http://[::1]:99999/" },
            { "percent garbage", "http://example.com/" + string.Concat(Enumerable.Repeat("%zz%4%%C3%", 30_000)) },
            { "100 kB URL", "https://example.com/" + new string('a', 100_000) + "?" + new string('b', 5_000) },
            { "dot segments", "http://example.com/" + string.Concat(Enumerable.Repeat("../a/./", 40_000)) },
            { "slashes", "http://example.com" + new string('/', 300_000) + "x" },
            { "spaced letters", string.Concat(Enumerable.Repeat("a . ", 200_000)) },
            { "dot words", string.Concat(Enumerable.Repeat("x dot ", 200_000)) + "com" },
            { "bracket dots", string.Concat(Enumerable.Repeat("a[.]", 200_000)) + "com" },
            { "disguised schemes", string.Concat(Enumerable.Repeat("hxxp[:]//", 100_000)) },
            { "single letters", string.Concat(Enumerable.Repeat("b ", 500_000)) },
            { "combining marks", "a" + new string('\u0301', 200_000) + string.Concat(Enumerable.Repeat("e\u0323\u0301", 50_000)) },
            { "one long token", new string('z', 1_000_000) },
            { "leet soup", string.Concat(Enumerable.Repeat("$!|+@", 200_000)) },
            { "lone surrogates", string.Concat(Enumerable.Repeat("\uD800a\uDC00", 100_000)) },
            { "invisible only", string.Concat(Enumerable.Repeat("\u200B\u00AD\uFEFF", 100_000)) },
            { "fullwidth URL soup", string.Concat(Enumerable.Repeat("ｅｘａｍｐｌｅ．ｃｏｍ／", 50_000)) },
            { "long host label", "http://" + new string('a', 100_000) + ".com/" },
        };
        return data;
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Hostile))]
    public async Task Scan_HostileInput_Returns(string name, string text)
    {
        _ = name;
        var result = await Task.Run(() => s_lists.Scan(text, new TextScanOptions { AllowReservedTestDomains = true }), TestContext.Current.CancellationToken);
        Assert.NotNull(result.Hits);
        Assert.All(result.Hits, h => Assert.InRange(h.Start, 0, h.End));
        Assert.All(result.Hits, h => Assert.InRange(h.End, h.Start, text.Length));
        Assert.All(result.Urls, u => Assert.InRange(u.End, u.Start, text.Length));
    }

    [Fact(Timeout = 120_000)]
    public async Task Scan_TenMegabyteSingleLine_FindsHitsAtBothEnds()
    {
        var sb = new StringBuilder(10_500_000);
        sb.Append("bluecanary ");
        var filler = "some ordinary words, a number 42 and a link example.net/page then more text ";
        while (sb.Length < 10_000_000)
        {
            sb.Append(filler);
        }
        sb.Append("http://www.example.com/gallery/photo1.jpg s-i-l-v-e-r-k-i-t-e");
        string text = sb.ToString();
        var result = await Task.Run(() => s_lists.Scan(text), TestContext.Current.CancellationToken);
        Assert.Contains(result.Hits, h => h.Entry.EntryId == "k1" && h.Start == 0);
        Assert.Contains(result.Hits, h => h.Entry.EntryId == "u1" && h.End == text.Length - 20);
        Assert.Contains(result.Hits, h => h.Entry.EntryId == "k2" && h.End == text.Length);
        Assert.True(result.Urls.Count > 100_000); // every example.net link was found, across block boundaries
    }

    [Theory]
    [InlineData("http://[::1")]
    [InlineData("http://[1:2:3:4:5:6:7:8:9]/")]
    [InlineData("http://[:::]/")]
    [InlineData("http://exa mple.com/")]
    [InlineData("http://example..com/")]
    [InlineData("http://example.com:70000/")]
    [InlineData("http://example.com:8o/")]
    [InlineData("http://.")]
    [InlineData("http://")]
    [InlineData("   ")]
    [InlineData("http://xn--/")]
    public void Normalize_Malformed_IsRefusedWithAReason(string input)
    {
        Assert.False(UrlNormalizer.TryNormalize(input, out _, out string? error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task Holder_SwapDuringScans_NeverBlocksOrMixesSnapshots()
    {
        var first = new TextListBuilder().AddList(new TextListInfo("l", "test", "v1")).AddKeyword("l", "a", "bluecanary").Build();
        var second = new TextListBuilder().AddList(new TextListInfo("l", "test", "v2")).AddKeyword("l", "b", "silverkite").Build();
        var holder = new TextListHolder(first);
        const string text = "bluecanary and silverkite";
        using var stop = new CancellationTokenSource();
        var scans = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int count = 0;
            while (!stop.IsCancellationRequested || count == 0)
            {
                var result = holder.Scan(text);
                var hit = Assert.Single(result.Hits);
                // One snapshot per scan: the hit's list version matches the snapshot that produced it.
                Assert.Equal(result.SnapshotVersion == first.Version ? "a" : "b", hit.Entry.EntryId);
                count++;
            }
            return count;
        })).ToArray();
        for (int i = 0; i < 200; i++)
        {
            holder.Swap(i % 2 == 0 ? second : first);
        }
        stop.Cancel();
        int[] counts = await Task.WhenAll(scans);
        Assert.All(counts, c => Assert.True(c > 0));
    }
}
