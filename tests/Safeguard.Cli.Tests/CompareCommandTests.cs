// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Cli.Tests;

public class CompareCommandTests
{
    [Fact]
    public async Task Compare_PrintsHammingDistance()
    {
        var a = new string('0', 64);
        var b = "f" + new string('0', 62) + "1";
        var result = await CliRunner.RunAsync(["compare", a, b]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("5", result.StdOut.Trim());
    }

    [Fact]
    public async Task Compare_BadHash_IsUsageErrorNamingTheArgument()
    {
        var result = await CliRunner.RunAsync(["compare", "xyz", new string('0', 64)]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("first hash", result.StdErr, StringComparison.Ordinal);
    }
}
