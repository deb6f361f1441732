// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Matching;

/// <summary>
/// The obviously-correct index: a locked list scanned in full. It is the oracle for property
/// tests of faster indexes and is fine for small banks.
/// </summary>
public sealed class LinearScanIndex : IPdqMatchIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Hash256> _entries = [];

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Add(in Hash256 hash, long id)
    {
        lock (_gate)
        {
            _entries[id] = hash;
        }
    }

    /// <inheritdoc/>
    public bool Remove(long id)
    {
        lock (_gate)
        {
            return _entries.Remove(id);
        }
    }

    /// <inheritdoc/>
    public void Search(in Hash256 query, int radius, List<IndexMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, 256);
        int start = results.Count;
        lock (_gate)
        {
            foreach (var (id, hash) in _entries)
            {
                int d = hash.DistanceTo(query);
                if (d <= radius)
                {
                    results.Add(new IndexMatch(id, d));
                }
            }
        }
        results.Sort(start, results.Count - start, IndexMatchOrder.Instance);
    }
}

/// <summary>Distance, then id: the order every index returns.</summary>
public sealed class IndexMatchOrder : IComparer<IndexMatch>
{
    /// <summary>The single instance.</summary>
    public static IndexMatchOrder Instance { get; } = new();

    /// <inheritdoc/>
    public int Compare(IndexMatch x, IndexMatch y)
    {
        int c = x.Distance.CompareTo(y.Distance);
        return c != 0 ? c : x.Id.CompareTo(y.Id);
    }
}
