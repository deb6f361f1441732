// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

/// <summary>Random and hostile banks, and the oracle comparison every index test uses.</summary>
internal static class IndexTestBanks
{
    public static Hash256 RandomHash(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    /// <summary><paramref name="hash"/> with exactly <paramref name="bits"/> distinct bits flipped.</summary>
    public static Hash256 Flip(Hash256 hash, int bits, Random random)
    {
        var positions = Enumerable.Range(0, 256).OrderBy(_ => random.Next()).Take(bits);
        foreach (int k in positions)
        {
            hash = hash.WithBit(k, !hash.GetBit(k));
        }
        return hash;
    }

    public static readonly Hash256 AllOnes = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>The same entries in the index under test and in the oracle.</summary>
    public sealed class Pair(IPdqMatchIndex index)
    {
        public IPdqMatchIndex Index { get; } = index;

        public LinearScanIndex Oracle { get; } = new();

        public void Add(Hash256 hash, long id)
        {
            Index.Add(hash, id);
            Oracle.Add(hash, id);
        }

        public void Remove(long id) => Assert.Equal(Oracle.Remove(id), Index.Remove(id));

        public void Check(Hash256 query, int radius)
        {
            var expected = Oracle.Search(query, radius);
            var actual = Index.Search(query, radius);
            Assert.True(expected.SequenceEqual(actual),
                $"radius {radius}, query {query}: expected {expected.Count} matches, got {actual.Count}; first difference {FirstDifference(expected, actual)}");
        }
    }

    public static string FirstDifference(List<IndexMatch> expected, List<IndexMatch> actual)
    {
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            var e = i < expected.Count ? expected[i].ToString() : "none";
            var a = i < actual.Count ? actual[i].ToString() : "none";
            if (e != a)
            {
                return $"at {i}: expected {e}, got {a}";
            }
        }
        return "none";
    }

    /// <summary>Queries that probe a bank's edges: stored hashes moved by exactly r − 1, r and r + 1 bits, plus random ones.</summary>
    public static IEnumerable<Hash256> Queries(IReadOnlyList<Hash256> bank, int radius, Random random, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var source = bank[random.Next(bank.Count)];
            yield return Flip(source, Math.Clamp(radius - 1 + (i % 3), 0, 256), random);
        }
        for (int i = 0; i < count / 4; i++)
        {
            yield return RandomHash(random);
        }
    }

    /// <summary>Uniform random hashes with planted near-duplicates at distances 0–40.</summary>
    public static List<Hash256> PlantedBank(Random random, int size)
    {
        var bank = new List<Hash256>(size);
        while (bank.Count < size)
        {
            bank.Add(bank.Count > 10 && random.Next(5) == 0 ? Flip(bank[random.Next(bank.Count)], random.Next(41), random) : RandomHash(random));
        }
        return bank;
    }

    /// <summary>
    /// A hostile bank: all-zero and all-one hashes, one flat hash repeated
    /// <paramref name="flatRepeats"/> times, a family of near-duplicates within distance 20, exact duplicates, and random filler.
    /// </summary>
    public static List<Hash256> HostileBank(Random random, int flatRepeats, int familySize, int filler)
    {
        var bank = new List<Hash256> { Hash256.Zero, AllOnes, Hash256.Zero };
        var flat = new Hash256(0x8000_0000_0000_0001, 0, 0, 0);
        bank.AddRange(Enumerable.Repeat(flat, flatRepeats));
        var root = RandomHash(random);
        for (int i = 0; i < familySize; i++)
        {
            bank.Add(Flip(root, random.Next(21), random));
        }
        for (int i = 0; i < filler; i++)
        {
            var h = RandomHash(random);
            bank.Add(h);
            if (i % 50 == 0)
            {
                bank.Add(h);
            }
        }
        return bank;
    }
}
