// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

public class ExactDigestSetTests
{
    [Theory]
    [InlineData(DigestKind.Md5)]
    [InlineData(DigestKind.Sha1)]
    [InlineData(DigestKind.Sha256)]
    public void AddLookupRemove_BehaveLikeASetOfIds(DigestKind kind)
    {
        var set = new ExactDigestSet(kind);
        byte[] a = Digest(kind, "bluebird"), b = Digest(kind, "pinecone");
        set.Add(a, 1);
        set.Add(a, 2);
        set.Add(b, 3);
        Assert.Equal([1L, 2L], set.Lookup(a));
        set.Add(b, 2); // replaces id 2's digest
        Assert.Equal([1L], set.Lookup(a));
        Assert.Equal([3L, 2L], set.Lookup(b));
        Assert.True(set.Remove(3));
        Assert.False(set.Remove(3));
        Assert.Equal([2L], set.Lookup(b));
        Assert.Equal(2, set.Count);
        Assert.Throws<ArgumentException>(() => set.Lookup(new byte[(int)kind + 1]));
    }

    [Fact]
    public void SaveAndLoad_KeepEveryEntry()
    {
        var set = new ExactDigestSet(DigestKind.Sha256);
        for (int i = 0; i < 500; i++)
        {
            set.Add(Digest(DigestKind.Sha256, $"file {i % 300}"), 1000 - i);
        }
        set.Remove(1000);
        using var stream = new MemoryStream();
        set.Save(stream);
        stream.Position = 0;
        var loaded = ExactDigestSet.Load(stream);
        Assert.Equal(499, loaded.Count);
        for (int i = 0; i < 300; i++)
        {
            var d = Digest(DigestKind.Sha256, $"file {i}");
            Assert.Equal(set.Lookup(d).Order(), loaded.Lookup(d).Order());
        }
    }

    [Fact]
    public void Save_FormatVersion1_IsStable()
    {
        var set = new ExactDigestSet(DigestKind.Md5);
        var d = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        set.Add(d, 7);
        set.Add(d, -2);
        using var stream = new MemoryStream();
        set.Save(stream);
        var expected = Convert.FromHexString(
            "5347444947534554" + "01000000" + "10000000" + "0200000000000000" + "0000000000000000" +
            "000102030405060708090a0b0c0d0e0f" + "feffffffffffffff" +
            "000102030405060708090a0b0c0d0e0f" + "0700000000000000");
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void Load_DamagedFile_IsAClearError()
    {
        var set = new ExactDigestSet(DigestKind.Sha1);
        set.Add(Digest(DigestKind.Sha1, "x"), 1);
        set.Add(Digest(DigestKind.Sha1, "y"), 2);
        using var stream = new MemoryStream();
        set.Save(stream);
        var bytes = stream.ToArray();
        Assert.Throws<InvalidDataException>(() => ExactDigestSet.Load(new MemoryStream(bytes[..^1])));
        var badKind = (byte[])bytes.Clone();
        badKind[12] = 17;
        Assert.Contains("17 bytes", Assert.Throws<InvalidDataException>(() => ExactDigestSet.Load(new MemoryStream(badKind))).Message, StringComparison.Ordinal);
        var hugeCount = (byte[])bytes.Clone();
        hugeCount[20] = 0x7F;
        Assert.Throws<InvalidDataException>(() => ExactDigestSet.Load(new MemoryStream(hugeCount)));
    }

    [Fact]
    public async Task ConcurrentLookups_WithAWriter_NeverSeeARemovedId()
    {
        var set = new ExactDigestSet(DigestKind.Md5);
        var stable = Digest(DigestKind.Md5, "stable");
        set.Add(stable, 0);
        long removedThrough = -1;
        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                long removed = Interlocked.Read(ref removedThrough);
                if (!set.Lookup(stable).Contains(0))
                {
                    errors.Enqueue("stable id missing");
                }
                if (removed >= 0)
                {
                    long k = random.NextInt64(removed + 1);
                    if (set.Lookup(Digest(DigestKind.Md5, $"churn {k}")).Contains(k + 1))
                    {
                        errors.Enqueue($"removed id {k + 1} seen");
                    }
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        for (int k = 0; k < 3000; k++)
        {
            set.Add(Digest(DigestKind.Md5, $"churn {k}"), k + 1);
            Assert.Contains(k + 1L, set.Lookup(Digest(DigestKind.Md5, $"churn {k}")));
            set.Remove(k + 1);
            Interlocked.Exchange(ref removedThrough, k);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Empty(errors);
    }

    private static byte[] Digest(DigestKind kind, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return kind switch
        {
            DigestKind.Md5 => MD5.HashData(bytes),
            DigestKind.Sha1 => SHA1.HashData(bytes),
            _ => SHA256.HashData(bytes),
        };
    }
}
