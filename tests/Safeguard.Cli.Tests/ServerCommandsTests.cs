// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;

namespace Safeguard.Cli.Tests;

/// <summary><c>safeguard keys</c> and <c>safeguard audit verify</c> on a SQLite data folder.</summary>
public sealed class ServerCommandsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "safeguard-cli-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task Keys_CreateListRevoke()
    {
        var created = await CliRunner.RunAsync(["keys", "create", "--name", "uploads", "--scopes", "check", "--rate-limit", "50", "--data", _data]);
        Assert.Equal(0, created.ExitCode);
        string token = created.StdOut.Trim();
        Assert.StartsWith("sgk_", token, StringComparison.Ordinal);
        Assert.Equal(47, token.Length);

        var list = await CliRunner.RunAsync(["keys", "list", "--data", _data]);
        Assert.Equal(0, list.ExitCode);
        var row = list.StdOut.Split('\n').Single(l => l.StartsWith("1\t", StringComparison.Ordinal));
        Assert.Contains("uploads\tcheck\t50", row, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.StdOut, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync(["keys", "revoke", "1", "--data", _data])).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync(["keys", "revoke", "1", "--data", _data])).ExitCode);
    }

    [Theory]
    [InlineData("--scopes", "root")]
    [InlineData("--rate-limit", "0")]
    public async Task Keys_Create_BadArguments_AreUsageErrors(string option, string value)
    {
        string[] args = option == "--scopes"
            ? ["keys", "create", "--name", "x", "--scopes", value, "--data", _data]
            : ["keys", "create", "--name", "x", "--scopes", "check", option, value, "--data", _data];
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ReportsTheFirstEditedEntry()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await CliRunner.RunAsync(["keys", "create", "--name", $"k{i}", "--scopes", "check", "--data", _data])).ExitCode);
        }
        var ok = await CliRunner.RunAsync(["audit", "verify", "--data", _data]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("3 entries", ok.StdOut, StringComparison.Ordinal);

        await using (var c = new SqliteConnection($"Data Source={Path.Combine(_data, "safeguard.db")};Pooling=False"))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit_log SET payload = replace(payload, 'k1', 'kX') WHERE sequence = 2";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }
        var broken = await CliRunner.RunAsync(["audit", "verify", "--data", _data]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("entry 2 was edited", broken.StdOut, StringComparison.Ordinal);

        await using (var c = new SqliteConnection($"Data Source={Path.Combine(_data, "safeguard.db")};Pooling=False"))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit_log SET payload = replace(payload, 'kX', 'k1') WHERE sequence = 2; DELETE FROM audit_log WHERE sequence = 2";
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var deleted = await CliRunner.RunAsync(["audit", "verify", "--data", _data]);
        Assert.Equal(1, deleted.ExitCode);
        Assert.Contains("entry 2 was deleted", deleted.StdOut, StringComparison.Ordinal);
    }
}
