// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>Creates the store that configuration asks for.</summary>
public static class SafeguardStores
{
    /// <summary>PostgreSQL when <paramref name="postgresConnectionString"/> is set, else SQLite in <paramref name="dataDirectory"/>.</summary>
    public static SqlStore Create(string? postgresConnectionString, string dataDirectory, TimeProvider? time = null) =>
        string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new SqliteStore(dataDirectory, time)
            : new PostgresStore(postgresConnectionString, time);
}
