// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ReviewConsole.Banks;

/// <summary>Validation of hash text typed or imported by curators.</summary>
public static class HashText
{
    /// <summary>The hash kinds a bank entry may hold, with their hex lengths.</summary>
    public static IReadOnlyDictionary<string, int> HexLengths { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["pdq"] = 64,
        ["md5"] = 32,
        ["sha1"] = 40,
        ["sha256"] = 64,
    };

    /// <summary>Normalises <paramref name="value"/> to lower-case hex, or says what is wrong with it.</summary>
    public static bool TryNormalise(string kind, string? value, out string normalised, out string error)
    {
        normalised = string.Empty;
        if (!HexLengths.TryGetValue(kind, out var length))
        {
            error = $"unknown hash kind '{Truncate(kind)}'; use pdq, md5, sha1 or sha256";
            return false;
        }
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length != length)
        {
            error = $"a {kind} hash has {length} hex digits; this value has {trimmed.Length} characters";
            return false;
        }
        if (!trimmed.All(char.IsAsciiHexDigit))
        {
            error = $"a {kind} hash has only hex digits (0-9, a-f)";
            return false;
        }
        normalised = trimmed.ToLowerInvariant();
        error = string.Empty;
        return true;
    }

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
