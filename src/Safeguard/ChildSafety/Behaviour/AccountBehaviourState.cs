// SPDX-License-Identifier: Apache-2.0
using System.Numerics;

namespace Safeguard.ChildSafety.Behaviour;

/// <summary>
/// Fixed-size rolling state of one account: 30 daily buckets of counters and 256-bit distinct-minor bitmaps (linear
/// counting), plus 512-bit Bloom filters for "who blocked me" and "where did I meet them". Its size never depends on
/// how many events or how many distinct accounts it has seen.
/// </summary>
internal sealed class AccountBehaviourState
{
    public const int Days = 30;
    private const int BitmapWords = 4;
    private const int BitmapBits = BitmapWords * 64;
    private static readonly int CounterCount = Enum.GetValues<Counter>().Length;

    private readonly int[] _bucketDay = new int[Days];
    private readonly int[] _counters = new int[Days * CounterCount];
    private readonly ulong[] _minorBits = new ulong[Days * BitmapWords];
    private readonly ulong[] _unconnectedMinorBits = new ulong[Days * BitmapWords];

    public AccountBehaviourState()
    {
        Array.Fill(_bucketDay, int.MinValue);
    }

    public enum Counter
    {
        MessagesToMinors,
        FriendRequestsToMinors,
        RejectionsFromMinors,
        BlocksFromMinors,
        ReportsFromMinors,
        LargeGapContacts,
        NightContacts,
        PublicToPrivateMoves,
        ContactsAfterBlock,
        NewAccountFirstContacts,
        AgeBandLowered,
    }

    public BloomFilter BlockedBy { get; } = new(TimeSpan.FromDays(90));

    public BloomFilter Contacted { get; } = new(TimeSpan.FromDays(30));

    public BloomFilter MetInPublic { get; } = new(TimeSpan.FromDays(30));

    public BloomFilter MessagedPrivately { get; } = new(TimeSpan.FromDays(30));

    public DateTimeOffset? CreatedAt { get; set; }

    public AgeBand Band { get; set; }

    public int NewestDay { get; private set; } = int.MinValue;

    public long LastSeenTicks { get; set; }

    /// <summary>Bytes held in this state's arrays: constant for the life of the account (the memory bound under test).</summary>
    public int FootprintBytes =>
        _bucketDay.Length * sizeof(int) + _counters.Length * sizeof(int)
        + (_minorBits.Length + _unconnectedMinorBits.Length) * sizeof(ulong)
        + BlockedBy.FootprintBytes + Contacted.FootprintBytes + MetInPublic.FootprintBytes + MessagedPrivately.FootprintBytes;

    public static int DayOf(DateTimeOffset time) => (int)(time.UtcTicks / TimeSpan.TicksPerDay);

    /// <summary>Selects the bucket for <paramref name="day"/>; false when the day is already outside the 30-day window.</summary>
    public bool TryBucket(int day, out int slot)
    {
        if (NewestDay != int.MinValue && day <= NewestDay - Days)
        {
            slot = -1;
            return false;
        }
        NewestDay = Math.Max(NewestDay, day);
        slot = (int)((uint)day % Days);
        if (_bucketDay[slot] != day)
        {
            _bucketDay[slot] = day;
            Array.Clear(_counters, slot * CounterCount, CounterCount);
            Array.Clear(_minorBits, slot * BitmapWords, BitmapWords);
            Array.Clear(_unconnectedMinorBits, slot * BitmapWords, BitmapWords);
        }
        return true;
    }

    public void Increment(int slot, Counter counter) => _counters[slot * CounterCount + (int)counter]++;

    public void MarkMinor(int slot, ulong hash, bool connected)
    {
        var bit = (int)(hash % BitmapBits);
        _minorBits[slot * BitmapWords + (bit >> 6)] |= 1UL << (bit & 63);
        if (!connected)
        {
            _unconnectedMinorBits[slot * BitmapWords + (bit >> 6)] |= 1UL << (bit & 63);
        }
    }

    public int Sum(Counter counter, int today, int windowDays)
    {
        var total = 0;
        for (var slot = 0; slot < Days; slot++)
        {
            if (InWindow(_bucketDay[slot], today, windowDays))
            {
                total += _counters[slot * CounterCount + (int)counter];
            }
        }
        return total;
    }

    /// <summary>Linear-counting estimate of distinct minors contacted in the window (exact-ish well below 256).</summary>
    public double DistinctMinors(int today, int windowDays, bool unconnectedOnly)
    {
        var bits = unconnectedOnly ? _unconnectedMinorBits : _minorBits;
        Span<ulong> union = stackalloc ulong[BitmapWords];
        for (var slot = 0; slot < Days; slot++)
        {
            if (InWindow(_bucketDay[slot], today, windowDays))
            {
                for (var w = 0; w < BitmapWords; w++)
                {
                    union[w] |= bits[slot * BitmapWords + w];
                }
            }
        }
        var set = 0;
        foreach (var word in union)
        {
            set += BitOperations.PopCount(word);
        }
        var empty = BitmapBits - set;
        return empty == 0 ? BitmapBits * Math.Log(BitmapBits) : -BitmapBits * Math.Log((double)empty / BitmapBits);
    }

    private static bool InWindow(int day, int today, int windowDays) => day != int.MinValue && day <= today && today - day < windowDays;

    /// <summary>Stable 64-bit hash of an account id (FNV-1a, then a SplitMix64 finaliser to spread the bits).</summary>
    public static ulong Hash(string id)
    {
        var h = 14695981039346656037UL;
        foreach (var c in id)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}

/// <summary>
/// A 512-bit Bloom filter (three probes) in two generations: the older generation is dropped after each period, so the
/// filter forgets and its false-positive rate stays bounded. A hit means "possibly", and explanations say so.
/// </summary>
internal sealed class BloomFilter(TimeSpan period)
{
    private const int Words = 8;
    private const int Bits = Words * 64;
    private ulong[] _current = new ulong[Words];
    private ulong[] _previous = new ulong[Words];
    private long _generationStartTicks = long.MinValue;

    public int FootprintBytes => (Words * 2 * sizeof(ulong)) + sizeof(long);

    public void Add(ulong hash, DateTimeOffset now)
    {
        Rotate(now);
        foreach (var bit in Probes(hash))
        {
            _current[bit >> 6] |= 1UL << (bit & 63);
        }
    }

    public bool MayContain(ulong hash, DateTimeOffset now)
    {
        Rotate(now);
        return Contains(_current, hash) || Contains(_previous, hash);
    }

    private void Rotate(DateTimeOffset now)
    {
        if (_generationStartTicks == long.MinValue)
        {
            _generationStartTicks = now.UtcTicks;
            return;
        }
        var elapsed = now.UtcTicks - _generationStartTicks;
        if (elapsed < period.Ticks)
        {
            return;
        }
        (_previous, _current) = (_current, _previous);
        Array.Clear(_current);
        if (elapsed >= 2 * period.Ticks)
        {
            Array.Clear(_previous);
        }
        _generationStartTicks = now.UtcTicks;
    }

    private static bool Contains(ulong[] words, ulong hash)
    {
        foreach (var bit in Probes(hash))
        {
            if ((words[bit >> 6] & (1UL << (bit & 63))) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static int[] Probes(ulong hash)
    {
        var h1 = (uint)hash;
        var h2 = (uint)(hash >> 32) | 1;
        return [(int)(h1 % Bits), (int)((h1 + h2) % Bits), (int)((h1 + 2 * h2) % Bits)];
    }
}
