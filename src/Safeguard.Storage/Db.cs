// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Text.Json;

namespace Safeguard.Storage;

/// <summary>Small ADO.NET helpers shared by both stores.</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // SQL text is always a constant of this assembly; values travel as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }
        return command;
    }

    public static DbParameter Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }

    public static async Task<int> ExecuteAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<long> ScalarInt64Async(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long ToUnixMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? NullableInt64(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static int? NullableInt32(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static string LabelsToJson(IReadOnlyList<string>? labels) =>
        JsonSerializer.Serialize(labels ?? [], StorageJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> LabelsFromJson(string json) =>
        JsonSerializer.Deserialize(json, StorageJsonContext.Default.StringArray) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StorageJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
