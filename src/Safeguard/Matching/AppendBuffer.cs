// SPDX-License-Identifier: Apache-2.0
using System.Numerics;

namespace Safeguard.Matching;

/// <summary>
/// The append segment (spec §7.5): recent additions, searched by linear scan. One writer (under
/// the index's write lock) fills slot n and then publishes the count; readers scan the published
/// prefix without a lock. A full buffer is replaced by a larger copy.
/// </summary>
internal sealed class AppendBuffer
{
    private readonly ulong[] _codes;
    private readonly long[] _ids;
    private readonly ulong[] _tombstones;
    private readonly Dictionary<long, int> _slots;
    private int _count;
    private int _live;

    public AppendBuffer(int capacity)
    {
        capacity = Math.Max(64, capacity);
        _codes = new ulong[capacity * 4];
        _ids = new long[capacity];
        _tombstones = new ulong[(capacity + 63) / 64];
        _slots = [];
    }

    private AppendBuffer(AppendBuffer from, int capacity)
        : this(capacity)
    {
        int n = from._count;
        Array.Copy(from._codes, _codes, n * 4);
        Array.Copy(from._ids, _ids, n);
        Array.Copy(from._tombstones, _tombstones, from._tombstones.Length);
        _slots = new Dictionary<long, int>(from._slots);
        _count = n;
        _live = from._live;
    }

    public int Capacity => _ids.Length;

    /// <summary>Published entries, live or removed.</summary>
    public int Count => Volatile.Read(ref _count);

    public int Live => Volatile.Read(ref _live);

    public long Bytes => (_codes.Length * 8L) + (_ids.Length * 8L) + (_tombstones.Length * 8L) + (_slots.Count * 24L);

    internal ReadOnlySpan<ulong> Codes => _codes.AsSpan(0, Count * 4);

    internal ReadOnlySpan<long> Ids => _ids.AsSpan(0, Count);

    internal ReadOnlySpan<ulong> Tombstones => _tombstones;

    /// <summary>A copy with room for twice as many entries.</summary>
    public AppendBuffer Grow() => new(this, Capacity * 2);

    /// <summary>Appends; false when full (the caller grows the buffer). Caller holds the write lock.</summary>
    public bool TryAppend(ulong w0, ulong w1, ulong w2, ulong w3, long id)
    {
        int n = _count;
        if (n == _ids.Length)
        {
            return false;
        }
        _codes[n * 4] = w0;
        _codes[(n * 4) + 1] = w1;
        _codes[(n * 4) + 2] = w2;
        _codes[(n * 4) + 3] = w3;
        _ids[n] = id;
        _slots[id] = n;
        Volatile.Write(ref _live, _live + 1);
        Volatile.Write(ref _count, n + 1);
        return true;
    }

    /// <summary>Marks the live entry <paramref name="id"/> removed. Caller holds the write lock.</summary>
    public bool Remove(long id)
    {
        if (!_slots.Remove(id, out int slot))
        {
            return false;
        }
        Interlocked.Or(ref _tombstones[slot >> 6], 1UL << (slot & 63));
        Volatile.Write(ref _live, _live - 1);
        return true;
    }

    public bool IsRemoved(int slot) => ((Volatile.Read(ref _tombstones[slot >> 6]) >> (slot & 63)) & 1) != 0;

    public void Scan(in QueryWords q, int radius, List<IndexMatch> results)
    {
        var sink = new LiveSink(_ids, _tombstones, 0, results);
        HammingScan.Scan(Codes, q, radius, ref sink);
    }

    /// <summary>Number of removed entries among the published ones.</summary>
    public int Removed
    {
        get
        {
            int dead = 0;
            foreach (ulong w in _tombstones)
            {
                dead += BitOperations.PopCount(w);
            }
            return dead;
        }
    }
}
