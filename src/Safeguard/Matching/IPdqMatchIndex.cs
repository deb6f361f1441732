// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Matching;

/// <summary>One stored hash found by a radius search.</summary>
/// <param name="Id">The id the hash was added with.</param>
/// <param name="Distance">Hamming distance from the query (0–256).</param>
public readonly record struct IndexMatch(long Id, int Distance);

/// <summary>
/// Exact radius search over 256-bit hashes with live changes. Every implementation returns
/// every stored hash within the radius and none beyond it, sorted by distance then id.
/// Implementations are safe for many concurrent readers and writers.
/// </summary>
public interface IPdqMatchIndex
{
    /// <summary>Number of live (not removed) entries.</summary>
    int Count { get; }

    /// <summary>Adds <paramref name="hash"/> under <paramref name="id"/>; an existing id is replaced. Visible to the next search.</summary>
    void Add(in Hash256 hash, long id);

    /// <summary>Removes the entry with <paramref name="id"/>; never returned again. False when absent.</summary>
    bool Remove(long id);

    /// <summary>Appends to <paramref name="results"/> every entry within <paramref name="radius"/> (0–256) of <paramref name="query"/>, sorted by distance then id.</summary>
    void Search(in Hash256 query, int radius, List<IndexMatch> results);

    /// <summary>
    /// Appends every entry within <paramref name="radius"/> of any of <paramref name="queries"/>
    /// (for example the 8 dihedral hashes of one image), once each with its smallest distance,
    /// sorted by distance then id.
    /// </summary>
    void SearchAny(ReadOnlySpan<Hash256> queries, int radius, List<IndexMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var all = new List<IndexMatch>();
        foreach (var query in queries)
        {
            Search(query, radius, all);
        }
        MatchMerge.AppendSmallestPerId(all, results);
    }
}

/// <summary>Convenience calls on any index.</summary>
public static class PdqMatchIndexExtensions
{
    /// <summary>Every entry within <paramref name="radius"/> of <paramref name="query"/>, sorted by distance then id.</summary>
    public static List<IndexMatch> Search(this IPdqMatchIndex index, in Hash256 query, int radius)
    {
        ArgumentNullException.ThrowIfNull(index);
        var results = new List<IndexMatch>();
        index.Search(query, radius, results);
        return results;
    }
}
