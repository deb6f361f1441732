// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Cases;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>
/// Case thumbnails kept in the evidence vault: encrypted at rest, and every load for a reviewer is an
/// audited read. The reference is the vault object id; the stored bytes are the content type's
/// name, a newline and the image, so the type survives without a second object.
/// </summary>
public sealed class VaultThumbnailStore(IEvidenceVault vault, string actor = "case-intake") : IThumbnailStore
{
    public Task<string> PutAsync(Thumbnail thumbnail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        if (Thumbnail.Sniff(thumbnail.Bytes) is not { } type)
        {
            throw new ArgumentException("a thumbnail must be a PNG or JPEG still", nameof(thumbnail));
        }
        byte[] header = Encoding.ASCII.GetBytes(type + "\n");
        return Task.FromResult(vault.Put([.. header, .. thumbnail.Bytes], EvidenceKind.Content, actor).Id);
    }

    public Task<Thumbnail?> GetAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (!EvidenceVault.IsValidId(reference))
        {
            return Task.FromResult<Thumbnail?>(null);
        }
        byte[] stored;
        try
        {
            stored = vault.Read(reference, actor: "console", purpose: "review thumbnail");
        }
        catch (EvidenceVaultException e) when (e is not EvidenceTamperedException)
        {
            return Task.FromResult<Thumbnail?>(null);
        }
        int newline = Array.IndexOf(stored, (byte)'\n');
        var bytes = stored[(newline + 1)..];
        return Task.FromResult<Thumbnail?>(newline > 0 && Thumbnail.Sniff(bytes) is { } type ? new Thumbnail(bytes, type) : null);
    }
}
