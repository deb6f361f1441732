// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Storage;

/// <summary>
/// One schema step. Versions only grow, and a migration that has shipped is never edited: the
/// SHA-256 of its SQL is stored in <c>schema_version</c> and checked at start-up, and a test
/// freezes the hashes (see docs/formats.md, "Server database").
/// </summary>
/// <param name="Version">1, 2, 3, …</param>
/// <param name="Name">What it does, in a few words.</param>
/// <param name="Sql">The statements, in the store's SQL dialect.</param>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>Lowercase hex SHA-256 of <see cref="Sql"/> with line endings normalised to LF.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>The database schema is not one this build can use.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
