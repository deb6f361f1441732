// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary><c>safeguard offences summary</c> over the seed and synthetic tables.</summary>
public sealed class OffencesCommandTests : IDisposable
{
    private static readonly string Seed = Path.Combine(AppContext.BaseDirectory, "data", "offences", "nspcc-foi-2016-2018.csv");
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-cli-off-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public async Task Summary_PrintsOneLinePerForceAndYear_ThenNational()
    {
        var r = await CliRunner.RunAsync(["offences", "summary", Seed, "--offence", "86", "--charts", _dir]);
        Assert.Equal(0, r.ExitCode);
        var lines = Lines(r.StdOut);
        Assert.Equal(11, lines.Count); // 4 forces × 2 years, then UK × 2 and England and Wales × 1
        Assert.All(lines.Take(8), l => Assert.Equal("force", l.GetProperty("scope").GetString()));
        Assert.All(lines.Skip(8), l => Assert.Equal("national", l.GetProperty("scope").GetString()));
        var hampshire = lines.Single(l => l.GetProperty("forceId").GetString() == "hampshire" && l.GetProperty("financialYear").GetString() == "2017/18");
        Assert.Equal("+23.1 %", hampshire.GetProperty("changeDisplay").GetString());
        Assert.Equal("3.28", hampshire.GetProperty("perDayDisplay").GetString());
        var uk = lines.Single(l => l.GetProperty("forceId").GetString() == "united-kingdom" && l.GetProperty("financialYear").GetString() == "2017/18");
        Assert.Equal("one every 23.1 minutes", uk.GetProperty("oneEveryDisplay").GetString());
        Assert.Equal("62.3", uk.GetProperty("perDayDisplay").GetString());
        Assert.True(File.Exists(Path.Combine(_dir, "force-hampshire.svg")));
        Assert.True(File.Exists(Path.Combine(_dir, "national-united-kingdom.svg")));
    }

    [Fact]
    public async Task ForceFilter_KeepsThatForceAndTheNationalTotal()
    {
        var r = await CliRunner.RunAsync(["offences", "summary", Seed, "--offence", "86", "--force", "Bedfordshire"]);
        Assert.Equal(0, r.ExitCode);
        var forces = Lines(r.StdOut).Where(l => l.GetProperty("scope").GetString() == "force").ToList();
        Assert.Equal(2, forces.Count);
        Assert.All(forces, l => Assert.Equal("bedfordshire", l.GetProperty("forceId").GetString()));
        Assert.Equal("+69.5 %", forces[1].GetProperty("changeDisplay").GetString());
    }

    [Fact]
    public async Task BareClass86_WithoutOverride_FailsWithAReason()
    {
        var r = await CliRunner.RunAsync(["offences", "summary", Seed]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--offence 86", r.StdErr, StringComparison.Ordinal);
        Assert.Equal("", r.StdOut);
    }

    [Fact]
    public async Task MissingFile_Fails()
    {
        var r = await CliRunner.RunAsync(["offences", "summary", Path.Combine(_dir, "nope.csv")]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such file", r.StdErr, StringComparison.Ordinal);
    }
}
