// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Safeguard.Storage;
using Safeguard.Transparency;

namespace Safeguard.Cli.Tests;

/// <summary><c>safeguard transparency</c>, <c>bundle</c> and <c>verify</c> reading the server's SQLite database (<c>--data</c>).</summary>
public sealed class TransparencyStoreCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-cli-trdb-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string P(string name) => Path.Combine(_dir, name);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The same synthetic history into the database and into a record file.</summary>
    private async Task<(string Data, string File)> SameHistoryTwiceAsync()
    {
        string data = P("data");
        await using (var store = new SqliteStore(data))
        {
            await store.MigrateAsync(Ct);
            await SampleHistory.WriteAsync(store.Records, 3, 80, Ct);
        }
        using (var file = new JsonLinesRecordLog(P("records.jsonl")))
        {
            await SampleHistory.WriteAsync(file, 3, 80, Ct);
        }
        return (data, P("records.jsonl"));
    }

    [Fact]
    public async Task Report_FromTheDatabase_IsTheReportOfTheSameRecordsInAFile()
    {
        var (data, file) = await SameHistoryTwiceAsync();
        string[] period = ["--from", "2025-04-01", "--to", "2025-07-01", "--variant", "regulator"];
        var fromDb = await CliRunner.RunAsync(["transparency", "--data", data, .. period]);
        Assert.Equal(0, fromDb.ExitCode);
        var fromFile = await CliRunner.RunAsync(["transparency", "--records", file, .. period]);
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Contains("\"figures\"", fromDb.StdOut, StringComparison.Ordinal);
        Assert.Equal(fromFile.StdOut, fromDb.StdOut);

        var both = await CliRunner.RunAsync(["transparency", "--data", data, "--records", file, .. period]);
        Assert.Equal(2, both.ExitCode);
        var none = await CliRunner.RunAsync(["transparency", "--data", P("nowhere"), .. period]);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no server database here", none.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("nowhere")));
    }

    [Fact]
    public async Task Bundle_FromTheDatabase_Verifies_ThenARowEditedWithSqlIsNamed()
    {
        var (data, _) = await SameHistoryTwiceAsync();
        var bundle = await CliRunner.RunAsync(["transparency", "bundle", "--data", data, "--from", "2025-04-01", "--to", "2025-07-01", "--out", P("b.json")]);
        Assert.Equal(0, bundle.ExitCode);
        var ok = await CliRunner.RunAsync(["transparency", "verify", "--bundle", P("b.json"), "--data", data]);
        Assert.Equal(0, ok.ExitCode);

        await using (var c = new SqliteConnection($"Data Source={Path.Combine(data, SqliteStore.FileName)};Pooling=False"))
        {
            await c.OpenAsync(Ct);
            await using var q = c.CreateCommand();
            q.CommandText = "UPDATE transparency_records SET recorded_at = recorded_at + 1 WHERE sequence = 30";
            Assert.Equal(1, await q.ExecuteNonQueryAsync(Ct));
        }
        var edited = await CliRunner.RunAsync(["transparency", "verify", "--bundle", P("b.json"), "--data", data]);
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("record 30 was edited", edited.StdErr, StringComparison.Ordinal);
    }
}
