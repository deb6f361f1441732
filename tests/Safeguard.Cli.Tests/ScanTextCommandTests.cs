// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

public sealed class ScanTextCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-scan-text-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string ListFile() => Write("list.txt", """
        # placeholder list
        category platform
        url http://example.com/gallery/photo1.jpg
        domain files.example.org
        keyword bluecanary

        keyword silver kite
        sha256 49c7c24ca48ccd8c3ca22322c6902b18666ea02c9c854dedf893c7c01d52e12a
        """);

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task ScanText_PrintsOneJsonLinePerHit_WithByteOffsets()
    {
        string list = ListFile();
        // "é" is two bytes in UTF-8, so byte offsets differ from char offsets after it.
        var result = await CliRunner.RunAsync(["scan-text", "--list", list, "-"],
            stdin: "é BLUEC\u0430NARY at hxxp://www[.]example[.]org/Forum/thread?id=42\nsee s-i-l-v-e-r-k-i-t-e\n");
        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.StdOut);
        Assert.Equal(3, lines.Count);
        Assert.Equal("-", lines[0].GetProperty("source").GetString());
        Assert.Equal("keyword", lines[0].GetProperty("kind").GetString());
        Assert.Equal(list + ":5", lines[0].GetProperty("entry").GetString());
        Assert.Equal("BLUEC\u0430NARY", lines[0].GetProperty("text").GetString());
        Assert.Equal(3, lines[0].GetProperty("start").GetInt64());
        Assert.Equal(14, lines[0].GetProperty("end").GetInt64());
        Assert.Equal("url", lines[1].GetProperty("kind").GetString());
        Assert.Equal(list + ":8", lines[1].GetProperty("entry").GetString());
        Assert.Equal("keyword", lines[2].GetProperty("kind").GetString());
        Assert.Equal(list + ":7", lines[2].GetProperty("entry").GetString());
        int secondLine = Encoding.UTF8.GetByteCount("é BLUEC\u0430NARY at hxxp://www[.]example[.]org/Forum/thread?id=42\n");
        Assert.Equal(secondLine + 4, lines[2].GetProperty("start").GetInt64());
    }

    [Fact]
    public async Task ScanText_InvalidUtf8_IsScannedWithExactByteOffsets()
    {
        string list = ListFile();
        string input = Path.Combine(_dir, "in.bin");
        byte[] bytes = [0xFF, 0xC3, 0x28, .. "bluecanary "u8, 0xED, 0xA0, 0x80, .. " example.com/gallery/photo1.jpg"u8];
        await File.WriteAllBytesAsync(input, bytes, TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync(["scan-text", "--list", list, input]);
        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.StdOut);
        Assert.Equal(2, lines.Count);
        Assert.Equal(3, lines[0].GetProperty("start").GetInt64()); // after FF and the broken C3 28 ("(" is a separator)
        Assert.Equal(13, lines[0].GetProperty("end").GetInt64());
        Assert.Equal(bytes.Length - "example.com/gallery/photo1.jpg".Length, lines[1].GetProperty("start").GetInt64());
        Assert.Equal(bytes.Length, lines[1].GetProperty("end").GetInt64());
    }

    [Fact]
    public async Task ScanText_BadListLines_AreReportedWithLineNumbersAndExit2()
    {
        string list = Write("bad.txt", "keyword bluecanary\nurl ftp://example.com/x\nfrobnicate x\ndomain com\noption query sometimes\n");
        var result = await CliRunner.RunAsync(["scan-text", "--list", list, "-"], stdin: "bluecanary\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StdOut);
        Assert.Contains("bad.txt:2: the URL cannot be normalised", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("bad.txt:3: unknown entry kind 'frobnicate'", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("bad.txt:4: a domain entry needs at least two labels", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("bad.txt:5: 'option' must come before the first entry", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("bad.txt:1:", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanText_MissingInput_Exit1ButScansTheOthers()
    {
        string list = ListFile();
        string good = Write("good.txt", "bluecanary\n");
        var result = await CliRunner.RunAsync(["scan-text", "--list", list, Path.Combine(_dir, "missing.txt"), good]);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(Lines(result.StdOut));
        Assert.Contains("missing.txt", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanText_ShowUrls_ReportsShortenersAndObfuscation()
    {
        string list = ListFile();
        var result = await CliRunner.RunAsync(["scan-text", "--list", list, "--show-urls", "-"], stdin: "go https://bit.ly/abc or example dot com\n");
        Assert.Equal(0, result.ExitCode);
        var urls = Lines(result.StdOut).Where(l => l.GetProperty("kind").GetString() == "url-found").ToList();
        Assert.Equal(2, urls.Count);
        Assert.True(urls[0].GetProperty("shortener").GetBoolean());
        Assert.Equal("http://example.com/", urls[1].GetProperty("normalized").GetString());
        Assert.True(urls[1].GetProperty("obfuscated").GetBoolean());
    }

    [Fact]
    public async Task ScanText_MissingListOption_IsUsageError()
    {
        var result = await CliRunner.RunAsync(["scan-text", "-"], stdin: "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--list", result.StdErr, StringComparison.Ordinal);
    }
}
