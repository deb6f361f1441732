// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Text;
using Safeguard.Hashing;
using Safeguard.Matching;
using static Safeguard.Tests.Matching.IndexTestBanks;

namespace Safeguard.Tests.Matching;

public class PdqIndexFileTests
{
    private static readonly PdqIndexOptions Quiet = new() { BackgroundCompaction = false, ScanThreads = 1 };

    private static byte[] SaveToBytes(PdqRadiusIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Save_FormatVersion1_IsStable()
    {
        var a = new Hash256(0x0123456789ABCDEF, 0xFEDCBA9876543210, 0x00FF00FF00FF00FF, 0x8000000000000001);
        var b = new Hash256(1, 2, 3, 4);
        var d = new Hash256(5, 6, 7, 8);
        var options = Quiet with { CostModel = new MatchCostModel { FixedTables = 8 } };
        var index = PdqRadiusIndex.Build([a, b, a], [30, 10, 20], options);
        Assert.True(index.Remove(10));
        index.Add(d, 40);

        // Expected bytes from docs/formats.md, "PDQ match index, version 1".
        var expected = new Bytes();
        expected.Ascii("SGPDQIDX").U32(1).U32(0).U32(1).U32(0).I64(1).Zeros(32);
        // Entries sorted by id: local 0 = b (10), 1 = a (20), 2 = a (30). a is held twice: head 1, member 2.
        Hash256[] codes = [b, a, a];
        expected.Ascii("SGSEGMNT").I64(3).I64(2).U32(8).U32(1).I64(1).Zeros(24);
        // Two distinct codes: ⌈log2 2⌉ − 1 = 0, raised to the 1-bit minimum; 32-bit pieces keep 8 residual bits.
        for (int j = 0; j < 8; j++)
        {
            expected.U32(32).U32(1).U32(8).U32(0);
        }
        expected.Pad();
        foreach (var h in codes)
        {
            expected.U64(h.Word0).U64(h.Word1).U64(h.Word2).U64(h.Word3);
        }
        expected.Pad().I64(10).I64(20).I64(30).Pad().U64(1).Pad();
        int[] heads = [0, 1];
        for (int j = 0; j < 8; j++)
        {
            uint Piece(int local)
            {
                var h = codes[local];
                ulong word = (j / 2) switch { 0 => h.Word0, 1 => h.Word1, 2 => h.Word2, _ => h.Word3 };
                return (uint)(word >> (32 * (j % 2)));
            }
            var ordered = heads.OrderBy(l => Piece(l) >> 31).ToArray();
            int zeros = heads.Count(l => Piece(l) >> 31 == 0);
            expected.U32(0).U32((uint)zeros).U32(2).Pad();
            foreach (int l in ordered)
            {
                expected.U32((uint)l);
            }
            expected.Pad();
            foreach (int l in ordered)
            {
                expected.U8((byte)(Piece(l) >> 23));
            }
            expected.Pad();
        }
        expected.U32(1).U32(1).U32(2).Pad();
        expected.Ascii("SGAPPEND").I64(1).Zeros(48);
        expected.U64(5).U64(6).U64(7).U64(8).Pad().I64(40).Pad().Ascii("SGPDQEND");

        Assert.Equal(expected.ToArray(), SaveToBytes(index));
    }

    [Fact]
    public void SaveAndLoad_GivesTheSameAnswers()
    {
        var random = new Random(31);
        var bank = HostileBank(random, flatRepeats: 3000, familySize: 500, filler: 6000);
        var ids = Enumerable.Range(0, bank.Count).Select(i => (long)i * 7 - 5000).ToArray();
        var index = PdqRadiusIndex.Build(bank.ToArray(), ids, Quiet);
        var oracle = new LinearScanIndex();
        for (int i = 0; i < bank.Count; i++)
        {
            oracle.Add(bank[i], ids[i]);
        }
        for (int i = 0; i < bank.Count; i += 13)
        {
            index.Remove(ids[i]);
            oracle.Remove(ids[i]);
        }
        for (int i = 0; i < 300; i++)
        {
            var h = RandomHash(random);
            index.Add(h, 1_000_000 + i);
            oracle.Add(h, 1_000_000 + i);
        }
        var path = Path.Combine(Path.GetTempPath(), $"sg-index-{Guid.NewGuid():N}.idx");
        try
        {
            index.Save(path);
            var loaded = PdqRadiusIndex.Load(path, Quiet);
            Assert.Equal(oracle.Count, loaded.Count);
            foreach (var q in Queries(bank, 31, random, 40).Append(bank[3]))
            {
                Assert.Equal(oracle.Search(q, 31), loaded.Search(q, 31));
            }
            Assert.Equal(SaveToBytes(index), SaveToBytes(loaded));
            Assert.True(loaded.Remove(1_000_000));
            Assert.True(loaded.Remove(ids[1]));
            Assert.False(loaded.Remove(ids[0]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_WrongMagicVersionOrTruncation_IsAClearError()
    {
        var random = new Random(1);
        var bank = PlantedBank(random, 5000).ToArray();
        var bytes = SaveToBytes(PdqRadiusIndex.Build(bank, Enumerable.Range(0, bank.Length).Select(i => (long)i).ToArray(), Quiet));

        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] = (byte)'X';
        Assert.Contains("SGPDQIDX", Assert.Throws<InvalidDataException>(() => Load(wrongMagic)).Message, StringComparison.Ordinal);

        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[8] = 2;
        Assert.Contains("version 2", Assert.Throws<InvalidDataException>(() => Load(wrongVersion)).Message, StringComparison.Ordinal);

        foreach (int length in new[] { 0, 10, 64, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => Load(bytes[..length]));
        }

        var hugeCount = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(hugeCount.AsSpan(64 + 8), 400_000_000);
        Assert.Throws<InvalidDataException>(() => Load(hugeCount));
    }

    [Fact]
    public void Load_CorruptBytes_NeverCrashesOrReadsOutOfRange()
    {
        var random = new Random(2);
        var bank = PlantedBank(random, 300).ToArray();
        var options = Quiet with { CostModel = new MatchCostModel { FixedTables = 10 } };
        var index = PdqRadiusIndex.Build(bank, Enumerable.Range(0, bank.Length).Select(i => (long)i).ToArray(), options);
        index.Add(RandomHash(random), 5000);
        var bytes = SaveToBytes(index);
        for (int trial = 0; trial < 400; trial++)
        {
            var damaged = (byte[])bytes.Clone();
            for (int k = 0; k < 1 + (trial % 4); k++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }
            try
            {
                var loaded = Load(damaged);
                // Damage that still loads (a code or id bit) must leave a searchable index.
                loaded.Search(bank[trial % bank.Length], 64);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static PdqRadiusIndex Load(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return PdqRadiusIndex.Load(stream, Quiet);
    }

    /// <summary>A little-endian byte builder for expected file images.</summary>
    private sealed class Bytes
    {
        private readonly List<byte> _bytes = [];

        public Bytes Ascii(string text)
        {
            _bytes.AddRange(Encoding.ASCII.GetBytes(text));
            return this;
        }

        public Bytes U8(byte value)
        {
            _bytes.Add(value);
            return this;
        }

        public Bytes U32(uint value) => Raw(BitConverter.GetBytes(value));

        public Bytes U64(ulong value) => Raw(BitConverter.GetBytes(value));

        public Bytes I64(long value) => Raw(BitConverter.GetBytes(value));

        public Bytes Zeros(int count) => Raw(new byte[count]);

        public Bytes Pad() => Zeros((64 - (_bytes.Count % 64)) % 64);

        public byte[] ToArray() => [.. _bytes];

        private Bytes Raw(byte[] raw)
        {
            _bytes.AddRange(raw);
            return this;
        }
    }
}
