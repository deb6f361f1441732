// SPDX-License-Identifier: Apache-2.0
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>The list file format, version 1 (docs/formats.md): fails if the format changes by accident.</summary>
public class TextListFileTests
{
    private const string Sample = """
        # Text list file, version 1
        category iwf-url
        option query ignore
        option path-case fold

        url http://www.example.org/Forum/Thread?id=42
        domain files.test.invalid
        keyword silver kite
        keyword-substring pinecone
        keyword-exact tallpoppy
        sha256 ad31e4ba22df5a2268f37465fc72102b8991aec18c380432e1102381171c944e
        sha256-domain 9738b6c0717d40212320c95f9dd624828fb7883c9eed2c0299423359071bfaba
        """;

    [Fact]
    public void Load_Version1Sample_AddsEveryKindWithLineNumberIds()
    {
        var builder = new TextListBuilder();
        var errors = TextListFile.Load(new StringReader(Sample), "sample", "v7", builder);
        Assert.Empty(errors);
        var lists = builder.Build();
        Assert.Equal(4, lists.UrlEntryCount);
        Assert.Equal(3, lists.KeywordEntryCount);
        var info = Assert.Single(lists.Lists);
        Assert.Equal(new TextListInfo("sample", "iwf-url", "v7", new UrlListOptions(UrlQueryMode.Ignore, UrlPathCase.Fold)), info);

        var options = new TextScanOptions { AllowReservedTestDomains = true };
        string text = "example.org/forum/THREAD?id=1 cdn.files.test.invalid silver-kite #pinecones tallpoppy t4llpoppy example.com/gallery/photo1.jpg";
        var ids = lists.Scan(text, options).Hits.Select(h => h.Entry.EntryId).ToList();
        // Line numbers: url 6 (query ignored, path folded), domain 7 (twice: it is also the sha256-domain of line 12),
        // keyword 8, substring 9, exact 10 (only as written), sha256 11.
        Assert.Equal(["6", "7", "12", "8", "9", "10", "11"], ids);
    }

    [Fact]
    public void Load_BadLines_AreReportedWithoutTheirContent()
    {
        var builder = new TextListBuilder();
        var errors = TextListFile.Load(new StringReader("keyword bluecanary\nsha256 nothex\nurl\nweird-kind-with-a-very-long-name value\nkeyword ...\n"), "l", "v", builder);
        Assert.Equal([2, 3, 4, 5], errors.Select(e => e.Line));
        Assert.Contains("64 hex digits", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("needs a value", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("(unreadable)", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("no letters or digits", errors[3].Message, StringComparison.Ordinal);
    }
}
