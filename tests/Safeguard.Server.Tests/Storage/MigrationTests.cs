// SPDX-License-Identifier: Apache-2.0
using Safeguard.Server.Tests.Kit;
using Safeguard.Storage;

namespace Safeguard.Server.Tests.Storage;

/// <summary>
/// The schema is a persisted format: shipped migration steps never change (their SQL hashes are
/// frozen here), versions only grow, and a database the build does not understand is refused.
/// </summary>
public sealed class MigrationTests
{
    // Goldens only grow: a new step adds a line; changing a line means a shipped step was edited.
    // The hashes were computed outside .NET (Python hashlib over the SQL text with LF endings).
    private static readonly string[] SqliteSteps =
    [
        "1 banks, entries, change feed, keys, audit, recorded checks 878927dc1e59ceced9d2ddf9523ed7609f5f3aef6e5d11cd9da830116148a022",
        "2 review cases, users, exposure, webhook outbox, thumbnails, data-protection keys, bank shadow mode ac2fac6af17e18b2ee9f628eaddaf559d8c2dac5b257f204a86e48d8702e98bd",
        "3 text banks: bank kind, check input, context and review text, hit spans 27bfe70c0087f3f33a2484963986c33e5fe3bd0ecea7bd17ca5d883ea2607292",
        "4 transparency record log 43e22682107a2235b9ca49ad3501c806b769684cd563933f3c0716fd47a01905",
    ];

    private static readonly string[] PostgresSteps =
    [
        "1 banks, entries, change feed, keys, audit, recorded checks 6c21feb98ec98558a2060b501a9963691f8d7463377d894b8cbb0c47fca3d058",
        "2 review cases, users, exposure, webhook outbox, thumbnails, data-protection keys, bank shadow mode 19f84c07a435ad0547c445f0785d34ddee377456f14cbf19fc88e0fa7420f0bf",
        "3 text banks: bank kind, check input, context and review text, hit spans 27bfe70c0087f3f33a2484963986c33e5fe3bd0ecea7bd17ca5d883ea2607292",
        "4 transparency record log 5f61f7f2d1f73ce47ae4f182c99434e1251497671a668f17a24e43598fa6dc7a",
    ];

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task ShippedMigrationSteps_NeverChange(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var db = SafeguardStores.Create(store.Postgres, store.DataDirectory);
        var actual = db.Migrations.Select(m => $"{m.Version} {m.Name} {m.Sha256}").ToArray();
        Assert.Equal(kind == StoreKind.Sqlite ? SqliteSteps : PostgresSteps, actual);
        // Steps are numbered when they are planned and branches land in any order, so a branch may
        // carry step 4 before 2 and 3 arrive; what must hold is that versions only grow.
        var versions = db.Migrations.Select(m => m.Version).ToArray();
        Assert.Equal(versions.Order().Distinct(), versions);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Migrate_IsIdempotent_AndRecordsTheVersion(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var db = SafeguardStores.Create(store.Postgres, store.DataDirectory);
        Assert.Equal(0, await db.GetSchemaVersionAsync(TestContext.Current.CancellationToken));
        await db.MigrateAsync(TestContext.Current.CancellationToken);
        await db.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.Equal(db.Migrations[^1].Version, await db.GetSchemaVersionAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task ConcurrentMigrations_FromSeveralNodes_AllSucceed(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var nodes = Enumerable.Range(0, 4).Select(_ => SafeguardStores.Create(store.Postgres, store.DataDirectory)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.MigrateAsync(TestContext.Current.CancellationToken)));
            Assert.Equal(nodes[0].Migrations[^1].Version, await nodes[0].GetSchemaVersionAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task AnEditedShippedStep_OrANewerDatabase_IsRefused(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using (var db = SafeguardStores.Create(store.Postgres, store.DataDirectory))
        {
            await db.MigrateAsync(TestContext.Current.CancellationToken);
        }
        await store.ExecuteRawAsync("UPDATE schema_version SET sql_sha256 = 'edited' WHERE version = 1");
        await using (var db = SafeguardStores.Create(store.Postgres, store.DataDirectory))
        {
            var e = await Assert.ThrowsAsync<SchemaMismatchException>(() => db.MigrateAsync(TestContext.Current.CancellationToken));
            Assert.Contains("never change", e.Message, StringComparison.Ordinal);
        }
        await store.ExecuteRawAsync("INSERT INTO schema_version (version, name, sql_sha256, applied_at) VALUES (999, 'future', 'x', 0)");
        await using (var db = SafeguardStores.Create(store.Postgres, store.DataDirectory))
        {
            var e = await Assert.ThrowsAsync<SchemaMismatchException>(() => db.MigrateAsync(TestContext.Current.CancellationToken));
            Assert.Contains("newer", e.Message, StringComparison.Ordinal);
        }
    }
}
