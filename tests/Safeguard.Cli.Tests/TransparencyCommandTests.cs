// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary><c>safeguard transparency</c>, <c>transparency bundle</c> and <c>transparency verify</c>, run as a user runs them.</summary>
public sealed class TransparencyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-cli-tr-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private async Task<string> SampleAsync()
    {
        string records = P("records.jsonl");
        var r = await CliRunner.RunAsync(["transparency", "sample", "--out", records, "--items", "120"]);
        Assert.Equal(0, r.ExitCode);
        return records;
    }

    [Fact]
    public async Task Report_Json_Csv_Html()
    {
        string records = await SampleAsync();
        string[] period = ["--records", records, "--from", "2025-04-01", "--to", "2025-07-01"];
        var json = await CliRunner.RunAsync(["transparency", .. period]);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.StdOut);
        Assert.Equal("safeguard.transparency-report", doc.RootElement.GetProperty("format").GetString());
        Assert.Equal("public", doc.RootElement.GetProperty("variant").GetString());

        var csv = await CliRunner.RunAsync(["transparency", .. period, "--format", "csv", "--variant", "regulator"]);
        Assert.Equal(0, csv.ExitCode);
        Assert.StartsWith("period_from,period_to,id,", csv.StdOut, StringComparison.Ordinal);

        var html = await CliRunner.RunAsync(["transparency", .. period, "--format", "html", "--out", P("r.html")]);
        Assert.Equal(0, html.ExitCode);
        Assert.Contains("<svg", await File.ReadAllTextAsync(P("r.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_Verifies_ThenEditedOrDeletedRecordIsNamed()
    {
        string records = await SampleAsync();
        var bundle = await CliRunner.RunAsync(["transparency", "bundle", "--records", records, "--from", "2025-04-01", "--to", "2025-07-01", "--out", P("b.json")]);
        Assert.Equal(0, bundle.ExitCode);
        var ok = await CliRunner.RunAsync(["transparency", "verify", "--bundle", P("b.json"), "--records", records]);
        Assert.Equal(0, ok.ExitCode);
        Assert.StartsWith("verified:", ok.StdOut, StringComparison.Ordinal);

        var lines = await File.ReadAllLinesAsync(records, TestContext.Current.CancellationToken);
        var edited = lines.ToArray();
        edited[41] = edited[41].Replace("\\\"v\\\":1", "\\\"v\\\":1 ", StringComparison.Ordinal);
        Assert.NotEqual(lines[41], edited[41]);
        await File.WriteAllLinesAsync(P("edited.jsonl"), edited, TestContext.Current.CancellationToken);
        var e = await CliRunner.RunAsync(["transparency", "verify", "--bundle", P("b.json"), "--records", P("edited.jsonl")]);
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("record 42 was edited", e.StdErr, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(P("deleted.jsonl"), lines.Where((_, i) => i != 9), TestContext.Current.CancellationToken);
        var d = await CliRunner.RunAsync(["transparency", "verify", "--bundle", P("b.json"), "--records", P("deleted.jsonl")]);
        Assert.Equal(1, d.ExitCode);
        Assert.Contains("record 10 is missing", d.StdErr, StringComparison.Ordinal);

        // A report from a damaged log is refused too, naming the record.
        var report = await CliRunner.RunAsync(["transparency", "--records", P("edited.jsonl"), "--from", "2025-04-01", "--to", "2025-07-01"]);
        Assert.Equal(1, report.ExitCode);
        Assert.Contains("record 42 was edited", report.StdErr, StringComparison.Ordinal);
        Assert.Equal("", report.StdOut);
    }

    [Theory]
    [InlineData("--to", "2025-07-01")]
    [InlineData("--from", "1 April")]
    [InlineData("--from", "2025-04-01T00:00:00")]
    public async Task BadPeriod_IsAUsageError(string option, string value)
    {
        string[] args = option == "--to"
            ? ["transparency", "--records", P("none.jsonl"), "--to", value]
            : ["transparency", "--records", P("none.jsonl"), option, value, "--to", "2025-07-01"];
        var r = await CliRunner.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("safeguard: --from", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRecords_FailsWithTheFileNamed()
    {
        var r = await CliRunner.RunAsync(["transparency", "--records", P("none.jsonl"), "--from", "2025-04-01", "--to", "2025-07-01"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such record log", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_RefusesToOverwrite()
    {
        string records = await SampleAsync();
        long before = new FileInfo(records).Length;
        var r = await CliRunner.RunAsync(["transparency", "sample", "--out", records]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(before, new FileInfo(records).Length);
    }
}
