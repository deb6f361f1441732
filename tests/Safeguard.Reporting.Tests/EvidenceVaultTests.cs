// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Safeguard.Evidence;
using Safeguard.Records;

namespace Safeguard.Reporting.Tests;

public sealed class EvidenceVaultTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sg-vault-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(Harness.Start);
    private readonly FileAuditSink _audit;

    public EvidenceVaultTests()
    {
        Directory.CreateDirectory(_root);
        _audit = new FileAuditSink(Path.Combine(_root, "audit.jsonl"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private EvidenceVault Vault(MasterKeyRing keys, RetentionPolicy? policy = null) => new(Path.Combine(_root, "vault"), keys, _audit, _clock, policy);

    private string BlobPath(string id) => Path.Combine(_root, "vault", "objects", id + ".blob");

    [Fact]
    public void PutRead_RoundTripsAndStoresNoPlaintext()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        byte[] content = Encoding.UTF8.GetBytes("benign marker bluebird pinecone 0123456789");
        var info = vault.Put(content, EvidenceKind.Content, "tester");
        Assert.Equal(content, vault.Read(info.Id, "tester", "unit test"));
        byte[] onDisk = File.ReadAllBytes(BlobPath(info.Id));
        Assert.Equal(-1, onDisk.AsSpan().IndexOf(Encoding.UTF8.GetBytes("bluebird")));
        Assert.Equal(content.Length + 8 + 12 + 16, onDisk.Length);
    }

    [Fact]
    public void Read_IsAuditedInAVerifiableChain()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var info = vault.Put([1, 2, 3], EvidenceKind.Content, "tester");
        vault.Read(info.Id, "reviewer-7", "case review");
        var entries = FileAuditSink.ReadAll(Path.Combine(_root, "audit.jsonl"));
        Assert.True(HashChain.Verify(entries).IsValid);
        var read = Assert.Single(entries, e => e.Kind == "evidence.read");
        Assert.Contains(info.Id, read.Payload, StringComparison.Ordinal);
        Assert.Contains("reviewer-7", read.Payload, StringComparison.Ordinal);
        Assert.Contains("case review", read.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TamperedCiphertext_IsDetectedAndAudited()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var info = vault.Put(new byte[100], EvidenceKind.Content, "tester");
        byte[] blob = File.ReadAllBytes(BlobPath(info.Id));
        blob[^1] ^= 0x01;
        File.WriteAllBytes(BlobPath(info.Id), blob);
        var e = Assert.Throws<EvidenceTamperedException>(() => vault.Read(info.Id, "tester", "check"));
        Assert.Contains(info.Id, e.Message, StringComparison.Ordinal);
        Assert.Contains(FileAuditSink.ReadAll(Path.Combine(_root, "audit.jsonl")), x => x.Kind == "evidence.tamper-detected");
    }

    [Fact]
    public void Read_SwappedCiphertextOfAnotherObject_IsDetected()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var a = vault.Put([1, 1, 1], EvidenceKind.Content, "t");
        var b = vault.Put([2, 2, 2], EvidenceKind.Content, "t");
        File.Copy(BlobPath(b.Id), BlobPath(a.Id), overwrite: true);
        Assert.Throws<EvidenceTamperedException>(() => vault.Read(a.Id, "t", "check"));
    }

    [Fact]
    public void Read_WrongMasterKey_IsRefused()
    {
        var info = Vault(MasterKeyRing.Generate("k1")).Put([5], EvidenceKind.Content, "t");
        // Same key id, different key material: authentication of the wrapped key fails.
        var other = Vault(MasterKeyRing.Generate("k1"));
        Assert.Throws<EvidenceTamperedException>(() => other.Read(info.Id, "t", "check"));
    }

    [Fact]
    public void Retention_ExpiredObjectIsGoneFromDiskAndDeletionRecorded()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var info = vault.Put([9, 9], EvidenceKind.Content, "t");
        vault.StartRetention(info.Id, _clock.GetUtcNow(), "t");
        Assert.Empty(vault.FindExpired());
        Assert.Throws<EvidenceVaultException>(() => vault.DeleteExpired(info.Id, "dpo"));
        _clock.Advance(TimeSpan.FromDays(366));
        Assert.Equal(info.Id, Assert.Single(vault.FindExpired()).Id);
        var deleted = vault.DeleteExpired(info.Id, "dpo");
        Assert.False(File.Exists(BlobPath(info.Id)));
        Assert.Equal("dpo", deleted.Deleted!.ApprovedBy);
        Assert.True(vault.GetInfo(info.Id).IsDeleted);
        Assert.DoesNotContain("wrappedKey", File.ReadAllText(Path.Combine(_root, "vault", "objects", info.Id + ".json")), StringComparison.Ordinal);
        Assert.Throws<EvidenceVaultException>(() => vault.Read(info.Id, "t", "after deletion"));
        Assert.Contains(FileAuditSink.ReadAll(Path.Combine(_root, "audit.jsonl")), x => x.Kind == "evidence.deleted");
    }

    [Fact]
    public void Retention_ObjectWithoutClockIsNeverExpired()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var info = vault.Put([1], EvidenceKind.Content, "t");
        _clock.Advance(TimeSpan.FromDays(5000));
        Assert.Empty(vault.FindExpired());
        Assert.Throws<EvidenceVaultException>(() => vault.DeleteExpired(info.Id, "dpo"));
        Assert.True(File.Exists(BlobPath(info.Id)));
    }

    [Fact]
    public void Retention_AuthorityReferencesKeepFiveYearsAndLongestClockWins()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"), new RetentionPolicy { Content = TimeSpan.FromDays(10) });
        var reference = vault.Put([1], EvidenceKind.AuthorityReference, "t");
        var content = vault.Put([2], EvidenceKind.Content, "t");
        vault.StartRetention(reference.Id, _clock.GetUtcNow(), "t");
        vault.StartRetention(content.Id, _clock.GetUtcNow().AddDays(5), "t");
        vault.StartRetention(content.Id, _clock.GetUtcNow(), "t"); // an earlier clock does not shorten it
        Assert.Equal(Harness.Start.AddDays((5 * 365) + 2), vault.GetInfo(reference.Id).RetainUntil);
        Assert.Equal(Harness.Start.AddDays(15), vault.GetInfo(content.Id).RetainUntil);
    }

    [Fact]
    public void LegalHold_SuspendsDeletionUntilReleased()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var info = vault.Put([7], EvidenceKind.Content, "t");
        vault.StartRetention(info.Id, _clock.GetUtcNow(), "t");
        vault.PlaceHold(info.Id, "hold-1", "law enforcement preservation request", "counsel");
        _clock.Advance(TimeSpan.FromDays(400));
        Assert.Empty(vault.FindExpired());
        var e = Assert.Throws<EvidenceVaultException>(() => vault.DeleteExpired(info.Id, "dpo"));
        Assert.Contains("legal hold", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(BlobPath(info.Id)));
        vault.ReleaseHold(info.Id, "hold-1", "counsel");
        vault.DeleteExpired(info.Id, "dpo");
        Assert.False(File.Exists(BlobPath(info.Id)));
    }

    [Fact]
    public void Rotation_OldObjectsOpenWithTheRingAndAfterRewrapWithoutTheOldKey()
    {
        var k1 = MasterKeyRing.Generate("k1");
        var old = Vault(k1).Put([4, 2], EvidenceKind.Content, "t");
        string blobBefore = Convert.ToHexString(File.ReadAllBytes(BlobPath(old.Id)));
        var k2 = k1.WithNewCurrentKey("k2");
        var rotated = Vault(k2);
        Assert.Equal([4, 2], rotated.Read(old.Id, "t", "after rotation"));
        var fresh = rotated.Put([3], EvidenceKind.Content, "t");
        Assert.Equal("k2", fresh.KeyId);
        Assert.Equal(1, rotated.RewrapObjectKeys("key-admin"));
        // Only the small metadata changed; the ciphertext was not re-encrypted.
        Assert.Equal(blobBefore, Convert.ToHexString(File.ReadAllBytes(BlobPath(old.Id))));
        var withoutK1 = Vault(k2.Without("k1"));
        Assert.Equal([4, 2], withoutK1.Read(old.Id, "t", "after rewrap"));
        Assert.Equal("k2", withoutK1.GetInfo(old.Id).KeyId);
    }

    [Fact]
    public void KeyFile_RoundTripsAndRejectsBadInput()
    {
        var ring = MasterKeyRing.Generate("k1").WithNewCurrentKey("k2");
        string path = Path.Combine(_root, "keys.json");
        ring.Save(path);
        var loaded = MasterKeyRing.Load(path);
        Assert.Equal("k2", loaded.CurrentId);
        Assert.Equal(2, loaded.KeyIds.Count);
        File.WriteAllText(path, "{\"format\":\"other\"}");
        Assert.Throws<FormatException>(() => MasterKeyRing.Load(path));
        Assert.Throws<FormatException>(() => MasterKeyRing.Parse("k1=" + Convert.ToBase64String(new byte[32])));
        Assert.Throws<ArgumentException>(() => MasterKeyRing.Parse("current=k1;k1=" + Convert.ToBase64String(new byte[16])));
        var parsed = MasterKeyRing.Parse("current=a;a=" + Convert.ToBase64String(new byte[32]));
        Assert.Equal("a", parsed.CurrentId);
    }

    [Fact]
    public void Ids_HostileObjectIdIsRefusedWithoutTouchingDisk()
    {
        var vault = Vault(MasterKeyRing.Generate("k1"));
        var e = Assert.Throws<EvidenceVaultException>(() => vault.Read("../../etc/passwd", "t", "x"));
        Assert.Contains("32 lowercase hex", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Format stability: an object written by hand from the documented layout (docs/formats.md,
    /// "Evidence vault, version 1") with our own AES-GCM calls must open. If the vault's format
    /// changes by accident, this fails.
    /// </summary>
    [Fact]
    public void Format_Version1ObjectBuiltFromTheDocumentedLayout_Opens()
    {
        byte[] master = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] objectKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        const string id = "0123456789abcdef0123456789abcdef";
        byte[] plain = Encoding.UTF8.GetBytes("format v1 test content");

        byte[] nonce = new byte[12];
        nonce[0] = 7;
        byte[] cipher = new byte[plain.Length];
        byte[] tag = new byte[16];
        using (var gcm = new AesGcm(objectKey, 16))
        {
            gcm.Encrypt(nonce, plain, cipher, tag, Encoding.ASCII.GetBytes("SGVAULT1" + id));
        }
        byte[] blob = [.. Encoding.ASCII.GetBytes("SGVAULT1"), .. nonce, .. tag, .. cipher];

        byte[] wrapNonce = new byte[12];
        wrapNonce[11] = 9;
        byte[] wrapped = new byte[32];
        byte[] wrapTag = new byte[16];
        using (var gcm = new AesGcm(master, 16))
        {
            gcm.Encrypt(wrapNonce, objectKey, wrapped, wrapTag, Encoding.ASCII.GetBytes("SGVKEY1" + id + "/m1"));
        }
        string meta = $$"""
            {"format":"safeguard.vault.object/1","id":"{{id}}","kind":"content","createdAt":"2026-05-04T09:00:00+00:00",
             "length":{{plain.Length}},"sha256":"{{Convert.ToHexStringLower(SHA256.HashData(plain))}}","keyId":"m1",
             "wrappedKey":"{{Convert.ToBase64String([.. wrapNonce, .. wrapTag, .. wrapped])}}","retainUntil":null,"holds":[]}
            """;
        string objects = Path.Combine(_root, "vault", "objects");
        Directory.CreateDirectory(objects);
        File.WriteAllText(Path.Combine(_root, "vault", "vault.json"), "{\"format\":\"safeguard.vault/1\"}");
        File.WriteAllBytes(Path.Combine(objects, id + ".blob"), blob);
        File.WriteAllText(Path.Combine(objects, id + ".json"), meta);

        var vault = Vault(new MasterKeyRing("m1", new Dictionary<string, byte[]> { ["m1"] = master }));
        Assert.Equal(plain, vault.Read(id, "t", "format test"));
    }

    /// <summary>Format stability of the audit file: a line written by hand from docs/formats.md verifies.</summary>
    [Fact]
    public void Format_AuditLineBuiltFromTheDocumentedLayout_Verifies()
    {
        var entry = HashChain.Append(null, Harness.Start, "evidence.read", "{\"object\":\"x\"}");
        string line = $"{{\"seq\":1,\"time\":\"2026-05-04T09:00:00.000Z\",\"kind\":\"evidence.read\",\"payload\":\"{{\\\"object\\\":\\\"x\\\"}}\",\"prev\":\"{new string('0', 64)}\",\"hash\":\"{HashChain.ToHex(entry.Hash)}\"}}\n";
        string path = Path.Combine(_root, "hand.jsonl");
        File.WriteAllText(path, line);
        var sink = new FileAuditSink(path);
        var next = sink.Append(Harness.Start.AddSeconds(1), "evidence.read", "{}");
        Assert.Equal(2, next.Sequence);
        Assert.True(HashChain.Verify(FileAuditSink.ReadAll(path)).IsValid);
    }
}
