// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Matching;

/// <summary>What one line of a PDQ hash list holds.</summary>
public enum HashListLineKind
{
    /// <summary>Blank or a <c>#</c> comment: nothing to do.</summary>
    Empty,

    /// <summary>A hash, perhaps with an id.</summary>
    Hash,

    /// <summary>Not understood; the error says why.</summary>
    Invalid,
}

/// <summary>
/// Parses the lines of bank and query files: <c>HEX</c>, <c>HEX,ID</c>, or the
/// threatexchange/HMA form <c>pdq HEX</c> (anything after the hash, separated by whitespace, is
/// ignored, as are blank lines and lines starting with <c>#</c>).
/// </summary>
public static class HashListLine
{
    /// <summary>Parses one line. <paramref name="id"/> is the text after the comma, when there is one.</summary>
    public static HashListLineKind Parse(ReadOnlySpan<char> line, out Hash256 hash, out string? id, out string? error)
    {
        hash = default;
        id = null;
        error = null;
        line = line.Trim();
        if (line.IsEmpty || line[0] == '#')
        {
            return HashListLineKind.Empty;
        }
        if (line.StartsWith("pdq", StringComparison.OrdinalIgnoreCase) && line.Length > 3 && char.IsWhiteSpace(line[3]))
        {
            line = line[3..].TrimStart();
            int end = line.IndexOfAny(' ', '\t');
            if (end >= 0)
            {
                line = line[..end];
            }
        }
        int comma = line.IndexOf(',');
        var hex = comma >= 0 ? line[..comma].Trim() : line;
        if (comma >= 0)
        {
            var idText = line[(comma + 1)..].Trim();
            if (idText.IsEmpty)
            {
                error = "the id after the comma is empty";
                return HashListLineKind.Invalid;
            }
            id = idText.ToString();
        }
        if (!Hash256.TryParse(hex, out hash, out error))
        {
            return HashListLineKind.Invalid;
        }
        return HashListLineKind.Hash;
    }
}
