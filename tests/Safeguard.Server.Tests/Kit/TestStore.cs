// SPDX-License-Identifier: Apache-2.0
using Npgsql;

namespace Safeguard.Server.Tests.Kit;

/// <summary>Which database a test runs on.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, private database: a temporary SQLite folder, or a new PostgreSQL database on the test
/// server (from <c>SAFEGUARD_TEST_POSTGRES</c>), dropped afterwards.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly string? _adminConnection;

    private TestStore(StoreKind kind, string dataDirectory, string? postgres, string? adminConnection, string? databaseName)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        Postgres = postgres;
        _adminConnection = adminConnection;
        DatabaseName = databaseName;
    }

    public StoreKind Kind { get; }

    public string DataDirectory { get; }

    public string? Postgres { get; }

    public string? DatabaseName { get; }

    /// <summary>Configuration arguments that point a server at this store.</summary>
    public IEnumerable<string> ServerArgs =>
        Postgres is null ? [$"--Safeguard:Storage:DataDirectory={DataDirectory}"] : [$"--Safeguard:Storage:Postgres={Postgres}", $"--Safeguard:Storage:DataDirectory={DataDirectory}"];

    /// <summary>A new store of <paramref name="kind"/>; for PostgreSQL, skips or fails when none is configured.</summary>
    public static async Task<TestStore> CreateAsync(StoreKind kind)
    {
        string dir = Path.Combine(Path.GetTempPath(), "safeguard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        if (kind == StoreKind.Sqlite)
        {
            return new TestStore(kind, dir, null, null, null);
        }
        string? admin = Prerequisites.PostgresConnectionString;
        if (admin is null)
        {
            Prerequisites.SkipOrFail($"PostgreSQL tests need {Prerequisites.PostgresVariable} (scripts/deps-postgres.sh, run by ./test.sh, sets it)");
        }
        string name = "sg_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestStore(kind, dir, builder.ConnectionString, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnection is not null && DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(_adminConnection);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", c);
            await cmd.ExecuteNonQueryAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform; the temp folder is cleaned eventually.
        }
    }

    /// <summary>Runs raw SQL against the store, behind Safeguard's back (to simulate tampering).</summary>
    public async Task<int> ExecuteRawAsync(string sql)
    {
        if (Postgres is not null)
        {
            await using var c = new NpgsqlConnection(Postgres);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c);
            return await cmd.ExecuteNonQueryAsync();
        }
        await using var s = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDirectory, "safeguard.db")};Pooling=False");
        await s.OpenAsync();
        await using var q = s.CreateCommand();
        q.CommandText = sql;
        return await q.ExecuteNonQueryAsync();
    }
}
