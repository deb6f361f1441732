// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>
/// Long texts are scanned in blocks. A URL or keyword across a cut must be found exactly as in one
/// block: these tests use small blocks so that cuts fall everywhere, and compare with a scan in one
/// block (the oracle), plus one real-size case at the 1 M-char cut.
/// </summary>
public class TextBlockBoundaryTests
{
    private static readonly TextScanOptions s_test = new() { AllowReservedTestDomains = true };

    private static readonly TextListSnapshot s_lists = new TextListBuilder()
        .AddList(new TextListInfo("l", "test", "v1"))
        .AddKeyword("l", "k1", "bluecanary")
        .AddKeyword("l", "k2", "silver kite")
        .AddKeyword("l", "k3", "pinecone", new KeywordEntryOptions(Substring: true))
        .AddKeyword("l", "k4", "owl")
        .AddUrl("l", "u1", "http://example.com/gallery/photo1.jpg")
        .AddUrl("l", "u2", "http://site7.example.org/a?b=1")
        .AddDomain("l", "d1", "files.example.net")
        .Build();

    private static readonly string[] s_pieces =
    [
        " ", " ", " ", "\n", ". ", ", ", "! ", ":", "/", "-", "_", "(", ")",
        "the", "walked", "a", "b", "x", "h", "42", "gr8", "café", "привет", "e\u0301", "\u200B", "🙂",
        "blue", "canary", "bluecanary", "b l u e c a n a r y", "blu3c4n4ry", "silver", "kite", "s-i-l-v-e-r-k-i-t-e", "$ilver", "p1necones", "owl", "0wl",
        "http://example.com/gallery/photo1.jpg", "hxxp://example[.]com/gallery/photo1.jpg", "EXAMPLE.COM/gallery/photo1.jpg",
        "h t t p : / / e x a m p l e . c o m / g a l l e r y / p h o t o 1 . j p g", "example dot com", "example . org / x",
        "site7.example.org/a?b=1", "http://site7.example.org/a?b=1#top", "files.example.net", "cdn.files.example.net/x.png",
        "www.example.test/page", "mail@example.com", "a.b", "3.14",
    ];

    private static string Render(TextScanResult result)
    {
        var sb = new StringBuilder();
        foreach (var h in result.Hits)
        {
            sb.Append($"{h.Kind} {h.Entry.EntryId} {h.Start}-{h.End} {h.Keyword?.View} {h.Keyword?.Candidate} {h.Url?.Url} {h.Url?.Obfuscation}\n");
        }
        foreach (var u in result.Urls)
        {
            sb.Append($"url {u.Start}-{u.End} {u.Url} {u.Obfuscation} {u.IsShortener}\n");
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(64)]
    [InlineData(150)]
    public void Scan_SmallBlocks_FindsExactlyWhatOneBlockFinds(int blockSize)
    {
        var rng = new Random(blockSize);
        int compared = 0;
        for (int i = 0; i < 150; i++)
        {
            var sb = new StringBuilder();
            int length = rng.Next(50, 1500);
            while (sb.Length < length)
            {
                // Spaces between pieces keep every URL and spaced-out run well under the overlap.
                sb.Append(s_pieces[rng.Next(s_pieces.Length)]).Append(' ');
            }
            string text = sb.ToString();
            var whole = s_lists.Scan(text, s_test, blockSize: int.MaxValue, urlOverlap: 0);
            var blocks = s_lists.Scan(text, s_test, blockSize, urlOverlap: 200);
            Assert.Equal(Render(whole), Render(blocks));
            compared += whole.Hits.Count + whole.Urls.Count;
        }
        Assert.True(compared > 1000, $"only {compared} hits and URLs compared");
    }

    [Fact]
    public void Scan_SpacedUrlAndKeywordAcrossTheMillionCharCut_AreFoundWhole()
    {
        // The filler has no newline, so the block is cut at the last space before 1 M chars:
        // inside the spaced-out URL that straddles that point.
        const string url = "h t t p : / / e x a m p l e . c o m / g a l l e r y / p h o t o 1 . j p g";
        const string keyword = " then s i l v e r k i t e ";
        var sb = new StringBuilder(TextListSnapshot.BlockSize + 200);
        while (sb.Length < TextListSnapshot.BlockSize - 40)
        {
            sb.Append("some words ");
        }
        int urlStart = sb.Length;
        sb.Append(url).Append(keyword).Append("and more words after the cut");
        string text = sb.ToString();
        Assert.InRange(TextListSnapshot.BlockSize, urlStart, urlStart + url.Length);

        var result = s_lists.Scan(text);

        var hit = Assert.Single(result.Hits, h => h.Entry.EntryId == "u1");
        Assert.Equal((urlStart, urlStart + url.Length), (hit.Start, hit.End));
        Assert.Single(result.Urls);
        Assert.Contains(result.Hits, h => h.Entry.EntryId == "k2" && h.Start == urlStart + url.Length + 6);
    }

    [Theory]
    [InlineData("hx*p://example.com/gallery/photo1.jpg")]
    [InlineData("h*xp://example.com/gallery/photo1.jpg")]
    public void Scan_EveryDisguisedSchemeSpelling_IsUndoneOnItsOwn(string text)
    {
        // Every x/*/t combination is undone, also when nothing else in the text needs rewriting.
        var url = Assert.Single(s_lists.Scan(text).Urls);
        Assert.Equal("http://example.com/gallery/photo1.jpg", url.Url.ToString());
        Assert.Equal(UrlObfuscation.SchemeDisguised, url.Obfuscation);
    }

    [Fact]
    public void ViewsOfBase_AsciiShortcut_EqualsTheGeneralPipeline()
    {
        var rng = new Random(99);
        for (int i = 0; i < 2000; i++)
        {
            var chars = new char[rng.Next(1, 12)];
            for (int k = 0; k < chars.Length; k++)
            {
                chars[k] = (char)rng.Next(0, 128);
            }
            string v1 = new(chars);
            string skeleton = KeywordNormalizer.Skeleton(v1);
            string leet = KeywordNormalizer.Leet(skeleton);
            Assert.Equal(new KeywordViews(v1, skeleton, leet, KeywordNormalizer.Collapse(leet)), KeywordNormalizer.ViewsOfBase(v1));
        }
    }
}
