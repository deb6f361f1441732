// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting.Tests;

/// <summary>
/// The evidence index and server marker formats (docs/formats.md, "Reporting folder of a server"):
/// pointer names are the documented HMAC, the files have the documented fields, and what they point
/// to opens through the vault with every read audited.
/// </summary>
public sealed class EvidenceIndexFormatTests : IAsyncLifetime
{
    private Harness _h = null!;

    public async ValueTask InitializeAsync() => _h = await Harness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void Pointers_AreNamedByTheDocumentedHmac_AndHoldOnlyAVaultId()
    {
        string dir = Path.Combine(_h.Root, "evidence-index");
        var index = new ReportEvidenceIndex(dir, _h.Vault, _h.Clock);
        byte[] original = Encoding.UTF8.GetBytes("benign generated original");
        var item = index.PreserveItem("post-1", "user-1", original, new Dictionary<string, string> { ["md5"] = "00" }, Harness.Start, new IpCapture("192.0.2.1", Harness.Start, CaptureEvent.Upload, 80), "a.jpg", "intake");
        index.PreserveUser("user-1", Samples.User("esp-1"), "intake");

        using var keyFile = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "index.json")));
        Assert.Equal("safeguard.report.evidence-index/1", keyFile.RootElement.GetProperty("f").GetString());
        byte[] key = Convert.FromBase64String(keyFile.RootElement.GetProperty("key").GetString()!);
        Assert.Equal(32, key.Length);
        string Name(string kind, string reference) => kind + "-" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(kind + "\0" + reference))) + ".json";

        var files = Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { Name("c", "post-1"), Name("u", "user-1"), "index.json" }.Order(StringComparer.Ordinal), files);
        foreach (var f in Directory.EnumerateFiles(dir))
        {
            Assert.DoesNotContain("post-1", File.ReadAllText(f), StringComparison.Ordinal);
            Assert.DoesNotContain("user-1", File.ReadAllText(f), StringComparison.Ordinal);
        }
        using var pointer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, Name("c", "post-1"))));
        Assert.Equal(["f", "objectId", "updatedAt"], pointer.RootElement.EnumerateObject().Select(p => p.Name));

        var record = JsonDocument.Parse(_h.Vault.Read(pointer.RootElement.GetProperty("objectId").GetString()!, "test", "format test"));
        Assert.Equal("safeguard.report.preserved-item/1", record.RootElement.GetProperty("formatTag").GetString());
        Assert.Equal(original, _h.Vault.Read(record.RootElement.GetProperty("originalObjectId").GetString()!, "test", "format test"));
        Assert.Equal(item.OriginalObjectId, index.FindItem("post-1", "test", "format test")!.OriginalObjectId);
        Assert.Equal("esp-1", index.FindUser("user-1", "test", "format test")!.EspIdentifier);
        Assert.Null(index.FindItem("post-2", "test", "format test"));

        // A second check of the same content keeps the first preserved copy.
        var again = index.PreserveItem("post-1", "user-1", "other bytes"u8, new Dictionary<string, string>(), null, null, null, "intake");
        Assert.Equal(item.OriginalObjectId, again.OriginalObjectId);
        Assert.Contains(FileAuditSink.ReadAll(Path.Combine(_h.Root, "audit.jsonl")), e => e.Kind == "evidence.read" && e.Payload.Contains("format test", StringComparison.Ordinal));
    }

    [Fact]
    public void ServerMarker_HasTheDocumentedContent()
    {
        var layout = new ReportingLayout(Path.Combine(_h.Root, "server-folder"));
        Assert.False(layout.IsOwnedByServer());
        layout.MarkOwnedByServer();
        using var marker = JsonDocument.Parse(File.ReadAllBytes(layout.ServerMarker));
        Assert.Equal("safeguard.reporting.server/1", marker.RootElement.GetProperty("format").GetString());
        Assert.Equal("database", marker.RootElement.GetProperty("audit").GetString());
        Assert.True(layout.IsOwnedByServer());
        File.SetAttributes(layout.ServerMarker, FileAttributes.Normal);
        File.WriteAllText(layout.ServerMarker, """{"format":"something/9","audit":"database"}""");
        Assert.Throws<ReportStoreException>(() => layout.IsOwnedByServer());
    }
}

/// <summary>Case thumbnails in the vault: round trip, refusal of non-stills, audited loads.</summary>
public sealed class VaultThumbnailStoreTests : IAsyncLifetime
{
    private Harness _h = null!;

    public async ValueTask InitializeAsync() => _h = await Harness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Thumbnail_RoundTripsEncrypted_AndEveryLoadIsAudited()
    {
        var store = new VaultThumbnailStore(_h.Vault);
        byte[] png = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "pdq", "bridge-mods", "square-128x128.jpg"));
        string reference = await store.PutAsync(new Safeguard.Cases.Thumbnail(png, "image/jpeg"));
        var back = await store.GetAsync(reference);
        Assert.Equal(png, back!.Bytes);
        Assert.Equal("image/jpeg", back.ContentType);
        Assert.Null(await store.GetAsync("not-an-id"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(new Safeguard.Cases.Thumbnail("GIF89a"u8.ToArray(), "image/gif")));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_h.Root, "vault"), "*", SearchOption.AllDirectories), f => File.ReadAllBytes(f).AsSpan().IndexOf(png) >= 0);
        Assert.Contains(FileAuditSink.ReadAll(Path.Combine(_h.Root, "audit.jsonl")), e => e.Kind == "evidence.read" && e.Payload.Contains("review thumbnail", StringComparison.Ordinal));
    }
}
