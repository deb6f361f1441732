// SPDX-License-Identifier: Apache-2.0
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>URL extraction from free text (specs/url-lists.md B.8), expected values written by hand.</summary>
public class UrlExtractionTests
{
    private static readonly TextScanOptions s_test = new() { AllowReservedTestDomains = true };

    private static IReadOnlyList<ExtractedUrl> Extract(string text, bool testDomains = true) =>
        TextListSnapshot.Empty.Scan(text, testDomains ? s_test : TextScanOptions.Default).Urls;

    // B.8 table: text as written (inside a sentence), the candidate's normalised URL, and what was undone.
    public static TheoryData<string, string, UrlObfuscation> TableB8 => new()
    {
        { "hxxp://example[.]com/gallery", "http://example.com/gallery", UrlObfuscation.SchemeDisguised | UrlObfuscation.BracketedSeparator },
        { "hXXp://example.com/gallery", "http://example.com/gallery", UrlObfuscation.SchemeDisguised },
        { "h**p://example.com/gallery", "http://example.com/gallery", UrlObfuscation.SchemeDisguised },
        { "hxxps[:]//example(.)org/page", "https://example.org/page", UrlObfuscation.SchemeDisguised | UrlObfuscation.BracketedSeparator },
        { "example{.}com", "http://example.com/", UrlObfuscation.BracketedSeparator },
        { "example[dot]com", "http://example.com/", UrlObfuscation.BracketedSeparator },
        { "example(dot)com", "http://example.com/", UrlObfuscation.BracketedSeparator },
        { "example dot com", "http://example.com/", UrlObfuscation.WordSeparator },
        { "example DOT org", "http://example.org/", UrlObfuscation.WordSeparator },
        { "www . example . org / page", "http://www.example.org/page", UrlObfuscation.Spaced },
        { "e x a m p l e . c o m", "http://example.com/", UrlObfuscation.Spaced },
        { "h t t p : / / example.com", "http://example.com/", UrlObfuscation.Spaced },
        { "exa\u200Bmple.com", "http://example.com/", UrlObfuscation.Invisible },
        { "ｅｘａｍｐｌｅ．ｃｏｍ", "http://example.com/", UrlObfuscation.CompatibilityForms },
        { "example\u3002com", "http://example.com/", UrlObfuscation.CompatibilityForms },
        { "example\uFF61com", "http://example.com/", UrlObfuscation.CompatibilityForms },
        { "example[.]com[/]gallery", "http://example.com/gallery", UrlObfuscation.BracketedSeparator },
        { "bücher[.]example", "http://xn--bcher-kva.example/", UrlObfuscation.BracketedSeparator },
    };

    [Theory]
    [MemberData(nameof(TableB8))]
    public void Extract_SpecTableB8_UndoesTheDisguise(string written, string normalized, UrlObfuscation undone)
    {
        string text = "see " + written + " now";
        var url = Assert.Single(Extract(text));
        Assert.Equal(normalized, url.Url.ToString());
        Assert.True(url.IsObfuscated);
        Assert.Equal(undone, url.Obfuscation & undone);
        // The span is the URL as written in the original text.
        Assert.Equal(written, url.Text);
        Assert.Equal(4, url.Start);
        Assert.Equal(4 + written.Length, url.End);
    }

    [Theory]
    [InlineData("visit https://example.com/a?b=c. Then", "https://example.com/a?b=c", "https://example.com/a?b=c")]
    [InlineData("(see http://example.org/x)", "http://example.org/x", "http://example.org/x")]
    [InlineData("link: http://example.org/wiki/A_(b) ok", "http://example.org/wiki/A_(b)", "http://example.org/wiki/A_(b)")]
    [InlineData("go to example.com, then", "example.com", "http://example.com/")]
    [InlineData("at www.example.org/page?x=1!", "www.example.org/page?x=1", "http://www.example.org/page?x=1")]
    [InlineData("port example.com:8080/x here", "example.com:8080/x", "http://example.com:8080/x")]
    [InlineData("HTTPS://EXAMPLE.COM/Path", "HTTPS://EXAMPLE.COM/Path", "https://example.com/Path")]
    [InlineData("sub.domain.example.net.", "sub.domain.example.net", "http://sub.domain.example.net/")]
    public void Extract_PlainUrls_SpanAndNormalisedForm(string text, string span, string normalized)
    {
        var url = Assert.Single(Extract(text, testDomains: false));
        Assert.Equal(span, url.Text);
        Assert.Equal(normalized, url.Url.ToString());
        Assert.False(url.IsObfuscated);
    }

    [Theory]
    [InlineData("open file.txt now")]
    [InlineData("version 2.0 released")]
    [InlineData("mail me at someone@example.com please")]
    [InlineData("example,com is not a host")]
    [InlineData("end of sentence.Then one")] // "then" is not a TLD (".next" is, so "sentence.Next" would be a candidate)
    [InlineData("files.test.invalid without the test switch")]
    [InlineData("ftp://example.com/file")]
    [InlineData("javascript:alert(1)")]
    public void Extract_NotUrls_AreIgnored(string text) => Assert.Empty(Extract(text, testDomains: false));

    [Fact]
    public void Extract_ReservedTestNames_NeedTheSwitch()
    {
        Assert.Empty(Extract("files.test.invalid", testDomains: false));
        Assert.Single(Extract("files.test.invalid", testDomains: true));
        Assert.Single(Extract("http://files.test.invalid/x", testDomains: false)); // a scheme needs no TLD check
    }

    [Theory]
    [InlineData("short: https://bit.ly/abc123", true)]
    [InlineData("short: t.co/xyz", true)]
    [InlineData("short: www.tinyurl.com/x", true)]
    [InlineData("long: https://example.com/bit.ly", false)]
    public void Extract_ShortenerHosts_AreReported(string text, bool shortener) =>
        Assert.Equal(shortener, Assert.Single(Extract(text, testDomains: false)).IsShortener);

    [Fact]
    public void Extract_SeveralUrls_AllFoundInOrder()
    {
        var urls = Extract("a http://example.com/1 b example.org c hxxp://example[.]net/3", testDomains: false);
        Assert.Equal(["http://example.com/1", "http://example.org/", "http://example.net/3"], urls.Select(u => u.Url.ToString()));
    }

    [Fact]
    public void Scan_ObfuscatedListedUrl_IsAHitWithTheOriginalSpan()
    {
        var lists = UrlListSpecTests.BuildSpecLists();
        string text = "pics at hxxp://www[.]example[.]com/gallery/photo1.jpg !!";
        var hit = Assert.Single(lists.Scan(text).Hits);
        Assert.Equal("A1", hit.Entry.EntryId);
        Assert.Equal(TextHitKind.Url, hit.Kind);
        Assert.Equal("hxxp://www[.]example[.]com/gallery/photo1.jpg", hit.Text);
        Assert.Equal(text.IndexOf("hxxp", StringComparison.Ordinal), hit.Start);
        Assert.Equal(UrlMatchRule.ExactAfterEquivalence, hit.Url!.Rule);
        Assert.True(hit.Url.Obfuscation.HasFlag(UrlObfuscation.SchemeDisguised));
    }

    [Fact]
    public void Scan_DomainEntry_MatchesBareSubdomainInTextWithTestSwitch()
    {
        var lists = UrlListSpecTests.BuildSpecLists();
        var hit = Assert.Single(lists.Scan("grab it from cdn . files . test . invalid / x", s_test).Hits);
        Assert.Equal("A6", hit.Entry.EntryId);
        Assert.Equal(UrlMatchRule.Domain, hit.Url!.Rule);
        Assert.Equal("cdn . files . test . invalid / x", hit.Text);
    }
}
