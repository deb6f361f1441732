// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>
/// An item's original bytes and upload facts as preserved at check time (format
/// <see cref="Format"/>, stored encrypted in the vault). The bytes are the vault object
/// <see cref="OriginalObjectId"/>, exactly as the platform sent them.
/// </summary>
public sealed record PreservedItem
{
    public const string Format = "safeguard.report.preserved-item/1";

    public string FormatTag { get; init; } = Format;

    public required string ContentRef { get; init; }

    public string? UserRef { get; init; }

    public required string OriginalObjectId { get; init; }

    /// <summary>Hashes of the original bytes by kind (md5, sha1, sha256, pdq), lower-case hex.</summary>
    public IReadOnlyDictionary<string, string> Hashes { get; init; } = new Dictionary<string, string>();

    public string? FileName { get; init; }

    public DateTimeOffset? UploadedAt { get; init; }

    public IpCapture? UploadIp { get; init; }

    public required DateTimeOffset PreservedAt { get; init; }
}

/// <summary>
/// Finds preserved evidence by the platform's references without writing those references to disk:
/// each pointer file is named by an HMAC-SHA256 of the reference under a random key kept beside
/// the index (format <c>safeguard.report.evidence-index/1</c>, docs/formats.md). Pointers hold vault
/// object ids only; the item facts and the reported user's details are vault objects, so every read
/// is audited.
/// </summary>
public sealed class ReportEvidenceIndex
{
    public const string Format = "safeguard.report.evidence-index/1";

    private readonly string _root;
    private readonly IEvidenceVault _vault;
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public ReportEvidenceIndex(string root, IEvidenceVault vault, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _vault = vault ?? throw new ArgumentNullException(nameof(vault));
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(_root);
        _key = LoadOrCreateKey(Path.Combine(_root, "index.json"));
    }

    /// <summary>
    /// Preserves an item's original bytes and facts (encrypted) unless this content reference was
    /// preserved before; returns the item as stored. The first preserved copy wins, since it is the
    /// one a reviewer saw.
    /// </summary>
    public PreservedItem PreserveItem(string contentRef, string? userRef, ReadOnlySpan<byte> original, IReadOnlyDictionary<string, string> hashes, DateTimeOffset? uploadedAt, IpCapture? uploadIp, string? fileName, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentRef);
        if (original.IsEmpty)
        {
            throw new ArgumentException("there are no original bytes to preserve", nameof(original));
        }
        lock (_gate)
        {
            string pointer = PointerPath("c", contentRef);
            if (ReadPointer(pointer) is { } existing)
            {
                return ReadItem(existing, actor, "preserve evidence (already preserved)");
            }
            var bytes = _vault.Put(original, EvidenceKind.Content, actor);
            var item = new PreservedItem
            {
                ContentRef = contentRef,
                UserRef = userRef,
                OriginalObjectId = bytes.Id,
                Hashes = hashes,
                FileName = fileName,
                UploadedAt = uploadedAt,
                UploadIp = uploadIp,
                PreservedAt = _time.GetUtcNow(),
            };
            var record = _vault.Put(JsonSerializer.SerializeToUtf8Bytes(item, EvidenceJson.Options), EvidenceKind.SubmittedData, actor);
            WritePointer(pointer, record.Id);
            return item;
        }
    }

    /// <summary>Keeps the latest details the platform supplied about a user (encrypted).</summary>
    public string PreserveUser(string userRef, ReportedUser user, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(userRef);
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            var stored = _vault.Put(JsonSerializer.SerializeToUtf8Bytes(user, EvidenceJson.Options), EvidenceKind.SubmittedData, actor);
            WritePointer(PointerPath("u", userRef), stored.Id);
            return stored.Id;
        }
    }

    /// <summary>The preserved item of <paramref name="contentRef"/>, or null (an audited read).</summary>
    public PreservedItem? FindItem(string contentRef, string actor, string purpose) =>
        ReadPointer(PointerPath("c", contentRef)) is { } id ? ReadItem(id, actor, purpose) : null;

    /// <summary>The latest details of <paramref name="userRef"/>, or null (an audited read).</summary>
    public ReportedUser? FindUser(string userRef, string actor, string purpose) =>
        ReadPointer(PointerPath("u", userRef)) is { } id
            ? JsonSerializer.Deserialize<ReportedUser>(_vault.Read(id, actor, purpose), EvidenceJson.Options)
            : null;

    private PreservedItem ReadItem(string id, string actor, string purpose)
    {
        var item = JsonSerializer.Deserialize<PreservedItem>(_vault.Read(id, actor, purpose), EvidenceJson.Options);
        return item is { FormatTag: PreservedItem.Format } ? item : throw new EvidenceVaultException($"vault object {id} is not a {PreservedItem.Format}");
    }

    private string PointerPath(string kind, string reference)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(kind + "\0" + reference));
        return Path.Combine(_root, kind + "-" + Convert.ToHexStringLower(mac) + ".json");
    }

    private static string? ReadPointer(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var pointer = JsonSerializer.Deserialize<Pointer>(File.ReadAllBytes(path), EvidenceJson.Options);
        return pointer is { F: Format } && EvidenceVault.IsValidId(pointer.ObjectId)
            ? pointer.ObjectId
            : throw new EvidenceVaultException($"evidence index entry '{Path.GetFileName(path)}' is damaged");
    }

    private void WritePointer(string path, string objectId) =>
        EvidenceJson.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(new Pointer(Format, objectId, _time.GetUtcNow()), EvidenceJson.Options));

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize<IndexKey>(File.ReadAllBytes(path), EvidenceJson.Options);
            return stored is { F: Format } ? Convert.FromBase64String(stored.Key) : throw new EvidenceVaultException($"'{path}' is not a {Format} key file");
        }
        var key = RandomNumberGenerator.GetBytes(32);
        EvidenceJson.WriteOnce(path, JsonSerializer.SerializeToUtf8Bytes(new IndexKey(Format, Convert.ToBase64String(key)), EvidenceJson.Options));
        return key;
    }

    private sealed record Pointer(string F, string ObjectId, DateTimeOffset UpdatedAt);

    private sealed record IndexKey(string F, string Key);
}
