// SPDX-License-Identifier: Apache-2.0
using Safeguard.Records;

namespace Safeguard.Tests.Records;

public class HashChainTests
{
    private static List<ChainEntry> Build(int n)
    {
        var list = new List<ChainEntry>();
        ChainEntry? prev = null;
        for (int i = 0; i < n; i++)
        {
            prev = HashChain.Append(prev, DateTimeOffset.UnixEpoch.AddMinutes(i), "bank.created", $"{{\"n\":{i}}}");
            list.Add(prev);
        }
        return list;
    }

    [Fact]
    public void Verify_IntactChain_IsValidWithHeadOfLastEntry()
    {
        var chain = Build(5);
        var result = HashChain.Verify(chain);
        Assert.True(result.IsValid);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(chain[^1].Hash, result.Head);
    }

    [Fact]
    public void Verify_EditedPayload_NamesThatEntry()
    {
        var chain = Build(5);
        chain[2] = chain[2] with { Payload = "{\"n\":99}" };
        var result = HashChain.Verify(chain);
        Assert.Equal(ChainFault.Edited, result.Fault);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public void Verify_DeletedEntry_NamesTheGap()
    {
        var chain = Build(5);
        chain.RemoveAt(1);
        var result = HashChain.Verify(chain);
        Assert.Equal(ChainFault.Deleted, result.Fault);
        Assert.Equal(2, result.Sequence);
    }

    [Fact]
    public void Verify_DeletedAndRenumbered_IsCaughtByTheLink()
    {
        var chain = Build(4);
        // Remove entry 2 and re-hash entry 3 as if it were 2, linking to entry 1's hash would need entry 1's hash: forge it with a wrong link.
        var forged = HashChain.Append(chain[1], chain[2].Time, chain[2].Kind, chain[2].Payload);
        forged = forged with { Sequence = 2, Hash = HashChain.ComputeHash(2, forged.Time, forged.Kind, forged.Payload, forged.PreviousHash) };
        var tampered = new List<ChainEntry> { chain[0], forged };
        var result = HashChain.Verify(tampered);
        Assert.Equal(ChainFault.Inserted, result.Fault);
        Assert.Equal(2, result.Sequence);
    }

    [Fact]
    public void Verify_DuplicateSequence_IsInsertion()
    {
        var chain = Build(3);
        chain.Insert(2, chain[1]);
        var result = HashChain.Verify(chain);
        Assert.Equal(ChainFault.Inserted, result.Fault);
    }

    // Format stability: chain format version 1. If this value changes, every stored chain breaks.
    [Fact]
    public void ComputeHash_FormatVersion1_IsStable()
    {
        var hash = HashChain.ComputeHash(1, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), "k", "p", new byte[32]);
        Assert.Equal(HashChain.ToHex(ExpectedV1()), HashChain.ToHex(hash));

        // Recomputed here independently of HashChain from the documented layout.
        static byte[] ExpectedV1()
        {
            var bytes = new List<byte>();
            bytes.AddRange("SGCHAIN1"u8.ToArray());
            bytes.AddRange(BigEndian(1L));
            bytes.AddRange(BigEndian(1_700_000_000_123L));
            bytes.AddRange(new byte[] { 0, 0, 0, 1, (byte)'k' });
            bytes.AddRange(new byte[] { 0, 0, 0, 1, (byte)'p' });
            bytes.AddRange(new byte[32]);
            return System.Security.Cryptography.SHA256.HashData(bytes.ToArray());
        }

        static byte[] BigEndian(long v)
        {
            var b = BitConverter.GetBytes(v);
            if (BitConverter.IsLittleEndian)
            {
                Array.Reverse(b);
            }
            return b;
        }
    }
}
