// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Cli.Tests;

public sealed class MatchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-match-").FullName;

    // Three hashes at known distances from Zero: 0, 1 (last bit) and 5 (first digit f, last bit).
    private static readonly string Zero = new('0', 64);
    private static readonly string One = new string('0', 63) + "1";
    private static readonly string Five = "f" + new string('0', 62) + "1";
    private static readonly string Far = new('f', 64);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Match_EveryLineForm_PrintsOneJsonLinePerMatch()
    {
        var bank = Write("bank.txt", $"# bank\n{Five},70\npdq {One}\n\n{Far},9\n{Zero},-3\n");
        var queries = Write("q.txt", $"{Zero},first\n{Far}\n");
        var result = await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "5", queries]);
        Assert.Equal(0, result.ExitCode);
        // One is on line 3 and has no id, so its id is its line number.
        Assert.Equal(
            $"{{\"query\":\"first\",\"id\":-3,\"distance\":0}}\n{{\"query\":\"first\",\"id\":3,\"distance\":1}}\n{{\"query\":\"first\",\"id\":70,\"distance\":5}}\n{{\"query\":\"{Far}\",\"id\":9,\"distance\":0}}\n",
            result.StdOut);
    }

    [Fact]
    public async Task Match_RadiusIsInclusive_AndStdinWorks()
    {
        var bank = Write("bank.txt", $"{Five},1\n{One},2\n");
        var result = await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "4", "-"], stdin: Zero + "\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{{\"query\":\"{Zero}\",\"id\":2,\"distance\":1}}\n", result.StdOut);
    }

    [Fact]
    public async Task Match_BadLines_AreReportedWithLineNumbers_AndTheRestStillRuns()
    {
        var bank = Write("bank.txt", $"{Zero},1\nnot-a-hash\n{One},x7\n");
        var queries = Write("q.txt", $"{Zero}\n{Zero}zz\n");
        var result = await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "0", queries]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 2: a PDQ hash is 64 hex digits", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("line 3: a bank id must be a whole number", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("'" + queries + "' line 2", result.StdErr, StringComparison.Ordinal);
        Assert.Equal($"{{\"query\":\"{Zero}\",\"id\":1,\"distance\":0}}\n", result.StdOut);
    }

    [Fact]
    public async Task Match_UsageErrors_ExitWith2()
    {
        var bank = Write("bank.txt", Zero + "\n");
        Assert.Equal(2, (await CliRunner.RunAsync(["match", "--bank", Path.Combine(_dir, "missing.txt"), "-"], stdin: "")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "300", "-"], stdin: "")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(["match", "-"], stdin: "")).ExitCode);
        var damaged = Write("damaged.idx", "SGPDQIDX and then nonsense");
        var result = await CliRunner.RunAsync(["match", "--bank", damaged, "-"], stdin: Zero + "\n");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("damaged.idx", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_Dihedral_FindsTheMirroredHash()
    {
        // Bit k is coefficient (k / 16, k % 16). The query sets (0, 1) and (2, 5); the bank entry is its
        // transpose (FlipPlus1, no sign change), with (1, 0) and (5, 2) set: bits 16 and 82.
        static string Hex(params int[] bits)
        {
            var words = new ulong[4];
            foreach (int k in bits)
            {
                words[k >> 6] |= 1UL << (k & 63);
            }
            return $"{words[3]:x16}{words[2]:x16}{words[1]:x16}{words[0]:x16}";
        }
        var bank = Write("bank.txt", $"{Hex(16, 82)},5\n");
        var query = Hex(1, 37);
        var plain = await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "0", "-"], stdin: query + "\n");
        Assert.Equal("", plain.StdOut);
        var dihedral = await CliRunner.RunAsync(["match", "--bank", bank, "--radius", "0", "--dihedral", "-"], stdin: query + "\n");
        Assert.Equal(0, dihedral.ExitCode);
        Assert.Equal($"{{\"query\":\"{query}\",\"id\":5,\"distance\":0}}\n", dihedral.StdOut);
    }

    [Fact]
    public async Task Match_SavedIndexFile_IsAcceptedAsTheBank()
    {
        var snapshot = Path.Combine(_dir, "bank.idx");
        var bench = await CliRunner.RunAsync(["bench", "index", "--count", "3000", "--queries", "50", "--clustered", "--snapshot", snapshot, "--verify", "50"]);
        Assert.Equal(0, bench.ExitCode);
        Assert.Contains("verify: 50 of 50 queries identical to a full scan", bench.StdOut, StringComparison.Ordinal);
        Assert.Contains("answers after load identical", bench.StdOut, StringComparison.Ordinal);
        Assert.Contains("p99", bench.StdOut, StringComparison.Ordinal);
        var result = await CliRunner.RunAsync(["match", "--bank", snapshot, "--radius", "256", "-"], stdin: Zero + "\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3000, result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
