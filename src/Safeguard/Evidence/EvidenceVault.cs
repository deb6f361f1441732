// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Safeguard.Evidence;

/// <summary>What an evidence object is; decides which retention clock applies.</summary>
public enum EvidenceKind
{
    /// <summary>Reported content: files, transcripts, assessment material.</summary>
    Content,

    /// <summary>The data sent to an authority (request documents, drafts, packages).</summary>
    SubmittedData,

    /// <summary>An authority's reference or receipt for a report.</summary>
    AuthorityReference,
}

/// <summary>
/// How long each kind is kept once its clock starts (defaults: content and submitted data one year,
/// authority references five years; the specs count from the date of sending or of issue).
/// The defaults round up to whole days including leap days, because these are minimums.
/// </summary>
public sealed record RetentionPolicy
{
    public TimeSpan Content { get; init; } = TimeSpan.FromDays(366);

    public TimeSpan SubmittedData { get; init; } = TimeSpan.FromDays(366);

    public TimeSpan AuthorityReference { get; init; } = TimeSpan.FromDays((5 * 365) + 2);

    public TimeSpan For(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Content => Content,
        EvidenceKind.SubmittedData => SubmittedData,
        EvidenceKind.AuthorityReference => AuthorityReference,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>A legal hold on an object: while any is present the object cannot be deleted.</summary>
public sealed record LegalHold(string Id, string Reason, DateTimeOffset PlacedAt, string PlacedBy);

/// <summary>The record of a real deletion; the object's metadata is kept as a tombstone.</summary>
public sealed record EvidenceDeletion(DateTimeOffset At, string ApprovedBy, string Reason);

/// <summary>What the vault knows about an object, without its content.</summary>
public sealed record EvidenceObjectInfo(
    string Id,
    EvidenceKind Kind,
    DateTimeOffset CreatedAt,
    long Length,
    string Sha256,
    string KeyId,
    DateTimeOffset? RetainUntil,
    IReadOnlyList<LegalHold> Holds,
    EvidenceDeletion? Deleted)
{
    /// <summary>True once the object's content has been destroyed.</summary>
    public bool IsDeleted => Deleted is not null;
}

/// <summary>The evidence vault: encrypted, retained, held, audited storage of reported material.</summary>
public interface IEvidenceVault
{
    /// <summary>Stores <paramref name="content"/> encrypted; retention does not run until <see cref="StartRetention"/>.</summary>
    EvidenceObjectInfo Put(ReadOnlySpan<byte> content, EvidenceKind kind, string actor);

    /// <summary>Decrypts an object; every call is recorded in the audit sink with actor and purpose.</summary>
    byte[] Read(string id, string actor, string purpose);

    /// <summary>The object's metadata (no content, not audited).</summary>
    EvidenceObjectInfo GetInfo(string id);

    /// <summary>Every object, deleted ones included as tombstones.</summary>
    IReadOnlyList<EvidenceObjectInfo> List();

    /// <summary>Starts (or extends) the object's retention clock from <paramref name="from"/>; the longest clock wins.</summary>
    EvidenceObjectInfo StartRetention(string id, DateTimeOffset from, string actor);

    /// <summary>Places a legal hold; deletion is suspended until every hold is released.</summary>
    EvidenceObjectInfo PlaceHold(string id, string holdId, string reason, string actor);

    /// <summary>Releases one hold.</summary>
    EvidenceObjectInfo ReleaseHold(string id, string holdId, string actor);

    /// <summary>Objects whose retention has run out and that carry no hold: the deletion proposal.</summary>
    IReadOnlyList<EvidenceObjectInfo> FindExpired();

    /// <summary>Destroys an expired, unheld object (file removed, key erased) and records who approved it.</summary>
    EvidenceObjectInfo DeleteExpired(string id, string approvedBy);

    /// <summary>Re-wraps every object key with the ring's current master key; returns how many changed.</summary>
    int RewrapObjectKeys(string actor);
}

/// <summary>Something about the vault or one of its objects is wrong; the message says what.</summary>
public class EvidenceVaultException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An object's ciphertext, key or content failed authentication: it was altered on disk.</summary>
public sealed class EvidenceTamperedException(string message, Exception? inner = null) : EvidenceVaultException(message, inner);

/// <summary>
/// A file-system <see cref="IEvidenceVault"/> (layout and byte format "Evidence vault, version 1" in
/// docs/formats.md). Each object is encrypted with its own random AES-256-GCM key; that key is stored
/// wrapped (AES-256-GCM) by a master key named by id, so rotating the master key rewrites small
/// metadata files only. One process owns a vault directory at a time.
/// </summary>
public sealed class EvidenceVault : IEvidenceVault
{
    /// <summary>Magic at the start of each ciphertext file and in its associated data.</summary>
    public const string BlobMagic = "SGVAULT1";

    /// <summary>The format tag of each metadata file.</summary>
    public const string MetadataFormat = "safeguard.vault.object/1";

    /// <summary>The format tag of the vault's marker file.</summary>
    public const string VaultFormat = "safeguard.vault/1";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string KeyWrapLabel = "SGVKEY1";

    private static readonly byte[] BlobHeader = Encoding.ASCII.GetBytes(BlobMagic);

    private readonly string _objects;
    private readonly MasterKeyRing _keys;
    private readonly IAuditSink _audit;
    private readonly TimeProvider _time;
    private readonly RetentionPolicy _retention;
    private readonly Lock _gate = new();

    public EvidenceVault(string root, MasterKeyRing keys, IAuditSink audit, TimeProvider? time = null, RetentionPolicy? retention = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _time = time ?? TimeProvider.System;
        _retention = retention ?? new RetentionPolicy();
        Root = Path.GetFullPath(root);
        _objects = Path.Combine(Root, "objects");
        Directory.CreateDirectory(_objects);
        string marker = Path.Combine(Root, "vault.json");
        if (File.Exists(marker))
        {
            var format = JsonSerializer.Deserialize<VaultMarker>(File.ReadAllBytes(marker), EvidenceJson.Options);
            if (format?.Format != VaultFormat)
            {
                throw new EvidenceVaultException($"'{Root}' is not a {VaultFormat} vault (found '{format?.Format}')");
            }
        }
        else
        {
            EvidenceJson.WriteAtomically(marker, JsonSerializer.SerializeToUtf8Bytes(new VaultMarker(VaultFormat), EvidenceJson.Options));
        }
    }

    /// <summary>The vault directory.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public EvidenceObjectInfo Put(ReadOnlySpan<byte> content, EvidenceKind kind, string actor)
    {
        string id = Guid.NewGuid().ToString("N");
        byte[] objectKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            byte[] blob = Encrypt(objectKey, content, BlobAad(id), BlobHeader);
            var meta = new ObjectMetadata
            {
                Format = MetadataFormat,
                Id = id,
                Kind = kind,
                CreatedAt = _time.GetUtcNow(),
                Length = content.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
                KeyId = _keys.CurrentId,
                WrappedKey = Convert.ToBase64String(Encrypt(_keys.Current, objectKey, WrapAad(id, _keys.CurrentId), [])),
                Holds = [],
            };
            lock (_gate)
            {
                // Ciphertext first, then metadata: a crash between them leaves an orphan blob, never
                // metadata that points at nothing.
                EvidenceJson.WriteOnce(BlobPath(id), blob);
                SaveMetadata(meta);
                Audit("evidence.stored", actor, id, null);
            }
            return meta.ToInfo();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(objectKey);
        }
    }

    /// <inheritdoc/>
    public byte[] Read(string id, string actor, string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        lock (_gate)
        {
            var meta = LoadMetadata(id);
            if (meta.Deleted is not null)
            {
                Audit("evidence.read-refused", actor, id, purpose);
                throw new EvidenceVaultException($"evidence object {id} was deleted on {HashChainTime(meta.Deleted.At)}");
            }
            // The read is recorded before the content leaves the vault, so no read goes unlogged.
            Audit("evidence.read", actor, id, purpose);
            byte[] objectKey = UnwrapKey(meta);
            try
            {
                byte[] blob;
                try
                {
                    blob = File.ReadAllBytes(BlobPath(id));
                }
                catch (FileNotFoundException e)
                {
                    throw new EvidenceTamperedException($"evidence object {id}: ciphertext file is missing", e);
                }
                byte[] plain = Decrypt(objectKey, blob, BlobAad(id), BlobHeader, $"evidence object {id}: ciphertext");
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(plain)), meta.Sha256, StringComparison.Ordinal))
                {
                    throw new EvidenceTamperedException($"evidence object {id}: content does not match its recorded SHA-256");
                }
                return plain;
            }
            catch (EvidenceTamperedException)
            {
                Audit("evidence.tamper-detected", actor, id, purpose);
                throw;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(objectKey);
            }
        }
    }

    /// <inheritdoc/>
    public EvidenceObjectInfo GetInfo(string id)
    {
        lock (_gate)
        {
            return LoadMetadata(id).ToInfo();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<EvidenceObjectInfo> List()
    {
        lock (_gate)
        {
            return [.. Directory.EnumerateFiles(_objects, "*.json")
                .Select(p => Path.GetFileNameWithoutExtension(p))
                .Where(IsValidId)
                .Order(StringComparer.Ordinal)
                .Select(id => LoadMetadata(id).ToInfo())];
        }
    }

    /// <inheritdoc/>
    public EvidenceObjectInfo StartRetention(string id, DateTimeOffset from, string actor) => Update(id, meta =>
    {
        var until = from + _retention.For(meta.Kind);
        if (meta.RetainUntil is null || until > meta.RetainUntil)
        {
            meta.RetainUntil = until;
        }
        Audit("evidence.retention", actor, id, "until " + HashChainTime(meta.RetainUntil.Value));
    });

    /// <inheritdoc/>
    public EvidenceObjectInfo PlaceHold(string id, string holdId, string reason, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holdId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Update(id, meta =>
        {
            if (meta.Deleted is not null)
            {
                throw new EvidenceVaultException($"evidence object {id} was already deleted; a hold cannot bring it back");
            }
            if (meta.Holds.All(h => h.Id != holdId))
            {
                meta.Holds.Add(new LegalHold(holdId, reason, _time.GetUtcNow(), actor));
            }
            Audit("evidence.hold-placed", actor, id, holdId);
        });
    }

    /// <inheritdoc/>
    public EvidenceObjectInfo ReleaseHold(string id, string holdId, string actor) => Update(id, meta =>
    {
        if (meta.Holds.RemoveAll(h => h.Id == holdId) == 0)
        {
            throw new EvidenceVaultException($"evidence object {id} has no hold '{holdId}'");
        }
        Audit("evidence.hold-released", actor, id, holdId);
    });

    /// <inheritdoc/>
    public IReadOnlyList<EvidenceObjectInfo> FindExpired()
    {
        var now = _time.GetUtcNow();
        return [.. List().Where(o => o.Deleted is null && o.RetainUntil is { } until && until <= now && o.Holds.Count == 0)];
    }

    /// <inheritdoc/>
    public EvidenceObjectInfo DeleteExpired(string id, string approvedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(approvedBy);
        return Update(id, meta =>
        {
            var now = _time.GetUtcNow();
            if (meta.Deleted is not null)
            {
                return;
            }
            if (meta.Holds.Count > 0)
            {
                throw new EvidenceVaultException($"evidence object {id} is under legal hold ({string.Join(", ", meta.Holds.Select(h => h.Id))}); deletion is suspended");
            }
            if (meta.RetainUntil is null || meta.RetainUntil > now)
            {
                string until = meta.RetainUntil is { } u ? "until " + HashChainTime(u) : "with no retention clock started";
                throw new EvidenceVaultException($"evidence object {id} is still retained {until}");
            }
            File.Delete(BlobPath(id));
            // Erasing the wrapped key too makes any surviving copy of the ciphertext unreadable.
            meta.WrappedKey = null;
            meta.Deleted = new EvidenceDeletion(now, approvedBy, "retention expired");
            Audit("evidence.deleted", approvedBy, id, "retention expired");
        });
    }

    /// <inheritdoc/>
    public int RewrapObjectKeys(string actor)
    {
        int changed = 0;
        foreach (var info in List())
        {
            if (info.IsDeleted || info.KeyId == _keys.CurrentId)
            {
                continue;
            }
            Update(info.Id, meta =>
            {
                byte[] objectKey = UnwrapKey(meta);
                try
                {
                    meta.WrappedKey = Convert.ToBase64String(Encrypt(_keys.Current, objectKey, WrapAad(meta.Id, _keys.CurrentId), []));
                    meta.KeyId = _keys.CurrentId;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(objectKey);
                }
                Audit("evidence.key-rewrapped", actor, meta.Id, _keys.CurrentId);
            });
            changed++;
        }
        return changed;
    }

    private EvidenceObjectInfo Update(string id, Action<ObjectMetadata> change)
    {
        lock (_gate)
        {
            var meta = LoadMetadata(id);
            change(meta);
            SaveMetadata(meta);
            return meta.ToInfo();
        }
    }

    private byte[] UnwrapKey(ObjectMetadata meta)
    {
        if (!_keys.TryGet(meta.KeyId, out var master))
        {
            throw new EvidenceVaultException($"evidence object {meta.Id} is wrapped by master key '{meta.KeyId}', which is not in the key ring");
        }
        byte[] wrapped;
        try
        {
            wrapped = Convert.FromBase64String(meta.WrappedKey ?? "");
        }
        catch (FormatException e)
        {
            throw new EvidenceTamperedException($"evidence object {meta.Id}: wrapped key is not base64", e);
        }
        return Decrypt(master, wrapped, WrapAad(meta.Id, meta.KeyId), [], $"evidence object {meta.Id}: wrapped key");
    }

    /// <summary>Seals <paramref name="plain"/> as header ‖ nonce ‖ tag ‖ ciphertext.</summary>
    private static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plain, byte[] aad, ReadOnlySpan<byte> header)
    {
        byte[] output = new byte[header.Length + NonceSize + TagSize + plain.Length];
        header.CopyTo(output);
        var nonce = output.AsSpan(header.Length, NonceSize);
        var tag = output.AsSpan(header.Length + NonceSize, TagSize);
        var cipher = output.AsSpan(header.Length + NonceSize + TagSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plain, cipher, tag, aad);
        return output;
    }

    private static byte[] Decrypt(byte[] key, byte[] sealedBytes, byte[] aad, ReadOnlySpan<byte> header, string what)
    {
        if (sealedBytes.Length < header.Length + NonceSize + TagSize || !sealedBytes.AsSpan(0, header.Length).SequenceEqual(header))
        {
            throw new EvidenceTamperedException($"{what} is truncated or not in vault format 1");
        }
        var nonce = sealedBytes.AsSpan(header.Length, NonceSize);
        var tag = sealedBytes.AsSpan(header.Length + NonceSize, TagSize);
        var cipher = sealedBytes.AsSpan(header.Length + NonceSize + TagSize);
        byte[] plain = new byte[cipher.Length];
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(nonce, cipher, tag, plain, aad);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new EvidenceTamperedException($"{what} failed authentication (altered or wrong key)", e);
        }
        return plain;
    }

    /// <summary>Associated data of an object's ciphertext: binds it to its id, so blobs cannot be swapped.</summary>
    private static byte[] BlobAad(string id) => Encoding.ASCII.GetBytes(BlobMagic + id);

    /// <summary>Associated data of a wrapped key: binds it to the object and to the master key id.</summary>
    private static byte[] WrapAad(string id, string keyId) => Encoding.ASCII.GetBytes(KeyWrapLabel + id + "/" + keyId);

    private string BlobPath(string id) => Path.Combine(_objects, id + ".blob");

    private string MetaPath(string id) => Path.Combine(_objects, id + ".json");

    private ObjectMetadata LoadMetadata(string id)
    {
        if (!IsValidId(id))
        {
            throw new EvidenceVaultException("an evidence object id is 32 lowercase hex digits");
        }
        string path = MetaPath(id);
        if (!File.Exists(path))
        {
            throw new EvidenceVaultException($"no evidence object {id}");
        }
        try
        {
            var meta = JsonSerializer.Deserialize<ObjectMetadata>(File.ReadAllBytes(path), EvidenceJson.Options);
            if (meta is null || meta.Format != MetadataFormat || meta.Id != id)
            {
                throw new EvidenceTamperedException($"evidence object {id}: metadata is not {MetadataFormat} for this id");
            }
            return meta;
        }
        catch (JsonException e)
        {
            throw new EvidenceTamperedException($"evidence object {id}: metadata is not valid JSON", e);
        }
    }

    private void SaveMetadata(ObjectMetadata meta) =>
        EvidenceJson.WriteAtomically(MetaPath(meta.Id), JsonSerializer.SerializeToUtf8Bytes(meta, EvidenceJson.Indented));

    private void Audit(string kind, string actor, string id, string? detail)
    {
        string payload = JsonSerializer.Serialize(new AuditPayload(id, actor, detail), EvidenceJson.Options);
        _audit.Append(_time.GetUtcNow(), kind, payload);
    }

    private static string HashChainTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static bool IsValidId(string? id) =>
        id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private sealed record VaultMarker(string Format);

    private sealed record AuditPayload(string Object, string Actor, string? Detail);

    private sealed class ObjectMetadata
    {
        public string Format { get; set; } = "";

        public string Id { get; set; } = "";

        public EvidenceKind Kind { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public long Length { get; set; }

        public string Sha256 { get; set; } = "";

        public string KeyId { get; set; } = "";

        public string? WrappedKey { get; set; }

        public DateTimeOffset? RetainUntil { get; set; }

        public List<LegalHold> Holds { get; set; } = [];

        public EvidenceDeletion? Deleted { get; set; }

        public EvidenceObjectInfo ToInfo() => new(Id, Kind, CreatedAt, Length, Sha256, KeyId, RetainUntil, [.. Holds], Deleted);
    }
}
