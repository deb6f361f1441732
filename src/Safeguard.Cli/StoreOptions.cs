// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Safeguard.Hosting;
using Safeguard.Storage;

namespace Safeguard.Cli;

/// <summary>
/// The <c>--data</c> and <c>--postgres</c> options shared by the commands that use the server's
/// database, read with the same keys as the server (<c>Safeguard:Storage:*</c>, or the environment
/// variables <c>Safeguard__Storage__DataDirectory</c> and <c>Safeguard__Storage__Postgres</c>).
/// </summary>
internal sealed class StoreOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "Folder of the SQLite database (default: ./data)." };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "PostgreSQL connection string (or set Safeguard__Storage__Postgres, which keeps the password off the command line).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Postgres);
    }

    /// <summary>The storage settings: options first, then environment, then defaults.</summary>
    public StorageOptions Resolve(ParseResult parse)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var storage = new StorageOptions();
        configuration.GetSection($"{SafeguardOptions.Section}:Storage").Bind(storage);
        storage.DataDirectory = parse.GetValue(Data) ?? storage.DataDirectory;
        storage.Postgres = parse.GetValue(Postgres) ?? storage.Postgres;
        return storage;
    }

    /// <summary>Opens the store and brings its schema up to date.</summary>
    public async Task<SqlStore> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var storage = Resolve(parse);
        var store = SafeguardStores.Create(storage.Postgres, storage.DataDirectory);
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or SchemaMismatchException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new UsageException($"cannot open the {(storage.Postgres is null ? "SQLite" : "PostgreSQL")} database: {e.Message}");
        }
    }
}
