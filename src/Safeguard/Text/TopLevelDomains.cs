// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;

namespace Safeguard.Text;

/// <summary>
/// The known top-level domains (bundled from the Public Suffix List, Data/tlds.txt) and the
/// URL-shortener hosts (Data/url-shorteners.txt).
/// </summary>
public static class TopLevelDomains
{
    private static readonly Lazy<FrozenSet<string>> s_tlds = new(() => EmbeddedData.ReadLines("tlds.txt").ToFrozenSet(StringComparer.Ordinal));
    private static readonly Lazy<FrozenSet<string>> s_shorteners = new(() => EmbeddedData.ReadLines("url-shorteners.txt").ToFrozenSet(StringComparer.Ordinal));
    private static readonly FrozenSet<string> s_reserved = new[] { "example", "invalid", "test", "localhost" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Number of bundled top-level domains.</summary>
    public static int Count => s_tlds.Value.Count;

    /// <summary>True when <paramref name="label"/> (lower case, punycode for IDN) is a delegated top-level domain.</summary>
    public static bool IsKnown(string label) => s_tlds.Value.Contains(label);

    /// <summary>As <see cref="IsKnown(string)"/>, without making a string of the label.</summary>
    public static bool IsKnown(ReadOnlySpan<char> label) => s_tlds.Value.GetAlternateLookup<ReadOnlySpan<char>>().Contains(label);

    /// <summary>The reserved test names (RFC 2606/6761) accepted only when a test switch is on.</summary>
    public static bool IsReservedForTesting(string label) => s_reserved.Contains(label);

    /// <summary>True when <paramref name="hostKey"/> is, or is under, a known URL-shortener host.</summary>
    public static bool IsShortener(string hostKey)
    {
        ArgumentNullException.ThrowIfNull(hostKey);
        var set = s_shorteners.Value.GetAlternateLookup<ReadOnlySpan<char>>();
        var h = hostKey.AsSpan();
        while (true)
        {
            if (set.Contains(h))
            {
                return true;
            }
            int dot = h.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }
            h = h[(dot + 1)..];
        }
    }
}
