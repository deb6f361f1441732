// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;

namespace Safeguard.Matching;

/// <summary>The exact digests Safeguard stores, by their byte length.</summary>
public enum DigestKind
{
    /// <summary>MD5, 16 bytes.</summary>
    Md5 = 16,

    /// <summary>SHA-1, 20 bytes.</summary>
    Sha1 = 20,

    /// <summary>SHA-256, 32 bytes.</summary>
    Sha256 = 32,
}

/// <summary>
/// A set of exact file digests of one kind, each with the ids of the entries that hold it.
/// Safe for concurrent readers and writers; an added digest is found by the next lookup.
/// </summary>
public sealed class ExactDigestSet
{
    private readonly ConcurrentDictionary<string, long[]> _byDigest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _byId = new();
    private readonly Lock _writeGate = new();

    /// <summary>Creates an empty set for digests of <paramref name="kind"/>.</summary>
    public ExactDigestSet(DigestKind kind) => Kind = kind;

    /// <summary>The digest kind this set holds.</summary>
    public DigestKind Kind { get; }

    /// <summary>Number of entries (ids).</summary>
    public int Count => _byId.Count;

    /// <summary>Adds <paramref name="digest"/> under <paramref name="id"/>; an existing id is replaced.</summary>
    public void Add(ReadOnlySpan<byte> digest, long id)
    {
        CheckLength(digest);
        string key = Convert.ToHexStringLower(digest);
        lock (_writeGate)
        {
            RemoveLocked(id);
            _byId[id] = key;
            _byDigest.AddOrUpdate(key, _ => [id], (_, ids) => [.. ids, id]);
        }
    }

    /// <summary>Removes the entry <paramref name="id"/>. False when absent.</summary>
    public bool Remove(long id)
    {
        lock (_writeGate)
        {
            return RemoveLocked(id);
        }
    }

    /// <summary>Ids of every entry holding <paramref name="digest"/> (empty when none).</summary>
    public IReadOnlyList<long> Lookup(ReadOnlySpan<byte> digest)
    {
        CheckLength(digest);
        return _byDigest.TryGetValue(Convert.ToHexStringLower(digest), out var ids) ? ids : [];
    }

    private bool RemoveLocked(long id)
    {
        if (!_byId.TryRemove(id, out var key))
        {
            return false;
        }
        if (_byDigest.TryGetValue(key, out var ids))
        {
            var rest = Array.FindAll(ids, x => x != id);
            if (rest.Length == 0)
            {
                _byDigest.TryRemove(key, out _);
            }
            else
            {
                _byDigest[key] = rest;
            }
        }
        return true;
    }

    private void CheckLength(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != (int)Kind)
        {
            throw new ArgumentException($"a {Kind} digest is {(int)Kind} bytes, got {digest.Length}", nameof(digest));
        }
    }
}
