// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;

namespace Safeguard.Cli.Tests;

/// <summary><c>safeguard users add|list|disable</c> on a SQLite data folder.</summary>
public sealed class UsersCommandTests : IDisposable
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
    public async Task Users_AddFromStdin_List_Disable_AndEveryChangeIsAudited()
    {
        const string Password = "a placeholder pass phrase";
        var added = await CliRunner.RunAsync(["users", "add", "Alice", "--roles", "reviewer,auditor", "--data", _data], stdin: Password + "\n");
        Assert.Equal(0, added.ExitCode);
        Assert.Contains("added alice (reviewer,auditor)", added.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, added.StdOut + added.StdErr, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync(["users", "add", "alice", "--roles", "reviewer", "--data", _data], stdin: Password + "\n");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.StdErr, StringComparison.Ordinal);

        var badRole = await CliRunner.RunAsync(["users", "add", "bob", "--roles", "reviewer,boss", "--data", _data], stdin: Password + "\n");
        Assert.Equal(2, badRole.ExitCode);
        Assert.Contains("unknown role 'boss'", badRole.StdErr, StringComparison.Ordinal);

        var shortPassword = await CliRunner.RunAsync(["users", "add", "bob", "--roles", "reviewer", "--data", _data], stdin: "short\n");
        Assert.Equal(2, shortPassword.ExitCode);
        Assert.Contains("12-1024 characters", shortPassword.StdErr, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync(["users", "disable", "alice", "--data", _data])).ExitCode);
        var list = await CliRunner.RunAsync(["users", "list", "--data", _data]);
        var line = Assert.Single(list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("alice\treviewer,auditor\tdisabled\tdefault\t", line, StringComparison.Ordinal);

        var verify = await CliRunner.RunAsync(["audit", "verify", "--data", _data]);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("2 entries", verify.StdOut, StringComparison.Ordinal);
    }
}
