// SPDX-License-Identifier: Apache-2.0
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>The worked examples of specs/url-lists.md §3 (the spec's test oracle).</summary>
public class UrlListSpecTests
{
    private static readonly TextListSnapshot s_lists = BuildSpecLists();

    internal static TextListSnapshot BuildSpecLists()
    {
        var builder = new TextListBuilder()
            .AddList(new TextListInfo("A", "iwf-url", "v1"))
            .AddList(new TextListInfo("B", "platform", "v1", new UrlListOptions(UrlQueryMode.Ignore, UrlPathCase.Fold)));
        builder.AddUrl("A", "A1", "http://example.com/gallery/photo1.jpg")
            .AddUrl("A", "A2", "http://www.example.org/Forum/thread?id=42")
            .AddUrl("A", "A3", "https://bücher.example/Regal/3")
            .AddUrl("A", "A4", "http://example.com/a/b/")
            .AddUrl("A", "A5", "http://example.com:8080/x")
            .AddDomain("A", "A6", "files.test.invalid")
            .AddUrl("A", "A7", "http://example.com/p%2fq")
            .AddUrl("B", "B1", "http://example.net/viewer/Item.php");
        return builder.Build();
    }

    // Columns: input, normalised URL (null = not normalisable), entries that match (comma separated).
    public static TheoryData<int, string, string?, string> Table3_2 => new()
    {
        { 1, "http://example.com/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 2, "HTTP://EXAMPLE.COM/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 3, "https://example.com/gallery/photo1.jpg", "https://example.com/gallery/photo1.jpg", "A1" },
        { 4, "http://www.example.com/gallery/photo1.jpg", "http://www.example.com/gallery/photo1.jpg", "A1" },
        { 5, "http://example.com:80/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 6, "https://example.com:443/gallery/photo1.jpg", "https://example.com/gallery/photo1.jpg", "A1" },
        { 7, "http://example.com/gallery/photo1.jpg#top", "http://example.com/gallery/photo1.jpg", "A1" },
        { 8, "http://example.com//gallery///photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 9, "http://example.com/%67allery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 10, "http://example.com/gallery/./photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 11, "http://example.com/x/../gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 12, "http://user:pw@example.com/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 13, "http://example.com.:80/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 14, "http://example.com\\gallery\\photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 15, "example.com/gallery/photo1.jpg", "http://example.com/gallery/photo1.jpg", "A1" },
        { 16, "http://example.com/Gallery/photo1.jpg", "http://example.com/Gallery/photo1.jpg", "" },
        { 17, "http://example.com/gallery/photo1.jpg?size=large", "http://example.com/gallery/photo1.jpg?size=large", "" },
        { 18, "http://example.com/gallery/photo1.jpg/", "http://example.com/gallery/photo1.jpg/", "" },
        { 19, "http://example.org/Forum/thread?id=42", "http://example.org/Forum/thread?id=42", "A2" },
        { 20, "https://WWW.EXAMPLE.ORG/Forum/thread?id=42#reply", "https://www.example.org/Forum/thread?id=42", "A2" },
        { 21, "http://www.example.org/Forum/thread?id=%34%32", "http://www.example.org/Forum/thread?id=42", "A2" },
        { 22, "http://www.example.org/Forum/thread?ID=42", "http://www.example.org/Forum/thread?ID=42", "" },
        { 23, "http://www.example.org/Forum/thread?id=42&x=1", "http://www.example.org/Forum/thread?id=42&x=1", "" },
        { 24, "https://bücher.example/Regal/3", "https://xn--bcher-kva.example/Regal/3", "A3" },
        { 25, "http://BÜCHER.example/Regal/3", "http://xn--bcher-kva.example/Regal/3", "A3" },
        { 26, "http://xn--bcher-kva.example/Regal/3", "http://xn--bcher-kva.example/Regal/3", "A3" },
        { 27, "https://www.bücher.example/Regal/3", "https://www.xn--bcher-kva.example/Regal/3", "A3" },
        { 28, "http://example.com/a/b", "http://example.com/a/b", "" },
        { 29, "http://example.com/a/b/", "http://example.com/a/b/", "A4" },
        { 30, "http://example.com:8080/x", "http://example.com:8080/x", "A5" },
        { 31, "http://example.com/x", "http://example.com/x", "" },
        { 32, "http://files.test.invalid/anything.html", "http://files.test.invalid/anything.html", "A6" },
        { 33, "https://cdn.files.test.invalid/img/1.png", "https://cdn.files.test.invalid/img/1.png", "A6" },
        { 34, "http://WWW.Files.Test.Invalid", "http://www.files.test.invalid/", "A6" },
        { 35, "http://otherfiles.test.invalid/", "http://otherfiles.test.invalid/", "" },
        { 36, "http://files.test.invalid.example.com/", "http://files.test.invalid.example.com/", "" },
        { 37, "http://example.com/p%2fq", "http://example.com/p%2Fq", "A7" },
        { 38, "http://example.com/p/q", "http://example.com/p/q", "" },
        { 39, "http://example.net/viewer/item.php?id=9", "http://example.net/viewer/item.php?id=9", "B1" },
        { 40, "http://example.net/viewer/ITEM.PHP", "http://example.net/viewer/ITEM.PHP", "B1" },
        { 41, "http://example.net/viewer/other.php", "http://example.net/viewer/other.php", "" },
        { 42, "http://example.com/café", "http://example.com/caf%C3%A9", "" },
        { 43, "http://example.com/caf%c3%a9", "http://example.com/caf%C3%A9", "" },
        { 44, "http://3221225985/x", "http://192.0.2.1/x", "" },
        { 45, "ftp://example.com/gallery/photo1.jpg", null, "" },
        { 46, "http://example.com/a//../c", "http://example.com/a/c", "" },
    };

    [Theory]
    [MemberData(nameof(Table3_2))]
    public void Normalize_SpecTable3_2_GivesNormalisedUrl(int row, string input, string? expected, string matches)
    {
        _ = row;
        _ = matches;
        bool ok = UrlNormalizer.TryNormalize(input, out var url, out string? error);
        if (expected is null)
        {
            Assert.False(ok);
            Assert.Contains("ftp", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(ok, error);
            Assert.Equal(expected, url!.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Table3_2))]
    public void MatchUrl_SpecTable3_2_MatchesTheListedEntries(int row, string input, string? expected, string matches)
    {
        _ = row;
        if (expected is null)
        {
            return; // not normalisable: nothing to match (asserted by the normalisation test)
        }
        Assert.True(UrlNormalizer.TryNormalize(input, out var url, out _));
        var ids = s_lists.MatchUrl(url!).Select(m => m.Entry.EntryId).Order(StringComparer.Ordinal);
        Assert.Equal(matches, string.Join(',', ids));
    }

    [Theory]
    [InlineData("http://example.com/gallery/photo1.jpg", UrlMatchRule.Exact)]
    [InlineData("https://www.example.com/gallery/photo1.jpg", UrlMatchRule.ExactAfterEquivalence)]
    [InlineData("https://cdn.files.test.invalid/", UrlMatchRule.Domain)]
    public void MatchUrl_ReportsTheRuleThatFired(string input, UrlMatchRule rule)
    {
        Assert.True(UrlNormalizer.TryNormalize(input, out var url, out _));
        Assert.Equal(rule, Assert.Single(s_lists.MatchUrl(url!)).Rule);
    }

    // specs/url-lists.md §3.3: SHA-256 of the UTF-8 key.
    [Theory]
    [InlineData("http://example.com/gallery/photo1.jpg", "A", "example.com/gallery/photo1.jpg", "ad31e4ba22df5a2268f37465fc72102b8991aec18c380432e1102381171c944e")]
    [InlineData("http://www.example.org/Forum/thread?id=42", "A", "example.org/Forum/thread?id=42", "49c7c24ca48ccd8c3ca22322c6902b18666ea02c9c854dedf893c7c01d52e12a")]
    [InlineData("https://bücher.example/Regal/3", "A", "xn--bcher-kva.example/Regal/3", "3b65398e92ed57fa21b89f8afd9ca6cacdb3f998713fe83dc6893b0e3f3d3e00")]
    [InlineData("http://example.com/a/b/", "A", "example.com/a/b/", "33bcfb8e4da8342895a9acc5cbe00d12511b5532a1610cef5e3fc735b7aeca8f")]
    [InlineData("http://example.com:8080/x", "A", "example.com:8080/x", "a4e53490b7b9e816522ff04c156c3e4f75dd256c8dac6d8ff1472814ff6bba7f")]
    [InlineData("http://example.com/p%2fq", "A", "example.com/p%2Fq", "0811e07a4d4e9cbe31276fe84565c2fffe861d4162cfdf766fc5b0ffdd29a378")]
    [InlineData("http://example.net/viewer/Item.php", "B", "example.net/viewer/item.php", "3226f1d2a6597097e41d807feab8268e7c700f351282b715b5ef69356ea0e9a6")]
    public void MatchKey_SpecTable3_3_KeyAndDigest(string supplied, string list, string key, string digest)
    {
        var options = list == "B" ? new UrlListOptions(UrlQueryMode.Ignore, UrlPathCase.Fold) : UrlListOptions.Default;
        Assert.True(UrlNormalizer.TryNormalize(supplied, out var url, out _));
        Assert.Equal(key, url!.MatchKey(options));
        Assert.Equal(digest, TextListBuilder.DigestOf(key));
    }

    [Fact]
    public void DomainDigest_SpecTable3_3()
    {
        Assert.True(UrlNormalizer.TryNormalizeDomain("files.test.invalid", out string? key, out _));
        Assert.Equal("9738b6c0717d40212320c95f9dd624828fb7883c9eed2c0299423359071bfaba", TextListBuilder.DigestOf(key!));
    }

    [Fact]
    public void HashedLists_MatchLikePlaintextLists()
    {
        // The same lists stored only as the §3.3 digests: every row of §3.2 must give the same entries.
        var builder = new TextListBuilder()
            .AddList(new TextListInfo("A", "iwf-url", "v1"))
            .AddList(new TextListInfo("B", "platform", "v1", new UrlListOptions(UrlQueryMode.Ignore, UrlPathCase.Fold)));
        builder.AddUrlDigest("A", "A1", "ad31e4ba22df5a2268f37465fc72102b8991aec18c380432e1102381171c944e")
            .AddUrlDigest("A", "A2", "49c7c24ca48ccd8c3ca22322c6902b18666ea02c9c854dedf893c7c01d52e12a")
            .AddUrlDigest("A", "A3", "3b65398e92ed57fa21b89f8afd9ca6cacdb3f998713fe83dc6893b0e3f3d3e00")
            .AddUrlDigest("A", "A4", "33bcfb8e4da8342895a9acc5cbe00d12511b5532a1610cef5e3fc735b7aeca8f")
            .AddUrlDigest("A", "A5", "a4e53490b7b9e816522ff04c156c3e4f75dd256c8dac6d8ff1472814ff6bba7f")
            .AddUrlDigest("A", "A7", "0811e07a4d4e9cbe31276fe84565c2fffe861d4162cfdf766fc5b0ffdd29a378")
            .AddUrlDigest("B", "B1", "3226f1d2a6597097e41d807feab8268e7c700f351282b715b5ef69356ea0e9a6");
        Assert.True(builder.TryAddDomainDigest("A", "A6", "9738b6c0717d40212320c95f9dd624828fb7883c9eed2c0299423359071bfaba", out _));
        var hashed = builder.Build();
        foreach (var row in Table3_2)
        {
            var (_, input, expected, matches) = row.Data;
            if (expected is null)
            {
                continue;
            }
            Assert.True(UrlNormalizer.TryNormalize(input, out var url, out _));
            var ids = hashed.MatchUrl(url!).Select(m => m.Entry.EntryId).Order(StringComparer.Ordinal);
            Assert.Equal(matches, string.Join(',', ids));
        }
    }

    [Theory]
    [InlineData("com", "two labels")]
    [InlineData("example.com/path", "host name only")]
    [InlineData("ftp://example.com", "not http")]
    public void AddDomain_BadEntry_IsRefusedWithReason(string host, string reason)
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("A", "platform", "v1"));
        Assert.False(builder.TryAddDomain("A", "1", host, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
